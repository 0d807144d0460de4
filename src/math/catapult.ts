/**
 * The catapult model (Lewkowycz, Bahri, Dyer, Sohl-Dickstein & Gur-Ari 2020, "The large learning
 * rate phase of deep learning: the catapult mechanism", §2): a two-layer linear net
 * f = v·u x/√n on one example (x = 1, y = 0), loss ½f², trained by gradient descent. With the
 * NTK λ = (|u|² + |v|²)/n, one step of GD on (u, v) closes on (f, λ) exactly:
 *   f_{t+1} = (1 − ηλ_t + η² f_t²/n) f_t
 *   λ_{t+1} = λ_t + η f_t²/n · (ηλ_t − 4)
 * so the (n-dimensional) GD trajectory is this 2-D map, to float64 round-off. `twoLayerLinearGd` runs
 * that GD on (u, v) itself, for any number of examples (the reference for the float32 networks).
 */
import * as v from './validate.ts';

export interface CatapultMapOptions {
  f0: number;
  lambda0: number;
  eta: number;
  /** Hidden width n. */
  width: number;
  steps: number;
}

export function catapultMap(options: CatapultMapOptions): { f: number[]; lambda: number[] } {
  const FN = 'catapultMap';
  const o = v.object(FN, 'options', options);
  const f0 = v.finite(FN, 'f0', o.f0);
  const lambda0 = v.nonNegative(FN, 'lambda0', o.lambda0);
  const eta = v.nonNegative(FN, 'eta', o.eta);
  const n = v.positive(FN, 'width', o.width);
  const steps = v.integer(FN, 'steps', o.steps, 0);
  const f = new Array<number>(steps + 1);
  const lambda = new Array<number>(steps + 1);
  f[0] = f0;
  lambda[0] = lambda0;
  let t = 0;
  for (; t < steps; t++) {
    const ft = f[t];
    const lt = lambda[t];
    const f2n = (ft * ft) / n;
    const fn = (1 - eta * lt + eta * eta * f2n) * ft;
    const ln = lt + eta * f2n * (eta * lt - 4);
    if (!Number.isFinite(fn) || !Number.isFinite(ln)) break; // overflow: only once |f| > ~1e150
    f[t + 1] = fn;
    lambda[t + 1] = ln;
  }
  // Diverged (f grows like f³ per step): report ±Infinity from here on instead of NaN from ∞ − ∞;
  // λ runs off with the sign of (ηλ − 4).
  for (; t < steps; t++) {
    if (eta === 0) {
      f[t + 1] = f[t]; // nothing moves (only reachable when f0² itself overflows)
      lambda[t + 1] = lambda[t];
      continue;
    }
    const growth = eta * lambda[t] - 4;
    f[t + 1] = f[t] === 0 ? 0 : Math.sign(f[t]) * Infinity;
    lambda[t + 1] = growth === 0 || Number.isNaN(growth) ? lambda[t] : Math.sign(growth) * Infinity;
  }
  return { f, lambda };
}

export type CatapultPhase = 'lazy' | 'catapult' | 'divergent';

/**
 * Phase of the catapult model from its initial NTK eigenvalue (Lewkowycz et al. 2020, §2.1):
 * η < 2/λ₀ lazy (the loss decreases monotonically, λ barely moves), 2/λ₀ <= η < 4/λ₀ catapult (the
 * loss grows, λ falls below 2/η, then training converges), η >= 4/λ₀ divergent. The comparison is
 * with the quotients 2/λ₀ and 4/λ₀ exactly as written (at the boundaries the labels are conventions).
 */
export function catapultPhase(eta: number, lambda0: number): CatapultPhase {
  const FN = 'catapultPhase';
  const e = v.nonNegative(FN, 'eta', eta);
  const l = v.nonNegative(FN, 'lambda0', lambda0); // λ₀ = 0: 2/λ₀ = ∞, every step size is lazy
  if (e < 2 / l) return 'lazy';
  if (e < 4 / l) return 'catapult';
  return 'divergent';
}

export interface TwoLayerLinearGdOptions {
  /** First-layer weights u (n of them, n >= 1). */
  u0: number[];
  /** Second-layer weights v (the same length as u0). */
  v0: number[];
  /** The m scalar inputs x_a (m >= 1). */
  xs: number[];
  /** The m targets y_a. */
  ys: number[];
  /** Learning rate (>= 0). */
  eta: number;
  steps: number;
}

