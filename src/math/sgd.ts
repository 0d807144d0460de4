/**
 * Exact moments of SGD on the quadratic risk R(θ) = 1/N Σ ½(θ − θ_i)² with minibatches of M
 * examples drawn with replacement. The minibatch gradient is θ − x̄_k with x̄_k the batch mean, so
 * e_k = θ_k − μ obeys the linear recursion
 *   e_{k+1} = (1 + α − ε_k) e_k − α e_{k−1} + ε_k ξ_k,   E ξ_k = 0, Var ξ_k = σ²/M,
 * (heavy ball, Polyak 1964; α = 0 is plain SGD), with σ² the POPULATION variance of the data.
 * Its mean and second moments therefore close: with a = 1 + α − ε_k and centred d_k = e_k − E e_k,
 *   V_{k+1} = a² V_k − 2aα W_k + α² V_{k−1} + ε_k² σ²/M,   W_{k+1} = a V_k − α W_k,
 * where V_k = Var θ_k and W_k = Cov(θ_k, θ_{k−1}); θ_{−1} = θ_0 makes V_{−1} = W_0 = 0.
 */
import * as v from './validate.ts';

export interface SgdMomentsOptions {
  /** Learning rate: a constant or a schedule k ↦ ε_k (k = 0, 1, …). */
  epsilon: number | ((k: number) => number);
  theta0: number;
  steps: number;
  batchSize?: number;
  dataMean?: number;
  /** Population variance of the data, 1/N Σ (θ_i − μ)². */
  dataVar?: number;
  /** Heavy-ball momentum α in [0, 1). */
  momentum?: number;
}

function checkMomentum(fn: string, a: unknown): number {
  const alpha = v.nonNegative(fn, 'momentum', a);
  if (!(alpha < 1)) v.rangeError(fn, 'momentum', 'a number in [0, 1)', alpha);
  return alpha;
}

export function sgdMoments(options: SgdMomentsOptions): { mean: number[]; variance: number[] } {
  const FN = 'sgdMoments';
  const o = v.object(FN, 'options', options);
  const eps = o.epsilon;
  if (typeof eps !== 'function') v.nonNegative(FN, 'epsilon', eps);
  const theta0 = v.finite(FN, 'theta0', o.theta0);
  const steps = v.integer(FN, 'steps', o.steps, 0);
  const M = v.integer(FN, 'batchSize', o.batchSize ?? 1, 1);
  const mu = v.finite(FN, 'dataMean', o.dataMean ?? 0);
  const s2 = v.nonNegative(FN, 'dataVar', o.dataVar ?? 1);
  const alpha = checkMomentum(FN, o.momentum ?? 0);
  const rate =
    typeof eps === 'function'
      ? (k: number) => v.nonNegative(FN, `epsilon(${k})`, (eps as (k: number) => number)(k))
      : () => eps as number;

  const mean = new Array<number>(steps + 1);
  const variance = new Array<number>(steps + 1);
  let e = theta0 - mu; // E e_k
  let ePrev = e; // E e_{k−1}
  let V = 0; // Var θ_k
  let Vprev = 0; // Var θ_{k−1}
  let W = 0; // Cov(θ_k, θ_{k−1})
  mean[0] = theta0;
  variance[0] = 0;
  for (let k = 0; k < steps; k++) {
    const ek = rate(k);
    const a = 1 + alpha - ek;
    let eNext = a * e - alpha * ePrev;
    if (Number.isNaN(eNext)) eNext = e; // ∞ − ∞ once a divergent chain (ε > 2(1 + α)) overflows
    // A PSD quadratic form in exact arithmetic; clamp the round-off below 0.
    const quad = a * a * V - 2 * a * alpha * W + alpha * alpha * Vprev;
    // NaN here can only be ∞ − ∞ after overflow of a divergent chain: its variance is +∞.
    const VNext = Number.isNaN(quad) ? Infinity : (quad > 0 ? quad : 0) + (ek * ek * s2) / M;
    const WNext = Number.isNaN(a * V - alpha * W) ? Infinity : a * V - alpha * W;
    ePrev = e;
    e = eNext;
    Vprev = V;
    V = VNext;
    W = WNext;
    mean[k + 1] = mu + e;
    variance[k + 1] = V;
  }
  return { mean, variance };
}

/**
 * Stationary variance of constant-ε heavy-ball SGD, from the fixed point of the recursion above
 * (W = aV/(1 + α), then solve for V):
 *   V∞ = ε σ² (1 + α) / (M (1 − α) (2(1 + α) − ε)),
 * which is ε/(2 − ε) for α = 0, σ² = 1, M = 1. The chain is mean-square stable iff
 * 0 < ε < 2(1 + α); outside that range there is no stationary law and this returns Infinity
 * (and 0 for ε = 0, where θ never moves).
 */
