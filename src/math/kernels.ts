/**
 * Kernels: the classical RBF, linear, polynomial and periodic kernels, and the infinite-width
 * NNGP K^L and NTK Θ^L of an L-layer dense network in NTK parameterisation (Neal 1996; Lee et al.
 * 2018 "Deep neural networks as Gaussian processes"; Jacot, Gabriel & Hongler 2018 "Neural tangent
 * kernel"), matching neural-tangents' stax.serial(Dense(W_std=√σw², b_std=√σb²), φ, …, Dense)
 * layer for layer.
 *
 * The recursion needs the "dual activation" of φ: E[φ(u)φ(v)] and E[φ'(u)φ'(v)] for
 * (u, v) ~ N(0, [[q1, c], [c, q2]]). relu: arc-cosine kernel (Cho & Saul 2009); erf: Williams 1997
 * ("Computing with infinite networks"); tanh: graded quadrature (quadrature.ts).
 */
import { tanhMoments1, tanhMoments2 } from './quadrature.ts';
import * as v from './validate.ts';

export type Activation = 'relu' | 'erf' | 'tanh';
export type KernelSpec =
  | { kind: 'rbf'; lengthScale: number; variance: number }
  /** k = variance·(x·z) + offset */
  | { kind: 'linear'; variance: number; offset: number }
  /** k = (variance·(x·z) + offset)^degree */
  | { kind: 'polynomial'; variance: number; offset: number; degree: number }
  /** k = variance·exp(−2 sin²(π|x − z|/period)/lengthScale²) (positive semi-definite in 1-D) */
  | { kind: 'periodic'; lengthScale: number; variance: number; period: number }
  | { kind: 'nngp'; activation: Activation; depth: number; sigmaW2: number; sigmaB2: number }
  | { kind: 'ntk'; activation: Activation; depth: number; sigmaW2: number; sigmaB2: number };

export const ACTIVATIONS: readonly Activation[] = ['relu', 'erf', 'tanh'];
const KINDS = ['rbf', 'linear', 'polynomial', 'periodic', 'nngp', 'ntk'] as const;

/** The kernels of a fixed form in x and z (no network recursion). */
export type ClassicalSpec = Extract<KernelSpec, { kind: 'rbf' | 'linear' | 'polynomial' | 'periodic' }>;
/** The NNGP and NTK of a dense network. */
export type DeepSpec = Extract<KernelSpec, { kind: 'nngp' | 'ntk' }>;

export function isDeep(spec: KernelSpec): spec is DeepSpec {
  return spec.kind === 'nngp' || spec.kind === 'ntk';
}

/** Validates a KernelSpec (named `param` in messages) and returns a normalised copy. */
export function checkKernel(fn: string, spec: unknown, param = 'kernel'): KernelSpec {
  const o = v.object(fn, param, spec);
  const kind = v.oneOf(fn, `${param}.kind`, o.kind, KINDS);
  if (kind === 'rbf') {
    return {
      kind,
      lengthScale: v.positive(fn, `${param}.lengthScale`, o.lengthScale),
      variance: v.nonNegative(fn, `${param}.variance`, o.variance),
    };
  }
  if (kind === 'linear') {
    return {
      kind,
      variance: v.positive(fn, `${param}.variance`, o.variance),
      offset: v.nonNegative(fn, `${param}.offset`, o.offset),
    };
  }
  if (kind === 'polynomial') {
    return {
      kind,
      variance: v.positive(fn, `${param}.variance`, o.variance),
      offset: v.nonNegative(fn, `${param}.offset`, o.offset),
      degree: v.integer(fn, `${param}.degree`, o.degree, 1),
    };
  }
  if (kind === 'periodic') {
    return {
      kind,
      lengthScale: v.positive(fn, `${param}.lengthScale`, o.lengthScale),
      variance: v.positive(fn, `${param}.variance`, o.variance),
      period: v.positive(fn, `${param}.period`, o.period),
    };
  }
  return {
    kind,
    activation: v.oneOf(fn, `${param}.activation`, o.activation, ACTIVATIONS),
    depth: v.integer(fn, `${param}.depth`, o.depth, 1),
    sigmaW2: v.nonNegative(fn, `${param}.sigmaW2`, o.sigmaW2),
    sigmaB2: v.nonNegative(fn, `${param}.sigmaB2`, o.sigmaB2),
  };
}

const INV_2PI = 1 / (2 * Math.PI);
const TWO_OVER_PI = 2 / Math.PI;
const FOUR_OVER_PI = 4 / Math.PI;

export interface Dual {
  /** E[φ(u)φ(v)] */
  ff: number;
  /** E[φ'(u)φ'(v)]; NaN only for relu at a zero variance, where it is undefined. */
  dd: number;
}

