/**
 * An ensemble of K independently initialised fully connected networks in the NTK parameterization,
 * trained by full-batch gradient descent, all K in one batched computation (weights stacked as
 * [K, fan_in, fan_out], batched matMul).
 *
 * Network (Jacot, Gabriel & Hongler 2018; = neural-tangents stax.serial of Dense(W_std =
 * sqrt(sigmaW2), b_std = sqrt(sigmaB2), parameterization='ntk') with phi between; the convention of
 * kernelMatrix in src/math, see src/math/README.md):
 *   z^1 = sqrt(sigmaW2 / d0) x W^1 + sqrt(sigmaB2) b^1
 *   z^l = sqrt(sigmaW2 / n) phi(z^{l-1}) W^l + sqrt(sigmaB2) b^l,   l = 2..L,   f = z^L (scalar)
 *   every entry of W^l, b^l ~ N(0, 1)
 *
 * Gradients are written out by hand rather than taken with tf.grads: the same backward pass, run
 * with a seed of ones, gives every example's Jacobian at once, and the empirical NTK
 *   Theta(x, x') = sum_p df(x)/dp df(x')/dp
 *                = sum_l [c_l^2 a^{l-1}(x).a^{l-1}(x') + sigmaB2] * [delta^l(x).delta^l(x')]
 * (c_l the layer's weight scale, a^{l-1} its input, delta^l = df/dz^l) costs two matMuls per layer
 * instead of one gradient per example: fine for width 4096 and a handful of points.
 *
 * float32 throughout (tfjs); the exact infinite-width kernels are in src/math (float64).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Compute } from './backend.ts';
import { createRng } from './rng.ts';

export type EnsembleActivation = 'relu' | 'erf' | 'tanh' | 'linear';

export interface EnsembleSpec {
  /** Number of independently initialised networks K, 1..64. */
  members: number;
  /** Input dimension d0 (>= 1). */
  inputDim: number;
  /** Dense layers L including the output layer, 1..4 (L - 1 hidden layers). */
  depth: number;
  /** Hidden width n, 1..4096. */
  width: number;
  activation: EnsembleActivation;
  /** Weight variance sigma_w^2 (> 0). */
  sigmaW2: number;
  /** Bias variance sigma_b^2 (>= 0). */
  sigmaB2: number;
  /** Initialisation seed; member k's weights depend only on (seed, k), not on K. */
  seed: number | string;
}

export interface TrainOptions {
  /** Learning rate (> 0): one step moves the parameters by -eta * grad of 1/2 sum (f - y)^2. */
  eta: number;
  /** Gradient steps (default 1). */
  steps?: number;
}

export interface EnsembleWeights {
  /** Layer widths [d0, n, ..., n, 1]. */
  dims: number[];
  /** W[l]: K x dims[l] x dims[l+1], row-major. */
  W: Float32Array[];
  /** b[l]: K x dims[l+1]. */
  b: Float32Array[];
}

export interface Ensemble {
  readonly spec: Readonly<EnsembleSpec>;
  /** Gradient steps taken since the last reset. */
  readonly step: number;
  /** f(x) for every member: K arrays of length m. */
  predict(x: number[][]): Float32Array[];
  /** f(x) as a [K, m] tensor (the caller disposes it). */
  predictTensor(x: number[][]): TF.Tensor2D;
  /** Full-batch gradient descent on 1/2 sum_i (f(x_i) - y_i)^2, every member on its own loss. */
  train(x: number[][], y: number[], options: TrainOptions): void;
  /** 1/2 sum_i (f(x_i) - y_i)^2 for each member (length K). */
  loss(x: number[][], y: number[]): number[];
  /** The empirical NTK of each member: K matrices of size m1 x m2 (x2 defaults to x1). */
  empiricalNtk(x1: number[][], x2?: number[][]): number[][][];
  /** Read the parameters back (raw N(0,1) draws, before the c_l scales). */
  weights(): EnsembleWeights;
  /** Re-initialise (with a new seed if given) and set step to 0. */
  reset(seed?: number | string): void;
  dispose(): void;
}

/** Most parameters (all members together) an ensemble may hold: 2^25 floats = 128 MB. */
export const MAX_ENSEMBLE_PARAMETERS = 2 ** 25;

const ACTIVATIONS: readonly EnsembleActivation[] = ['relu', 'erf', 'tanh', 'linear'];
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function intIn(name: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new RangeError(`createEnsemble: ${name} must be an integer in ${lo}..${hi}, received ${String(value)}`);
  }
  return value;
}

