/**
 * Mean-field signal propagation through a deep random network with bounded activations
 * (Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli 2016, "Exponential expressivity in deep neural
 * networks through transient chaos"; Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, "Deep
 * information propagation"):
 *   q-map   q ↦ σw² E[φ(√q z)²] + σb²                      fixed point q*
 *   χ1    = σw² E[φ'(√q* z)²]                                 slope of the c-map at c = 1
 *   c-map   c ↦ (σw² E[φ(u1)φ(u2)] + σb²)/q*, Corr(u1,u2) = c fixed point c*
 *   ξc    = −1/log(σw² E[φ'(u1)φ'(u2)] at c*)                correlation depth scale
 * Both fixed points are found by bisection on a sign change, never by iterating the map, because at
 * criticality the iteration converges only like 1/l. erf has closed forms (Williams 1997); tanh uses
 * the graded quadrature of quadrature.ts.
 */
import { tanhDiffSqOverGap, tanhMoments1, tanhMoments2 } from './quadrature.ts';
import * as v from './validate.ts';

export type MeanFieldActivation = 'tanh' | 'erf';
export type MeanFieldPhase = 'ordered' | 'chaotic' | 'critical';

export interface MeanFieldResult {
  qStar: number;
  chi1: number;
  cStar: number;
  xiC: number;
  phase: MeanFieldPhase;
}

const TWO_OVER_PI = 2 / Math.PI;
const FOUR_OVER_PI = 4 / Math.PI;

/** The per-activation Gaussian integrals the maps need, all for variance q. */
interface Integrals {
  /** E[φ(√q z)²] */
  f2(q: number): number;
  /** E[φ(√q z)²]/q, finite as q → 0 (→ φ'(0)²) */
  f2OverQ(q: number): number;
  /** E[φ'(√q z)²] */
  d2(q: number): number;
  /** E[(φ(u1) − φ(u2))²]/(1 − c) for Var u = q, Corr = c < 1 (no cancellation near c = 1) */
  diffSqOverGap(q: number, c: number): number;
  /** E[φ'(u1)φ'(u2)] for Var u = q, Corr = c */
  dd(q: number, c: number): number;
  /** φ'(0)² */
  slope0: number;
}

const ERF: Integrals = {
  f2: (q) => TWO_OVER_PI * Math.asin((2 * q) / (1 + 2 * q)),
  f2OverQ: (q) => (q === 0 ? FOUR_OVER_PI : (TWO_OVER_PI * Math.asin((2 * q) / (1 + 2 * q))) / q),
  d2: (q) => FOUR_OVER_PI / Math.sqrt(1 + 4 * q),
  diffSqOverGap(q, c) {
    // 2·(2/π)(asin x − asin xc), x = 2q/(1+2q). For c >= 0 use
    // asin a − asin b = asin(a√(1−b²) − b√(1−a²)) and rationalise, leaving an explicit (1 − c).
    const x = (2 * q) / (1 + 2 * q);
    const gap = 1 - c;
    if (c >= 0) {
      const den = Math.sqrt(1 - x * x * c * c) + c * Math.sqrt((1 - x) * (1 + x));
      return (2 * TWO_OVER_PI * Math.asin((x * gap * (1 + c)) / den)) / gap;
    }
    return (2 * TWO_OVER_PI * (Math.asin(x) - Math.asin(x * c))) / gap;
  },
  dd: (q, c) => FOUR_OVER_PI / Math.sqrt((1 + 2 * q) * (1 + 2 * q) - 4 * q * q * c * c),
  slope0: FOUR_OVER_PI,
};

const TANH: Integrals = {
  f2: (q) => tanhMoments1(q).f2,
  f2OverQ: (q) => tanhMoments1(q).f2OverQ,
  d2: (q) => tanhMoments1(q).d2,
  diffSqOverGap: (q, c) => tanhDiffSqOverGap(q, c),
  dd: (q, c) => tanhMoments2(q, q, c * q).dd,
  slope0: 1,
};

/**
 * Bisection for a root of f on [lo, hi] with f(lo) > 0 >= f(hi), until hi − lo <= rel·hi + abs
 * (or adjacent doubles).
 */