/** Dual activation for (u, v) ~ N(0, [[q1, c], [c, q2]]); c is clamped to |c| <= √(q1 q2). */
export function dualActivation(act: Activation, q1: number, q2: number, c: number): Dual {
  // √(q1 q2), computed so that q1 = q2 gives exactly q1 and huge or tiny variances cannot overflow
  const prod = q1 * q2;
  const g = prod > 1e-300 && prod < 1e300 ? Math.sqrt(prod) : Math.sqrt(q1) * Math.sqrt(q2);
  const cc = Math.max(-g, Math.min(g, c));
  if (act === 'relu') {
    // u ≡ 0 makes relu(u) ≡ 0, but relu'(0) is undefined: E[φ'φ'] has no value there.
    if (g === 0) return { ff: 0, dd: NaN };
    const r = Math.max(-1, Math.min(1, cc / g)); // clamp: round-off can push |r| past 1
    const theta = Math.acos(r);
    const sin = Math.sqrt((1 - r) * (1 + r));
    return { ff: g * INV_2PI * (sin + (Math.PI - theta) * r), dd: (Math.PI - theta) * INV_2PI };
  }
  if (act === 'erf') {
    const a = 1 + 2 * q1;
    const b = 1 + 2 * q2;
    const arg = Math.max(-1, Math.min(1, (2 * cc) / Math.sqrt(a * b)));
    // det(I + 2Σ) = 1 + 2q1 + 2q2 + 4(q1q2 − c²) >= 1: written this way it cannot go to 0.
    const det = 1 + 2 * q1 + 2 * q2 + 4 * Math.max(0, q1 * q2 - cc * cc);
    return { ff: TWO_OVER_PI * Math.asin(arg), dd: FOUR_OVER_PI / Math.sqrt(det) };
  }
  return tanhMoments2(q1, q2, cc);
}

/** q ↦ E[φ(u)²] for u ~ N(0, q) (the diagonal of the dual activation). */
export function dualDiag(act: Activation, q: number): number {
  if (act === 'relu') return q / 2;
  if (act === 'erf') return TWO_OVER_PI * Math.asin((2 * q) / (1 + 2 * q));
  return tanhMoments1(q).f2;
}

/** q ↦ E[φ'(u)²] for u ~ N(0, q); NaN for relu at q = 0 (relu'(0) is undefined). */
export function dualDerivDiag(act: Activation, q: number): number {
  if (act === 'relu') return q > 0 ? 0.5 : NaN;
  if (act === 'erf') return FOUR_OVER_PI / Math.sqrt(1 + 4 * q);
  return tanhMoments1(q).d2;
}

function samePoint(x: number[], z: number[]): boolean {
  if (x === z) return true;
  for (let k = 0; k < x.length; k++) if (x[k] !== z[k]) return false;
  return true;
}

/** K^l(x, x) for l = 1..L−1 (the variances feeding the dual activations). */
function diagonals(spec: DeepSpec, x: number[], d0: number): Float64Array {
  const q = new Float64Array(spec.depth);
  let s = 0;
  for (let k = 0; k < d0; k++) s += x[k] * x[k];
  q[0] = (spec.sigmaW2 * s) / d0 + spec.sigmaB2;
  for (let l = 1; l < spec.depth; l++) q[l] = spec.sigmaW2 * dualDiag(spec.activation, q[l - 1]) + spec.sigmaB2;
  return q;
}

/** One entry of K^L or Θ^L given the per-layer variances of both inputs. */
function deepEntry(
  spec: DeepSpec,
  x: number[],
  z: number[],
  d0: number,
  qx: Float64Array,
  qz: Float64Array,
  where: string,
): number {
  let xz = 0;
  for (let k = 0; k < d0; k++) xz += x[k] * z[k];
  // k(x, x) goes through the 1-D diagonal maps, so it is bit-identical to the variances that feed
  // the cross terms: a cross recursion with c = q would hit arccos(1 − ulp) ≈ 1.5e-8 for relu.
  const diag = samePoint(x, z);
  let K = diag ? qx[0] : (spec.sigmaW2 * xz) / d0 + spec.sigmaB2;
  let T = K;
  const ntk = spec.kind === 'ntk';
  for (let l = 1; l < spec.depth; l++) {
    let dd: number;
    let Kn: number;
    if (diag) {
      Kn = qx[l];
      dd = ntk ? dualDerivDiag(spec.activation, qx[l - 1]) : 0;
    } else {
      const dual = dualActivation(spec.activation, qx[l - 1], qz[l - 1], K);
      Kn = spec.sigmaW2 * dual.ff + spec.sigmaB2;
      dd = dual.dd;
    }
    if (ntk) {
      if (Number.isNaN(dd)) {
        throw new RangeError(
          `kernelMatrix: the relu NTK is undefined at ${where}: a layer-${l} pre-activation has ` +
            `zero variance (an input x = 0 with sigmaB2 = 0, or sigmaW2 = sigmaB2 = 0), ` +
            `and relu'(0) has no value; use sigmaB2 > 0 or a nonzero input`,
        );
      }
      T = Kn + spec.sigmaW2 * dd * T;
    }
    K = Kn;
  }
  return ntk ? T : K;
}

