import { describe, expect, it } from 'vitest';
import { tanhDiffSqOverGap, tanhMoments1, tanhMoments2 } from '../../../src/math/quadrature.ts';
import { report } from './_support.ts';

// References: the trapezoid rule on the whole line, which for an integrand analytic in the strip
// |Im z| < δ converges like exp(−2πδ/h) (Trefethen & Weideman 2014, SIAM Review 56(3)). With
// δ = π/(2√q) >= 0.157 for q <= 100 and h = 24/80000, that bound is e^{−3000}: the reference is
// exact to round-off, and entirely independent of the graded Gauss–Legendre rule under test.
const SQRT_2PI = Math.sqrt(2 * Math.PI);

function trap1(q: number, n = 80001) {
  const s = Math.sqrt(q);
  const L = 12;
  const h = (2 * L) / (n - 1);
  let f2 = 0;
  let d2 = 0;
  let d1 = 0;
  for (let i = 0; i < n; i++) {
    const z = -L + i * h;
    const w = (h * Math.exp(-0.5 * z * z)) / SQRT_2PI;
    const t = Math.tanh(s * z);
    f2 += w * t * t;
    d2 += w * (1 - t * t) ** 2;
    d1 += w * (1 - t * t);
  }
  return { f2, d2, d1 };
}

/** 2-D trapezoid in (z1, z2), N² points (h = 0.0085: exp(−2π·0.157/h) ≈ 1e-50). */
function trap2(q1: number, q2: number, c: number, n = 2001) {
  const L = 8.5;
  const h = (2 * L) / (n - 1);
  const s1 = Math.sqrt(q1);
  const rho = c / Math.sqrt(q1 * q2);
  const a = Math.sqrt(q2) * rho;
  const b = Math.sqrt(q2) * Math.sqrt(1 - rho * rho);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = -L + i * h;
    w[i] = (h * Math.exp(-0.5 * z[i] * z[i])) / SQRT_2PI;
  }
  let ff = 0;
  let dd = 0;
  let diff = 0;
  for (let i = 0; i < n; i++) {
    const tu = Math.tanh(s1 * z[i]);
    let sf = 0;
    let sd = 0;
    let sx = 0;
    for (let j = 0; j < n; j++) {
      const tv = Math.tanh(a * z[i] + b * z[j]);
      sf += w[j] * tv;
      sd += w[j] * (1 - tv * tv);
      sx += w[j] * (tu - tv) ** 2;
    }
    ff += w[i] * tu * sf;
    dd += w[i] * (1 - tu * tu) * sd;
    diff += w[i] * sx;
  }
  return { ff, dd, diff };
}

describe('tanh Gaussian moments: graded Gauss–Legendre vs trapezoid references', () => {
  it('1-D moments are accurate to 1e-6 relative for variances up to 100 (measured: < 1e-8)', () => {
    let worst = 0;
    for (const q of [1e-8, 1e-4, 0.01, 0.1, 0.5, 1, 2, 4, 8, 16, 25, 40, 64, 81, 100]) {
      const got = tanhMoments1(q);
      const ref = trap1(q);
      for (const key of ['f2', 'd2', 'd1'] as const) {
        const err = Math.abs(got[key] - ref[key]) / ref[key];
        worst = Math.max(worst, err);
        expect(err, `${key} at q = ${q}`).toBeLessThan(1e-6);
      }
      expect(Math.abs(got.f2OverQ * q - got.f2) / got.f2).toBeLessThan(1e-12);
    }
    expect(worst).toBeLessThan(1e-8);
    report('tanh 1-D quadrature, q <= 100 (rel)', worst);
  });

  it('2-D moments are accurate to 1e-6 for variances up to 100 (measured: < 1e-8)', () => {
    let worst = 0;
    const cases: [number, number, number][] = [
      [100, 100, 0.9],
      [100, 100, -0.5],
      [100, 30, 0.999],
      [0.2, 100, 0.6],
      [4, 9, 0.2],
      [1, 1, 0.99999],
    ];
    for (const [q1, q2, r] of cases) {
      const c = r * Math.sqrt(q1 * q2);
      const got = tanhMoments2(q1, q2, c);
      const ref = trap2(q1, q2, c);
      const scale = Math.sqrt(tanhMoments1(q1).f2 * tanhMoments1(q2).f2); // |E[φφ]| <= scale
      const eff = Math.abs(got.ff - ref.ff) / scale;
      const edd = Math.abs(got.dd - ref.dd) / ref.dd;
      worst = Math.max(worst, eff, edd);
      expect(eff, `ff at ${[q1, q2, r]}`).toBeLessThan(1e-6);
      expect(edd, `dd at ${[q1, q2, r]}`).toBeLessThan(1e-6);
      if (q1 === q2) {
        const dsq = tanhDiffSqOverGap(q1, r) * (1 - r);
        const e = Math.abs(dsq - ref.diff) / ref.diff;
        worst = Math.max(worst, e);
        expect(e, `diff² at ${[q1, r]}`).toBeLessThan(1e-6);
      }
    }
    expect(worst).toBeLessThan(1e-8);
    report('tanh 2-D quadrature, q <= 100 (rel)', worst);
  });

  it('the 2-D rule reduces to the 1-D one on the diagonal and at zero variance', () => {
    for (const q of [0.3, 7, 100]) {
      const one = tanhMoments1(q);
      const two = tanhMoments2(q, q, q);
      expect(Math.abs(two.ff - one.f2) / one.f2).toBeLessThan(1e-12);
      expect(Math.abs(two.dd - one.d2) / one.d2).toBeLessThan(1e-12);
      const anti = tanhMoments2(q, q, -q);
      expect(Math.abs(anti.ff + one.f2) / one.f2).toBeLessThan(1e-12);
      expect(tanhMoments2(0, q, 0)).toEqual({ ff: 0, dd: one.d1 });
    }
  });

  it('the difference form has no cancellation near correlation 1', () => {
    // slope of E[(φ1 − φ2)²]/(2(1 − ρ)) as ρ → 1 is E[φ'(u)²]·q (first-order Taylor)
    for (const q of [0.5, 10]) {
      const lim = tanhMoments1(q).d2 * q;
      const near = tanhDiffSqOverGap(q, 1 - 1e-12) / 2;
      expect(Math.abs(near - lim) / lim).toBeLessThan(1e-6);
    }
  });
});