function bisect(f: (x: number) => number, lo: number, hi: number, rel: number, abs: number): number {
  for (let it = 0; it < 2200; it++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi || hi - lo <= rel * Math.abs(hi) + abs) break;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

export function meanField(options: {
  activation: MeanFieldActivation;
  sigmaW2: number;
  sigmaB2: number;
}): MeanFieldResult {
  const FN = 'meanField';
  const o = v.object(FN, 'options', options);
  const act = v.oneOf(FN, 'activation', o.activation, ['tanh', 'erf'] as const);
  const sw = v.nonNegative(FN, 'sigmaW2', o.sigmaW2);
  const sb = v.nonNegative(FN, 'sigmaB2', o.sigmaB2);
  const I = act === 'erf' ? ERF : TANH;

  // q*: the attracting fixed point. V is increasing and concave, so V(q) − q changes sign once on
  // (0, ∞) when σb² > 0 or when the slope σw²φ'(0)² at q = 0 exceeds 1; otherwise q* = 0.
  let qStar: number;
  if (sb > 0) {
    qStar = bisect((q) => sw * I.f2(q) + sb - q, sb, sb + sw, 1e-16, 0); // V(q) <= σw² + σb² since |φ| <= 1
  } else if (sw * I.slope0 <= 1 + 1e-12) {
    qStar = 0;
  } else {
    // Divide by q to keep the sign of V(q)/q − 1 exact for tiny q (no cancellation near q = 0).
    qStar = bisect((q) => (q === 0 ? sw * I.slope0 : sw * I.f2OverQ(q)) - 1, 0, sw, 1e-16, 0);
  }
  const chi1 = sw * (qStar === 0 ? I.slope0 : I.d2(qStar));
  const phase: MeanFieldPhase = chi1 < 1 - 1e-9 ? 'ordered' : chi1 > 1 + 1e-9 ? 'chaotic' : 'critical';

  if (phase === 'critical') return { qStar, chi1, cStar: 1, xiC: Infinity, phase };
  let cStar = 1;
  if (phase === 'chaotic') {
    if (sb === 0) {
      cStar = 0; // φ odd: c = 0 is fixed, and stable since the c-map is convex on [0, 1] (Poole et al.)
    } else {
      // (f(c) − c)/(1 − c) = 1 − σw² E[(φ1 − φ2)²]/(2q*(1 − c)): +σb²/q* at c = −1, 1 − χ1 < 0 at 1.
      cStar = bisect((c) => 1 - (sw * I.diffSqOverGap(qStar, c)) / (2 * qStar), -1, 1, 0, 1e-15);
    }
  }
  const chiC = phase === 'ordered' ? chi1 : sw * I.dd(qStar, cStar);
  const xiC = chiC >= 1 ? Infinity : -1 / Math.log(chiC);
  return { qStar, chi1, cStar, xiC, phase };
}

/**
 * One layer of the two-input recursion: given the per-unit variance q of both inputs and their
 * correlation c, returns the next variance and correlation,
 *   q' = σw² E[φ(√q z)²] + σb²,   q12' = σw² E[φ(u1)φ(u2)] + σb²,   c' = q12'/q',
 * with Var u = q, Corr(u1, u2) = c. It is computed as c' = 1 − σw² E[(φ(u1) − φ(u2))²]/(2q')
 * (the same number, since q' − q12' = σw² E[(φ1 − φ2)²]/2), so 1 − c' keeps its relative accuracy
 * as c → 1. c' is clamped to [−1, 1]; q' = 0 keeps c' = c; q = 0 (both inputs 0) gives c' = 1.
 */
function correlationStep(I: Integrals, sw: number, sb: number, q: number, c: number): { q: number; c: number } {
  const qn = sw * I.f2(q) + sb;
  if (qn === 0) return { q: 0, c };
  if (c === 1 || q === 0) return { q: qn, c: 1 };
  const cn = 1 - (sw * (1 - c) * I.diffSqOverGap(q, c)) / (2 * qn);
  return { q: qn, c: Math.max(-1, Math.min(1, cn)) };
}

function checkCorrelation(fn: string, param: string, c: unknown): number {
  const x = v.finite(fn, param, c);
  if (x < -1 || x > 1) v.rangeError(fn, param, 'a number in [-1, 1]', x);
  return x;
}

/**
 * The correlation map for one layer: the correlation c' of two inputs after the next layer, when
 * both have per-unit variance q and correlation c (see correlationStep). At q = q* this is the
 * c-map c ↦ (σw² E[φ(u1)φ(u2)] + σb²)/q* whose fixed point meanField reports as c*.
 */
export function correlationMap(options: {
  activation: MeanFieldActivation;
  sigmaW2: number;
  sigmaB2: number;
  q: number;
  c: number;
}): number {
  const FN = 'correlationMap';
  const o = v.object(FN, 'options', options);
  const act = v.oneOf(FN, 'activation', o.activation, ['tanh', 'erf'] as const);
  const sw = v.nonNegative(FN, 'sigmaW2', o.sigmaW2);
  const sb = v.nonNegative(FN, 'sigmaB2', o.sigmaB2);
  const q = v.nonNegative(FN, 'q', o.q);
  const c = checkCorrelation(FN, 'c', o.c);
  return correlationStep(act === 'erf' ? ERF : TANH, sw, sb, q, c).c;
}

/**
 * Layer-by-layer variance and correlation of two inputs of equal squared length q0 (per unit,
 * i.e. already the first layer's pre-activation variance) and correlation c0: index 0 holds
 * (q0, c0), index l the values after l more layers of correlationStep (length depth + 1).
 */
export function meanFieldTrajectory(options: {
  activation: MeanFieldActivation;
  sigmaW2: number;
  sigmaB2: number;
  q0: number;
  c0: number;
  depth: number;
}): { q: number[]; c: number[] } {
  const FN = 'meanFieldTrajectory';
  const o = v.object(FN, 'options', options);
  const act = v.oneOf(FN, 'activation', o.activation, ['tanh', 'erf'] as const);
  const sw = v.nonNegative(FN, 'sigmaW2', o.sigmaW2);
  const sb = v.nonNegative(FN, 'sigmaB2', o.sigmaB2);
  const q0 = v.nonNegative(FN, 'q0', o.q0);
  const c0 = checkCorrelation(FN, 'c0', o.c0);
  const depth = v.integer(FN, 'depth', o.depth, 1);
  const I = act === 'erf' ? ERF : TANH;
  const q = new Array<number>(depth + 1);
  const c = new Array<number>(depth + 1);
  q[0] = q0;
  c[0] = c0;
  for (let l = 0; l < depth; l++) {
    const next = correlationStep(I, sw, sb, q[l], c[l]);
    q[l + 1] = next.q;
    c[l + 1] = next.c;
  }
  return { q, c };
}
