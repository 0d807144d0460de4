import { describe, expect, it } from 'vitest';
import { gpLogMarginalLikelihoodGradient, gpPosterior, kernelMatrix } from '../../../src/math/index.ts';
import type { KernelSpec } from '../../../src/math/index.ts';
import { kernelMatrixGradients } from '../../../src/math/kernelgrad.ts';
import { tanhPartials1, tanhPartials2 } from '../../../src/math/quadrature.ts';
import { report, Rng } from './_support.ts';

// Finite-difference references. Away from a boundary: Richardson-extrapolated central differences,
// R = (4 D(h/2) − D(h))/3 with D(h) = (f(θ + h) − f(θ − h))/(2h), truncation O(h⁴). At a parameter
// that is 0 (offset, sigmaB2, sigmaW2; the kernel is only defined for >= 0): the one-sided
// second-order difference F(h) = (−3f(0) + 4f(h) − f(2h))/(2h), Richardson-extrapolated to O(h³)
// as (4F(h/2) − F(h))/3. Steps: h = STEP·max(|θ|, 0.1) with STEP = 1e-3 inside, h = STEP0 = 1e-6
// at 0, where the log likelihood is far more curved (the slopes there reach 3000, and the relu
// NTK's Θ has a (σw²)^{3/2} term at σw² = 0). The round-off in f (1e-15 relative, ~1e-9 for the
// tanh quadrature) over h stays below the tolerances asserted.
//
// For tanh the reference is limited by the kernel value itself: its 8-point quadrature is accurate
// to ~1e-9 but its error varies with the hyperparameters, and that slope reaches ~4e-7 of the
// smaller gradient components (rerun with 16-point quadrature for the value, the differences agree
// with the gradient to 2e-9). The derivative integrals themselves are checked against trapezoid
// references at the end of this file.
const STEP = 1e-3;
const STEP0 = 1e-6;

function derivative(f: (t: number) => number, theta: number, step = STEP): number {
  if (theta === 0) {
    const F = (s: number) => (-3 * f(0) + 4 * f(s) - f(2 * s)) / (2 * s);
    return (4 * F(STEP0 / 2) - F(STEP0)) / 3;
  }
  const h = step * Math.max(Math.abs(theta), 0.1);
  const D = (s: number) => (f(theta + s) - f(theta - s)) / (2 * s);
  return (4 * D(h / 2) - D(h)) / 3;
}

const lml = (xTrain: number[][], yTrain: number[], kernel: KernelSpec, noise: number): number =>
  gpPosterior({ xTrain, yTrain, xTest: [], kernel, noise }).logMarginalLikelihood;

const EXPECTED_KEYS: Record<KernelSpec['kind'], string[]> = {
  rbf: ['lengthScale', 'variance', 'noise'],
  linear: ['variance', 'offset', 'noise'],
  polynomial: ['variance', 'offset', 'noise'],
  periodic: ['lengthScale', 'variance', 'period', 'noise'],
  nngp: ['sigmaW2', 'sigmaB2', 'noise'],
  ntk: ['sigmaW2', 'sigmaB2', 'noise'],
};

/** Largest |gradient − finite difference| / max(|finite difference|, 1e-2) over every key. */
function gradientError(xTrain: number[][], yTrain: number[], kernel: KernelSpec, noise: number, step = STEP): number {
  const g = gpLogMarginalLikelihoodGradient({ xTrain, yTrain, kernel, noise });
  expect(Object.keys(g.gradient)).toEqual(EXPECTED_KEYS[kernel.kind]);
  expect(g.value).toBe(lml(xTrain, yTrain, kernel, noise));
  let worst = 0;
  for (const key of Object.keys(g.gradient)) {
    const fd =
      key === 'noise'
        ? derivative((t) => lml(xTrain, yTrain, kernel, t), noise, step)
        : derivative((t) => lml(xTrain, yTrain, { ...kernel, [key]: t } as KernelSpec, noise), (kernel as unknown as Record<string, number>)[key], step);
    const err = Math.abs(g.gradient[key] - fd) / Math.max(Math.abs(fd), 1e-2);
    expect(Number.isFinite(g.gradient[key])).toBe(true);
    expect(err, `${JSON.stringify(kernel)} ∂/∂${key}: ${g.gradient[key]} vs ${fd}`).toBeLessThan(kernel.kind !== 'nngp' && kernel.kind !== 'ntk' ? 1e-8 : kernel.activation === 'tanh' ? 1e-6 : 1e-8);
    worst = Math.max(worst, err);
  }
  return worst;
}

