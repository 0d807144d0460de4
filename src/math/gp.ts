/**
 * Gaussian-process regression with a zero prior mean (Rasmussen & Williams 2006, Algorithm 2.1):
 * factor K + σ²I = L Lᵀ once, then
 *   mean = K*ᵀ α with α = Lᵀ⁻¹ L⁻¹ y,   variance = k** − |L⁻¹ k*|²,
 *   log p(y) = −½ yᵀα − Σ log L_ii − (n/2) log 2π.
 * No explicit inverse is ever formed; the variance is a difference of two positive numbers, so
 * cancellation can leave it slightly negative at a training input: that is returned as 0.
 */
import { checkKernel, checkPoints, kernelDiagUnchecked, kernelMatrixPacked } from './kernels.ts';
import type { KernelSpec } from './kernels.ts';
import { cholesky, cholSolve, dot, forwardSubstRows } from './linalg.ts';
import * as v from './validate.ts';

export interface GpPosteriorOptions {
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  kernel: KernelSpec;
  /** Observation-noise variance added to the diagonal of K(X, X). */
  noise: number;
}

export interface GpPosterior {
  /** Posterior mean of the latent f at each test input. */
  mean: number[];
  /** Posterior variance of the latent f (no observation noise added), clamped at 0. */
  variance: number[];
  logMarginalLikelihood: number;
  /**
   * Diagonal jitter the Cholesky factorisation needed on top of `noise` (0 almost always). It is a
   * non-enumerable property, so the result has exactly its three documented fields when listed.
   */
  readonly jitter?: number;
}

const FN = 'gpPosterior';
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function gpPosterior(options: GpPosteriorOptions): GpPosterior {
  const o = v.object(FN, 'options', options);
  const kernel = checkKernel(FN, o.kernel, 'kernel');
  const d0 = checkPoints(FN, kernel.kind, o.xTrain, o.xTest, 'xTrain', 'xTest');
  const xTrain = o.xTrain as number[][];
  const xTest = o.xTest as number[][];
  const n = xTrain.length;
  const m = xTest.length;
  const y = v.vector(FN, 'yTrain', o.yTrain, n);
  const noise = v.nonNegative(FN, 'noise', o.noise);

  const kss = kernelDiagUnchecked(kernel, xTest, d0);
  if (n === 0) {
    // No data: the posterior is the prior and the marginal likelihood of nothing is 1.
    return withJitter({ mean: new Array<number>(m).fill(0), variance: kss, logMarginalLikelihood: 0 }, 0);
  }

  const A = kernelMatrixPacked(kernel, xTrain, xTrain, d0);
  for (let i = 0; i < n; i++) A[i * n + i] += noise;
  const ch = cholesky(A, n, FN, 'K(xTrain, xTrain) + noise·I');
  const alpha = cholSolve(ch, y);

  let yAlpha = 0;
  let logDetHalf = 0;
  for (let i = 0; i < n; i++) {
    yAlpha += y[i] * alpha[i];
    logDetHalf += Math.log(ch.L[i * n + i]);
  }
  const logMarginalLikelihood = -0.5 * yAlpha - logDetHalf - n * HALF_LOG_2PI;

  const mean = new Array<number>(m);
  const variance = new Array<number>(m);
  if (m > 0) {
    const V = kernelMatrixPacked(kernel, xTest, xTrain, d0); // m × n: row i = k(x*_i, X)
    for (let i = 0; i < m; i++) mean[i] = dot(V, i * n, alpha, 0, n);
    forwardSubstRows(ch.L, n, V, m); // row i becomes L⁻¹ k*_i
    for (let i = 0; i < m; i++) {
      const reduced = kss[i] - dot(V, i * n, V, i * n, n);
      variance[i] = reduced > 0 ? reduced : 0;
    }
  }
  return withJitter({ mean, variance, logMarginalLikelihood }, ch.jitter);
}

function withJitter(r: GpPosterior, jitter: number): GpPosterior {
  Object.defineProperty(r, 'jitter', { value: jitter, enumerable: false });
  return r;
}
