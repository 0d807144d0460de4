/**
 * Joint draws of a Gaussian process at a set of inputs, from the prior or from the posterior given
 * noisy observations (Rasmussen & Williams 2006, §2.2 and Appendix A.2):
 *   covariance  Σ = K** − K*ᵀ (K + σ²I)⁻¹ K*    (the prior's K** when there is no data),
 *   draw        f = mean + L z,  L Lᵀ = Σ (+ jitter),  z ~ N(0, I) supplied by the caller,
 * so the function is pure: the same normals give the same functions.
 */
import { checkKernel, checkPoints, kernelMatrixPacked } from './kernels.ts';
import type { KernelSpec } from './kernels.ts';
import { cholesky, cholSolve, dot, forwardSubstRows } from './linalg.ts';
import * as v from './validate.ts';

export interface GpSamplesOptions {
  xTrain: number[][];
  yTrain: number[];
  /** The inputs the functions are drawn at (keep it modest: the cost is O(m³)). */
  xTest: number[][];
  kernel: KernelSpec;
  noise: number;
  /** Draw from the prior (ignoring the data) instead of the posterior. */
  prior?: boolean;
  /** count × m standard normals, row r for draw r. */
  normals: ArrayLike<number>;
  count: number;
}

const FN = 'gpSamples';

/** `count` functions (each m values at xTest) drawn from the GP posterior (or prior). */
export function gpSamples(options: GpSamplesOptions): number[][] {
  const o = v.object(FN, 'options', options);
  const kernel = checkKernel(FN, o.kernel, 'kernel');
  const d0 = checkPoints(FN, kernel.kind, o.xTrain, o.xTest, 'xTrain', 'xTest');
  const count = v.integer(FN, 'count', o.count, 0);
  const xTest = o.xTest as number[][];
  const m = xTest.length;
  if (!o.normals || typeof (o.normals as ArrayLike<number>).length !== 'number' || (o.normals as ArrayLike<number>).length < count * m) {
    throw new RangeError(`${FN}: normals must hold count × xTest.length = ${count * m} numbers`);
  }
  const noise = v.nonNegative(FN, 'noise', o.noise);
  const xTrain = o.prior ? [] : (o.xTrain as number[][]);
  const n = xTrain.length;
  const y = v.vector(FN, 'yTrain', o.prior ? [] : o.yTrain, n);
  if (count === 0 || m === 0) return Array.from({ length: count }, () => []);

  const S = kernelMatrixPacked(kernel, xTest, xTest, d0);
  const mean = new Float64Array(m);
  if (n > 0) {
    const A = kernelMatrixPacked(kernel, xTrain, xTrain, d0);
    for (let i = 0; i < n; i++) A[i * n + i] += noise;
    const ch = cholesky(A, n, FN, 'K(xTrain, xTrain) + noise·I');
    const alpha = cholSolve(ch, y);
    const V = kernelMatrixPacked(kernel, xTest, xTrain, d0);
    for (let i = 0; i < m; i++) mean[i] = dot(V, i * n, alpha, 0, n);
    forwardSubstRows(ch.L, n, V, m); // row i: L⁻¹ k*_i, so Σ_ij = k**_ij − V_i · V_j
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        const s = S[i * m + j] - dot(V, i * n, V, j * n, n);
        S[i * m + j] = s;
        S[j * m + i] = s;
      }
    }
  }
  // The posterior covariance is singular at (and near) noise-free observations: cholesky adds the
  // smallest jitter that works, which perturbs each draw by far less than a pixel.
  const L = cholesky(S, m, FN, 'the covariance at xTest').L;
  const z = o.normals as ArrayLike<number>;
  const out: number[][] = [];
  for (let r = 0; r < count; r++) {
    const f = new Array<number>(m);
    for (let i = 0; i < m; i++) {
      let s = mean[i];
      const row = i * m;
      for (let k = 0; k <= i; k++) s += L[row + k] * z[r * m + k];
      f[i] = s;
    }
    out.push(f);
  }
  return out;
}