const rng = new Rng(31);
const X1 = Array.from({ length: 7 }, () => [3 * rng.uniform() - 1.5]);
const y1 = X1.map(([a]) => Math.sin(2 * a) + 0.3 * a);
const X2 = Array.from({ length: 6 }, () => [2 * rng.uniform() - 1, 2 * rng.uniform() - 1]);
// a duplicated input exercises the k(x, x) path off the diagonal
X2.push([...X2[2]]);
const y2 = X2.map(([a, b]) => Math.cos(2 * a) + 0.5 * b);

describe('gpLogMarginalLikelihoodGradient: classical kernels against finite differences', () => {
  it('rbf, linear, polynomial, periodic, including offset = 0 (1e-8 relative; STEP = 1e-4 here)', () => {
    let worst = 0;
    const cases: [KernelSpec, number[][], number[], number][] = [
      [{ kind: 'rbf', lengthScale: 0.7, variance: 1.3 }, X2, y2, 0.05],
      [{ kind: 'rbf', lengthScale: 2.5, variance: 0.4 }, X1, y1, 0.2],
      [{ kind: 'linear', variance: 0.8, offset: 0.3 }, X2, y2, 0.1],
      [{ kind: 'linear', variance: 1.7, offset: 0 }, X1, y1, 0.1],
      [{ kind: 'polynomial', variance: 0.8, offset: 0.3, degree: 3 }, X2, y2, 0.1],
      [{ kind: 'polynomial', variance: 0.5, offset: 0, degree: 2 }, X1, y1, 0.1],
      [{ kind: 'polynomial', variance: 1.2, offset: 0.6, degree: 1 }, X1, y1, 0.3],
      [{ kind: 'periodic', lengthScale: 0.9, variance: 1.1, period: 1.7 }, X1, y1, 0.05],
      [{ kind: 'periodic', lengthScale: 1.6, variance: 0.6, period: 0.8 }, X1, y1, 0.05],
    ];
    // exact closed forms: a smaller step (the periodic kernel oscillates in its period)
    for (const [kernel, X, y, noise] of cases) worst = Math.max(worst, gradientError(X, y, kernel, noise, 1e-4));
    report('LML gradient, classical kernels vs finite differences (rel)', worst);
  });
});