/** x·z over the first d0 coordinates. */
function dotN(x: number[], z: number[], d0: number): number {
  let s = 0;
  for (let k = 0; k < d0; k++) s += x[k] * z[k];
  return s;
}

/** |x − z|² over the first d0 coordinates. */
function dist2N(x: number[], z: number[], d0: number): number {
  let s = 0;
  for (let k = 0; k < d0; k++) {
    const d = x[k] - z[k];
    s += d * d;
  }
  return s;
}

/** One entry k(x, z) of a classical kernel. */
export function classicalEntry(spec: ClassicalSpec, x: number[], z: number[], d0: number): number {
  switch (spec.kind) {
    case 'rbf':
      return spec.variance * Math.exp(dist2N(x, z, d0) * (-1 / (2 * spec.lengthScale * spec.lengthScale)));
    case 'linear':
      return spec.variance * dotN(x, z, d0) + spec.offset;
    case 'polynomial':
      return (spec.variance * dotN(x, z, d0) + spec.offset) ** spec.degree;
    case 'periodic': {
      const s = Math.sin((Math.PI * Math.sqrt(dist2N(x, z, d0))) / spec.period);
      return spec.variance * Math.exp((-2 * s * s) / (spec.lengthScale * spec.lengthScale));
    }
  }
}

/** Checks two point sets for kernelMatrix-like functions and returns the input dimension. */
export function checkPoints(fn: string, kind: string, a: unknown, b: unknown, pa = 'a', pb = 'b'): number {
  const minCols = kind === 'nngp' || kind === 'ntk' ? 1 : 0;
  const da = v.matrix(fn, pa, a, { minCols });
  const db = v.matrix(fn, pb, b, { minCols });
  const na = (a as number[][]).length;
  const nb = (b as number[][]).length;
  if (na > 0 && nb > 0 && da !== db) {
    v.rangeError(fn, pb, `points of dimension ${da} (the dimension of ${pa})`, (b as number[][])[0]);
  }
  return na > 0 ? da : db;
}

/**
 * Kernel matrix between point sets a (rows) and b (rows), for an already validated spec, as a
 * row-major Float64Array (a.length × b.length). When a === b only the upper triangle is computed
 * and mirrored, so K(X, X) is exactly symmetric.
 */
export function kernelMatrixPacked(spec: KernelSpec, a: number[][], b: number[][], d0: number): Float64Array {
  const same = a === b;
  const na = a.length;
  const nb = b.length;
  const out = new Float64Array(na * nb);
  if (!isDeep(spec)) {
    for (let i = 0; i < na; i++) {
      const x = a[i];
      for (let j = same ? i : 0; j < nb; j++) {
        const k = classicalEntry(spec, x, b[j], d0);
        out[i * nb + j] = k;
        if (same) out[j * nb + i] = k;
      }
    }
    return out;
  }
  const qa = a.map((x) => diagonals(spec, x, d0));
  const qb = same ? qa : b.map((x) => diagonals(spec, x, d0));
  for (let i = 0; i < na; i++) {
    for (let j = same ? i : 0; j < nb; j++) {
      const k = deepEntry(spec, a[i], b[j], d0, qa[i], qb[j], `(a[${i}], b[${j}])`);
      out[i * nb + j] = k;
      if (same) out[j * nb + i] = k;
    }
  }
  return out;
}

/** kernelMatrixPacked as number[][]. */
export function kernelMatrixUnchecked(spec: KernelSpec, a: number[][], b: number[][], d0: number): number[][] {
  const flat = kernelMatrixPacked(spec, a, b, d0);
  const nb = b.length;
  return a.map((_, i) => Array.from(flat.subarray(i * nb, (i + 1) * nb)));
}

/** k(x, x) for each row of a (no m×m matrix needed for posterior variances). */
export function kernelDiagUnchecked(spec: KernelSpec, a: number[][], d0: number): number[] {
  if (!isDeep(spec)) return a.map((x) => classicalEntry(spec, x, x, d0));
  return a.map((x, i) => {
    const q = diagonals(spec, x, d0);
    return deepEntry(spec, x, x, d0, q, q, `(x[${i}], x[${i}])`);
  });
}

/** Public entry: validated kernel matrix K(a, b) (a.length × b.length). */
export function kernelMatrix(spec: KernelSpec, a: number[][], b: number[][]): number[][] {
  const s = checkKernel('kernelMatrix', spec, 'spec');
  const d0 = checkPoints('kernelMatrix', s.kind, a, b);
  return kernelMatrixUnchecked(s, a, b, d0);
}
