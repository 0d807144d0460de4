import { describe, expect, it } from 'vitest';
import { correlationMap, meanField, meanFieldTrajectory } from '../../../src/math/index.ts';
import type { MeanFieldActivation } from '../../../src/math/index.ts';
import { erf, expect1D, expect2D, report } from './_support.ts';

const PHI: Record<MeanFieldActivation, (x: number) => number> = { tanh: Math.tanh, erf };

/** The maps of the contract, every expectation by the brute-force test quadrature (as in meanfield.test.ts). */
const qMap = (act: MeanFieldActivation, sw: number, sb: number, q: number): number => sw * expect1D((u) => PHI[act](u) ** 2, q, 100) + sb;
const q12Map = (act: MeanFieldActivation, sw: number, sb: number, q: number, c: number): number =>
  sw * expect2D(PHI[act], PHI[act], q, q, c * q, 30, 8) + sb;

describe('meanFieldTrajectory', () => {
  it('follows q^{l+1} = σw² E[φ²] + σb², c^{l+1} = q12^{l+1}/q^{l+1} (direct iteration with independent quadrature)', () => {
    let worstQ = 0;
    let worstC = 0;
    for (const act of ['tanh', 'erf'] as const) {
      for (const [sw, sb, q0, c0] of [
        [1.5, 0.1, 2, 0.3],
        [4, 0.05, 0.5, 0.9],
        [0.9, 0.3, 5, -0.6],
        [2.5, 0, 1, 0.99],
      ]) {
        const r = meanFieldTrajectory({ activation: act, sigmaW2: sw, sigmaB2: sb, q0, c0, depth: 5 });
        expect(r.q.length).toBe(6);
        expect(r.c.length).toBe(6);
        expect(r.q[0]).toBe(q0);
        expect(r.c[0]).toBe(c0);
        let q = q0;
        let c = c0;
        for (let l = 1; l <= 5; l++) {
          const qn = qMap(act, sw, sb, q);
          c = q12Map(act, sw, sb, q, c) / qn;
          q = qn;
          const eq = Math.abs(r.q[l] - q) / q;
          const ec = Math.abs(r.c[l] - c);
          worstQ = Math.max(worstQ, eq);
          worstC = Math.max(worstC, ec);
          expect(eq, `${act} q^${l}`).toBeLessThan(1e-9);
          expect(ec, `${act} c^${l}`).toBeLessThan(1e-7);
        }
      }
    }
    report('meanFieldTrajectory q vs direct iteration (rel)', worstQ);
    report('meanFieldTrajectory c vs direct iteration (abs)', worstC);
  });

  it('converges to meanField’s fixed points: q^l → q*, c^l → 1 (ordered) or c* < 1 (chaotic)', () => {
    for (const act of ['tanh', 'erf'] as const) {
      // ordered: χ1 < 1, c* = 1, and 1 − c^l shrinks by χ1 per layer near c = 1
      const ordered = meanField({ activation: act, sigmaW2: 0.9, sigmaB2: 0.3 });
      expect(ordered.phase).toBe('ordered');
      const o = meanFieldTrajectory({ activation: act, sigmaW2: 0.9, sigmaB2: 0.3, q0: 3, c0: 0.2, depth: 60 });
      expect(Math.abs(o.q[60] - ordered.qStar) / ordered.qStar).toBeLessThan(1e-9);
      expect(1 - o.c[60]).toBeGreaterThanOrEqual(0);
      expect(1 - o.c[60]).toBeLessThan(1e-12);
      // c is computed through 1 − c' = σw² E[(φ1 − φ2)²]/(2q'), so 1 − c keeps its relative accuracy
      // down to the spacing of doubles below 1 (1.1e-16) and the decay rate stays visible: once
      // 1 − c^l < 1e-6 (and q^l ≈ q*), (1 − c^{l+1})/(1 − c^l) = χ1 up to O(1 − c^l)
      const l = o.c.findIndex((c) => 1 - c < 1e-6);
      const ratio = (1 - o.c[l + 1]) / (1 - o.c[l]);
      expect(Math.abs(ratio - ordered.chi1) / ordered.chi1).toBeLessThan(1e-5);

      // chaotic: χ1 > 1, a stable c* < 1 (ξc ≈ 7 layers here, so 250 layers leave < 1e-12)
      const chaotic = meanField({ activation: act, sigmaW2: 4, sigmaB2: 0.05 });
      expect(chaotic.phase).toBe('chaotic');
      for (const c0 of [0.999, 0.5, -0.5]) {
        const t = meanFieldTrajectory({ activation: act, sigmaW2: 4, sigmaB2: 0.05, q0: 0.5, c0, depth: 250 });
        expect(Math.abs(t.q[250] - chaotic.qStar) / chaotic.qStar).toBeLessThan(1e-9);
        expect(Math.abs(t.c[250] - chaotic.cStar)).toBeLessThan(1e-9);
      }
      // σb² = 0 in the chaotic phase: c* = 0 (φ odd)
      const noBias = meanFieldTrajectory({ activation: act, sigmaW2: 3, sigmaB2: 0, q0: 1, c0: 0.7, depth: 300 });
      expect(Math.abs(noBias.c[300])).toBeLessThan(1e-9);
    }
  });

  it('correlationMap is one step of the trajectory, and meanField’s c-map at q = q*', () => {
    for (const act of ['tanh', 'erf'] as const) {
      const t = meanFieldTrajectory({ activation: act, sigmaW2: 2, sigmaB2: 0.1, q0: 1.3, c0: 0.4, depth: 4 });
      for (let l = 0; l < 4; l++) {
        expect(correlationMap({ activation: act, sigmaW2: 2, sigmaB2: 0.1, q: t.q[l], c: t.c[l] })).toBe(t.c[l + 1]);
      }
      const mf = meanField({ activation: act, sigmaW2: 4, sigmaB2: 0.05 });
      const at = (c: number) => correlationMap({ activation: act, sigmaW2: 4, sigmaB2: 0.05, q: mf.qStar, c });
      expect(Math.abs(at(mf.cStar) - mf.cStar)).toBeLessThan(1e-9);
      // its slope at c* is e^{−1/ξc}
      const h = 1e-5;
      expect(Math.abs((at(mf.cStar + h) - at(mf.cStar - h)) / (2 * h) - Math.exp(-1 / mf.xiC))).toBeLessThan(1e-6);
      // and its slope at c = 1 is χ1 (one-sided)
      const ordered = meanField({ activation: act, sigmaW2: 0.9, sigmaB2: 0.3 });
      const gap = 1e-6;
      const cm = correlationMap({ activation: act, sigmaW2: 0.9, sigmaB2: 0.3, q: ordered.qStar, c: 1 - gap });
      expect(Math.abs((1 - cm) / gap - ordered.chi1)).toBeLessThan(1e-5);
      expect(correlationMap({ activation: act, sigmaW2: 0.9, sigmaB2: 0.3, q: ordered.qStar, c: 1 })).toBe(1);
    }
  });

  it('tanh at q = 100: one layer against a trapezoid reference (1e-6 relative)', () => {
    // Trapezoid on the line in (z1, z2): exact to round-off for tanh at q <= 100 (see quadrature.test.ts).
    const q = 100;
    const c = 0.9;
    const sw = 1.5;
    const sb = 0.2;
    const n = 1601;
    const L = 8.5;
    const h = (2 * L) / (n - 1);
    const w = (z: number) => (h * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    const s = Math.sqrt(q);
    let f2 = 0;
    let diff = 0;
    for (let i = 0; i < n; i++) {
      const z1 = -L + i * h;
      const t1 = Math.tanh(s * z1);
      f2 += w(z1) * t1 * t1;
      for (let j = 0; j < n; j++) {
        const z2 = -L + j * h;
        diff += w(z1) * w(z2) * (t1 - Math.tanh(s * (c * z1 + Math.sqrt(1 - c * c) * z2))) ** 2;
      }
    }
    const qRef = sw * f2 + sb;
    const gapRef = (sw * diff) / (2 * qRef); // 1 − c' = σw² E[(φ1 − φ2)²]/(2q')
    const r = meanFieldTrajectory({ activation: 'tanh', sigmaW2: sw, sigmaB2: sb, q0: q, c0: c, depth: 1 });
    expect(Math.abs(r.q[1] - qRef) / qRef).toBeLessThan(1e-6);
    expect(Math.abs(1 - r.c[1] - gapRef) / gapRef).toBeLessThan(1e-6);
  });

  it('the q = 0 rule: q^{l+1} = 0 keeps c^{l+1} = c^l; q^l = 0 < q^{l+1} gives c^{l+1} = 1', () => {
    for (const act of ['tanh', 'erf'] as const) {
      const zero = meanFieldTrajectory({ activation: act, sigmaW2: 2, sigmaB2: 0, q0: 0, c0: 0.3, depth: 4 });
      expect(zero).toEqual({ q: [0, 0, 0, 0, 0], c: [0.3, 0.3, 0.3, 0.3, 0.3] });
      const dead = meanFieldTrajectory({ activation: act, sigmaW2: 0, sigmaB2: 0, q0: 2, c0: -0.4, depth: 3 });
      expect(dead).toEqual({ q: [2, 0, 0, 0], c: [-0.4, -0.4, -0.4, -0.4] });
      const bias = meanFieldTrajectory({ activation: act, sigmaW2: 2, sigmaB2: 0.5, q0: 0, c0: -0.4, depth: 2 });
      expect(bias.q[1]).toBe(0.5);
      expect(bias.c[1]).toBe(1);
      expect(bias.c[2]).toBe(1); // equal inputs stay equal
      // σw² = 0 with bias: only the bias is left, so the inputs become identical
      const onlyBias = meanFieldTrajectory({ activation: act, sigmaW2: 0, sigmaB2: 0.7, q0: 3, c0: -1, depth: 2 });
      expect(onlyBias).toEqual({ q: [3, 0.7, 0.7], c: [-1, 1, 1] });
    }
  });

  it('keeps c in [−1, 1] and never returns NaN, from c0 = ±1 and across a grid', () => {
    for (const act of ['tanh', 'erf'] as const) {
      for (const sw of [0, 0.5, 1, 3, 20]) {
        for (const sb of [0, 1e-8, 0.3, 5]) {
          for (const [q0, c0] of [
            [1, 1],
            [1, -1],
            [1e-12, 0.5],
            [400, -0.999],
            [0.3, 1 - 1e-15],
          ]) {
            const r = meanFieldTrajectory({ activation: act, sigmaW2: sw, sigmaB2: sb, q0, c0, depth: 6 });
            for (let l = 0; l <= 6; l++) {
              expect(Number.isNaN(r.q[l]) || Number.isNaN(r.c[l])).toBe(false);
              expect(r.q[l]).toBeGreaterThanOrEqual(0);
              expect(Math.abs(r.c[l])).toBeLessThanOrEqual(1);
            }
            if (c0 === 1) expect(r.c.every((c) => c === 1)).toBe(true);
          }
        }
      }
    }
  });

  it('rejects bad input with an error naming the parameter', () => {
    const base = { activation: 'tanh', sigmaW2: 1, sigmaB2: 0.1, q0: 1, c0: 0.5, depth: 3 } as const;
    const f = (o: unknown) => () => meanFieldTrajectory(o as Parameters<typeof meanFieldTrajectory>[0]);
    expect(f(undefined)).toThrow(TypeError);
    expect(f({ ...base, activation: 'relu' })).toThrow(RangeError);
    expect(f({ ...base, activation: 'relu' })).toThrow(/activation/);
    expect(f({ ...base, sigmaW2: -1 })).toThrow(/sigmaW2/);
    expect(f({ ...base, sigmaB2: NaN })).toThrow(/sigmaB2/);
    expect(f({ ...base, q0: -0.1 })).toThrow(/q0/);
    expect(f({ ...base, c0: 1.01 })).toThrow(RangeError);
    expect(f({ ...base, c0: 1.01 })).toThrow(/c0/);
    expect(f({ ...base, c0: '0.5' })).toThrow(TypeError);
    expect(f({ ...base, depth: 0 })).toThrow(/depth/);
    expect(f({ ...base, depth: 2.5 })).toThrow(/depth/);
    const g = (o: unknown) => () => correlationMap(o as Parameters<typeof correlationMap>[0]);
    const cbase = { activation: 'erf', sigmaW2: 1, sigmaB2: 0.1, q: 1, c: 0.5 } as const;
    expect(g(null)).toThrow(TypeError);
    expect(g({ ...cbase, c: -2 })).toThrow(/correlationMap: c /);
    expect(g({ ...cbase, q: Infinity })).toThrow(/\bq\b/);
    expect(g({ ...cbase, activation: 'gelu' })).toThrow(/activation/);
  });
});