function checkSpec(spec: EnsembleSpec): EnsembleSpec {
  if (spec === null || typeof spec !== 'object') throw new TypeError('createEnsemble: spec must be an object');
  const members = intIn('members', spec.members, 1, 64);
  const inputDim = intIn('inputDim', spec.inputDim, 1, 4096);
  const depth = intIn('depth', spec.depth, 1, 4);
  const width = intIn('width', spec.width, 1, 4096);
  if (!ACTIVATIONS.includes(spec.activation)) {
    throw new RangeError(
      `createEnsemble: activation must be one of ${ACTIVATIONS.join(', ')}, received ${String(spec.activation)}`,
    );
  }
  if (typeof spec.sigmaW2 !== 'number' || !Number.isFinite(spec.sigmaW2) || spec.sigmaW2 <= 0) {
    throw new RangeError(`createEnsemble: sigmaW2 must be a finite number > 0, received ${String(spec.sigmaW2)}`);
  }
  if (typeof spec.sigmaB2 !== 'number' || !Number.isFinite(spec.sigmaB2) || spec.sigmaB2 < 0) {
    throw new RangeError(`createEnsemble: sigmaB2 must be a finite number >= 0, received ${String(spec.sigmaB2)}`);
  }
  checkSeed(spec.seed);
  const out = { ...spec, members, inputDim, depth, width };
  const params = layerDims(out).reduce((s, _, l, d) => (l ? s + members * (d[l - 1] + 1) * d[l] : 0), 0);
  if (params > MAX_ENSEMBLE_PARAMETERS) {
    throw new RangeError(
      `createEnsemble: ${params} parameters (members x layers) exceed ${MAX_ENSEMBLE_PARAMETERS}; ` +
        'use fewer members, a smaller width or fewer layers',
    );
  }
  return out;
}

function checkSeed(seed: unknown): void {
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new RangeError(`createEnsemble: seed must be a finite number or a string, received ${String(seed)}`);
  }
}

function layerDims(spec: EnsembleSpec): number[] {
  const dims = [spec.inputDim];
  for (let l = 1; l < spec.depth; l++) dims.push(spec.width);
  dims.push(1);
  return dims;
}

