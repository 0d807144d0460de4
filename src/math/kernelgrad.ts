/**
 * Hyperparameter derivatives of K(X, X), for the gradient of the GP log marginal likelihood
 * (gp.ts). Classical kernels are differentiated in closed form. The NNGP and NTK are differentiated
 * in forward mode through the layer recursion of kernels.ts: every layer carries K^l, Θ^l and their
 * derivatives in (σw², σb²), and the dual activations' derivatives come from Price's theorem
 * (∂/∂c E[f(u)g(v)] = E[f'g'], ∂/∂q1 E[f(u)g(v)] = ½ E[f''g]): closed forms for relu and erf, the
 * graded quadrature of quadrature.ts for tanh. No finite differences anywhere.
 */
import { dualDerivDiag, dualDiag, isDeep } from './kernels.ts';
import type { Activation, ClassicalSpec, DeepSpec, KernelSpec } from './kernels.ts';
import { tanhPartials1, tanhPartials2 } from './quadrature.ts';
import * as v from './validate.ts';

/** The real-valued hyperparameters of a kernel, in the order of the spec's fields. */
export function kernelParamNames(spec: KernelSpec): string[] {
  switch (spec.kind) {
    case 'rbf':
      return ['lengthScale', 'variance'];
    case 'linear':
    case 'polynomial':
      return ['variance', 'offset'];
    case 'periodic':
      return ['lengthScale', 'variance', 'period'];
    default:
      return ['sigmaW2', 'sigmaB2'];
  }
}

/** A dual activation at (q1, q2, c) with its partial derivatives; ∂ff/∂c = dd (Price). */
interface DualPartials {
  ff: number;
  dd: number;
  ffQ1: number;
  ffQ2: number;
  ddC: number;
  ddQ1: number;
  ddQ2: number;
}

const INV_2PI = 1 / (2 * Math.PI);
const INV_4PI = 1 / (4 * Math.PI);
const TWO_OVER_PI = 2 / Math.PI;
const FOUR_OVER_PI = 4 / Math.PI;

/**
 * Partials of the dual activation for (u, v) ~ N(0, [[q1, c], [c, q2]]), c clamped as in
 * dualActivation. relu: with g = √(q1q2), r = c/g = cos θ and S = g sin θ = √(q1q2 − c²),
 *   ff = (S + (π − θ)c)/(2π),  ∂ff/∂q1 = S/(4π q1),
 *   dd = (π − θ)/(2π),         ∂dd/∂c = 1/(2π S),  ∂dd/∂q1 = −c/(4π q1 S);
 * NaN where these are infinite (S = 0: collinear inputs; q1 = 0: a zero-variance pre-activation).
 * erf: with a = 1 + 2q1, b = 1 + 2q2 and det = ab − 4c² (>= 1),
 *   ff = (2/π) asin(2c/√(ab)),  ∂ff/∂q1 = −dd·c/a,
 *   dd = (4/π)/√det,            ∂dd/∂c = 4c·dd/det,  ∂dd/∂q1 = −b·dd/det.
 */
function dualPartials(act: Activation, q1: number, q2: number, c: number): DualPartials {
  const prod = q1 * q2;
  const g = prod > 1e-300 && prod < 1e300 ? Math.sqrt(prod) : Math.sqrt(q1) * Math.sqrt(q2);
  const cc = Math.max(-g, Math.min(g, c));
  if (act === 'tanh') return tanhPartials2(q1, q2, cc);
  if (act === 'relu') {
    if (g === 0) {
      return { ff: 0, dd: NaN, ffQ1: q1 === 0 ? NaN : 0, ffQ2: q2 === 0 ? NaN : 0, ddC: NaN, ddQ1: NaN, ddQ2: NaN };
    }
    const r = Math.max(-1, Math.min(1, cc / g));
    const theta = Math.acos(r);
    const S = g * Math.sqrt((1 - r) * (1 + r));
    const dd = (Math.PI - theta) * INV_2PI;
    const ff = (S + (Math.PI - theta) * g * r) * INV_2PI;
    if (S === 0) return { ff, dd, ffQ1: 0, ffQ2: 0, ddC: NaN, ddQ1: NaN, ddQ2: NaN };
    return {
      ff,
      dd,
      ffQ1: (S * INV_4PI) / q1,
      ffQ2: (S * INV_4PI) / q2,
      ddC: INV_2PI / S,
      ddQ1: (-g * r * INV_4PI) / (q1 * S),
      ddQ2: (-g * r * INV_4PI) / (q2 * S),
    };
  }
  const a = 1 + 2 * q1;
  const b = 1 + 2 * q2;
  const arg = Math.max(-1, Math.min(1, (2 * cc) / Math.sqrt(a * b)));
  const det = 1 + 2 * q1 + 2 * q2 + 4 * Math.max(0, q1 * q2 - cc * cc);
  const dd = FOUR_OVER_PI / Math.sqrt(det);
  return {
    ff: TWO_OVER_PI * Math.asin(arg),
    dd,
    ffQ1: (-dd * cc) / a,
    ffQ2: (-dd * cc) / b,
    ddC: (4 * cc * dd) / det,
    ddQ1: (-b * dd) / det,
    ddQ2: (-a * dd) / det,
  };
}

