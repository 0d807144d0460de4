import { describe, expect, it } from 'vitest';
import { gpPosterior, kernelMatrix } from '../../../src/math/index.ts';
import type { KernelSpec } from '../../../src/math/index.ts';
import { inverseAndLogDet, matVec, maxRelErr, report, Rng } from './_support.ts';

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (independent of src/math). */
function jacobiEigenvalues(a: number[][]): number[] {
  const n = a.length;
  const m = a.map((row) => [...row]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i][j] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (m[p][q] === 0) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
      }
    }
  }
  return m.map((row, i) => row[i]).sort((x, y) => x - y);
}

describe('classical kernels: closed forms', () => {
  it('linear: variance·(x·z) + offset, by hand', () => {
    // x·z = 1·3 + 2·(−1) = 1
    const K = kernelMatrix({ kind: 'linear', variance: 2, offset: 0.5 }, [[1, 2]], [[3, -1], [0, 0]]);
    expect(K[0][0]).toBe(2.5);
    expect(K[0][1]).toBe(0.5);
    expect(kernelMatrix({ kind: 'linear', variance: 0.25, offset: 0 }, [[2, -4]], [[2, -4]])[0][0]).toBe(5);
  });

  it('polynomial: (variance·(x·z) + offset)^degree, by hand', () => {
    const K = kernelMatrix({ kind: 'polynomial', variance: 2, offset: 0.5, degree: 3 }, [[1, 2]], [[3, -1], [-1, 0]]);
    expect(K[0][0]).toBe(15.625); // 2.5³
    expect(K[0][1]).toBe(-3.375); // (−2 + 0.5)³: odd degrees keep the sign
    expect(kernelMatrix({ kind: 'polynomial', variance: 1, offset: 1, degree: 2 }, [[-1, 0]], [[0, 5]])[0][0]).toBe(1);
    // degree 1 is the linear kernel
    const lin = kernelMatrix({ kind: 'linear', variance: 0.7, offset: 0.3 }, [[0.4, -1.3]], [[2.1, 0.6]]);
    const p1 = kernelMatrix({ kind: 'polynomial', variance: 0.7, offset: 0.3, degree: 1 }, [[0.4, -1.3]], [[2.1, 0.6]]);
    expect(p1[0][0]).toBe(lin[0][0]);
  });

  it('periodic: variance·exp(−2 sin²(π r/period)/ℓ²), by hand in 1-D and n-D', () => {
    const spec = { kind: 'periodic', lengthScale: 1, variance: 1.5, period: 2 } as const;
    // r = 0.5: sin²(π/4) = 1/2, so k = 1.5·e^{−1}
    expect(kernelMatrix(spec, [[0]], [[0.5]])[0][0]).toBeCloseTo(1.5 * Math.exp(-1), 15);
    // r = 1 = half a period: sin² = 1, k = 1.5·e^{−2}
    expect(kernelMatrix(spec, [[0.3]], [[-0.7]])[0][0]).toBeCloseTo(1.5 * Math.exp(-2), 15);
    // n-D uses the Euclidean distance: |(0.3, 0.4)| = 0.5
    expect(kernelMatrix(spec, [[0, 0]], [[0.3, 0.4]])[0][0]).toBeCloseTo(1.5 * Math.exp(-1), 15);
    // ℓ = 0.5: exponent −2·(1/2)/0.25 = −4
    expect(kernelMatrix({ ...spec, lengthScale: 0.5 }, [[0]], [[0.5]])[0][0]).toBeCloseTo(1.5 * Math.exp(-4), 15);
    // periodic in r, and k(x, x) = variance exactly
    const K = kernelMatrix(spec, [[0.2]], [[0.2], [2.2], [4.2], [-1.8], [0.9], [2.9]]);
    expect(K[0][0]).toBe(1.5);
    for (const j of [1, 2, 3]) expect(K[0][j]).toBeCloseTo(1.5, 13);
    expect(K[0][5]).toBeCloseTo(K[0][4], 13);
  });

  it('K(X, X) is exactly symmetric for every new kind', () => {
    const rng = new Rng(3);
    const X = Array.from({ length: 9 }, () => [2 * rng.uniform() - 1, 2 * rng.uniform() - 1]);
    for (const spec of [
      { kind: 'linear', variance: 1.3, offset: 0.2 },
      { kind: 'polynomial', variance: 0.9, offset: 0.4, degree: 4 },
      { kind: 'periodic', lengthScale: 0.8, variance: 2, period: 1.3 },
    ] as KernelSpec[]) {
      const K = kernelMatrix(spec, X, X);
      for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) expect(K[i][j]).toBe(K[j][i]);
    }
  });

  it('the 1-D periodic kernel matrix is positive semi-definite (Jacobi eigenvalues)', () => {
    const rng = new Rng(21);
    let minRel = Infinity;
    for (let t = 0; t < 25; t++) {
      const X = Array.from({ length: 12 }, () => [6 * rng.uniform() - 3]);
      const spec = { kind: 'periodic', lengthScale: 0.2 + 1.5 * rng.uniform(), variance: 0.5 + rng.uniform(), period: 0.3 + 2 * rng.uniform() } as const;
      const ev = jacobiEigenvalues(kernelMatrix(spec, X, X));
      const rel = ev[0] / ev[ev.length - 1];
      minRel = Math.min(minRel, rel);
      expect(rel, JSON.stringify(spec)).toBeGreaterThan(-1e-12);
    }
    report('periodic 1-D: smallest eigenvalue / largest', minRel);
    // Linear and polynomial Gram matrices are PSD in any dimension.
    const X = Array.from({ length: 10 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    for (const spec of [
      { kind: 'linear', variance: 1, offset: 0.5 },
      { kind: 'polynomial', variance: 1, offset: 0.5, degree: 3 },
    ] as KernelSpec[]) {
      const ev = jacobiEigenvalues(kernelMatrix(spec, X, X));
      expect(ev[0] / ev[ev.length - 1]).toBeGreaterThan(-1e-12);
    }
  });

  it('in 2-D the Euclidean periodic form is not PSD: a 3-point example by hand', () => {
    // x0, x1 a period apart look identical to the kernel (k = variance), but a third point sees
    // them at different distances; det [[1, 1, a], [1, 1, b], [a, b, 1]] = −(a − b)² < 0.
    const spec = { kind: 'periodic', lengthScale: 1, variance: 1, period: 1 } as const;
    const X = [[0, 0], [1, 0], [0, 0.5]];
    const K = kernelMatrix(spec, X, X);
    const a = Math.exp(-2); // r = 1/2
    const b = Math.exp(-2 * Math.sin(Math.PI * Math.sqrt(1.25)) ** 2);
    expect(K[0][1]).toBeCloseTo(1, 14);
    expect(K[0][2]).toBeCloseTo(a, 15);
    expect(K[1][2]).toBeCloseTo(b, 15);
    expect(jacobiEigenvalues(K)[0]).toBeLessThan(-0.1);
    expect(() => gpPosterior({ xTrain: X, yTrain: [0, 1, 0], xTest: [], kernel: spec, noise: 0 })).toThrow(RangeError);
  });

  it('rejects bad specs with an error naming the field', () => {
    const k = (spec: unknown) => () => kernelMatrix(spec as KernelSpec, [[1]], [[1]]);
    expect(k({ kind: 'linear', variance: 0, offset: 0 })).toThrow(/spec\.variance/);
    expect(k({ kind: 'linear', variance: 1, offset: -0.1 })).toThrow(/spec\.offset/);
    expect(k({ kind: 'linear', variance: 1, offset: '1' })).toThrow(TypeError);
    expect(k({ kind: 'polynomial', variance: 1, offset: 0, degree: 0 })).toThrow(/spec\.degree/);
    expect(k({ kind: 'polynomial', variance: 1, offset: 0, degree: 2.5 })).toThrow(/spec\.degree/);
    expect(k({ kind: 'polynomial', variance: -1, offset: 0, degree: 2 })).toThrow(/spec\.variance/);
    expect(k({ kind: 'periodic', lengthScale: 1, variance: 1, period: 0 })).toThrow(/spec\.period/);
    expect(k({ kind: 'periodic', lengthScale: 0, variance: 1, period: 1 })).toThrow(/spec\.lengthScale/);
    expect(k({ kind: 'periodic', lengthScale: 1, variance: NaN, period: 1 })).toThrow(RangeError);
    expect(k({ kind: 'periodic', lengthScale: 1, variance: 1 })).toThrow(/spec\.period/);
  });
});

/** Dense-inverse GP reference (Rasmussen & Williams eqs. 2.19, 2.30), as in gp.test.ts. */
function dense(xTrain: number[][], y: number[], xTest: number[][], kernel: KernelSpec, noise: number) {
  const K = kernelMatrix(kernel, xTrain, xTrain).map((row, i) => row.map((v, j) => v + (i === j ? noise : 0)));
  const Ks = kernelMatrix(kernel, xTrain, xTest);
  const Kss = kernelMatrix(kernel, xTest, xTest);
  const { inv, logDet } = inverseAndLogDet(K);
  const alpha = matVec(inv, y);
  const mean = xTest.map((_, j) => Ks.reduce((s, row, i) => s + row[j] * alpha[i], 0));
  const variance = xTest.map((_, j) => {
    const kj = Ks.map((row) => row[j]);
    const w = matVec(inv, kj);
    return Kss[j][j] - kj.reduce((s, v, i) => s + v * w[i], 0);
  });
  const lml = -0.5 * y.reduce((s, v, i) => s + v * alpha[i], 0) - 0.5 * logDet - (y.length / 2) * Math.log(2 * Math.PI);
  return { mean, variance, lml };
}

describe('gpPosterior with the classical kernels', () => {
  it('matches the dense-inverse formulas (1e-11 relative)', () => {
    const rng = new Rng(8);
    let worst = 0;
    const cases: [KernelSpec, number][] = [
      [{ kind: 'linear', variance: 0.8, offset: 0.3 }, 2],
      [{ kind: 'linear', variance: 1.1, offset: 0 }, 2],
      [{ kind: 'polynomial', variance: 0.6, offset: 0.5, degree: 3 }, 2],
      [{ kind: 'polynomial', variance: 1.2, offset: 1, degree: 2 }, 1],
      [{ kind: 'periodic', lengthScale: 0.7, variance: 1.3, period: 1.4 }, 1],
      [{ kind: 'periodic', lengthScale: 1.5, variance: 0.4, period: 0.6 }, 1],
    ];
    for (const [kernel, d] of cases) {
      const xTrain = Array.from({ length: 8 }, () => Array.from({ length: d }, () => 2 * rng.uniform() - 1));
      const xTest = Array.from({ length: 5 }, () => Array.from({ length: d }, () => 2 * rng.uniform() - 1));
      const y = xTrain.map((x) => Math.sin(3 * x[0]) + (x[1] ?? 0));
      const got = gpPosterior({ xTrain, yTrain: y, xTest, kernel, noise: 0.05 });
      const ref = dense(xTrain, y, xTest, kernel, 0.05);
      const e = Math.max(
        maxRelErr(got.mean, ref.mean, 1e-3),
        maxRelErr(got.variance, ref.variance, 1e-3),
        Math.abs(got.logMarginalLikelihood - ref.lml) / Math.abs(ref.lml),
      );
      worst = Math.max(worst, e);
      expect(e, JSON.stringify(kernel)).toBeLessThan(1e-11);
      // the prior variance at a test point is k(x*, x*)
      const prior = gpPosterior({ xTrain: [], yTrain: [], xTest, kernel, noise: 0.05 });
      for (let j = 0; j < 5; j++) expect(prior.variance[j]).toBe(kernelMatrix(kernel, [xTest[j]], [xTest[j]])[0][0]);
    }
    report('gpPosterior (linear, polynomial, periodic) vs dense inverse (rel)', worst);
  });

  it('the linear kernel is Bayesian linear regression: the posterior mean is ridge regression', () => {
    // k = v x·z + o is the prior f(x) = w·x + b, w ~ N(0, vI), b ~ N(0, o). Its posterior mean is
    // ridge regression on the features (x, 1) with penalty diag(noise/v, noise/o).
    const X = [[-1], [0.2], [0.5], [1.4]];
    const y = [-0.8, 0.5, 0.9, 2.1];
    const v = 0.7;
    const o = 0.4;
    const noise = 0.09;
    const r = gpPosterior({ xTrain: X, yTrain: y, xTest: [[2]], kernel: { kind: 'linear', variance: v, offset: o }, noise });
    const Sxx = X.reduce((s, [x]) => s + x * x, 0) + noise / v;
    const Sx = X.reduce((s, [x]) => s + x, 0);
    const S1 = X.length + noise / o;
    const Sxy = X.reduce((s, [x], i) => s + x * y[i], 0);
    const Sy = y.reduce((s, t) => s + t, 0);
    const det = Sxx * S1 - Sx * Sx;
    const w = (S1 * Sxy - Sx * Sy) / det;
    const b = (Sxx * Sy - Sx * Sxy) / det;
    expect(r.mean[0]).toBeCloseTo(2 * w + b, 12);
  });
});
