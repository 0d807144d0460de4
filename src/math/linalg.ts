/**
 * Dense linear algebra for the math core: Cholesky with a reported jitter retry, triangular solves,
 * and the symmetric eigendecomposition used for matrix functions (expm, Θ⁻¹(I − e^{−ηΘt})).
 *
 * Written by hand: Cholesky and the triangular solves, on row-major Float64Arrays. ml-matrix's
 * CholeskyDecomposition demands exact symmetry, keeps going after a non-positive pivot (it stores
 * sqrt(max(d, 0)) and divides by it later), cannot say which pivot failed, and goes through
 * get/set per element; the GP needs a failure it can act on (retry with jitter, then a RangeError)
 * and n = 1000 in well under 300 ms. Taken from ml-matrix: the symmetric eigensolver (Householder
 * tridiagonalisation + implicit QL, tred2/tql2 from JAMA/EISPACK), which is stable and maintained.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Row-major copy of a square or rectangular number[][]. */
export function pack(a: number[][], cols: number): Float64Array {
  const out = new Float64Array(a.length * cols);
  for (let i = 0; i < a.length; i++) out.set(a[i], i * cols);
  return out;
}

/** Σ_k x[xo + k] y[yo + k], k < len, with four accumulators (breaks the add dependency chain). */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[xo + k] * y[yo + k];
    s1 += x[xo + k + 1] * y[yo + k + 1];
    s2 += x[xo + k + 2] * y[yo + k + 2];
    s3 += x[xo + k + 3] * y[yo + k + 3];
  }
  for (; k < len; k++) s0 += x[xo + k] * y[yo + k];
  return s0 + s1 + (s2 + s3);
}

/**
 * In-place attempt at A + shift·I = L Lᵀ (row-major n×n; the lower triangle of `l` receives L, the
 * strict upper triangle is zeroed). Returns -1 on success or the index of the first pivot that is
 * not safely positive: d <= n·ε·A_ii means the pivot is below the round-off of its own computation,
 * i.e. the matrix is numerically singular there (Higham, Accuracy and Stability, §10.1).
 *
 * Row-oriented (Cholesky–Crout by rows) so that every inner loop is a dot product of two
 * contiguous rows, and register-blocked four rows i × two rows j: each element loaded is used for
 * several multiply-adds, which is what makes n = 1000 take ~0.1 s in JS.
 */
function choleskyAttempt(a: Float64Array, n: number, shift: number, l: Float64Array): number {
  const tiny = n * Number.EPSILON;
  l.fill(0);
  // Rows in blocks of four. Left of the diagonal block, row i of L solves L[0:i0, 0:i0] x = A[i, 0:i0]
  // (a forward substitution against the rows already done), which is the same register-blocked
  // kernel the GP solves use; then the 4×4 diagonal block is finished row by row.
  let i0 = 0;
  for (; i0 + 3 < n; i0 += 4) {
    l.set(a.subarray(i0 * n, i0 * n + i0), i0 * n);
    l.set(a.subarray((i0 + 1) * n, (i0 + 1) * n + i0), (i0 + 1) * n);
    l.set(a.subarray((i0 + 2) * n, (i0 + 2) * n + i0), (i0 + 2) * n);
    l.set(a.subarray((i0 + 3) * n, (i0 + 3) * n + i0), (i0 + 3) * n);
    solveRows(l, n, l, i0, 4, i0);
    const bad = diagonalBlock(a, n, shift, l, i0, i0 + 4, tiny);
    if (bad >= 0) return bad;
  }
  for (let i = i0; i < n; i++) l.set(a.subarray(i * n, i * n + i0), i * n);
  solveRows(l, n, l, i0, n - i0, i0);
  return i0 < n ? diagonalBlock(a, n, shift, l, i0, n, tiny) : -1;
}