describe('gpLogMarginalLikelihoodGradient: NNGP and NTK against finite differences', () => {
  for (const activation of ['relu', 'erf', 'tanh'] as const) {
    it(`${activation}: nngp and ntk, depths 1–3, sigmaB2 > 0 and sigmaB2 = 0 (${activation === 'tanh' ? '1e-6' : '1e-8'} relative)`, () => {
      let worst = 0;
      for (const kind of ['nngp', 'ntk'] as const) {
        for (const [depth, sigmaW2, sigmaB2] of [
          [3, 1.6, 0.2],
          [2, 2.5, 0],
          [1, 0.9, 0.4],
          ...(activation === 'tanh' ? [] : [[4, 1.2, 0.05]]),
        ]) {
          const kernel = { kind, activation, depth, sigmaW2, sigmaB2 };
          worst = Math.max(worst, gradientError(X2, y2, kernel, 0.05));
        }
      }
      report(`LML gradient, ${activation} nngp/ntk vs finite differences (rel)`, worst);
    });
  }

  it('tanh at large pre-activation variance (q up to ~100): dK/dh entrywise against finite differences (1e-6)', () => {
    const X = [[9, -2], [-7, 6], [3, 10], [9, -2.5]];
    let worst = 0;
    for (const kind of ['nngp', 'ntk'] as const) {
      const spec = { kind, activation: 'tanh', depth: 3, sigmaW2: 1.8, sigmaB2: 0.5 } as const;
      const dK = kernelMatrixGradients(spec, X, 2, 'test');
      ['sigmaW2', 'sigmaB2'].forEach((key, h) => {
        let scale = 0;
        for (const x of dK[h]) scale = Math.max(scale, Math.abs(x));
        for (let i = 0; i < X.length; i++) {
          for (let j = i; j < X.length; j++) {
            const fd = derivative((t) => kernelMatrix({ ...spec, [key]: t }, [X[i]], [X[j]])[0][0], spec[key as 'sigmaW2']);
            const err = Math.abs(dK[h][i * X.length + j] - fd) / Math.max(Math.abs(fd), 1e-3 * scale);
            worst = Math.max(worst, err);
            expect(err, `${kind} ${key} (${i}, ${j})`).toBeLessThan(1e-6);
          }
        }
      });
    }
    report('dK/dh tanh, q up to ~100, vs finite differences (rel)', worst);
  });

  it('σw² = 0 is differentiable too (the σw²-weighted dual terms vanish)', () => {
    for (const activation of ['relu', 'erf', 'tanh'] as const) {
      for (const kind of ['nngp', 'ntk'] as const) {
        const kernel = { kind, activation, depth: 3, sigmaW2: 0, sigmaB2: 0.5 };
        const g = gpLogMarginalLikelihoodGradient({ xTrain: X2, yTrain: y2, kernel, noise: 0.1 });
        const fd = derivative((t) => lml(X2, y2, { ...kernel, sigmaW2: t }, 0.1), 0);
        expect(Math.abs(g.gradient.sigmaW2 - fd) / Math.max(Math.abs(fd), 1e-2), `${kind} ${activation}`).toBeLessThan(1e-6);
        expect(Object.values(g.gradient).every(Number.isFinite)).toBe(true);
      }
    }
  });
});

