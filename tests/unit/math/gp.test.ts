import { describe, expect, it } from 'vitest';
import { gpPosterior, kernelMatrix } from '../../../src/math/index.ts';
import type { KernelSpec } from '../../../src/math/index.ts';
import { inverseAndLogDet, matVec, maxRelErr, report, Rng } from './_support.ts';

const rng = new Rng(7);
const pts = (n: number, d: number): number[][] => Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * rng.uniform() - 1));

/** The textbook formulas with an explicit dense inverse (Rasmussen & Williams eqs. 2.19, 2.30). */
function dense(xTrain: number[][], y: number[], xTest: number[][], kernel: KernelSpec, noise: number) {
  const K = kernelMatrix(kernel, xTrain, xTrain).map((row, i) => row.map((v, j) => v + (i === j ? noise : 0)));
  const Ks = kernelMatrix(kernel, xTrain, xTest); // n × m
  const Kss = kernelMatrix(kernel, xTest, xTest);
  const { inv, logDet } = inverseAndLogDet(K);
  const alpha = matVec(inv, y);
  const mean = xTest.map((_, j) => Ks.reduce((s, row, i) => s + row[j] * alpha[i], 0));
  const variance = xTest.map((_, j) => {
    const kj = Ks.map((row) => row[j]);
    const w = matVec(inv, kj);
    return Kss[j][j] - kj.reduce((s, v, i) => s + v * w[i], 0);
  });
  const n = y.length;
  const lml = -0.5 * y.reduce((s, v, i) => s + v * alpha[i], 0) - 0.5 * logDet - (n / 2) * Math.log(2 * Math.PI);
  return { mean, variance, lml };
}

const KERNELS: KernelSpec[] = [
  { kind: 'rbf', lengthScale: 0.6, variance: 1.3 },
  { kind: 'nngp', activation: 'relu', depth: 3, sigmaW2: 2, sigmaB2: 0.1 },
  { kind: 'ntk', activation: 'erf', depth: 2, sigmaW2: 1.5, sigmaB2: 0.2 },
  { kind: 'nngp', activation: 'tanh', depth: 2, sigmaW2: 1.2, sigmaB2: 0.05 },
];