export interface TwoLayerLinearGdResult {
  /** f_t(x_a) = v_t·u_t x_a / √n: steps + 1 rows of m values. */
  f: number[][];
  /** λ_t = (1/m) Σ_a x_a² (|u_t|² + |v_t|²)/n, the trace-normalised NTK. */
  lambda: number[];
  /** L_t = 1/(2m) Σ_a (f_t(x_a) − y_a)². */
  loss: number[];
}

/**
 * Plain gradient descent, in float64, on the two-layer linear network f(x) = v·u x/√n (scalar
 * input, u, v ∈ ℝⁿ) with the mean squared loss over m examples: the reference for the compute
 * module's float32 `createTwoLayer` and for networks with several examples. With w = v·u/√n the
 * gradient is ∇_u L = g v/√n, ∇_v L = g u/√n with g = (1/m) Σ_a (w x_a − y_a) x_a, and both layers
 * are updated at once. For m = 1, x = 1, y = 0 this is exactly the GD that `catapultMap` closes on
 * (f, λ).
 *
 * Divergence: the iteration is exact until a step overflows (only once max_a |f| is past ~1e150);
 * from that step on f is ±Infinity (with the sign of its last finite value; 0 stays 0) and λ and
 * the loss are +Infinity, never NaN (catapultMap's convention).
 */
export function twoLayerLinearGd(options: TwoLayerLinearGdOptions): TwoLayerLinearGdResult {
  const FN = 'twoLayerLinearGd';
  const o = v.object(FN, 'options', options);
  const u0 = v.vector(FN, 'u0', o.u0);
  if (u0.length === 0) v.rangeError(FN, 'u0', 'a non-empty array', u0);
  const v0 = v.vector(FN, 'v0', o.v0, u0.length);
  const xs = v.vector(FN, 'xs', o.xs);
  if (xs.length === 0) v.rangeError(FN, 'xs', 'a non-empty array', xs);
  const ys = v.vector(FN, 'ys', o.ys, xs.length);
  const eta = v.nonNegative(FN, 'eta', o.eta);
  const steps = v.integer(FN, 'steps', o.steps, 0);
  const n = u0.length;
  const m = xs.length;
  const sqrtN = Math.sqrt(n);
  let sxx = 0;
  for (let a = 0; a < m; a++) sxx += xs[a] * xs[a];
  sxx /= m;
  const u = Float64Array.from(u0);
  const w = Float64Array.from(v0);
  const f: number[][] = new Array(steps + 1);
  const lambda: number[] = new Array(steps + 1);
  const loss: number[] = new Array(steps + 1);

  /** Records the state of step t; returns g (for the update), or NaN if a value overflowed. */
  const record = (t: number): number => {
    let uv = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      uv += u[i] * w[i];
      sq += u[i] * u[i] + w[i] * w[i];
    }
    const c = uv / sqrtN; // f(x) = c x
    const ft = new Array<number>(m);
    let l = 0;
    let g = 0;
    for (let a = 0; a < m; a++) {
      ft[a] = c * xs[a];
      const r = ft[a] - ys[a];
      l += r * r;
      g += r * xs[a];
    }
    const lt = (sq / n) * sxx;
    l /= 2 * m;
    g /= m;
    if (!Number.isFinite(c) || !Number.isFinite(lt) || !Number.isFinite(l) || !Number.isFinite(g)) return Number.NaN;
    f[t] = ft;
    lambda[t] = lt;
    loss[t] = l;
    return g;
  };

  const g0 = record(0);
  if (Number.isNaN(g0)) v.rangeError(FN, 'u0, v0', 'small enough that f, λ and the loss are finite', o.u0);
  let g = g0;
  let t = 0;
  for (; t < steps; t++) {
    const k = (eta * g) / sqrtN;
    for (let i = 0; i < n; i++) {
      const ui = u[i];
      u[i] = ui - k * w[i];
      w[i] = w[i] - k * ui;
    }
    g = record(t + 1);
    if (Number.isNaN(g)) break; // overflow: only once |f| is far past 1e150
  }
  // Diverged: ±Infinity from here on, never NaN.
  for (t = t + 1; t <= steps; t++) {
    f[t] = f[t - 1].map((x) => (x === 0 ? 0 : Math.sign(x) * Infinity));
    lambda[t] = Infinity;
    loss[t] = Infinity;
  }
  return { f, lambda, loss };
}
