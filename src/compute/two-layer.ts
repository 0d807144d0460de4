/**
 * The catapult model (Lewkowycz, Bahri, Dyer, Sohl-Dickstein & Gur-Ari 2020, §2), simulated: B
 * two-layer linear networks f(x) = v.u x / sqrt(n) (scalar input x, u, v in R^n) trained by
 * full-batch gradient descent, batched over learning rates and initialisations, in float32.
 *
 * On m examples (x_i, y_i) with the mean squared loss L = 1/(2m) sum_i (f(x_i) - y_i)^2, write
 * w = v.u / sqrt(n) (so f(x) = w x), g = dL/dw = (1/m) sum_i (w x_i - y_i) x_i. GD is
 *   u <- u - eta g v / sqrt(n),   v <- v - eta g u / sqrt(n)
 * and the NTK (the loss's curvature along the GD direction) is
 *   lambda = (|u|^2 + |v|^2) / n * |x|^2 / m.
 * With m = 1, x = 1, y = 0 this is exactly src/math's catapultMap (loss f^2 / 2, lambda =
 * (|u|^2 + |v|^2)/n): lazy for eta < 2/lambda_0, catapult for 2/lambda_0 < eta < 4/lambda_0,
 * divergent above.
 *
 * Device state, two forms with the same arithmetic up to rounding, chosen by backend:
 *   - 'stacked' (CPU, WebGL): S = [u; v] per run, [B, 2, n]. One batched matMul S S^T gives each
 *     run's 2 x 2 Gram matrix (hence w and lambda), and the update is another, S <- M S with
 *     M = [[1, -c], [-c, 1]], c = eta g / sqrt(n): few dispatches, and no broadcasting over [B, n]
 *     (which the CPU backend does element by element with index arithmetic, ~20x slower);
 *   - 'split' (WASM): u and v as [B, n]; sums of products and two broadcast updates (elementwise
 *     ops are SIMD kernels there, while its batched matMul is a plain loop).
 * Only (w, lambda, alive) per run and step are read back, once per run() call (tensor.data(),
 * non-blocking); f and the loss follow from w in JS (float64).
 *
 * Divergence: a run is flagged when eta lambda_t >= 1e6 (it is then past eta lambda = 4, where
 * lambda can only grow and |f| at least triples per step) or a value is not finite; its parameters
 * are frozen at that (finite) state, and from that step on it reports f = ±Infinity, loss and
 * lambda = +Infinity (catapultMap's convention), never NaN.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Compute } from './backend.ts';
import { createRng } from './rng.ts';
import { specChecker } from './spec.ts';

export interface TwoLayerSpec {
  /** Learning rates eta (each finite, >= 0), 1..4096 of them. */
  rates: number[];
  /** Initialisations per rate (default 1): run b = r * seeds + s has rate rates[r] and initialisation s. */
  seeds?: number;
  /** Hidden width n (1..2^20; runs x n <= 2^24). */
  width: number;
  /** The m scalar inputs x_i (1..4096, not all 0). */
  x: number[];
  /** The m targets y_i. */
  y: number[];
  /** Initialisation seed: u, v ~ N(0, 1) for initialisation s depend only on (seed, s). */
  seed: number | string;
}

export interface TwoLayerTrajectory {
  runs: number;
  /** Examples m. */
  points: number;
  /** The first and last step covered (to - from + 1 rows; row 0 is the state before the call's first step). */
  from: number;
  to: number;
  /** f(x_i) of run b at step t: [(t - from) * runs * m + b * m + i]. */
  f: Float64Array;
  /** The loss 1/(2m) sum (f - y)^2 of run b at step t: [(t - from) * runs + b]. */
  loss: Float64Array;
  /** lambda = (|u|^2 + |v|^2) |x|^2 / (n m) of run b at step t. */
  lambda: Float64Array;
  /** The step at which run b was flagged as diverged, or -1. */
  divergedAt: Int32Array;
}