/**
 * The 1-D maps and their slopes at variance q: V = E[φ(u)²], V' = dV/dq, D = E[φ'(u)²], D' = dD/dq.
 * relu: V = q/2, D = ½ (NaN at q = 0, where relu'(0) has no value). erf: V' = (4/π)/((1 + 2q)√(1 + 4q)),
 * D = (4/π)(1 + 4q)^{−1/2}, D' = −(8/π)(1 + 4q)^{−3/2}. tanh: tanhPartials1.
 */
function diagPartials(act: Activation, q: number): { V: number; Vq: number; D: number; Dq: number } {
  if (act === 'relu') return { V: dualDiag('relu', q), Vq: 0.5, D: dualDerivDiag('relu', q), Dq: 0 };
  if (act === 'erf') {
    const r = Math.sqrt(1 + 4 * q);
    return { V: dualDiag('erf', q), Vq: FOUR_OVER_PI / ((1 + 2 * q) * r), D: FOUR_OVER_PI / r, Dq: -(2 * FOUR_OVER_PI) / (r * r * r) };
  }
  const t = tanhPartials1(q);
  return { V: t.f2, Vq: t.f2Q, D: t.d2, Dq: t.d2Q };
}

/** Per-point diagonal recursion with tangents: index [l] for q, [2l + h] for derivatives (h = 0: σw², 1: σb²). */
interface DiagTangents {
  q: Float64Array;
  dq: Float64Array;
  /** E[φ'(u)²] at q^l */
  D: Float64Array;
  /** its total derivative, D'(q^l)·dq^l */
  dD: Float64Array;
}

function diagTangents(spec: DeepSpec, x: number[], d0: number): DiagTangents {
  const L = spec.depth;
  const sw = spec.sigmaW2;
  const q = new Float64Array(L);
  const dq = new Float64Array(2 * L);
  const D = new Float64Array(L);
  const dD = new Float64Array(2 * L);
  let s = 0;
  for (let k = 0; k < d0; k++) s += x[k] * x[k];
  q[0] = (sw * s) / d0 + spec.sigmaB2;
  dq[0] = s / d0;
  dq[1] = 1;
  for (let l = 1; l < L; l++) {
    const p = diagPartials(spec.activation, q[l - 1]);
    q[l] = sw * p.V + spec.sigmaB2;
    for (let h = 0; h < 2; h++) {
      dq[2 * l + h] = (h === 0 ? p.V : 1) + (sw === 0 ? 0 : sw * p.Vq * dq[2 * (l - 1) + h]);
      dD[2 * (l - 1) + h] = p.Dq === 0 ? 0 : p.Dq * dq[2 * (l - 1) + h];
    }
    D[l - 1] = p.D;
  }
  return { q, dq, D, dD };
}

/** a·t, with a term whose tangent is exactly 0 dropped (so an infinite partial along it is no NaN). */
const term = (a: number, t: number): number => (t === 0 ? 0 : a * t);

function samePoint(x: number[], z: number[]): boolean {
  if (x === z) return true;
  for (let k = 0; k < x.length; k++) if (x[k] !== z[k]) return false;
  return true;
}