describe('gpPosterior', () => {
  it('matches the dense-inverse formulas on small problems (1e-11 relative)', () => {
    let worst = 0;
    for (const kernel of KERNELS) {
      const xTrain = pts(7, 2);
      const xTest = pts(5, 2);
      const y = xTrain.map(([a, b]) => Math.sin(3 * a) + b);
      const got = gpPosterior({ xTrain, yTrain: y, xTest, kernel, noise: 0.05 });
      const ref = dense(xTrain, y, xTest, kernel, 0.05);
      const e = Math.max(
        maxRelErr(got.mean, ref.mean, 1e-3),
        maxRelErr(got.variance, ref.variance, 1e-3),
        Math.abs(got.logMarginalLikelihood - ref.lml) / Math.abs(ref.lml),
      );
      worst = Math.max(worst, e);
      expect(e, kernel.kind).toBeLessThan(1e-11);
    }
    report('gpPosterior vs dense inverse (rel)', worst);
  });

  it('log marginal likelihood equals the Gaussian density log N(y; 0, K + σ²I)', () => {
    const kernel: KernelSpec = { kind: 'rbf', lengthScale: 1, variance: 2 };
    // n = 1: log N(y; 0, s) = −y²/(2s) − ½ log(2πs)
    const s1 = 2 + 0.3;
    const one = gpPosterior({ xTrain: [[0.4]], yTrain: [1.7], xTest: [], kernel, noise: 0.3 });
    expect(one.logMarginalLikelihood).toBeCloseTo(-(1.7 ** 2) / (2 * s1) - 0.5 * Math.log(2 * Math.PI * s1), 13);
    // n = 2: explicit 2×2 inverse and determinant
    const k12 = 2 * Math.exp(-0.25 / 2);
    const a = 2 + 0.3;
    const det = a * a - k12 * k12;
    const y = [1.7, -0.4];
    const quad = (a * y[0] ** 2 - 2 * k12 * y[0] * y[1] + a * y[1] ** 2) / det;
    const two = gpPosterior({ xTrain: [[0.4], [-0.1]], yTrain: y, xTest: [], kernel, noise: 0.3 });
    expect(two.logMarginalLikelihood).toBeCloseTo(-0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI), 13);
  });

  it('noise-free posterior interpolates the data with zero variance there', () => {
    const xTrain = pts(8, 1);
    const y = xTrain.map(([a]) => Math.cos(4 * a));
    const r = gpPosterior({ xTrain, yTrain: y, xTest: xTrain, kernel: { kind: 'rbf', lengthScale: 0.3, variance: 1 }, noise: 0 });
    for (let i = 0; i < 8; i++) {
      expect(Math.abs(r.mean[i] - y[i])).toBeLessThan(1e-8);
      expect(r.variance[i]).toBeLessThan(1e-8);
      expect(r.variance[i]).toBeGreaterThanOrEqual(0);
    }
  });

  it('variance shrinks at the training inputs, and is largest far from the data', () => {
    const kernel: KernelSpec = { kind: 'rbf', lengthScale: 0.5, variance: 1 };
    const xTrain = [[-1], [0], [1]];
    const r = gpPosterior({ xTrain, yTrain: [0, 1, 0], xTest: [[-1], [0], [1], [0.5], [6]], kernel, noise: 0.1 });
    for (let i = 0; i < 3; i++) {
      expect(r.variance[i]).toBeLessThan(0.1); // below the noise level and far below the prior 1
      expect(r.variance[i]).toBeLessThan(r.variance[3]);
    }
    expect(r.variance[4]).toBeCloseTo(1, 10); // prior variance far away
    expect(Math.abs(r.mean[4])).toBeLessThan(1e-10); // prior mean far away
  });

  it('returns exactly mean, variance, logMarginalLikelihood; jitter is reported, not listed', () => {
    // duplicate inputs with zero noise: K is singular; the factorisation retries with jitter
    const r = gpPosterior({
      xTrain: [[0], [0], [1]],
      yTrain: [1, 1, 0],
      xTest: [[0.5]],
      kernel: { kind: 'rbf', lengthScale: 1, variance: 1 },
      noise: 0,
    });
    expect(Object.keys(r).sort()).toEqual(['logMarginalLikelihood', 'mean', 'variance']);
    expect(r.jitter).toBeGreaterThan(0);
    expect(r.jitter).toBeLessThan(1e-4);
    expect([...r.mean, ...r.variance, r.logMarginalLikelihood].every(Number.isFinite)).toBe(true);
    const clean = gpPosterior({ xTrain: [[0]], yTrain: [1], xTest: [[0.5]], kernel: { kind: 'rbf', lengthScale: 1, variance: 1 }, noise: 0.1 });
    expect(clean.jitter).toBe(0);
  });

  it('with no training data the posterior is the prior', () => {
    const kernel: KernelSpec = { kind: 'ntk', activation: 'relu', depth: 2, sigmaW2: 2, sigmaB2: 0.1 };
    const r = gpPosterior({ xTrain: [], yTrain: [], xTest: [[1, 2]], kernel, noise: 0.1 });
    expect(r.mean).toEqual([0]);
    expect(r.variance[0]).toBeCloseTo(kernelMatrix(kernel, [[1, 2]], [[1, 2]])[0][0], 14);
    expect(r.logMarginalLikelihood).toBe(0);
  });

  it('n = 300 stays accurate: mean at the data reproduces smooth targets', () => {
    const xTrain = pts(300, 2);
    const y = xTrain.map(([a, b]) => Math.sin(2 * a) * Math.cos(b));
    const r = gpPosterior({ xTrain, yTrain: y, xTest: xTrain.slice(0, 20), kernel: { kind: 'rbf', lengthScale: 0.5, variance: 1 }, noise: 1e-6 });
    for (let i = 0; i < 20; i++) expect(Math.abs(r.mean[i] - y[i])).toBeLessThan(1e-4);
    expect(Number.isFinite(r.logMarginalLikelihood)).toBe(true);
  });

  it('rejects bad input with an error naming the parameter', () => {
    const kernel: KernelSpec = { kind: 'rbf', lengthScale: 1, variance: 1 };
    const base = { xTrain: [[0], [1]], yTrain: [0, 1], xTest: [[0.5]], kernel, noise: 0.1 };
    expect(() => gpPosterior({ ...base, yTrain: [0] })).toThrow(/yTrain/);
    expect(() => gpPosterior({ ...base, xTest: [[0.5, 1]] })).toThrow(RangeError);
    expect(() => gpPosterior({ ...base, xTest: [[0.5, 1]] })).toThrow(/xTest/);
    expect(() => gpPosterior({ ...base, xTrain: [[0], [0, 1]] })).toThrow(/xTrain\[1\]/);
    expect(() => gpPosterior({ ...base, noise: -1 })).toThrow(/noise/);
    expect(() => gpPosterior({ ...base, noise: NaN })).toThrow(RangeError);
    expect(() => gpPosterior({ ...base, yTrain: [0, Infinity] })).toThrow(/yTrain\[1\]/);
    expect(() => gpPosterior({ ...base, xTrain: [[0], [NaN]] })).toThrow(/xTrain\[1\]\[0\]/);
    expect(() => gpPosterior({ ...base, kernel: { kind: 'matern' } as unknown as KernelSpec })).toThrow(/kernel\.kind/);
    expect(() => gpPosterior({ ...base, kernel: { kind: 'rbf', lengthScale: 0, variance: 1 } })).toThrow(/kernel\.lengthScale/);
    expect(() =>
      gpPosterior({ ...base, kernel: { kind: 'nngp', activation: 'gelu', depth: 2, sigmaW2: 1, sigmaB2: 0 } as unknown as KernelSpec }),
    ).toThrow(/kernel\.activation/);
    expect(() => gpPosterior({ ...base, kernel: { kind: 'nngp', activation: 'relu', depth: 0, sigmaW2: 1, sigmaB2: 0 } })).toThrow(
      /kernel\.depth/,
    );
    expect(() => gpPosterior({ ...base, kernel: { kind: 'ntk', activation: 'relu', depth: 2, sigmaW2: -1, sigmaB2: 0 } })).toThrow(
      /kernel\.sigmaW2/,
    );
  });
});
