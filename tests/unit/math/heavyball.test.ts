import { describe, expect, it } from 'vitest';
import { heavyBallRate, sgdMoments } from '../../../src/math/index.ts';
import { Rng } from './_support.ts';

// The iteration matrix [[b, −α], [1, 0]], b = 1 + α − εh, has characteristic polynomial
// λ² − bλ + α: the eigenvalues are the roots with sum b and product α.

describe('heavyBallRate', () => {
  it('α = 0 is plain gradient descent: |1 − εh|', () => {
    for (const [eps, h] of [
      [0.1, 1],
      [0.5, 3],
      [2, 1],
      [0.3, -2],
      [0, 5],
    ]) {
      expect(heavyBallRate({ epsilon: eps, alpha: 0, curvature: h })).toBe(Math.abs(1 - eps * h));
    }
  });

  it('real roots, by hand', () => {
    // roots 0.5 and 0.2: b = 0.7, α = 0.1, so εh = 1 + 0.1 − 0.7 = 0.4
    expect(heavyBallRate({ epsilon: 0.2, alpha: 0.1, curvature: 2 })).toBeCloseTo(0.5, 14);
    // roots −0.9 and −0.5: b = −1.4, α = 0.45, εh = 2.85; the radius is the larger modulus, 0.9
    expect(heavyBallRate({ epsilon: 0.95, alpha: 0.45, curvature: 3 })).toBeCloseTo(0.9, 14);
    // divergent: roots 1.5 and 0.4 (b = 1.9, α = 0.6, εh = −0.3)
    expect(heavyBallRate({ epsilon: -0.1, alpha: 0.6, curvature: 3 })).toBeCloseTo(1.5, 14);
    // negative momentum: roots 0.8 and −0.25 (b = 0.55, α = −0.2, εh = 0.25)
    expect(heavyBallRate({ epsilon: 0.25, alpha: -0.2, curvature: 1 })).toBeCloseTo(0.8, 14);
  });

  it('complex roots, by hand: |λ| = √α', () => {
    // b = 1, α = 0.81: λ = (1 ± i√(3.24 − 1))/2, |λ|² = (1 + 2.24)/4 = 0.81
    expect(heavyBallRate({ epsilon: 0.81, alpha: 0.81, curvature: 1 })).toBeCloseTo(0.9, 15);
    // b = 0 (εh = 1 + α): λ = ±i√α
    expect(heavyBallRate({ epsilon: 1.5, alpha: 0.5, curvature: 1 })).toBeCloseTo(Math.sqrt(0.5), 15);
    // and against the roots computed explicitly as complex numbers
    const rng = new Rng(5);
    for (let t = 0; t < 200; t++) {
      const alpha = rng.uniform();
      const eps = 2 * rng.uniform();
      const h = 3 * rng.uniform();
      const b = 1 + alpha - eps * h;
      const disc = b * b - 4 * alpha;
      const moduli =
        disc >= 0
          ? [Math.abs((b + Math.sqrt(disc)) / 2), Math.abs((b - Math.sqrt(disc)) / 2)]
          : [Math.hypot(b / 2, Math.sqrt(-disc) / 2), Math.hypot(b / 2, -Math.sqrt(-disc) / 2)];
      expect(Math.abs(heavyBallRate({ epsilon: eps, alpha, curvature: h }) - Math.max(...moduli))).toBeLessThan(1e-7);
    }
  });

  it('the double root (α = (1 − √(εh))²) gives |1 − √(εh)| to 1e-7', () => {
    for (const [eps, h] of [
      [0.3, 1],
      [0.01, 2.7],
      [0.25, 1],
      [1, 0.123],
      [0.9, 2.5], // εh > 1: the double root is negative
      [1e-4, 3],
    ]) {
      const s = Math.sqrt(eps * h);
      const alpha = (1 - s) ** 2;
      expect(Math.abs(heavyBallRate({ epsilon: eps, alpha, curvature: h }) - Math.abs(1 - s)), `${eps}, ${h}`).toBeLessThan(1e-7);
    }
    expect(heavyBallRate({ epsilon: 0.25, alpha: 0.25, curvature: 1 })).toBe(0.5); // exact: b = 1, α = 1/4
  });

  it('is the decay rate of the heavy-ball mean in sgdMoments (curvature 1)', () => {
    // roots 0.5 and 0.2 (ε = 0.4, α = 0.1): e_{k+1}/e_k → 0.5
    const r = sgdMoments({ epsilon: 0.4, momentum: 0.1, theta0: 1, steps: 60, dataMean: 0 });
    expect(Math.abs(r.mean[60] / r.mean[59] - heavyBallRate({ epsilon: 0.4, alpha: 0.1, curvature: 1 }))).toBeLessThan(1e-12);
  });

  it('large and tiny inputs: no overflow in b² − 4α, Infinity only once b overflows', () => {
    // α = 1e300, εh = 0: roots ≈ 1e300 and ≈ 1
    expect(heavyBallRate({ epsilon: 0, alpha: 1e300, curvature: 0 }) / 1e300).toBeCloseTo(1, 12);
    expect(heavyBallRate({ epsilon: 1e200, alpha: 0.5, curvature: -1e100 }) / 1e300).toBeCloseTo(1, 12);
    expect(heavyBallRate({ epsilon: 1e200, alpha: 0.5, curvature: 1e200 })).toBe(Infinity);
    expect(heavyBallRate({ epsilon: 2, alpha: 1e-300, curvature: 0.5 }) / 1e-150).toBeCloseTo(1, 14); // b = 0: √α
    expect(heavyBallRate({ epsilon: 1, alpha: 0, curvature: 1 })).toBe(0); // the nilpotent matrix
  });

  it('rejects non-numbers and non-finite numbers, naming the parameter', () => {
    const base = { epsilon: 0.1, alpha: 0.5, curvature: 1 };
    const f = (o: unknown) => () => heavyBallRate(o as Parameters<typeof heavyBallRate>[0]);
    expect(f(undefined)).toThrow(TypeError);
    expect(f(undefined)).toThrow(/options/);
    expect(f({ ...base, epsilon: NaN })).toThrow(RangeError);
    expect(f({ ...base, epsilon: NaN })).toThrow(/epsilon/);
    expect(f({ ...base, alpha: '0.5' })).toThrow(TypeError);
    expect(f({ ...base, alpha: '0.5' })).toThrow(/alpha/);
    expect(f({ ...base, curvature: Infinity })).toThrow(/curvature/);
    expect(f({ epsilon: 0.1, alpha: 0.5 })).toThrow(/curvature/);
  });
});
