import { describe, expect, it } from 'vitest';
import { kernelMatrix, ntkGp, ntkPrediction } from '../../../src/math/index.ts';
import { inverseAndLogDet, matMul, matVec, maxRelErr, transpose } from './_support.ts';

const X = [
  [1, 0.2],
  [-0.5, 0.9],
  [0.3, -0.7],
  [-1.2, -0.4],
  [0.8, 0.8],
];
const XT = [
  [0.1, 0.1],
  [-0.9, 0.3],
  [1.5, -0.2],
];
const spec = { activation: 'relu', depth: 3, sigmaW2: 2, sigmaB2: 0.1 } as const;
const theta = kernelMatrix({ kind: 'ntk', ...spec }, X, X);
const thetaTe = kernelMatrix({ kind: 'ntk', ...spec }, XT, X);
const K = kernelMatrix({ kind: 'nngp', ...spec }, X, X);
const Kte = kernelMatrix({ kind: 'nngp', ...spec }, XT, X);
const kDiag = XT.map((x) => kernelMatrix({ kind: 'nngp', ...spec }, [x], [x])[0][0]);
const y = [1, -0.5, 0.3, 0.8, -1];
const f0 = [0.2, -0.1, 0.05, 0.3, -0.2];
const f0t = [0.1, -0.3, 0.2];

/**
 * Gradient flow integrated directly with RK4 (no eigendecomposition): the linearised network obeys
 * d f(X)/dt = −η Θ (f(X) − y), d f(x*)/dt = −η Θ(x*, X) (f(X) − y) (Lee et al. 2019, eq. 10).
 */
function rk4(eta: number, T: number, steps: number) {
  const rhs = (fx: number[]) => {
    const r = fx.map((v, i) => v - y[i]);
    return { dx: matVec(theta, r).map((v) => -eta * v), dt: matVec(thetaTe, r).map((v) => -eta * v) };
  };
  let fx = f0.slice();
  let ft = f0t.slice();
  const h = T / steps;
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(fx);
    const k2 = rhs(fx.map((v, i) => v + (h / 2) * k1.dx[i]));
    const k3 = rhs(fx.map((v, i) => v + (h / 2) * k2.dx[i]));
    const k4 = rhs(fx.map((v, i) => v + h * k3.dx[i]));
    fx = fx.map((v, i) => v + (h / 6) * (k1.dx[i] + 2 * k2.dx[i] + 2 * k3.dx[i] + k4.dx[i]));
    ft = ft.map((v, i) => v + (h / 6) * (k1.dt[i] + 2 * k2.dt[i] + 2 * k3.dt[i] + k4.dt[i]));
  }
  return { train: fx, test: ft };
}

/** e^{A} by scaling and squaring a 30-term Taylor series (test-only reference). */
function expmRef(A: number[][]): number[][] {
  const norm = Math.max(...A.map((r) => r.reduce((s, v) => s + Math.abs(v), 0)));
  const sq = Math.max(0, Math.ceil(Math.log2(norm)) + 2);
  const B = A.map((r) => r.map((v) => v / 2 ** sq));
  let term: number[][] = B.map((_, i) => B.map((__, j) => (i === j ? 1 : 0)));
  let sum = term.map((r) => r.slice());
  for (let k = 1; k < 30; k++) {
    term = matMul(term, B).map((r) => r.map((v) => v / k));
    sum = sum.map((r, i) => r.map((v, j) => v + term[i][j]));
  }
  for (let s = 0; s < sq; s++) sum = matMul(sum, sum);
  return sum;
}