describe('gpLogMarginalLikelihoodGradient: edge cases', () => {
  it('the relu NTK at sigmaB2 = 0 with collinear inputs is a RangeError naming sigmaB2', () => {
    const kernel = { kind: 'ntk', activation: 'relu', depth: 2, sigmaW2: 2, sigmaB2: 0 } as const;
    const y = [0.3, -0.2, 0.5, 1];
    for (const X of [
      [[1, 1], [2, 2], [0, 1], [1, 0]], // x1 = 2 x0
      [[1, 1], [0, 1], [-0.5, -0.5], [1, 0]], // anti-parallel
    ]) {
      const call = () => gpLogMarginalLikelihoodGradient({ xTrain: X, yTrain: y, kernel, noise: 0.1 });
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/kernel\.sigmaB2/);
      // the kernel itself is fine there, and so is the gradient once sigmaB2 > 0
      expect(Number.isFinite(gpPosterior({ xTrain: X, yTrain: y, xTest: [], kernel, noise: 0.1 }).logMarginalLikelihood)).toBe(true);
      const g = gpLogMarginalLikelihoodGradient({ xTrain: X, yTrain: y, kernel: { ...kernel, sigmaB2: 0.01 }, noise: 0.1 });
      expect(Object.values(g.gradient).every(Number.isFinite)).toBe(true);
    }
    // a duplicated input is not collinear in this sense: k(x, x) has a derivative
    const dup = gpLogMarginalLikelihoodGradient({ xTrain: [[1, 1], [1, 1], [0, 1], [1, 0]], yTrain: y, kernel, noise: 0.1 });
    expect(Object.values(dup.gradient).every(Number.isFinite)).toBe(true);
    // the relu NNGP's sigmaB2 slope is infinite at a zero input (0 is collinear with everything)
    const zero = () =>
      gpLogMarginalLikelihoodGradient({ xTrain: [[0, 0], [1, 2], [0, 1], [1, 0]], yTrain: y, kernel: { ...kernel, kind: 'nngp', depth: 3 }, noise: 0.1 });
    expect(zero).toThrow(/kernel\.sigmaB2/);
    // collinear nonzero inputs are fine for the NNGP, whose slope stays finite
    expect(gpLogMarginalLikelihoodGradient({ xTrain: [[1, 1], [2, 2], [0, 1], [1, 0]], yTrain: y, kernel: { ...kernel, kind: 'nngp' }, noise: 0.1 }).value).toBeLessThan(0);
  });

  it('no training data: value 0 and every key 0', () => {
    const g = gpLogMarginalLikelihoodGradient({ xTrain: [], yTrain: [], kernel: { kind: 'periodic', lengthScale: 1, variance: 1, period: 2 }, noise: 0.1 });
    expect(g).toEqual({ value: 0, gradient: { lengthScale: 0, variance: 0, period: 0, noise: 0 } });
  });

  it('n = 1 by hand: log N(y; 0, k + σ²) differentiated in the noise and the rbf variance', () => {
    // L = −y²/(2s) − ½ log(2πs), s = variance + noise: ∂L/∂s = y²/(2s²) − 1/(2s)
    const s = 1.3 + 0.2;
    const g = gpLogMarginalLikelihoodGradient({ xTrain: [[0.4]], yTrain: [1.7], kernel: { kind: 'rbf', lengthScale: 1, variance: 1.3 }, noise: 0.2 });
    const dL = 1.7 ** 2 / (2 * s * s) - 1 / (2 * s);
    expect(g.gradient.noise).toBeCloseTo(dL, 14);
    expect(g.gradient.variance).toBeCloseTo(dL, 14);
    expect(g.gradient.lengthScale).toBe(0);
  });

  it('rejects bad input with an error naming the parameter', () => {
    const kernel: KernelSpec = { kind: 'linear', variance: 1, offset: 0 };
    const base = { xTrain: [[0], [1]], yTrain: [0, 1], kernel, noise: 0.1 };
    const f = (o: unknown) => () => gpLogMarginalLikelihoodGradient(o as Parameters<typeof gpLogMarginalLikelihoodGradient>[0]);
    expect(f(undefined)).toThrow(TypeError);
    expect(f(undefined)).toThrow(/options/);
    expect(f({ ...base, yTrain: [0] })).toThrow(/yTrain/);
    expect(f({ ...base, noise: -1 })).toThrow(/noise/);
    expect(f({ ...base, xTrain: [[0], [0, 1]] })).toThrow(/xTrain\[1\]/);
    expect(f({ ...base, kernel: { kind: 'linear', variance: 1, offset: -1 } })).toThrow(/kernel\.offset/);
    expect(f({ ...base, kernel: { kind: 'ntk', activation: 'relu', depth: 0, sigmaW2: 1, sigmaB2: 0 } })).toThrow(/kernel\.depth/);
    // not PSD (the 2-D periodic example of kernels-classical.test.ts) and no noise
    const periodic = { kind: 'periodic', lengthScale: 1, variance: 1, period: 1 };
    expect(f({ xTrain: [[0, 0], [1, 0], [0, 0.5]], yTrain: [0, 1, 0], kernel: periodic, noise: 0 })).toThrow(/K\(xTrain, xTrain\)/);
  });
});

// Trapezoid references for the derivative integrands, as in quadrature.test.ts: exact to round-off
// for these integrands, which are analytic in the strip |Im z| < π/(2√q).
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const jet = (x: number): [number, number, number, number] => {
  const t = Math.tanh(x);
  const s = 1 - t * t;
  return [t, s, -2 * t * s, -2 * s * (1 - 3 * t * t)];
};

function trapPartials1(q: number, n = 80001) {
  const s = Math.sqrt(q);
  const h = 24 / (n - 1);
  let f2Q = 0;
  let d2Q = 0;
  for (let i = 0; i < n; i++) {
    const z = -12 + i * h;
    const w = (h * Math.exp(-0.5 * z * z)) / SQRT_2PI;
    const [t, d1, d2, d3] = jet(s * z);
    f2Q += w * (d1 * d1 + t * d2);
    d2Q += w * (d2 * d2 + d1 * d3);
  }
  return { f2Q, d2Q };
}