export function sgdStationaryVariance(options: {
  epsilon: number;
  batchSize?: number;
  dataVar?: number;
  momentum?: number;
}): number {
  const FN = 'sgdStationaryVariance';
  const o = v.object(FN, 'options', options);
  const eps = v.nonNegative(FN, 'epsilon', o.epsilon);
  const M = v.integer(FN, 'batchSize', o.batchSize ?? 1, 1);
  const s2 = v.nonNegative(FN, 'dataVar', o.dataVar ?? 1);
  const alpha = checkMomentum(FN, o.momentum ?? 0);
  if (eps === 0) return 0;
  if (eps >= 2 * (1 + alpha)) return Infinity;
  return (eps * s2 * (1 + alpha)) / (M * (1 - alpha) * (2 * (1 + alpha) - eps));
}

/**
 * Convergence rate of heavy-ball gradient descent on one curvature h: the spectral radius of the
 * iteration matrix [[1 + α − εh, −α], [1, 0]] of e_{k+1} = (1 + α − εh) e_k − α e_{k−1}. Its
 * eigenvalues solve λ² − bλ + α = 0 with b = 1 + α − εh, so the radius is (|b| + √(b² − 4α))/2
 * for real roots (b² >= 4α) and √α for a complex pair; α = 0 gives |1 − εh|. Evaluated on b and α
 * scaled by max(|b|, 2√|α|), so no square overflows; ±Infinity only when b itself overflows. At a
 * double root (b² = 4α, the tuned parameters) the eigenvalue is that of a Jordan block, and the
 * rounding of b² − 4α leaves about 8 correct digits.
 */
export function heavyBallRate(options: { epsilon: number; alpha: number; curvature: number }): number {
  const FN = 'heavyBallRate';
  const o = v.object(FN, 'options', options);
  const eps = v.finite(FN, 'epsilon', o.epsilon);
  const alpha = v.finite(FN, 'alpha', o.alpha);
  const h = v.finite(FN, 'curvature', o.curvature);
  const b = 1 + alpha - eps * h;
  if (!Number.isFinite(b)) return Infinity; // |b| > 1.8e308, so the radius (>= |b|/2) is past float64 too
  const scale = Math.max(Math.abs(b), 2 * Math.sqrt(Math.abs(alpha)));
  if (scale === 0) return 0; // b = α = 0: the nilpotent matrix [[0, 0], [1, 0]]
  const bs = b / scale;
  const as = alpha / scale / scale;
  const disc = bs * bs - 4 * as;
  return disc >= 0 ? (scale * (Math.abs(bs) + Math.sqrt(disc))) / 2 : scale * Math.sqrt(as);
}

/** A step-size schedule ε_k, k = 0, 1, … (ε_0 is used for the first step). */
export type SgdSchedule =
  | { kind: 'constant'; epsilon: number }
  /** ε_k = ε₀ / (k + 1) */
  | { kind: 'inverse'; epsilon0: number }
  /** ε_k = ε₀ / (1 + k / k₀) */
  | { kind: 'inverse-k0'; epsilon0: number; k0: number };

function positive(caller: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new RangeError(`${caller}: ${name} must be a finite number > 0, received ${String(x)}`);
  }
  return x;
}

/** A checked copy of a schedule; throws a RangeError/TypeError naming `caller` and the field. */
export function checkSgdSchedule(schedule: SgdSchedule, caller = 'createSgdChains'): SgdSchedule {
  if (schedule === null || typeof schedule !== 'object') throw new TypeError(`${caller}: schedule must be an object with a kind`);
  switch (schedule.kind) {
    case 'constant':
      return { kind: 'constant', epsilon: positive(caller, 'schedule.epsilon', schedule.epsilon) };
    case 'inverse':
      return { kind: 'inverse', epsilon0: positive(caller, 'schedule.epsilon0', schedule.epsilon0) };
    case 'inverse-k0':
      return { kind: 'inverse-k0', epsilon0: positive(caller, 'schedule.epsilon0', schedule.epsilon0), k0: positive(caller, 'schedule.k0', schedule.k0) };
    default:
      throw new RangeError(`${caller}: schedule.kind must be 'constant', 'inverse' or 'inverse-k0', received ${String((schedule as { kind: unknown }).kind)}`);
  }
}

/** The step size ε_k of a schedule as a function of k (the `epsilon` option of sgdMoments). */
export function epsilonSchedule(schedule: SgdSchedule): (k: number) => number {
  const sc = checkSgdSchedule(schedule, 'epsilonSchedule');
  switch (sc.kind) {
    case 'constant':
      return () => sc.epsilon;
    case 'inverse':
      return (k) => sc.epsilon0 / (k + 1);
    default:
      return (k) => sc.epsilon0 / (1 + k / sc.k0);
  }
}

/** Mean and POPULATION variance (1/N) of the data: the dataMean and dataVar of sgdMoments. */
export function dataStats(data: readonly number[]): { mean: number; variance: number } {
  const n = data.length;
  let mean = 0;
  for (const x of data) mean += x;
  mean /= n;
  let variance = 0;
  for (const x of data) variance += (x - mean) ** 2;
  return { mean, variance: variance / n };
}

/** The normal density N(x; mean, variance); 0 for a variance that is not positive (a point mass is drawn as a rule, not a curve). */
export function normalPdf(x: number, mean: number, variance: number): number {
  if (!(variance > 0)) return 0;
  return Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
}