/** Finishes rows [lo, hi) whose entries left of column lo are already done. */
function diagonalBlock(a: Float64Array, n: number, shift: number, l: Float64Array, lo: number, hi: number, tiny: number): number {
  for (let i = lo; i < hi; i++) {
    const ri = i * n;
    for (let j = lo; j < i; j++) {
      const rj = j * n;
      l[ri + j] = (a[ri + j] - dot(l, ri, l, rj, j)) / l[rj + j];
    }
    const aii = a[ri + i] + shift;
    const d = aii - dot(l, ri, l, ri, i);
    if (!(d > tiny * Math.abs(aii)) || !Number.isFinite(d)) return i;
    l[ri + i] = Math.sqrt(d);
  }
  return -1;
}

export interface CholeskyResult {
  /** Row-major lower-triangular factor of A + jitter·I. */
  L: Float64Array;
  n: number;
  /** Diagonal shift that was needed (0 when A factored as given). */
  jitter: number;
}

/**
 * Cholesky of a symmetric positive (semi-)definite matrix. If a pivot fails, retries with
 * jitter = 10⁻¹⁰·mean(diag A), ×10 per try up to 10⁻⁴·mean(diag A), and reports the jitter used;
 * if that is not enough the matrix is not PSD and a RangeError names `param`.
 */
export function cholesky(a: Float64Array, n: number, fn: string, param: string): CholeskyResult {
  const l = new Float64Array(n * n);
  if (choleskyAttempt(a, n, 0, l) < 0) return { L: l, n, jitter: 0 };
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  const scale = trace > 0 ? trace / n : 1;
  let failedAt = -1;
  for (let p = -10; p <= -4; p++) {
    const jitter = scale * 10 ** p;
    failedAt = choleskyAttempt(a, n, jitter, l);
    if (failedAt < 0) return { L: l, n, jitter };
  }
  throw new RangeError(
    `${fn}: ${param} is not positive semi-definite (Cholesky pivot ${failedAt} failed even with ` +
      `jitter ${scale * 1e-4} on the diagonal); check the kernel hyperparameters and noise`,
  );
}

/** Solves L x = b in place (b overwritten by x); b is `len` = n entries at offset `bo`. */
export function forwardSubst(L: Float64Array, n: number, b: Float64Array, bo = 0): void {
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    b[bo + k] = (b[bo + k] - dot(L, rk, b, bo, k)) / L[rk + k];
  }
}

/** Solves Lᵀ x = b in place (back substitution reading L by rows: column access of Lᵀ). */
export function backSubstTransposed(L: Float64Array, n: number, b: Float64Array, bo = 0): void {
  for (let k = n - 1; k >= 0; k--) {
    const xk = b[bo + k] / L[k * n + k];
    b[bo + k] = xk;
    // Subtract column k of Lᵀ (= row k of L) from the remaining entries 0..k-1.
    const rk = k * n;
    for (let i = 0; i < k; i++) b[bo + i] -= L[rk + i] * xk;
  }
}

/**
 * Solves L X = B in place for m right-hand sides stored as the m rows of `b` (row r = one RHS of
 * length n). Register-blocked 2 rows of L × 4 right-hand sides: eight independent accumulators and
 * six loads per eight multiply-adds (one-at-a-time substitution needs two loads per multiply-add),
 * which halves the time of the GP variance solves at n = 1000.
 */
export function forwardSubstRows(L: Float64Array, n: number, b: Float64Array, m: number): void {
  solveRows(L, n, b, 0, m, n);
}

/**
 * The kernel behind forwardSubstRows and the Cholesky factorisation: for the `m` rows of `b`
 * starting at row `first` (row stride n), solves x_k = (b_k − Σ_{j<k} L_kj x_j) / L_kk for
 * k < `kEnd`, in place. `L` and `b` may be the same array when the rows solved lie below row kEnd.
 */