function trapPartials2(q1: number, q2: number, c: number, n = 1601) {
  const L = 8.5;
  const h = (2 * L) / (n - 1);
  const s1 = Math.sqrt(q1);
  const rho = c / Math.sqrt(q1 * q2);
  const a = Math.sqrt(q2) * rho;
  const b = Math.sqrt(q2) * Math.sqrt(1 - rho * rho);
  const z = Array.from({ length: n }, (_, i) => -L + i * h);
  const w = z.map((x) => (h * Math.exp(-0.5 * x * x)) / SQRT_2PI);
  const r = { ffQ1: 0, ffQ2: 0, ddC: 0, ddQ1: 0, ddQ2: 0 };
  for (let i = 0; i < n; i++) {
    const U = jet(s1 * z[i]);
    const m = [0, 0, 0, 0];
    for (let j = 0; j < n; j++) {
      const V = jet(a * z[i] + b * z[j]);
      for (let k = 0; k < 4; k++) m[k] += w[j] * V[k];
    }
    r.ffQ1 += (w[i] * U[2] * m[0]) / 2;
    r.ffQ2 += (w[i] * U[0] * m[2]) / 2;
    r.ddC += w[i] * U[2] * m[2];
    r.ddQ1 += (w[i] * U[3] * m[1]) / 2;
    r.ddQ2 += (w[i] * U[1] * m[3]) / 2;
  }
  return r;
}

describe('tanh derivative integrals (Price’s theorem) against trapezoid references', () => {
  it('1-D: dE[tanh²]/dq and dE[tanh′²]/dq to 1e-6 relative for q up to 100', () => {
    let worst = 0;
    for (const q of [1e-6, 0.01, 0.3, 1, 4, 16, 40, 81, 100]) {
      const got = tanhPartials1(q);
      const ref = trapPartials1(q);
      for (const key of ['f2Q', 'd2Q'] as const) {
        const err = Math.abs(got[key] - ref[key]) / Math.abs(ref[key]);
        worst = Math.max(worst, err);
        expect(err, `${key} at q = ${q}`).toBeLessThan(1e-6);
      }
    }
    expect(tanhPartials1(0)).toEqual({ f2: 0, d2: 1, f2Q: 1, d2Q: -2 });
    report('tanh 1-D variance derivatives vs trapezoid (rel)', worst);
  });

  it('2-D: ∂/∂q1, ∂/∂q2, ∂/∂c of E[φφ] and E[φ′φ′] to 1e-6 of their scale for variances up to 100', () => {
    let worst = 0;
    for (const [q1, q2, r] of [
      [1, 1, 0.3],
      [2, 0.5, -0.7],
      [0.1, 3, 0.95],
      [100, 100, 0.9],
      [100, 1, -0.3],
      [64, 64, -0.99],
    ]) {
      const c = r * Math.sqrt(q1 * q2);
      const got = tanhPartials2(q1, q2, c);
      const ref = trapPartials2(q1, q2, c);
      const scale = Math.max(...Object.values(ref).map(Math.abs));
      for (const key of Object.keys(ref) as (keyof typeof ref)[]) {
        const err = Math.abs(got[key] - ref[key]) / Math.max(Math.abs(ref[key]), 1e-3 * scale);
        worst = Math.max(worst, err);
        expect(err, `${key} at ${[q1, q2, r]}`).toBeLessThan(1e-6);
      }
      // the swap symmetry q1 ↔ q2 (bit for bit when q1 ≠ q2, where the larger variance is always the outer one; to the quadrature error when q1 = q2)
      const swapped = tanhPartials2(q2, q1, c);
      expect(Math.abs(swapped.ffQ1 - got.ffQ2)).toBeLessThanOrEqual(1e-9 * scale);
      expect(Math.abs(swapped.ddQ2 - got.ddQ1)).toBeLessThanOrEqual(1e-9 * scale);
      if (q1 !== q2) expect(swapped.ffQ1).toBe(got.ffQ2);
    }
    report('tanh 2-D covariance derivatives vs trapezoid (rel)', worst);
  });
});