function flattenPoints(name: string, x: number[][], d0: number): Float32Array {
  if (!Array.isArray(x) || x.length === 0) throw new RangeError(`${name} must be a non-empty array of points`);
  const out = new Float32Array(x.length * d0);
  for (let i = 0; i < x.length; i++) {
    const row = x[i];
    if (!Array.isArray(row) || row.length !== d0) {
      throw new RangeError(`${name}[${i}] must have length inputDim = ${d0}, received ${Array.isArray(row) ? row.length : typeof row}`);
    }
    for (let j = 0; j < d0; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${name}[${i}][${j}] must be finite, received ${String(v)}`);
      out[i * d0 + j] = v;
    }
  }
  return out;
}

function checkTargets(y: number[], m: number): Float32Array {
  if (!Array.isArray(y) || y.length !== m) {
    throw new RangeError(`y must have one target per point (${m}), received ${Array.isArray(y) ? y.length : typeof y}`);
  }
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    if (typeof y[i] !== 'number' || !Number.isFinite(y[i])) throw new RangeError(`y[${i}] must be finite, received ${String(y[i])}`);
    out[i] = y[i];
  }
  return out;
}

export function createEnsemble(compute: Compute, spec: EnsembleSpec): Ensemble {
  const s = checkSpec(spec);
  const tf = compute.tf;
  const K = s.members;
  const L = s.depth;
  const d0 = s.inputDim;
  const dims = layerDims(s);
  // Weight scale of layer l (0-based): sqrt(sigmaW2 / fan_in); bias scale sqrt(sigmaB2).
  const c = dims.slice(0, L).map((fanIn) => Math.sqrt(s.sigmaW2 / fanIn));
  const sb = Math.sqrt(s.sigmaB2);
  let seed = s.seed;
  let W: TF.Variable<TF.Rank.R3>[] = [];
  let b: TF.Variable<TF.Rank.R3>[] = [];
  let generation = compute.generation;
  let step = 0;
  let disposed = false;

  /** N(0, 1) draws; member k's come from its own fork, so they do not depend on K. */
  function draw(): { W: Float32Array[]; b: Float32Array[] } {
    const Wv = dims.slice(0, L).map((fanIn, l) => new Float32Array(K * fanIn * dims[l + 1]));
    const bv = dims.slice(1).map((fanOut) => new Float32Array(K * fanOut));
    const root = createRng(seed);
    for (let k = 0; k < K; k++) {
      const rng = root.fork(`member ${k}`);
      for (let l = 0; l < L; l++) {
        const w = Wv[l];
        const size = dims[l] * dims[l + 1];
        for (let i = k * size, end = i + size; i < end; i++) w[i] = rng.normal();
        const bias = bv[l];
        for (let i = k * dims[l + 1], end = i + dims[l + 1]; i < end; i++) bias[i] = rng.normal();
      }
    }
    return { W: Wv, b: bv };
  }

  function init(): void {
    const v = draw();
    if (W.length === 0) {
      W = v.W.map((values, l) => {
        const t = tf.tensor3d(values, [K, dims[l], dims[l + 1]]);
        const w = tf.variable(t, false);
        t.dispose();
        return w;
      });
      b = v.b.map((values, l) => {
        const t = tf.tensor3d(values, [K, 1, dims[l + 1]]);
        const bias = tf.variable(t, false);
        t.dispose();
        return bias;
      });
    } else {
      v.W.forEach((values, l) => {
        const t = tf.tensor3d(values, [K, dims[l], dims[l + 1]]);
        W[l].assign(t);
        t.dispose();
      });
      v.b.forEach((values, l) => {
        const t = tf.tensor3d(values, [K, 1, dims[l + 1]]);
        b[l].assign(t);
        t.dispose();
      });
    }
    step = 0;
  }

  /** Check the ensemble is usable; rebuild (from the seed, step 0) after a backend restart. */
  function live(): void {
    if (disposed) throw new Error('ensemble: used after dispose()');
    if (compute.generation !== generation) {
      // The old variables died with the old backend (disposing them is a no-op).
      W = [];
      b = [];
      generation = compute.generation;
      init();
    }
  }

  function phi(z: TF.Tensor3D): TF.Tensor3D {
    switch (s.activation) {
      case 'relu':
        return tf.relu(z);
      case 'erf':
        return tf.erf(z);
      case 'tanh':
        return tf.tanh(z);
      default:
        return z;
    }
  }

  /** phi'(z), given z and a = phi(z). */
  function dphi(z: TF.Tensor3D, a: TF.Tensor3D): TF.Tensor3D | null {
    switch (s.activation) {
      case 'relu':
        return tf.step(z, 0);
      case 'erf':
        return tf.mul(tf.exp(tf.neg(tf.square(z))), TWO_OVER_SQRT_PI) as TF.Tensor3D;
      case 'tanh':
        return tf.sub(1, tf.square(a)) as TF.Tensor3D;
      default:
        return null; // identity: phi' = 1
    }
  }

  interface Forward {
    /** inputs[l]: the input of layer l ([1, m, d0] for l = 0, else [K, m, n]). */
    inputs: TF.Tensor3D[];
    /** pre[l]: z of layer l, [K, m, dims[l+1]]. */
    pre: TF.Tensor3D[];
    /** f: [K, m, 1]. */
    f: TF.Tensor3D;
  }

  function forward(X: TF.Tensor3D): Forward {
    const inputs: TF.Tensor3D[] = [];
    const pre: TF.Tensor3D[] = [];
    let a = X;
    // The bias enters as a rank-one matMul (sigma_b 1_m) b: the CPU backend adds same-shape
    // tensors several times faster than it broadcasts [K, 1, n] over [K, m, n].
    const sbOnes = sb === 0 ? null : tf.fill([1, X.shape[1], 1], sb);
    for (let l = 0; l < L; l++) {
      let z: TF.Tensor3D = tf.mul(tf.matMul(a, W[l]), c[l]);
      if (sbOnes) z = tf.add(z, tf.matMul(sbOnes, b[l]));
      inputs.push(a);
      pre.push(z);
      a = l < L - 1 ? phi(z) : z;
    }
    return { inputs, pre, f: a };
  }

  /**
   * Backpropagate a per-example cotangent `seedOut` ([K, m, 1]) from the output: delta[l] =
   * seedOut * df/dz^l, [K, m, dims[l+1]]. With seedOut = 1 these are the per-example Jacobians
   * with respect to each layer's pre-activations.
   */
  function backward(fw: Forward, seedOut: TF.Tensor3D): TF.Tensor3D[] {
    const delta: TF.Tensor3D[] = new Array(L);
    let d = seedOut;
    delta[L - 1] = d;
    for (let l = L - 2; l >= 0; l--) {
      d = tf.mul(tf.matMul(d, W[l + 1], false, true), c[l + 1]);
      const g = dphi(fw.pre[l], fw.inputs[l + 1]);
      if (g) d = tf.mul(d, g);
      delta[l] = d;
    }
    return delta;
  }

  function predictTensor(x: number[][]): TF.Tensor2D {
    live();
    const flat = flattenPoints('x', x, d0);
    return tf.tidy(() => {
      const fw = forward(tf.tensor3d(flat, [1, x.length, d0]));
      return tf.reshape(fw.f, [K, x.length]) as TF.Tensor2D;
    });
  }

  function predict(x: number[][]): Float32Array[] {
    const t = predictTensor(x);
    const values = t.dataSync() as Float32Array;
    t.dispose();
    const m = x.length;
    return Array.from({ length: K }, (_, k) => values.slice(k * m, (k + 1) * m));
  }

  function train(x: number[][], y: number[], options: TrainOptions): void {
    live();
    const eta = options?.eta;
    if (typeof eta !== 'number' || !Number.isFinite(eta) || eta <= 0) {
      throw new RangeError(`ensemble.train: eta must be a finite number > 0, received ${String(eta)}`);
    }
    const steps = options.steps ?? 1;
    if (!Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`ensemble.train: steps must be an integer >= 0, received ${String(steps)}`);
    }
    const flat = flattenPoints('x', x, d0);
    const targets = checkTargets(y, x.length);
    if (steps === 0) return;
    const m = x.length;
    const X = tf.tensor3d(flat, [1, m, d0]);
    const Y = tf.tensor3d(targets, [1, m, 1]);
    try {
      for (let t = 0; t < steps; t++) {
        tf.tidy(() => {
          const fw = forward(X);
          const r = tf.sub(fw.f, Y) as TF.Tensor3D; // dLoss/df, [K, m, 1]
          const delta = backward(fw, r);
          // Compute every update before assigning any: all use the current parameters.
          // Scale the (small) deltas rather than the (large) weight gradients.
          const newW = W.map((w, l) => tf.sub(w, tf.matMul(fw.inputs[l], tf.mul(delta[l], eta * c[l]), true, false)));
          const newB =
            sb === 0 ? null : b.map((bias, l) => tf.sub(bias, tf.mul(tf.sum(delta[l], 1, true), eta * sb)));
          newW.forEach((w, l) => W[l].assign(w as TF.Tensor3D));
          newB?.forEach((bias, l) => b[l].assign(bias as TF.Tensor3D));
        });
        step++;
      }
    } finally {
      X.dispose();
      Y.dispose();
    }
  }

  function loss(x: number[][], y: number[]): number[] {
    live();
    const flat = flattenPoints('x', x, d0);
    const targets = checkTargets(y, x.length);
    const m = x.length;
    const out = tf.tidy(() => {
      const fw = forward(tf.tensor3d(flat, [1, m, d0]));
      const r = tf.sub(fw.f, tf.tensor3d(targets, [1, m, 1]));
      return tf.mul(tf.sum(tf.square(r), [1, 2]), 0.5);
    });
    const values = Array.from(out.dataSync());
    out.dispose();
    return values;
  }

  function empiricalNtk(x1: number[][], x2?: number[][]): number[][][] {
    live();
    const f1 = flattenPoints('x1', x1, d0);
    const f2 = x2 === undefined || x2 === x1 ? null : flattenPoints('x2', x2, d0);
    const m1 = x1.length;
    const m2 = f2 ? (x2 as number[][]).length : m1;
    const theta = tf.tidy(() => {
      // Separate passes for x1 and x2 (same cost as one pass over both, and no slicing, which the
      // CPU backend does element by element off the leading axis).
      const jac = (flat: Float32Array, m: number) => {
        const fw = forward(tf.tensor3d(flat, [1, m, d0]));
        return { inputs: fw.inputs, delta: backward(fw, tf.ones([K, m, 1])) };
      };
      const j1 = jac(f1, m1);
      const j2 = f2 ? jac(f2, m2) : j1;
      let total: TF.Tensor = tf.zeros([K, m1, m2]);
      for (let l = 0; l < L; l++) {
        // Weights: c_l^2 (a.a') (delta.delta'); biases: sigmaB2 (delta.delta').
        const A = tf.add(tf.mul(tf.matMul(j1.inputs[l], j2.inputs[l], false, true), c[l] * c[l]), s.sigmaB2);
        const D = tf.matMul(j1.delta[l], j2.delta[l], false, true);
        total = tf.add(total, tf.mul(A, D));
      }
      return total as TF.Tensor3D;
    });
    const values = theta.arraySync();
    theta.dispose();
    return values;
  }

  function weights(): EnsembleWeights {
    live();
    return {
      dims: [...dims],
      W: W.map((w) => (w.dataSync() as Float32Array).slice()),
      b: b.map((bias) => (bias.dataSync() as Float32Array).slice()),
    };
  }

  function reset(newSeed?: number | string): void {
    live();
    if (newSeed !== undefined) {
      checkSeed(newSeed);
      seed = newSeed;
    }
    init();
  }

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    for (const v of [...W, ...b]) v.dispose();
    W = [];
    b = [];
  }

  init();
  return {
    get spec() {
      return { ...s, seed };
    },
    get step() {
      return step;
    },
    predict,
    predictTensor,
    train,
    loss,
    empiricalNtk,
    weights,
    reset,
    dispose,
  };
}
