import { describe, expect, it } from 'vitest';
import { meanField } from '../../../src/math/index.ts';
import type { MeanFieldActivation } from '../../../src/math/index.ts';
import { erf, expect1D, expect2D } from './_support.ts';

const PHI: Record<MeanFieldActivation, [(x: number) => number, (x: number) => number]> = {
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  erf: [erf, (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x)],
};

/** The q-map and c-map evaluated with the brute-force test quadrature (independent of src/math). */
const qMap = (act: MeanFieldActivation, sw: number, sb: number, q: number): number => sw * expect1D((u) => PHI[act][0](u) ** 2, q, 100) + sb;
const cMap = (act: MeanFieldActivation, sw: number, sb: number, q: number, c: number): number =>
  (sw * expect2D(PHI[act][0], PHI[act][0], q, q, c * q, 30, 8) + sb) / q;

describe('meanField', () => {
  it('σb² = 0: tanh is critical at σw² = 1 and erf at σw² = π/4, with q* = 0 and ξc = +Infinity', () => {
    for (const [activation, sigmaW2] of [
      ['tanh', 1],
      ['erf', Math.PI / 4],
    ] as const) {
      const r = meanField({ activation, sigmaW2, sigmaB2: 0 });
      expect(r.phase).toBe('critical');
      expect(r.qStar).toBe(0);
      expect(Math.abs(r.chi1 - 1)).toBeLessThan(1e-12);
      expect(r.cStar).toBe(1);
      expect(r.xiC).toBe(Infinity);
    }
  });

  it('σb² = 0 below criticality: ordered, q* = 0, χ1 = σw²φ′(0)², ξc = −1/log χ1', () => {
    const t = meanField({ activation: 'tanh', sigmaW2: 0.8, sigmaB2: 0 });
    expect(t).toEqual({ qStar: 0, chi1: 0.8, cStar: 1, xiC: -1 / Math.log(0.8), phase: 'ordered' });
    const e = meanField({ activation: 'erf', sigmaW2: 0.5, sigmaB2: 0 });
    expect(e.phase).toBe('ordered');
    expect(e.chi1).toBeCloseTo((0.5 * 4) / Math.PI, 15);
  });

  it('q* is the attracting fixed point of the variance map (checked by independent quadrature and iteration)', () => {
    for (const act of ['tanh', 'erf'] as const) {
      for (const [sw, sb] of [
        [1.5, 0],
        [2.5, 0.05],
        [0.9, 0.3],
        [4, 1],
      ]) {
        const r = meanField({ activation: act, sigmaW2: sw, sigmaB2: sb });
        expect(r.qStar).toBeGreaterThan(0);
        expect(Math.abs(qMap(act, sw, sb, r.qStar) - r.qStar) / r.qStar).toBeLessThan(1e-9);
        let q = 3; // plain iteration from above converges to the same point (away from criticality)
        for (let l = 0; l < 300; l++) q = qMap(act, sw, sb, q);
        expect(Math.abs(q - r.qStar) / r.qStar).toBeLessThan(1e-6);
        const chi1 = sw * expect1D((u) => PHI[act][1](u) ** 2, r.qStar, 100);
        expect(Math.abs(r.chi1 - chi1) / chi1).toBeLessThan(1e-8);
      }
    }
  });

  it('χ1 < 1 is ordered with c* = 1; χ1 > 1 is chaotic with a stable c* < 1', () => {
    for (const act of ['tanh', 'erf'] as const) {
      const ordered = meanField({ activation: act, sigmaW2: 0.9, sigmaB2: 0.3 });
      expect(ordered.chi1).toBeLessThan(1);
      expect(ordered.phase).toBe('ordered');
      expect(ordered.cStar).toBe(1);
      expect(ordered.xiC).toBeCloseTo(-1 / Math.log(ordered.chi1), 12);

      const chaotic = meanField({ activation: act, sigmaW2: 4, sigmaB2: 0.05 });
      expect(chaotic.chi1).toBeGreaterThan(1);
      expect(chaotic.phase).toBe('chaotic');
      expect(chaotic.cStar).toBeLessThan(1);
      expect(chaotic.cStar).toBeGreaterThan(0); // σb² > 0 pulls the correlation above 0
      // c* is a fixed point of the correlation map, and attracting: a perturbation shrinks by the
      // map's slope at c*, which is σw² E[φ'φ'] = e^{−1/ξc} (so this also checks ξc).
      const cs = chaotic.cStar;
      expect(Math.abs(cMap(act, 4, 0.05, chaotic.qStar, cs) - cs)).toBeLessThan(1e-7);
      const h = 1e-4;
      const slope = (cMap(act, 4, 0.05, chaotic.qStar, cs + h) - cMap(act, 4, 0.05, chaotic.qStar, cs - h)) / (2 * h);
      expect(slope).toBeLessThan(1);
      expect(Math.abs(slope - Math.exp(-1 / chaotic.xiC))).toBeLessThan(1e-6);
      expect(chaotic.xiC).toBeGreaterThan(0);
      expect(Number.isFinite(chaotic.xiC)).toBe(true);

      const noBias = meanField({ activation: act, sigmaW2: 3, sigmaB2: 0 });
      expect(noBias.phase).toBe('chaotic');
      expect(noBias.cStar).toBe(0); // φ odd and σb² = 0: c* = 0
    }
  });

  it('ξc grows without bound near the critical line, from both sides', () => {
    for (const act of ['tanh', 'erf'] as const) {
      const crit = act === 'tanh' ? 1 : Math.PI / 4;
      for (const side of [-1, 1]) {
        let prev = 0;
        for (const d of [1e-1, 1e-2, 1e-3, 1e-4]) {
          const r = meanField({ activation: act, sigmaW2: crit * (1 + side * d), sigmaB2: 0 });
          expect(r.phase).toBe(side < 0 ? 'ordered' : 'chaotic');
          expect(r.xiC).toBeGreaterThan(prev);
          prev = r.xiC;
        }
        expect(prev).toBeGreaterThan(1000);
      }
    }
    // with σb² > 0 the critical σw² is where χ1 = 1: find it by bisection, then approach it
    let lo = 1;
    let hi = 3;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (meanField({ activation: 'tanh', sigmaW2: mid, sigmaB2: 0.05 }).chi1 < 1) lo = mid;
      else hi = mid;
    }
    let prev = 0;
    for (const d of [1e-1, 1e-2, 1e-3]) {
      const below = meanField({ activation: 'tanh', sigmaW2: lo * (1 - d), sigmaB2: 0.05 });
      const above = meanField({ activation: 'tanh', sigmaW2: hi * (1 + d), sigmaB2: 0.05 });
      expect(below.phase).toBe('ordered');
      expect(above.phase).toBe('chaotic');
      expect(Math.min(below.xiC, above.xiC)).toBeGreaterThan(prev);
      prev = Math.min(below.xiC, above.xiC);
    }
    expect(prev).toBeGreaterThan(300);
  });

  it('never returns NaN across a grid of (σw², σb²)', () => {
    for (const act of ['tanh', 'erf'] as const) {
      for (const sw of [0, 0.3, 1, 1.7, 3, 10, 50]) {
        for (const sb of [0, 1e-6, 0.05, 0.5, 3]) {
          const r = meanField({ activation: act, sigmaW2: sw, sigmaB2: sb });
          for (const v of [r.qStar, r.chi1, r.cStar, r.xiC]) expect(Number.isNaN(v)).toBe(false);
          expect(r.xiC).toBeGreaterThanOrEqual(0);
          expect(r.cStar).toBeGreaterThanOrEqual(-1);
          expect(r.cStar).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('rejects bad input with an error naming the parameter', () => {
    expect(() => meanField({ activation: 'relu' as MeanFieldActivation, sigmaW2: 1, sigmaB2: 0 })).toThrow(/activation/);
    expect(() => meanField({ activation: 'relu' as MeanFieldActivation, sigmaW2: 1, sigmaB2: 0 })).toThrow(RangeError);
    expect(() => meanField({ activation: 'tanh', sigmaW2: -1, sigmaB2: 0 })).toThrow(/sigmaW2/);
    expect(() => meanField({ activation: 'tanh', sigmaW2: 1, sigmaB2: NaN })).toThrow(/sigmaB2/);
  });
});
