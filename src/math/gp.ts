/**
 * Gaussian-process regression with a zero prior mean (Rasmussen & Williams 2006, Algorithm 2.1):
 * factor K + σ²I = L Lᵀ once, then
 *   mean = K*ᵀ α with α = Lᵀ⁻¹ L⁻¹ y,   variance = k** − |L⁻¹ k*|²,
 *   log p(y) = −½ yᵀα − Σ log L_ii − (n/2) log 2π.
 * No explicit inverse is ever formed; the variance is a difference of two positive numbers, so
 * cancellation can leave it slightly negative at a training input: that is returned as 0.
 */
import { kernelMatrixGradients, kernelParamNames } from './kernelgrad.ts';
import { checkKernel, checkPoints, kernelDiagUnchecked, kernelMatrixPacked } from './kernels.ts';
import type { KernelSpec } from './kernels.ts';
import { cholesky, cholSolve, dot, forwardSubstRows } from './linalg.ts';
import type { CholeskyResult } from './linalg.ts';
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

  const { ch, alpha, logMarginalLikelihood } = factorTrain(FN, kernel, xTrain, y, noise, d0);

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

/**
 * The shared training-set factorisation of gpPosterior and gpLogMarginalLikelihoodGradient (so both
 * report the same log marginal likelihood, bit for bit): A = K(X, X) + noise·I = L Lᵀ, α = A⁻¹y,
 * log p(y) = −½ yᵀα − Σ log L_ii − (n/2) log 2π. Needs n >= 1.
 */
function factorTrain(
  fn: string,
  kernel: KernelSpec,
  xTrain: number[][],
  y: number[],
  noise: number,
  d0: number,
): { ch: CholeskyResult; alpha: Float64Array; logMarginalLikelihood: number } {
  const n = xTrain.length;
  const A = kernelMatrixPacked(kernel, xTrain, xTrain, d0);
  for (let i = 0; i < n; i++) A[i * n + i] += noise;
  const ch = cholesky(A, n, fn, 'K(xTrain, xTrain) + noise·I');
  const alpha = cholSolve(ch, y);
  let yAlpha = 0;
  let logDetHalf = 0;
  for (let i = 0; i < n; i++) {
    yAlpha += y[i] * alpha[i];
    logDetHalf += Math.log(ch.L[i * n + i]);
  }
  return { ch, alpha, logMarginalLikelihood: -0.5 * yAlpha - logDetHalf - n * HALF_LOG_2PI };
}

export interface GpLogMarginalLikelihoodGradientOptions {
  xTrain: number[][];
  yTrain: number[];
  kernel: KernelSpec;
  /** Observation-noise variance added to the diagonal of K(X, X). */
  noise: number;
}

export interface GpLogMarginalLikelihoodGradient {
  /** log p(y | X), equal to gpPosterior's logMarginalLikelihood for the same inputs. */
  value: number;
  /**
   * ∂ log p(y)/∂h for every real-valued field h of the kernel spec (lengthScale, variance, period,
   * offset, sigmaW2, sigmaB2) and for 'noise' (the noise variance). Derivatives are in h itself, not
   * in log h.
   */
  gradient: Record<string, number>;
}

/**
 * Value and gradient of the GP log marginal likelihood in the kernel's hyperparameters and the noise
 * variance (Rasmussen & Williams 2006, eq. 5.9): with A = K + σ²I and α = A⁻¹y,
 *   ∂ log p(y)/∂h = ½ tr((α αᵀ − A⁻¹) ∂A/∂h),   ∂A/∂σ² = I.
 * A⁻¹ comes from the Cholesky factor (A⁻¹ = L⁻ᵀ L⁻¹), and ∂K/∂h from kernelgrad.ts (closed forms,
 * and forward mode through the NNGP/NTK recursion). If the factorisation needed a jitter, value
 * and gradient are those of A with that jitter on the diagonal, as in gpPosterior.
 */
export function gpLogMarginalLikelihoodGradient(options: GpLogMarginalLikelihoodGradientOptions): GpLogMarginalLikelihoodGradient {
  const fn = 'gpLogMarginalLikelihoodGradient';
  const o = v.object(fn, 'options', options);
  const kernel = checkKernel(fn, o.kernel, 'kernel');
  const d0 = checkPoints(fn, kernel.kind, o.xTrain, o.xTrain, 'xTrain', 'xTrain');
  const xTrain = o.xTrain as number[][];
  const n = xTrain.length;
  const y = v.vector(fn, 'yTrain', o.yTrain, n);
  const noise = v.nonNegative(fn, 'noise', o.noise);
  const names = kernelParamNames(kernel);
  const gradient: Record<string, number> = {};
  if (n === 0) {
    for (const name of names) gradient[name] = 0;
    gradient.noise = 0;
    return { value: 0, gradient };
  }

  const { ch, alpha, logMarginalLikelihood } = factorTrain(fn, kernel, xTrain, y, noise, d0);
  // Row i of M becomes L⁻¹e_i, column i of L⁻¹: M = (L⁻¹)ᵀ, so M Mᵀ = L⁻ᵀL⁻¹ = A⁻¹.
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) M[i * n + i] = 1;
  forwardSubstRows(ch.L, n, M, n);
  // W = α αᵀ − A⁻¹ (symmetric; upper triangle and diagonal used).
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) W[i * n + j] = alpha[i] * alpha[j] - dot(M, i * n, M, j * n, n);
  }
  const dK = kernelMatrixGradients(kernel, xTrain, d0, fn);
  for (let h = 0; h < names.length; h++) {
    const D = dK[h];
    let diag = 0;
    let off = 0;
    for (let i = 0; i < n; i++) {
      diag += W[i * n + i] * D[i * n + i];
      for (let j = i + 1; j < n; j++) off += W[i * n + j] * D[i * n + j];
    }
    gradient[names[h]] = 0.5 * diag + off;
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += W[i * n + i];
  gradient.noise = 0.5 * trace;
  return { value: logMarginalLikelihood, gradient };
}

function withJitter(r: GpPosterior, jitter: number): GpPosterior {
  Object.defineProperty(r, 'jitter', { value: jitter, enumerable: false });
  return r;
}