describe('ntkPrediction', () => {
  it('returns f0 exactly at t = 0', () => {
    const r = ntkPrediction({ thetaTrain: theta, thetaTestTrain: thetaTe, yTrain: y, eta: 0.5, t: 0, f0Train: f0, f0Test: f0t });
    expect(r.train).toEqual(f0);
    expect(r.test).toEqual(f0t);
    const z = ntkPrediction({ thetaTrain: theta, thetaTestTrain: thetaTe, yTrain: y, eta: 0.5, t: 0 });
    expect(z.train).toEqual([0, 0, 0, 0, 0]);
    expect(z.test).toEqual([0, 0, 0]);
  });

  it('follows the gradient-flow ODE (RK4) at intermediate times', () => {
    for (const T of [0.3, 2, 10]) {
      const r = ntkPrediction({ thetaTrain: theta, thetaTestTrain: thetaTe, yTrain: y, eta: 0.1, t: T, f0Train: f0, f0Test: f0t });
      const ref = rk4(0.1, T, 4000);
      expect(maxRelErr(r.train, ref.train, 1e-2)).toBeLessThan(1e-10);
      expect(maxRelErr(r.test, ref.test, 1e-2)).toBeLessThan(1e-10);
    }
  });

  it('tends to kernel regression as t grows, and equals it at t = Infinity', () => {
    const { inv } = inverseAndLogDet(theta);
    const resid = y.map((v, i) => v - f0[i]);
    const regress = matVec(thetaTe, matVec(inv, resid)).map((v, i) => v + f0t[i]);
    const at = (t: number) => ntkPrediction({ thetaTrain: theta, thetaTestTrain: thetaTe, yTrain: y, eta: 0.1, t, f0Train: f0, f0Test: f0t });
    let prev = Infinity;
    for (const t of [1, 10, 100, 1000, 1e4, 1e6]) {
      const err = Math.max(...at(t).test.map((v, i) => Math.abs(v - regress[i])));
      expect(err).toBeLessThanOrEqual(prev);
      prev = err;
    }
    expect(prev).toBeLessThan(1e-9);
    const inf = at(Infinity);
    expect(maxRelErr(inf.test, regress, 1e-3)).toBeLessThan(1e-10);
    expect(inf.train).toEqual(y);
  });

  it('handles a singular Θ (duplicate inputs) at finite t, and refuses t = Infinity', () => {
    const Xd = [X[0], X[0], X[1]];
    const th = kernelMatrix({ kind: 'ntk', ...spec }, Xd, Xd);
    const te = kernelMatrix({ kind: 'ntk', ...spec }, XT, Xd);
    const r = ntkPrediction({ thetaTrain: th, thetaTestTrain: te, yTrain: [1, 1, 0], eta: 0.1, t: 50 });
    expect([...r.train, ...r.test].every(Number.isFinite)).toBe(true);
    expect(Math.abs(r.train[0] - r.train[1])).toBeLessThan(1e-12);
    expect(() => ntkPrediction({ thetaTrain: th, thetaTestTrain: te, yTrain: [1, 1, 0], eta: 0.1, t: Infinity })).toThrow(RangeError);
    expect(() => ntkPrediction({ thetaTrain: th, thetaTestTrain: te, yTrain: [1, 1, 0], eta: 0.1, t: Infinity })).toThrow(/thetaTrain/);
  });

  it('rejects bad input with an error naming the parameter', () => {
    const base = { thetaTrain: theta, thetaTestTrain: thetaTe, yTrain: y, eta: 0.1, t: 1 };
    expect(() => ntkPrediction({ ...base, yTrain: [1] })).toThrow(/yTrain/);
    expect(() => ntkPrediction({ ...base, thetaTestTrain: [[1, 2]] })).toThrow(/thetaTestTrain/);
    expect(() => ntkPrediction({ ...base, thetaTrain: [[1, 2], [0, 1]], yTrain: [0, 0], thetaTestTrain: [] })).toThrow(/symmetric/);
    expect(() => ntkPrediction({ ...base, thetaTrain: [[1, 2], [2, 1]], yTrain: [0, 0], thetaTestTrain: [] })).toThrow(/semi-definite/);
    expect(() => ntkPrediction({ ...base, t: -1 })).toThrow(/\bt\b/);
    expect(() => ntkPrediction({ ...base, t: NaN })).toThrow(RangeError);
    expect(() => ntkPrediction({ ...base, eta: -0.1 })).toThrow(/eta/);
    expect(() => ntkPrediction({ ...base, f0Train: [0] })).toThrow(/f0Train/);
    expect(() => ntkPrediction({ ...base, f0Test: [0, NaN, 0] })).toThrow(/f0Test\[1\]/);
  });
});

describe('ntkGp', () => {
  /** The contract's formula with an independent expm and a dense inverse. */
  function ref(eta: number, t: number) {
    const E = expmRef(theta.map((r) => r.map((v) => -eta * t * v)));
    const { inv } = inverseAndLogDet(theta);
    const IminusE = E.map((r, i) => r.map((v, j) => (i === j ? 1 : 0) - v));
    const B = matMul(matMul(thetaTe, inv), IminusE);
    const mean = matVec(B, y);
    const BK = matMul(B, transpose(Kte)); // m × m
    const BKB = matMul(matMul(B, K), transpose(B));
    const variance = kDiag.map((k, i) => k - 2 * BK[i][i] + BKB[i][i]);
    return { mean, variance };
  }
  const opts = { kTrain: K, kTestTrain: Kte, kTestDiag: kDiag, thetaTrain: theta, thetaTestTrain: thetaTe, yTrain: y };

  it('matches mean = B y, variance = k** − 2(B K_tr,te)_ii + (B K Bᵀ)_ii', () => {
    for (const [eta, t] of [
      [0.1, 1],
      [0.5, 7],
      [1, 40],
    ]) {
      const got = ntkGp({ ...opts, eta, t });
      const r = ref(eta, t);
      expect(maxRelErr(got.mean, r.mean, 1e-3)).toBeLessThan(1e-9);
      expect(maxRelErr(got.variance, r.variance, 1e-3)).toBeLessThan(1e-9);
    }
  });

  it('starts at the prior (mean 0, variance k**) and ends at the t = Infinity formula', () => {
    const zero = ntkGp({ ...opts, eta: 0.1, t: 0 });
    expect(zero.mean).toEqual([0, 0, 0]);
    expect(zero.variance).toEqual(kDiag);
    const inf = ntkGp({ ...opts, eta: 0.1, t: Infinity });
    const { inv } = inverseAndLogDet(theta);
    const A = matMul(thetaTe, inv);
    const mean = matVec(A, y);
    const AK = matMul(A, transpose(Kte));
    const AKA = matMul(matMul(A, K), transpose(A));
    expect(maxRelErr(inf.mean, mean, 1e-3)).toBeLessThan(1e-10);
    expect(maxRelErr(inf.variance, kDiag.map((k, i) => k - 2 * AK[i][i] + AKA[i][i]), 1e-3)).toBeLessThan(1e-9);
    expect(inf.variance.every((v) => v >= 0)).toBe(true);
  });

  it('rejects mismatched shapes', () => {
    expect(() => ntkGp({ ...opts, kTestDiag: [1], eta: 0.1, t: 1 })).toThrow(/kTestDiag/);
    expect(() => ntkGp({ ...opts, kTrain: [[1]], eta: 0.1, t: 1 })).toThrow(/kTrain/);
    expect(() => ntkGp({ ...opts, kTestTrain: [[1, 2, 3, 4, 5]], eta: 0.1, t: 1 })).toThrow(/kTestTrain/);
  });
});