export interface TwoLayer {
  readonly spec: Readonly<TwoLayerSpec>;
  /** B = rates x seeds. */
  readonly runs: number;
  /** Steps done since the last reset. */
  readonly step: number;
  /** The rate of run b. */
  rateOf(b: number): number;
  /** Take `steps` GD steps; resolves with the trajectory (steps + 1 rows), read back without blocking. */
  run(steps: number): Promise<TwoLayerTrajectory>;
  /** The current state only (one row). */
  snapshotAsync(): Promise<TwoLayerTrajectory>;
  /** u and v of every run, [B * n] each (blocking read-back; for tests and figures). */
  parameters(): { u: Float32Array; v: Float32Array };
  /** Back to step 0 (a new seed if given). */
  reset(seed?: number | string): void;
  dispose(): void;
}

/** eta lambda at which a run counts as diverged. */
export const TWO_LAYER_DIVERGED = 1e6;
const MAX_RATES = 4096;
const MAX_POINTS = 4096;

export function createTwoLayer(compute: Compute, spec: TwoLayerSpec): TwoLayer {
  const v = specChecker('createTwoLayer');
  v.object('spec', spec);
  const rates = v.numbers('rates', spec.rates, [1, MAX_RATES]).f64;
  rates.forEach((r, i) => v.nonNegative(`rates[${i}]`, r));
  const seeds = v.int('seeds', spec.seeds ?? 1, 1, MAX_RATES);
  const n = v.int('width', spec.width, 1, 2 ** 20);
  const xs = v.numbers('x', spec.x, [1, MAX_POINTS]).f64;
  const ys = v.numbers('y', spec.y, xs.length).f64;
  let seed = v.seed('seed', spec.seed);
  const B = rates.length * seeds;
  if (B * n > 2 ** 24) v.fail('rates x seeds x width', `<= ${2 ** 24}`, B * n);
  const m = xs.length;
  // float32 copies: the device computes with these
  const x32 = xs.map(Math.fround);
  const y32 = ys.map(Math.fround);
  const sxx = x32.reduce((s, x) => s + x * x, 0) / m; // |x|^2 / m
  const sxy = x32.reduce((s, x, i) => s + x * y32[i], 0) / m;
  const syy = y32.reduce((s, y) => s + y * y, 0) / m;
  if (!(sxx > 0)) v.raise('x', 'not be all 0', spec.x);
  const tf = compute.tf;
  const sqrtN = Math.sqrt(n);

  let generation = compute.generation;
  let disposed = false;
  let step = 0;
  let form: 'stacked' | 'split' = 'stacked';
  let S: TF.Variable<TF.Rank.R3> | null = null; // stacked: [B, 2, n]
  let U: TF.Variable<TF.Rank.R2> | null = null; // split: [B, n]
  let V: TF.Variable<TF.Rank.R2> | null = null;
  let alive: TF.Variable<TF.Rank.R2> | null = null; // [B, 1]: 1 until flagged
  /** Per-run constants, [B, 1]: eta / sqrt(n) and eta; and the [4, 2] selector (w, |u|^2 + |v|^2) of the Gram. */
  let consts: { etaC: TF.Tensor2D; eta: TF.Tensor2D; select: TF.Tensor2D; I: TF.Tensor3D; J: TF.Tensor3D } | null = null;
  const owned = () => [S, U, V, alive, stats, consts?.etaC, consts?.eta, consts?.select, consts?.I, consts?.J].filter(Boolean) as TF.Tensor[];
  /** (w, lambda, alive) of the current state, [B, 3], when known. */
  let stats: TF.Tensor2D | null = null;
  let divergedAt = new Int32Array(B).fill(-1);

  function initialValues(): Float32Array {
    const values = new Float32Array(B * 2 * n);
    const root = createRng(seed);
    const init = new Float32Array(seeds * 2 * n);
    for (let s = 0; s < seeds; s++) {
      const rng = root.fork(`init ${s}`);
      for (let i = 0; i < 2 * n; i++) init[s * 2 * n + i] = rng.normal();
    }
    for (let b = 0; b < B; b++) values.set(init.subarray((b % seeds) * 2 * n, (b % seeds + 1) * 2 * n), b * 2 * n);
    return values;
  }

  function build(): void {
    tf.dispose(owned());
    S = U = V = null;
    form = tf.getBackend() === 'wasm' ? 'split' : 'stacked';
    const init = initialValues();
    if (form === 'stacked') {
      const t = tf.tensor3d(init, [B, 2, n]);
      S = tf.variable(t, false) as TF.Variable<TF.Rank.R3>;
      t.dispose();
    } else {
      const u = new Float32Array(B * n);
      const w = new Float32Array(B * n);
      for (let b = 0; b < B; b++) {
        u.set(init.subarray(b * 2 * n, b * 2 * n + n), b * n);
        w.set(init.subarray(b * 2 * n + n, (b + 1) * 2 * n), b * n);
      }
      const tu = tf.tensor2d(u, [B, n]);
      const tv = tf.tensor2d(w, [B, n]);
      U = tf.variable(tu, false) as TF.Variable<TF.Rank.R2>;
      V = tf.variable(tv, false) as TF.Variable<TF.Rank.R2>;
      tf.dispose([tu, tv]);
    }
    const ones = tf.ones([B, 1]);
    alive = tf.variable(ones, false) as TF.Variable<TF.Rank.R2>;
    ones.dispose();
    const etaC = new Float32Array(B);
    const eta = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      eta[b] = rates[Math.floor(b / seeds)];
      etaC[b] = eta[b] / sqrtN;
    }
    // G (flattened [uu, uv, vu, vv]) x select = [w, lambda]: w = u.v / sqrt(n), lambda = (uu + vv) |x|^2 / (n m)
    const select = tf.tensor2d([0, sxx / n, 1 / sqrtN, 0, 0, 0, 0, sxx / n], [4, 2]);
    consts = {
      etaC: tf.tensor2d(etaC, [B, 1]),
      eta: tf.tensor2d(eta, [B, 1]),
      select,
      I: tf.tensor3d([1, 0, 0, 1], [1, 2, 2]),
      J: tf.tensor3d([0, -1, -1, 0], [1, 2, 2]),
    };
    stats = null;
    step = 0;
    divergedAt = new Int32Array(B).fill(-1);
  }

  function live(): void {
    if (disposed) throw new Error('twoLayer: used after dispose()');
    if (compute.generation !== generation) {
      // Replay: the run is a pure function of (seed, step).
      generation = compute.generation;
      S = U = V = alive = stats = consts = null;
      const target = step;
      const flagged = divergedAt;
      build();
      for (let t = 0; t < target; t++) advance(null);
      divergedAt = flagged;
    }
  }

  /** [B, 3] = (w, lambda, alive) of the current state (computed once per state); flags diverged runs. */
  function currentStats(): TF.Tensor2D {
    if (stats) return stats;
    const c = consts as NonNullable<typeof consts>;
    const a = alive as TF.Variable<TF.Rank.R2>;
    stats = tf.tidy(() => {
      let wl: TF.Tensor2D; // [B, 2]: w, lambda
      if (S) {
        const G = tf.reshape(tf.matMul(S, S, false, true), [B, 4]); // [[uu, uv], [vu, vv]]
        wl = tf.matMul(G, c.select);
      } else {
        const u = U as TF.Variable<TF.Rank.R2>;
        const v2 = V as TF.Variable<TF.Rank.R2>;
        const uv = tf.sum(tf.mul(u, v2), 1, true);
        const sq = tf.add(tf.sum(tf.square(u), 1, true), tf.sum(tf.square(v2), 1, true));
        wl = tf.concat([tf.mul(uv, 1 / sqrtN), tf.mul(sq, sxx / n)], 1) as TF.Tensor2D;
      }
      const lambda = tf.slice(wl, [0, 1], [B, 1]);
      const ok = tf.cast(tf.less(tf.mul(lambda, c.eta), TWO_LAYER_DIVERGED), 'float32'); // false for NaN and Infinity
      const stillAlive = tf.mul(a, ok);
      a.assign(stillAlive as TF.Tensor2D);
      return tf.concat([wl, stillAlive], 1) as TF.Tensor2D;
    });
    return stats;
  }

  /** One GD step; pushes the pre-step stats into `record` (or disposes them). */
  function advance(record: TF.Tensor2D[] | null): void {
    const c = consts as NonNullable<typeof consts>;
    const now = currentStats();
    tf.tidy(() => {
      const [w, , a] = tf.split(now, 3, 1);
      // c_b = alive * eta_b g / sqrt(n), g = w |x|^2/m - x.y/m
      const g = tf.sub(tf.mul(w, sxx), sxy);
      const coef = tf.mul(tf.mul(g, c.etaC), a); // [B, 1]
      if (S) {
        // M = I - c J = [[1, -c], [-c, 1]];  S <- M S
        const M = tf.add(c.I, tf.mul(tf.reshape(coef, [B, 1, 1]), c.J)) as TF.Tensor3D;
        S.assign(tf.matMul(M, S));
      } else {
        const u = U as TF.Variable<TF.Rank.R2>;
        const v2 = V as TF.Variable<TF.Rank.R2>;
        const nu = tf.sub(u, tf.mul(coef, v2)) as TF.Tensor2D;
        const nv = tf.sub(v2, tf.mul(coef, u)) as TF.Tensor2D;
        u.assign(nu);
        v2.assign(nv);
      }
    });
    if (record) record.push(now);
    else now.dispose();
    stats = null;
    step++;
  }

  async function readTrajectory(rows: TF.Tensor2D[], from: number): Promise<TwoLayerTrajectory> {
    const all = tf.tidy(() => tf.stack(rows));
    tf.dispose(rows.filter((r) => r !== stats));
    let data: Float32Array;
    try {
      data = (await all.data()) as Float32Array;
    } finally {
      all.dispose();
    }
    const T = rows.length;
    const f = new Float64Array(T * B * m);
    const loss = new Float64Array(T * B);
    const lambda = new Float64Array(T * B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const o = (t * B + b) * 3;
        const w = data[o];
        const aliveNow = data[o + 2] > 0.5;
        if (!aliveNow && divergedAt[b] < 0) divergedAt[b] = from + t;
        const gone = divergedAt[b] >= 0 && from + t >= divergedAt[b];
        for (let i = 0; i < m; i++) {
          const fi = w * x32[i];
          f[(t * B + b) * m + i] = gone ? (fi === 0 ? 0 : Math.sign(fi) * Infinity) : fi;
        }
        loss[t * B + b] = gone ? Infinity : 0.5 * (w * w * sxx - 2 * w * sxy + syy);
        lambda[t * B + b] = gone ? Infinity : data[o + 1];
      }
    }
    return { runs: B, points: m, from, to: from + T - 1, f, loss, lambda, divergedAt: divergedAt.slice() };
  }

  async function run(steps: number): Promise<TwoLayerTrajectory> {
    live();
    specChecker('twoLayer.run').int('steps', steps, 0, 1_000_000);
    const from = step;
    const rows: TF.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) advance(rows);
    rows.push(currentStats());
    return readTrajectory(rows, from);
  }

  function snapshotAsync(): Promise<TwoLayerTrajectory> {
    try {
      live();
      return readTrajectory([currentStats()], step);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function parameters(): { u: Float32Array; v: Float32Array } {
    live();
    if (!S) return { u: ((U as TF.Variable).dataSync() as Float32Array).slice(), v: ((V as TF.Variable).dataSync() as Float32Array).slice() };
    const all = S.dataSync() as Float32Array;
    const u = new Float32Array(B * n);
    const w = new Float32Array(B * n);
    for (let b = 0; b < B; b++) {
      u.set(all.subarray(b * 2 * n, b * 2 * n + n), b * n);
      w.set(all.subarray(b * 2 * n + n, (b + 1) * 2 * n), b * n);
    }
    return { u, v: w };
  }

  function reset(newSeed?: number | string): void {
    if (disposed) throw new Error('twoLayer: used after dispose()');
    if (newSeed !== undefined) seed = specChecker('twoLayer.reset').seed('seed', newSeed);
    if (compute.generation !== generation) {
      generation = compute.generation;
      S = U = V = alive = stats = consts = null;
    }
    build();
  }

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    tf.dispose(owned());
    S = U = V = alive = stats = consts = null;
  }

  build();
  return {
    get spec() {
      return { rates: [...rates], seeds, width: n, x: [...xs], y: [...ys], seed };
    },
    runs: B,
    get step() {
      return step;
    },
    rateOf(b: number) {
      specChecker('twoLayer.rateOf').int('b', b, 0, B - 1);
      return rates[Math.floor(b / seeds)];
    },
    run,
    snapshotAsync,
    parameters,
    reset,
    dispose,
  };
}