/** Writes dK(x, z)/dσw² and dK(x, z)/dσb² (K^L or Θ^L) into out[0], out[1]. */
function deepEntryGrad(
  spec: DeepSpec,
  x: number[],
  z: number[],
  d0: number,
  tx: DiagTangents,
  tz: DiagTangents,
  out: Float64Array,
  fn: string,
  where: string,
): void {
  const sw = spec.sigmaW2;
  const sb = spec.sigmaB2;
  const L = spec.depth;
  const ntk = spec.kind === 'ntk';
  if (samePoint(x, z)) {
    // The 1-D recursion, exactly as the kernel computes k(x, x).
    let T = tx.q[0];
    let dT0 = tx.dq[0];
    let dT1 = tx.dq[1];
    for (let l = 1; l < L && ntk; l++) {
      const D = tx.D[l - 1];
      const n0 = tx.dq[2 * l] + D * T + (sw === 0 ? 0 : sw * (tx.dD[2 * (l - 1)] * T + D * dT0));
      const n1 = tx.dq[2 * l + 1] + (sw === 0 ? 0 : sw * (tx.dD[2 * (l - 1) + 1] * T + D * dT1));
      T = tx.q[l] + sw * D * T;
      dT0 = n0;
      dT1 = n1;
    }
    out[0] = ntk ? dT0 : tx.dq[2 * (L - 1)];
    out[1] = ntk ? dT1 : tx.dq[2 * (L - 1) + 1];
    return;
  }
  let xz = 0;
  for (let k = 0; k < d0; k++) xz += x[k] * z[k];
  xz /= d0;
  let K = sw * xz + sb;
  const dK = [xz, 1];
  let T = K;
  const dT = [xz, 1];
  for (let l = 1; l < L; l++) {
    const p = dualPartials(spec.activation, tx.q[l - 1], tz.q[l - 1], K);
    const Kn = sw * p.ff + sb;
    const dKn = [0, 0];
    const dTn = [0, 0];
    for (let h = 0; h < 2; h++) {
      const dqx = tx.dq[2 * (l - 1) + h];
      const dqz = tz.dq[2 * (l - 1) + h];
      const inner = sw === 0 ? 0 : sw * (term(p.dd, dK[h]) + term(p.ffQ1, dqx) + term(p.ffQ2, dqz));
      dKn[h] = (h === 0 ? p.ff : 1) + inner;
      if (ntk) {
        let dG = 0;
        if (sw !== 0) {
          dG = term(p.ddC, dK[h]) + term(p.ddQ1, dqx) + term(p.ddQ2, dqz);
          // relu at collinear inputs: with σb² > 0 only round-off makes them collinear, and the
          // exact slope there is O(their separation), i.e. 0 to working precision.
          if (Number.isNaN(dG) && sb > 0) dG = 0;
        }
        dTn[h] = dKn[h] + (h === 0 ? p.dd * T : 0) + (sw === 0 ? 0 : sw * (dG * T + p.dd * dT[h]));
      }
      if (Number.isNaN(dKn[h]) || Number.isNaN(dTn[h])) {
        v.rangeError(
          fn,
          'kernel.sigmaB2',
          `> 0 for the derivative of the relu ${spec.kind.toUpperCase()} at ${where}: these inputs are ` +
            `collinear (or one is 0), and at sigmaB2 = 0 the kernel's slope in sigmaB2 is infinite`,
          sb,
        );
      }
    }
    if (ntk) T = Kn + sw * p.dd * T;
    K = Kn;
    dK[0] = dKn[0];
    dK[1] = dKn[1];
    dT[0] = dTn[0];
    dT[1] = dTn[1];
  }
  out[0] = ntk ? dT[0] : dK[0];
  out[1] = ntk ? dT[1] : dK[1];
}

/** Writes the derivatives of one classical kernel entry k(x, z), in kernelParamNames order. */
function classicalEntryGrad(spec: ClassicalSpec, x: number[], z: number[], d0: number, out: Float64Array): void {
  let dotp = 0;
  let d2 = 0;
  for (let k = 0; k < d0; k++) {
    dotp += x[k] * z[k];
    const d = x[k] - z[k];
    d2 += d * d;
  }
  switch (spec.kind) {
    case 'rbf': {
      // k = v·e, e = exp(−d²/2ℓ²): ∂k/∂ℓ = k·d²/ℓ³, ∂k/∂v = e
      const l = spec.lengthScale;
      const e = Math.exp(d2 * (-1 / (2 * l * l)));
      out[0] = (spec.variance * e * d2) / (l * l * l);
      out[1] = e;
      return;
    }
    case 'linear':
      out[0] = dotp;
      out[1] = 1;
      return;
    case 'polynomial': {
      // k = B^p, B = v·s + o: ∂k/∂v = p B^{p−1} s, ∂k/∂o = p B^{p−1}
      const p = spec.degree;
      const Bp = (spec.variance * dotp + spec.offset) ** (p - 1);
      out[0] = p * Bp * dotp;
      out[1] = p * Bp;
      return;
    }
    case 'periodic': {
      // k = v·e, e = exp(−2S²/ℓ²), S = sin a, a = πr/P:
      // ∂k/∂ℓ = k·4S²/ℓ³, ∂k/∂v = e, ∂k/∂P = k·4 S cos(a)·a/(ℓ² P)
      const l = spec.lengthScale;
      const P = spec.period;
      const a = (Math.PI * Math.sqrt(d2)) / P;
      const S = Math.sin(a);
      const e = Math.exp((-2 * S * S) / (l * l));
      const k = spec.variance * e;
      out[0] = (4 * k * S * S) / (l * l * l);
      out[1] = e;
      out[2] = (4 * k * S * Math.cos(a) * a) / (l * l * P);
      return;
    }
  }
}

/**
 * dK(X, X)/dh for each h of kernelParamNames(spec): row-major n×n symmetric Float64Arrays (upper
 * triangle computed and mirrored). `fn` names the caller in the relu error.
 */
export function kernelMatrixGradients(spec: KernelSpec, X: number[][], d0: number, fn: string): Float64Array[] {
  const n = X.length;
  const P = kernelParamNames(spec).length;
  const out = Array.from({ length: P }, () => new Float64Array(n * n));
  const buf = new Float64Array(P);
  const tangents = isDeep(spec) ? X.map((x) => diagTangents(spec, x, d0)) : [];
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      if (isDeep(spec)) {
        deepEntryGrad(spec, X[i], X[j], d0, tangents[i], tangents[j], buf, fn, `(xTrain[${i}], xTrain[${j}])`);
      } else {
        classicalEntryGrad(spec, X[i], X[j], d0, buf);
      }
      for (let h = 0; h < P; h++) {
        out[h][i * n + j] = buf[h];
        out[h][j * n + i] = buf[h];
      }
    }
  }
  return out;
}
