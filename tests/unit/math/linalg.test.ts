import { describe, expect, it } from 'vitest';
import {
  applySpectral,
  backSubstTransposed,
  cholesky,
  cholLogDet,
  cholSolve,
  forwardSubst,
  forwardSubstRows,
  symmetricEigen,
} from '../../../src/math/linalg.ts';
import { inverseAndLogDet, matVec, Rng } from './_support.ts';

const rng = new Rng(3);

/** A random SPD matrix B Bᵀ + δI (row-major) of size n. */
function spd(n: number, delta: number): Float64Array {
  const B = rng.normals(n * n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = s / n + (i === j ? delta : 0);
      A[j * n + i] = A[i * n + j];
    }
  }
  return A;
}

const rows = (A: Float64Array, n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)));

describe('cholesky', () => {
  for (const n of [1, 3, 4, 5, 17, 64]) {
    it(`reconstructs A = L Lᵀ (n = ${n}), solves and log-dets like the dense reference`, () => {
      const A = spd(n, 0.1);
      const ch = cholesky(A, n, 'test', 'A');
      expect(ch.jitter).toBe(0);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += ch.L[i * n + k] * ch.L[j * n + k];
          worst = Math.max(worst, Math.abs(s - A[i * n + j]));
          if (j > i) expect(ch.L[i * n + j]).toBe(0);
        }
      }
      expect(worst).toBeLessThan(1e-12);
      const b = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const { inv, logDet } = inverseAndLogDet(rows(A, n));
      const x = cholSolve(ch, b);
      const ref = matVec(inv, b);
      for (let i = 0; i < n; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(1e-9 * (1 + Math.abs(ref[i])));
      expect(Math.abs(cholLogDet(ch) - logDet)).toBeLessThan(1e-10 * (1 + Math.abs(logDet)));
    });
  }

  it('retries with a reported jitter for a singular PSD matrix instead of producing NaN', () => {
    const n = 6;
    const v = [1, 2, 3, 4, 5, 6];
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = v[i] * v[j]; // rank 1
    const ch = cholesky(A, n, 'test', 'A');
    expect(ch.jitter).toBeGreaterThan(0);
    expect(ch.jitter).toBeLessThanOrEqual((91 / 6) * 1e-4);
    expect(Array.from(ch.L).every(Number.isFinite)).toBe(true);
  });

  it('throws a RangeError naming the parameter for an indefinite matrix', () => {
    const A = Float64Array.from([1, 2, 2, 1]);
    expect(() => cholesky(A, 2, 'gpPosterior', 'K(xTrain, xTrain) + noise·I')).toThrow(RangeError);
    expect(() => cholesky(A, 2, 'gpPosterior', 'K(xTrain, xTrain) + noise·I')).toThrow(/gpPosterior: K\(xTrain, xTrain\)/);
    expect(() => cholesky(Float64Array.from([NaN]), 1, 'f', 'A')).toThrow(RangeError);
  });

  it('forwardSubstRows (four right-hand sides at a time) equals one-at-a-time substitution', () => {
    const n = 23;
    const ch = cholesky(spd(n, 0.5), n, 'test', 'A');
    for (const m of [1, 4, 7]) {
      const B = rng.normals(m * n);
      const one = B.slice();
      for (let r = 0; r < m; r++) forwardSubst(ch.L, n, one, r * n);
      const many = B.slice();
      forwardSubstRows(ch.L, n, many, m);
      for (let i = 0; i < m * n; i++) expect(Math.abs(many[i] - one[i])).toBeLessThan(1e-12 * (1 + Math.abs(one[i])));
    }
    // and backSubstTransposed inverts Lᵀ
    const x = rng.normals(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = i; k < n; k++) y[i] += ch.L[k * n + i] * x[k]; // y = Lᵀ x
    backSubstTransposed(ch.L, n, y);
    for (let i = 0; i < n; i++) expect(Math.abs(y[i] - x[i])).toBeLessThan(1e-10);
  });
});

describe('symmetricEigen and applySpectral', () => {
  it('V diag(λ) Vᵀ reconstructs A, V is orthonormal, and f(A) x matches a direct product', () => {
    const n = 9;
    const A = rows(spd(n, 0), n);
    const e = symmetricEigen(A);
    for (let j = 1; j < n; j++) expect(e.values[j]).toBeGreaterThanOrEqual(e.values[j - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          s += e.vectors[i * n + k] * e.values[k] * e.vectors[j * n + k];
          o += e.vectors[k * n + i] * e.vectors[k * n + j];
        }
        expect(Math.abs(s - A[i][j])).toBeLessThan(1e-12);
        expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    const x = Array.from({ length: n }, (_, i) => i - 4);
    const Ax = applySpectral(e, e.values, x);
    const ref = matVec(A, x);
    for (let i = 0; i < n; i++) expect(Math.abs(Ax[i] - ref[i])).toBeLessThan(1e-12);
    expect(symmetricEigen([]).n).toBe(0);
  });
});