function solveRows(L: Float64Array, n: number, b: Float64Array, first: number, m: number, kEnd: number): void {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const o0 = (first + r) * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    let k = 0;
    for (; k + 1 < kEnd; k += 2) {
      const ra = k * n;
      const rb = ra + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let j = 0; j < k; j++) {
        const la = L[ra + j];
        const lb = L[rb + j];
        const x0 = b[o0 + j];
        const x1 = b[o1 + j];
        const x2 = b[o2 + j];
        const x3 = b[o3 + j];
        a0 += la * x0;
        a1 += la * x1;
        a2 += la * x2;
        a3 += la * x3;
        b0 += lb * x0;
        b1 += lb * x1;
        b2 += lb * x2;
        b3 += lb * x3;
      }
      // the 2×2 diagonal block: row k first, then row k+1 uses the new x_k
      const daa = L[ra + k];
      const dba = L[rb + k];
      const dbb = L[rb + k + 1];
      const y0 = (b[o0 + k] - a0) / daa;
      const y1 = (b[o1 + k] - a1) / daa;
      const y2 = (b[o2 + k] - a2) / daa;
      const y3 = (b[o3 + k] - a3) / daa;
      b[o0 + k] = y0;
      b[o1 + k] = y1;
      b[o2 + k] = y2;
      b[o3 + k] = y3;
      b[o0 + k + 1] = (b[o0 + k + 1] - b0 - dba * y0) / dbb;
      b[o1 + k + 1] = (b[o1 + k + 1] - b1 - dba * y1) / dbb;
      b[o2 + k + 1] = (b[o2 + k + 1] - b2 - dba * y2) / dbb;
      b[o3 + k + 1] = (b[o3 + k + 1] - b3 - dba * y3) / dbb;
    }
    if (k < kEnd) {
      // odd kEnd: the last unknown alone
      const rk = k * n;
      const d = L[rk + k];
      b[o0 + k] = (b[o0 + k] - dot(L, rk, b, o0, k)) / d;
      b[o1 + k] = (b[o1 + k] - dot(L, rk, b, o1, k)) / d;
      b[o2 + k] = (b[o2 + k] - dot(L, rk, b, o2, k)) / d;
      b[o3 + k] = (b[o3 + k] - dot(L, rk, b, o3, k)) / d;
    }
  }
  for (; r < m; r++) {
    const o = (first + r) * n;
    for (let k = 0; k < kEnd; k++) {
      const rk = k * n;
      b[o + k] = (b[o + k] - dot(L, rk, b, o, k)) / L[rk + k];
    }
  }
}

/** Solves (L Lᵀ) x = b and returns x (b untouched). */
export function cholSolve(ch: CholeskyResult, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  forwardSubst(ch.L, ch.n, x);
  backSubstTransposed(ch.L, ch.n, x);
  return x;
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function cholLogDet(ch: CholeskyResult): number {
  let s = 0;
  for (let i = 0; i < ch.n; i++) s += Math.log(ch.L[i * ch.n + i]);
  return 2 * s;
}

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Row-major n×n; column j is the eigenvector of values[j]. */
  vectors: Float64Array;
  n: number;
}

/**
 * Eigendecomposition of a symmetric matrix (ml-matrix tred2/tql2). The input is symmetrised
 * ((A + Aᵀ)/2) so that round-off asymmetry from the caller cannot leak into the result.
 */
export function symmetricEigen(a: number[][]): SymmetricEigen {
  const n = a.length;
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0), n };
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m.set(i, j, 0.5 * (a[i][j] + a[j][i]));
  }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = Float64Array.from(evd.realEigenvalues);
  const V = evd.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = V.get(i, j);
  return { values, vectors, n };
}

/**
 * y = V diag(g) Vᵀ x for a symmetric eigendecomposition: a matrix function applied to a vector
 * without forming the matrix (O(n²)).
 */
export function applySpectral(e: SymmetricEigen, g: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const { n, vectors: V } = e;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const ri = i * n;
    for (let j = 0; j < n; j++) c[j] += V[ri + j] * xi;
  }
  for (let j = 0; j < n; j++) c[j] *= g[j];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = dot(V, i * n, c, 0, n);
  return y;
}
