/**
 * Linearised (infinite-width) training dynamics under gradient flow on the SUM loss ½|f(X) − y|²,
 * time in units of steps of size η (Jacot et al. 2018; Lee et al. 2019 "Wide neural networks of any
 * depth evolve as linear models under gradient descent", eqs. 9–16):
 *   f_t(X)  = y + e^{−ηΘt}(f₀(X) − y)
 *   f_t(x*) = f₀(x*) + Θ*Θ⁻¹(I − e^{−ηΘt})(y − f₀(X)).
 * Both matrix functions go through one symmetric eigendecomposition Θ = V diag(λ) Vᵀ: e^{−ηtλ} and
 * g(λ) = (1 − e^{−ηtλ})/λ = −expm1(−ηtλ)/λ (g(0) = ηt), never a truncated power series, and
 * never an explicit inverse, so a singular Θ (duplicate inputs) is fine at finite t.
 * (neural-tangents' gradient_descent_mse uses the MEAN loss: its time is t_nt = n·t.)
 */
import { applySpectral, symmetricEigen } from './linalg.ts';
import type { SymmetricEigen } from './linalg.ts';
import * as v from './validate.ts';

export interface NtkPredictionOptions {
  thetaTrain: number[][];
  thetaTestTrain: number[][];
  yTrain: number[];
  eta: number;
  t: number;
  f0Train?: number[];
  f0Test?: number[];
}

export interface NtkGpOptions {
  kTrain: number[][];
  kTestTrain: number[][];
  kTestDiag: number[];
  thetaTrain: number[][];
  thetaTestTrain: number[][];
  yTrain: number[];
  eta: number;
  t: number;
}

/** Validates a symmetric n×n matrix (asymmetry beyond round-off is a RangeError). */
function checkSymmetric(fn: string, param: string, a: unknown, n?: number): number {
  const rows = Array.isArray(a) ? a.length : 0;
  v.matrix(fn, param, a, { rows: n ?? rows, cols: n ?? rows });
  const m = a as number[][];
  let scale = 0;
  for (const row of m) for (const x of row) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < m.length; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(m[i][j] - m[j][i]) > 1e-8 * scale) {
        v.rangeError(fn, param, `a symmetric matrix (entry [${i}][${j}] ≠ [${j}][${i}])`, m[i][j]);
      }
    }
  }
  return m.length;
}

interface Spectral {
  eig: SymmetricEigen;
  /** 1 − e^{−ηtλ}: the fraction of each eigen-direction already fitted. */
  fitted: Float64Array;
  /** g(λ) = (1 − e^{−ηtλ})/λ. */
  g: Float64Array;
}

/** Eigendecomposition of Θ plus the two spectral functions, with the PSD / PD checks. */
function spectral(fn: string, theta: number[][], eta: number, t: number): Spectral {
  const eig = symmetricEigen(theta);
  const n = eig.n;
  let top = 0;
  for (let j = 0; j < n; j++) top = Math.max(top, Math.abs(eig.values[j]));
  const fitted = new Float64Array(n);
  const g = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let lam = eig.values[j];
    // Eigenvalues of a PSD matrix come back as ≈ −n·ε·|Θ| at worst; anything clearly negative is
    // not an NTK, and e^{+ηt|λ|} would silently blow the prediction up.
    if (lam < -1e-9 * top) {
      v.rangeError(fn, 'thetaTrain', 'positive semi-definite (an NTK Gram matrix)', `eigenvalue ${lam}`);
    }
    if (lam < 0) lam = 0;
    if (t === Infinity) {
      if (!(lam > n * 1e-13 * top)) {
        v.rangeError(
          fn,
          'thetaTrain',
          'positive definite when t = Infinity (the kernel-regression limit needs Θ⁻¹; duplicate inputs make Θ singular)',
          `eigenvalue ${eig.values[j]}`,
        );
      }
      fitted[j] = 1;
      g[j] = 1 / lam;
    } else {
      const tau = eta * t;
      const f = -Math.expm1(-tau * lam);
      fitted[j] = f;
      g[j] = lam > 0 ? f / lam : tau;
    }
  }
  return { eig, fitted, g };
}

