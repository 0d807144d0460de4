import { describe, expect, it } from 'vitest';
import { sgdMoments, sgdStationaryVariance } from '../../../src/math/index.ts';
import { inverseAndLogDet, matVec } from './_support.ts';

describe('sgdMoments', () => {
  it('follows mean_{k+1} − μ = (1 − ε)(mean_k − μ), var_{k+1} = (1 − ε)² var_k + ε² σ²/M', () => {
    const eps = (k: number) => 0.8 / (k + 2);
    const r = sgdMoments({ epsilon: eps, theta0: 3, steps: 30, batchSize: 4, dataMean: 0.5, dataVar: 2 });
    let m = 3;
    let v = 0;
    expect(r.mean[0]).toBe(3);
    expect(r.variance[0]).toBe(0);
    for (let k = 0; k < 30; k++) {
      const e = eps(k);
      m = 0.5 + (1 - e) * (m - 0.5);
      v = (1 - e) ** 2 * v + (e * e * 2) / 4;
      expect(r.mean[k + 1]).toBeCloseTo(m, 14);
      expect(r.variance[k + 1]).toBeCloseTo(v, 14);
    }
    expect(r.mean.length).toBe(31);
  });

  it('constant ε: E θ_k² → ε/(2 − ε) for μ = 0, σ² = 1, M = 1', () => {
    for (const eps of [0.05, 0.3, 1, 1.7]) {
      const r = sgdMoments({ epsilon: eps, theta0: 1, steps: 3000 });
      const second = r.mean[3000] ** 2 + r.variance[3000];
      expect(Math.abs(second - eps / (2 - eps)) / (eps / (2 - eps))).toBeLessThan(1e-12);
    }
  });

  it('momentum: the stationary variance matches the closed form and an independent Lyapunov solve', () => {
    for (const alpha of [0, 0.5, 0.9]) {
      for (const M of [1, 8]) {
        for (const eps of [0.1, 1, 0.5 * (1 + alpha) * 2 * 0.9]) {
          const closed = sgdStationaryVariance({ epsilon: eps, batchSize: M, dataVar: 1.7, momentum: alpha });
          // Σ = A Σ Aᵀ + b bᵀ σ²/M for x_k = (e_k, e_{k−1}), A = [[1+α−ε, −α], [1, 0]], b = (ε, 0):
          // three linear equations in (Σ11, Σ12, Σ22), solved densely.
          const a = 1 + alpha - eps;
          const s = (eps * eps * 1.7) / M;
          const sys = [
            [1 - a * a, 2 * a * alpha, -alpha * alpha],
            [-a, 1 + alpha, 0],
            [-1, 0, 1],
          ];
          const sol = matVec(inverseAndLogDet(sys).inv, [s, 0, 0]);
          expect(Math.abs(closed - sol[0]) / sol[0]).toBeLessThan(1e-10);
          const steps = Math.ceil(60 / Math.min(eps, 1 - alpha + 1e-9)) * 8;
          const r = sgdMoments({ epsilon: eps, theta0: 0, steps, batchSize: M, dataVar: 1.7, momentum: alpha });
          expect(Math.abs(r.variance[steps] - closed) / closed).toBeLessThan(1e-9);
        }
      }
    }
    expect(sgdStationaryVariance({ epsilon: 0.3 })).toBeCloseTo(0.3 / 1.7, 15);
    expect(sgdStationaryVariance({ epsilon: 2.5, momentum: 0.2 })).toBe(Infinity);
  });

  it('momentum: mean obeys the heavy-ball recursion with θ_{-1} = θ_0', () => {
    const r = sgdMoments({ epsilon: 0.2, theta0: 1, steps: 5, momentum: 0.9, dataMean: 0 });
    // e1 = (1 + α − ε)e0 − α e0 = (1 − ε) e0
    expect(r.mean[1]).toBeCloseTo(0.8, 15);
    expect(r.mean[2]).toBeCloseTo(1.7 * 0.8 - 0.9 * 1, 15);
  });

  it('a divergent step size grows without bound but never yields NaN', () => {
    const r = sgdMoments({ epsilon: 4.5, theta0: 1, steps: 3000, momentum: 0.5 });
    expect(r.mean.every((v) => !Number.isNaN(v)) && r.variance.every((v) => !Number.isNaN(v))).toBe(true);
    expect(r.variance[3000]).toBe(Infinity);
  });

  it('rejects bad input with an error naming the parameter', () => {
    const base = { epsilon: 0.1, theta0: 0, steps: 10 };
    expect(() => sgdMoments({ ...base, momentum: 1 })).toThrow(/momentum/);
    expect(() => sgdMoments({ ...base, momentum: -0.1 })).toThrow(/momentum/);
    expect(() => sgdMoments({ ...base, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => sgdMoments({ ...base, batchSize: 2.5 })).toThrow(/batchSize/);
    expect(() => sgdMoments({ ...base, epsilon: -0.1 })).toThrow(/epsilon/);
    expect(() => sgdMoments({ ...base, epsilon: (k) => (k === 3 ? NaN : 0.1) })).toThrow(/epsilon\(3\)/);
    expect(() => sgdMoments({ ...base, dataVar: -1 })).toThrow(/dataVar/);
    expect(() => sgdMoments({ ...base, steps: 2.5 })).toThrow(/steps/);
    expect(() => sgdMoments({ ...base, theta0: Infinity })).toThrow(/theta0/);
    expect(() => sgdMoments({ ...base, dataMean: NaN })).toThrow(/dataMean/);
  });
});
