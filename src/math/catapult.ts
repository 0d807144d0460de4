/**
 * The catapult model (Lewkowycz, Bahri, Dyer, Sohl-Dickstein & Gur-Ari 2020, "The large learning
 * rate phase of deep learning: the catapult mechanism", §2): a two-layer linear net
 * f = v·u x/√n on one example (x = 1, y = 0), loss ½f², trained by gradient descent. With the
 * NTK λ = (|u|² + |v|²)/n, one step of GD on (u, v) closes on (f, λ) exactly:
 *   f_{t+1} = (1 − ηλ_t + η² f_t²/n) f_t
 *   λ_{t+1} = λ_t + η f_t²/n · (ηλ_t − 4)
 * so the (n-dimensional) GD trajectory is this 2-D map, to float64 round-off.
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