function checkTime(fn: string, eta: unknown, t: unknown): { eta: number; t: number } {
  const e = v.nonNegative(fn, 'eta', eta);
  if (typeof t !== 'number') v.finite(fn, 't', t);
  const tt = t as number;
  if (Number.isNaN(tt) || tt < 0) v.rangeError(fn, 't', 'a number >= 0 (Infinity allowed)', tt);
  if (tt === Infinity && e === 0) v.rangeError(fn, 'eta', 'a number > 0 when t = Infinity', e);
  return { eta: e, t: tt };
}

export function ntkPrediction(options: NtkPredictionOptions): { train: number[]; test: number[] } {
  const FN = 'ntkPrediction';
  const o = v.object(FN, 'options', options);
  const n = checkSymmetric(FN, 'thetaTrain', o.thetaTrain);
  const m = Array.isArray(o.thetaTestTrain) ? o.thetaTestTrain.length : 0;
  v.matrix(FN, 'thetaTestTrain', o.thetaTestTrain, { cols: n });
  const y = v.vector(FN, 'yTrain', o.yTrain, n);
  const { eta, t } = checkTime(FN, o.eta, o.t);
  const f0Train = o.f0Train === undefined ? new Array<number>(n).fill(0) : v.vector(FN, 'f0Train', o.f0Train, n);
  const f0Test = o.f0Test === undefined ? new Array<number>(m).fill(0) : v.vector(FN, 'f0Test', o.f0Test, m);
  const theta = o.thetaTrain as number[][];
  const thetaTe = o.thetaTestTrain as number[][];
  if (n === 0 || t === 0) return { train: f0Train.slice(), test: f0Test.slice() };

  const sp = spectral(FN, theta, eta, t);
  const residual = y.map((yi, i) => yi - f0Train[i]);
  // f0 + V diag(1 − e^{−ηtλ}) Vᵀ (y − f0): exactly f0 at t = 0, y along every fitted direction.
  const moved = applySpectral(sp.eig, sp.fitted, residual);
  const train = t === Infinity ? y.slice() : f0Train.map((f, i) => f + moved[i]);
  const w = applySpectral(sp.eig, sp.g, residual);
  const test = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += thetaTe[i][j] * w[j];
    test[i] = f0Test[i] + s;
  }
  return { train, test };
}

export function ntkGp(options: NtkGpOptions): { mean: number[]; variance: number[] } {
  const FN = 'ntkGp';
  const o = v.object(FN, 'options', options);
  const n = checkSymmetric(FN, 'thetaTrain', o.thetaTrain);
  checkSymmetric(FN, 'kTrain', o.kTrain, n);
  const m = Array.isArray(o.thetaTestTrain) ? o.thetaTestTrain.length : 0;
  v.matrix(FN, 'thetaTestTrain', o.thetaTestTrain, { cols: n });
  v.matrix(FN, 'kTestTrain', o.kTestTrain, { rows: m, cols: n });
  const kDiag = v.vector(FN, 'kTestDiag', o.kTestDiag, m);
  for (let i = 0; i < m; i++) v.nonNegative(FN, `kTestDiag[${i}]`, kDiag[i]);
  const y = v.vector(FN, 'yTrain', o.yTrain, n);
  const { eta, t } = checkTime(FN, o.eta, o.t);
  const K = o.kTrain as number[][];
  const Kte = o.kTestTrain as number[][];
  const thetaTe = o.thetaTestTrain as number[][];
  if (n === 0 || t === 0) return { mean: new Array<number>(m).fill(0), variance: kDiag.slice() };

  const sp = spectral(FN, o.thetaTrain as number[][], eta, t);
  const mean = new Array<number>(m);
  const variance = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    // Row i of B = Θ*Θ⁻¹(I − e^{−ηΘt}) is g(Θ) applied to Θ*_i (g(Θ) is symmetric).
    const b = applySpectral(sp.eig, sp.g, thetaTe[i]);
    let by = 0;
    let bk = 0;
    for (let j = 0; j < n; j++) {
      by += b[j] * y[j];
      bk += b[j] * Kte[i][j];
    }
    let bKb = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const row = K[j];
      for (let k = 0; k < n; k++) s += row[k] * b[k];
      bKb += b[j] * s;
    }
    mean[i] = by;
    const s2 = kDiag[i] - 2 * bk + bKb;
    variance[i] = s2 > 0 ? s2 : 0; // a variance; round-off below 0 is returned as 0
  }
  return { mean, variance };
}
