/**
 * An ensemble of K independently initialised fully connected networks in the NTK parameterization,
 * trained by full-batch gradient descent (one learning rate per member), all K in one computation.
 *
 * Network (Jacot, Gabriel & Hongler 2018; = neural-tangents stax.serial of Dense(W_std =
 * sqrt(sigmaW2), b_std = sqrt(sigmaB2), parameterization='ntk') with phi between; the convention of
 * kernelMatrix in src/math, see src/math/README.md):
 *   z^1 = sqrt(sigmaW2 / d0) x W^1 + sqrt(sigmaB2) b^1
 *   z^l = sqrt(sigmaW2 / n) phi(z^{l-1}) W^l + sqrt(sigmaB2) b^l,   l = 2..L,   f = z^L (scalar)
 *   every entry of W^l, b^l ~ N(0, 1); GD is on these raw parameters.
 *
 * The device holds the *effective* parameters E^l = c_l W^l and e^l = sqrt(sigmaB2) b^l, so the
 * forward pass needs no scaling; one GD step on the raw parameters is E^l -= eta c_l^2 a^T delta.
 * Writing e^l = kappa eta_k delta^l with kappa = c_{L-1}^2 (the hidden layers' c_l^2 all equal
 * sigmaW2 / n), the per-member rate and every layer factor collapse into one [K, m, 1] multiply of
 * the residual; layer 1's ratio c_0^2 / kappa is folded into a cached copy of the inputs.
 *
 * Two layouts, the same arithmetic (see README.md, "Ensemble"):
 *   - 'batched': weights stacked [K, fan_in, fan_out], one batched matMul per layer forward and two
 *     backward (WebGL and CPU; small networks on WASM);
 *   - 'per-member': K 2-D matMuls per layer, in a features x points layout so that the large matrix
 *     is always the left operand (WASM: tfjs-backend-wasm runs XNNPACK only for unbatched,
 *     untransposed matMuls and a naive loop otherwise, ~10x slower), with a transposed copy of each
 *     hidden n x n matrix for the backward pass, updated alongside (bit-identical transposes).
 *
 * Gradients are written out by hand rather than taken with tf.grads: the same backward pass, run
 * with a seed of ones, gives every example's Jacobian at once, and the empirical NTK
 *   Theta(x, x') = sum_l [c_l^2 a^{l-1}(x).a^{l-1}(x') + sigmaB2] * [delta^l(x).delta^l(x')]
 * costs two matMuls per layer instead of one gradient per example.
 *
 * Training calls are recorded (run-length merged), so after a lost WebGL context the ensemble
 * re-initialises from its seed and replays them, as SGD chains replay their steps.
 *
 * float32 throughout (tfjs); the exact infinite-width kernels are in src/math (float64).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Compute } from './backend.ts';
import { ACTIVATIONS, applyActivation, type Activation } from './activations.ts';
import { createRng } from './rng.ts';
import { sameValues, specChecker, type Points } from './spec.ts';

export type EnsembleActivation = Activation;
export type EnsembleLayout = 'batched' | 'per-member';

export interface EnsembleSpec {
  /** Number of independently initialised networks K, 1..1024 (and at most MAX_ENSEMBLE_PARAMETERS in all). */
  members: number;
  /** Input dimension d0 (1..4096). */
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
  /**
   * 'auto' (default): 'per-member' on the WASM backend for depth >= 3, width >= 128 and K <= 64,
   * else 'batched'. Chosen again after a backend restart.
   */
  layout?: EnsembleLayout | 'auto';
}

export interface TrainOptions {
  /**
   * Learning rate (> 0), or one per member (K numbers): one step moves member k's parameters by
   * -eta_k * grad of 1/2 sum (f - y)^2.
   */
  eta: number | readonly number[];
  /** Gradient steps (default 1). */
  steps?: number;
}

export interface EnsembleWeights {
  /** Layer widths [d0, n, ..., n, 1]. */
  dims: number[];
  /** W[l]: K x dims[l] x dims[l+1], row-major (raw N(0,1)-scale parameters). */
  W: Float32Array[];
  /** b[l]: K x dims[l+1]. */
  b: Float32Array[];
}

export interface EnsembleSnapshot {
  /** Steps done when the snapshot was taken. */
  step: number;
  /** 1/2 sum_i (f(x_i) - y_i)^2 per member (K). */
  loss: Float32Array;
  /** f on the training points: K arrays of length m. */
  train: Float32Array[];
  /** f on the test points: K arrays of length m_test (length 0 without test points). */
  test: Float32Array[];
}

/** One recorded training call (consecutive calls with the same x, y and rates are merged). */
export interface TrainingRecord {
  x: number[][];
  y: number[];
  /** One rate per member. */
  eta: number[];
  steps: number;
}

export interface Ensemble {
  readonly spec: Readonly<EnsembleSpec>;
  /** Gradient steps taken since the last reset. */
  readonly step: number;
  /** The layout in use now (see EnsembleSpec.layout). */
  readonly layout: EnsembleLayout;
  /** f(x) for every member: K arrays of length m. */
  predict(x: number[][]): Float32Array[];
  /** f(x) as a [K, m] tensor (the caller disposes it). */
  predictTensor(x: number[][]): TF.Tensor2D;
  /** Full-batch gradient descent on 1/2 sum_i (f(x_i) - y_i)^2, every member on its own loss and rate. */
  train(x: number[][], y: number[], options: TrainOptions): void;
  /**
   * train(), then the loss and predictions on x (and on xTest) in ONE non-blocking read-back
   * (tensor.data(), no GPU stall). The forward pass on x is kept for the next step.
   */
  trainAndSnapshotAsync(x: number[][], y: number[], options: TrainOptions, xTest?: number[][]): Promise<EnsembleSnapshot>;
  /** The snapshot without training. */
  snapshotAsync(x: number[][], y: number[], xTest?: number[][]): Promise<EnsembleSnapshot>;
  /** 1/2 sum_i (f(x_i) - y_i)^2 for each member (length K). */
  loss(x: number[][], y: number[]): number[];
  /** The empirical NTK of each member: K matrices of size m1 x m2 (x2 defaults to x1). */
  empiricalNtk(x1: number[][], x2?: number[][]): number[][][];
  /** Read the parameters back (raw N(0,1)-scale, to float32 rounding of the effective ones). */
  weights(): EnsembleWeights;
  /** The training calls since the last reset (what a restart replays). */
  history(): TrainingRecord[];
  /** Re-initialise from the seed and run these training calls (e.g. another ensemble's history()). */
  replay(history: readonly TrainingRecord[]): void;
  /** Re-initialise (with a new seed if given), set step to 0 and forget the history. */
  reset(seed?: number | string): void;
  dispose(): void;
}

/** Most parameters (all members together) an ensemble may hold: 2^25 floats = 128 MB. */
export const MAX_ENSEMBLE_PARAMETERS = 2 ** 25;
/** Most members. */
export const MAX_ENSEMBLE_MEMBERS = 1024;

const LAYOUTS = ['auto', 'batched', 'per-member'] as const;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** Point sets whose uploads are kept (training points, test points, ...). */
const INPUT_CACHE = 4;

type Resolved = Required<EnsembleSpec>;

function layerDims(spec: { inputDim: number; depth: number; width: number }): number[] {
  const dims = [spec.inputDim];
  for (let l = 1; l < spec.depth; l++) dims.push(spec.width);
  dims.push(1);
  return dims;
}

function checkSpec(spec: EnsembleSpec): Resolved {
  const v = specChecker('createEnsemble');
  v.object('spec', spec);
  const members = v.int('members', spec.members, 1, MAX_ENSEMBLE_MEMBERS);
  const inputDim = v.int('inputDim', spec.inputDim, 1, 4096);
  const depth = v.int('depth', spec.depth, 1, 4);
  const width = v.int('width', spec.width, 1, 4096);
  const activation = v.oneOf('activation', spec.activation, ACTIVATIONS);
  const sigmaW2 = v.positive('sigmaW2', spec.sigmaW2);
  const sigmaB2 = v.nonNegative('sigmaB2', spec.sigmaB2);
  const seed = v.seed('seed', spec.seed);
  const layout = v.oneOf('layout', spec.layout ?? 'auto', LAYOUTS);
  const dims = layerDims({ inputDim, depth, width });
  let params = 0;
  for (let l = 1; l < dims.length; l++) params += members * (dims[l - 1] + 1) * dims[l];
  if (params > MAX_ENSEMBLE_PARAMETERS) {
    throw new RangeError(
      `createEnsemble: ${params} parameters (members x layers) exceed ${MAX_ENSEMBLE_PARAMETERS}; ` +
        'use fewer members, a smaller width or fewer layers',
    );
  }
  return { members, inputDim, depth, width, activation, sigmaW2, sigmaB2, seed, layout };
}

// ---------------------------------------------------------------------------------------------
// Device-side pieces shared by both layouts.

/** An uploaded point set (and the constants that depend on its size m). */
interface Input {
  key: Float32Array;
  m: number;
  tensors: TF.Tensor[];
  // batched
  X3?: TF.Tensor3D; // [1, m, d0]
  Xs3?: TF.Tensor3D; // rho_0 X, for layer 1's gradient
  ones3?: TF.Tensor3D; // [1, m, 1] (CPU bias trick)
  biasRow3?: TF.Tensor3D; // [1, 1, m] filled with sigmaB2 / kappa
  // per-member
  Xt?: TF.Tensor2D; // [d0, m]
  Xs?: TF.Tensor2D; // [m, d0], rho_0 X
  biasCol?: TF.Tensor2D; // [m, 1] filled with sigmaB2 / kappa
}

interface Target {
  key: Float32Array;
  Y2: TF.Tensor2D; // [1, m]
}

interface Rates {
  key: Float64Array;
  /** kappa eta_k as [K, 1, 1] (batched) */
  scale3?: TF.Tensor3D;
  /** kappa eta_k as scalars (per-member) */
  scalars?: TF.Scalar[];
}

/** A forward pass whose tensors are kept (owned by it) until dispose(). */
interface Fwd {
  /** f: [K, m] */
  f: TF.Tensor2D;
  dispose(): void;
}

interface Impl {
  readonly layout: EnsembleLayout;
  /** Largest |V^l - (Wt^l)^T| over the hidden n x n copies (per-member layout; 0 otherwise). For tests. */
  transposeGap(): number;
  forward(input: Input): Fwd;
  /** One GD step from a forward pass at the current parameters (does not dispose fw). */
  step(fw: Fwd, input: Input, target: Target, rates: Rates): void;
  /** Batched views of the effective parameters (call inside tidy; the batched layout returns its variables). */
  params(): { E: TF.Tensor3D[]; eb: (TF.Tensor3D | null)[] };
  dispose(): void;
}

interface Context {
  tf: Compute['tf'];
  s: Resolved;
  K: number;
  L: number;
  dims: number[];
  /** c_l = sqrt(sigmaW2 / fan_in) */
  c: number[];
  sb: number;
  kappa: number;
  /** c_0^2 / kappa */
  rho0: number;
}

function phiOf(ctx: Context, z: TF.Tensor): TF.Tensor {
  return applyActivation(ctx.tf, ctx.s.activation, z);
}

/** phi'(z) from z (erf) or a = phi(z) (relu, tanh); null for linear. */
function dphiOf(ctx: Context, z: TF.Tensor | null, a: TF.Tensor): TF.Tensor | null {
  const { tf } = ctx;
  switch (ctx.s.activation) {
    case 'relu':
      return tf.step(a, 0); // a > 0 exactly where z > 0
    case 'erf':
      return tf.mul(tf.exp(tf.neg(tf.square(z as TF.Tensor))), TWO_OVER_SQRT_PI);
    case 'tanh':
      return tf.sub(1, tf.square(a));
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Layout 'batched': E^l as [K, fan_in, fan_out] variables.

interface FwdB extends Fwd {
  f3: TF.Tensor3D; // [K, m, 1]
  /** acts[l] = phi(z^l), [K, m, n], l = 0..L-2 */
  acts: TF.Tensor3D[];
  /** pre[l] = z^l (kept for erf only) */
  pre: (TF.Tensor3D | null)[];
}

function batchedImpl(ctx: Context, raw: Draws): Impl {
  const { tf, K, L, dims, c, sb } = ctx;
  const backend = tf.getBackend();
  const E: TF.Variable<TF.Rank.R3>[] = [];
  const eb: (TF.Variable<TF.Rank.R3> | null)[] = [];
  for (let l = 0; l < L; l++) {
    const values = new Float32Array(raw.W[l].length);
    for (let i = 0; i < values.length; i++) values[i] = c[l] * raw.W[l][i];
    E.push(keepVariable(tf, tf.tensor3d(values, [K, dims[l], dims[l + 1]])));
    if (sb > 0) {
      const bv = new Float32Array(raw.b[l].length);
      for (let i = 0; i < bv.length; i++) bv[i] = sb * raw.b[l][i];
      eb.push(keepVariable(tf, tf.tensor3d(bv, [K, 1, dims[l + 1]])));
    } else eb.push(null);
  }
  const keepPre = ctx.s.activation === 'erf';

  /**
   * z = a E + e and phi(z). The bias is a broadcast add, except on the CPU backend, which adds
   * same-shape tensors several times faster than it broadcasts [K, 1, n] over [K, m, n]: there it
   * enters as a rank-one matMul 1_m e. (tf.fused.matMul, one shader for matMul + bias + relu, was
   * no faster on SwiftShader WebGL, and tfjs-backend-wasm takes only a rank-1 bias.)
   */
  function affine(a: TF.Tensor3D, l: number, input: Input, hidden: boolean): { z: TF.Tensor3D; a: TF.Tensor3D } {
    const bias = eb[l];
    let z = tf.matMul(a, E[l]) as TF.Tensor3D;
    if (bias) z = tf.add(z, backend === 'cpu' ? tf.matMul(inputB(input).ones3 as TF.Tensor3D, bias) : bias) as TF.Tensor3D;
    return { z, a: hidden ? (phiOf(ctx, z) as TF.Tensor3D) : z };
  }

  function inputB(input: Input): Input {
    if (!input.X3) {
      const m = input.m;
      input.X3 = tf.tensor3d(input.key, [1, m, dims[0]]);
      input.Xs3 = tf.tidy(() => tf.mul(input.X3 as TF.Tensor3D, ctx.rho0)) as TF.Tensor3D;
      input.ones3 = tf.ones([1, m, 1]);
      input.biasRow3 = tf.fill([1, 1, m], ctx.s.sigmaB2 / ctx.kappa) as TF.Tensor3D;
      input.tensors.push(input.X3, input.Xs3, input.ones3, input.biasRow3);
    }
    return input;
  }

  function forward(input: Input): Fwd {
    const X3 = inputB(input).X3 as TF.Tensor3D;
    const out = tf.tidy(() => {
      const acts: TF.Tensor3D[] = [];
      const pre: TF.Tensor3D[] = [];
      let a = X3;
      for (let l = 0; l < L; l++) {
        const hidden = l < L - 1;
        const r = affine(a, l, input, hidden);
        if (hidden) {
          acts.push(r.a);
          if (keepPre) pre.push(r.z as TF.Tensor3D);
        }
        a = r.a;
      }
      return { f3: a, f: tf.reshape(a, [K, input.m]) as TF.Tensor2D, acts, pre };
    });
    const fw: FwdB = {
      f3: out.f3,
      f: out.f,
      acts: out.acts,
      pre: keepPre ? out.pre : out.acts.map(() => null),
      dispose() {
        tf.dispose([out.f3, out.f, ...out.acts, ...out.pre]);
      },
    };
    return fw;
  }

  function step(fwAny: Fwd, input: Input, target: Target, rates: Rates): void {
    const fw = fwAny as FwdB;
    const inp = inputB(input);
    tf.tidy(() => {
      // e^{L-1} = kappa eta_k (f - y): [K, m, 1]; the only per-member multiply of the step.
      let e = tf.mul(tf.sub(fw.f3, tf.reshape(target.Y2, [1, input.m, 1])), rates.scale3 as TF.Tensor3D) as TF.Tensor3D;
      for (let l = L - 1; l >= 0; l--) {
        // Backpropagate with the current E^l before it is assigned.
        let ePrev: TF.Tensor3D | null = null;
        if (l > 0) {
          ePrev = tf.matMul(e, E[l], false, true) as TF.Tensor3D;
          const g = dphiOf(ctx, fw.pre[l - 1], fw.acts[l - 1]);
          if (g) ePrev = tf.mul(ePrev, g) as TF.Tensor3D;
        }
        const a = l === 0 ? (inp.Xs3 as TF.Tensor3D) : fw.acts[l - 1];
        E[l].assign(tf.sub(E[l], tf.matMul(a, e, true, false)) as TF.Tensor3D);
        const bias = eb[l];
        if (bias) bias.assign(tf.sub(bias, tf.matMul(inp.biasRow3 as TF.Tensor3D, e)) as TF.Tensor3D);
        if (ePrev) e = ePrev;
      }
    });
  }

  return {
    layout: 'batched',
    transposeGap: () => 0,
    forward,
    step,
    params: () => ({ E, eb }),
    dispose() {
      tf.dispose([...E, ...(eb.filter(Boolean) as TF.Tensor[])]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Layout 'per-member': K sets of 2-D variables in a features x points layout.
//   forward   Z^l = V^l A^{l-1} (+ e^l),   V^l = (E^l)^T  [fan_out, fan_in],   A [fan_in, m]
//   backward  e^{l-1} = (Wt^l e^l) * phi',  Wt^l = E^l   [fan_in, fan_out]  (a copy for hidden n x n)
//   update    V^l -= e^l (A^{l-1})^T,  Wt^l -= A^{l-1} (e^l)^T   (same products, same order: bit-identical transposes)

interface FwdM extends Fwd {
  fk: TF.Tensor2D[]; // [1, m] per member
  acts: TF.Tensor2D[][]; // [k][l]: [n, m]
  pre: (TF.Tensor2D | null)[][];
}

function perMemberImpl(ctx: Context, raw: Draws): Impl {
  const { tf, K, L, dims, c, sb } = ctx;
  const V: TF.Variable<TF.Rank.R2>[][] = [];
  const Wt: (TF.Variable<TF.Rank.R2> | null)[][] = [];
  const B: (TF.Variable<TF.Rank.R2> | null)[][] = [];
  for (let l = 0; l < L; l++) {
    const [nIn, nOut] = [dims[l], dims[l + 1]];
    const size = nIn * nOut;
    const Vl: TF.Variable<TF.Rank.R2>[] = [];
    const Wl: (TF.Variable<TF.Rank.R2> | null)[] = [];
    const Bl: (TF.Variable<TF.Rank.R2> | null)[] = [];
    const hiddenSquare = l > 0 && l < L - 1;
    for (let k = 0; k < K; k++) {
      const w = raw.W[l].subarray(k * size, (k + 1) * size); // [nIn, nOut] row-major
      const eff = new Float32Array(size);
      for (let i = 0; i < size; i++) eff[i] = c[l] * w[i];
      const vt = new Float32Array(size); // [nOut, nIn]
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) vt[j * nIn + i] = eff[i * nOut + j];
      Vl.push(keepVariable(tf, tf.tensor2d(vt, [nOut, nIn])));
      Wl.push(hiddenSquare ? keepVariable(tf, tf.tensor2d(eff, [nIn, nOut])) : null);
      if (sb > 0) {
        const bv = new Float32Array(nOut);
        for (let j = 0; j < nOut; j++) bv[j] = sb * raw.b[l][k * nOut + j];
        Bl.push(keepVariable(tf, tf.tensor2d(bv, [nOut, 1])));
      } else Bl.push(null);
    }
    V.push(Vl);
    Wt.push(Wl);
    B.push(Bl);
  }
  const keepPre = ctx.s.activation === 'erf';

  function inputM(input: Input): Input {
    if (!input.Xt) {
      const m = input.m;
      const d0 = dims[0];
      const t = new Float32Array(m * d0);
      for (let i = 0; i < m; i++) for (let j = 0; j < d0; j++) t[j * m + i] = input.key[i * d0 + j];
      input.Xt = tf.tensor2d(t, [d0, m]);
      const xs = new Float32Array(m * d0);
      for (let i = 0; i < xs.length; i++) xs[i] = ctx.rho0 * input.key[i];
      input.Xs = tf.tensor2d(xs, [m, d0]);
      input.biasCol = tf.fill([m, 1], ctx.s.sigmaB2 / ctx.kappa) as TF.Tensor2D;
      input.tensors.push(input.Xt, input.Xs, input.biasCol);
    }
    return input;
  }

  function forward(input: Input): Fwd {
    const Xt = inputM(input).Xt as TF.Tensor2D;
    const out = tf.tidy(() => {
      const fk: TF.Tensor2D[] = [];
      const acts: TF.Tensor2D[][] = [];
      const pre: TF.Tensor2D[][] = [];
      for (let k = 0; k < K; k++) {
        const ak: TF.Tensor2D[] = [];
        const pk: TF.Tensor2D[] = [];
        let a = Xt;
        for (let l = 0; l < L; l++) {
          let z: TF.Tensor2D = tf.matMul(V[l][k], a);
          const bias = B[l][k];
          if (bias) z = tf.add(z, bias) as TF.Tensor2D;
          if (l < L - 1) {
            a = phiOf(ctx, z) as TF.Tensor2D;
            ak.push(a);
            if (keepPre) pk.push(z);
          } else fk.push(z);
        }
        acts.push(ak);
        pre.push(pk);
      }
      return { f: tf.concat(fk, 0) as TF.Tensor2D, fk, acts, pre };
    });
    const fw: FwdM = {
      f: out.f,
      fk: out.fk,
      acts: out.acts,
      pre: keepPre ? out.pre : out.acts.map((ak) => ak.map(() => null)),
      dispose() {
        tf.dispose([out.f, ...out.fk, ...out.acts.flat(), ...out.pre.flat()]);
      },
    };
    return fw;
  }

  function step(fwAny: Fwd, input: Input, target: Target, rates: Rates): void {
    const fw = fwAny as FwdM;
    const inp = inputM(input);
    const scalars = rates.scalars as TF.Scalar[];
    for (let k = 0; k < K; k++) {
      tf.tidy(() => {
        let e = tf.mul(tf.sub(fw.fk[k], target.Y2), scalars[k]) as TF.Tensor2D; // [1, m]
        for (let l = L - 1; l >= 0; l--) {
          const aPrev = l > 0 ? fw.acts[k][l - 1] : null; // [fan_in, m]
          let ePrev: TF.Tensor2D | null = null;
          if (aPrev) {
            const back = l === L - 1 ? (tf.reshape(V[l][k], [dims[l], 1]) as TF.Tensor2D) : (Wt[l][k] as TF.Tensor2D);
            let d: TF.Tensor2D = tf.matMul(back, e);
            const g = dphiOf(ctx, fw.pre[k][l - 1], aPrev);
            if (g) d = tf.mul(d, g) as TF.Tensor2D;
            ePrev = d;
          }
          const v = V[l][k];
          v.assign(tf.sub(v, tf.matMul(e, aPrev ? tf.transpose(aPrev) : (inp.Xs as TF.Tensor2D))));
          const w = Wt[l][k];
          if (w && aPrev) w.assign(tf.sub(w, tf.matMul(aPrev, tf.transpose(e))));
          const bias = B[l][k];
          if (bias) bias.assign(tf.sub(bias, tf.matMul(e, inp.biasCol as TF.Tensor2D)));
          if (ePrev) e = ePrev;
        }
      });
    }
  }

  return {
    layout: 'per-member',
    transposeGap() {
      let gap = 0;
      for (let l = 0; l < L; l++) {
        for (let k = 0; k < K; k++) {
          const w = Wt[l][k];
          if (!w) continue;
          const d = tf.tidy(() => tf.max(tf.abs(tf.sub(V[l][k], tf.transpose(w)))));
          gap = Math.max(gap, d.dataSync()[0]);
          d.dispose();
        }
      }
      return gap;
    },
    forward,
    step,
    params() {
      const E: TF.Tensor3D[] = [];
      const eb: (TF.Tensor3D | null)[] = [];
      for (let l = 0; l < L; l++) {
        const [nIn, nOut] = [dims[l], dims[l + 1]];
        E.push(
          tf.stack(
            V[l].map((v, k) => {
              const w = Wt[l][k];
              if (w) return w;
              return nOut === 1 ? tf.reshape(v, [nIn, 1]) : tf.transpose(v);
            }),
          ) as TF.Tensor3D,
        );
        eb.push(sb > 0 ? (tf.stack(B[l].map((b) => tf.reshape(b as TF.Tensor2D, [1, nOut]))) as TF.Tensor3D) : null);
      }
      return { E, eb };
    },
    dispose() {
      tf.dispose([...V.flat(), ...(Wt.flat().filter(Boolean) as TF.Tensor[]), ...(B.flat().filter(Boolean) as TF.Tensor[])]);
    },
  };
}

function keepVariable<R extends TF.Rank>(tf: Compute['tf'], t: TF.Tensor<R>): TF.Variable<R> {
  const v = tf.variable(t, false);
  t.dispose();
  return v;
}

interface Draws {
  W: Float32Array[];
  b: Float32Array[];
}

// ---------------------------------------------------------------------------------------------

/** Test hooks (not for widgets). */
export const testing = {
  /** Per-member layout: largest |V - Wt^T| between a hidden matrix and its transposed copy (0 when they are exact transposes). */
  transposeGap(ensemble: Ensemble): number {
    const f = gapProbes.get(ensemble);
    if (!f) throw new Error('testing.transposeGap: not an ensemble');
    return f();
  },
};
const gapProbes = new WeakMap<Ensemble, () => number>();

export function createEnsemble(compute: Compute, spec: EnsembleSpec): Ensemble {
  const s = checkSpec(spec);
  const tf = compute.tf;
  const K = s.members;
  const L = s.depth;
  const d0 = s.inputDim;
  const dims = layerDims(s);
  // Weight scale of layer l (0-based): sqrt(sigmaW2 / fan_in); bias scale sqrt(sigmaB2).
  const c = dims.slice(0, L).map((fanIn) => Math.sqrt(s.sigmaW2 / fanIn));
  const kappa = c[L - 1] * c[L - 1];
  const ctx: Context = { tf, s, K, L, dims, c, sb: Math.sqrt(s.sigmaB2), kappa, rho0: (c[0] * c[0]) / kappa };
  let seed = s.seed;
  let impl: Impl | null = null;
  let generation = compute.generation;
  let step = 0;
  let disposed = false;
  /** Bumped whenever the parameters change: a cached forward pass is valid for one version. */
  let version = 0;
  let inputs: Input[] = [];
  let targets: Target[] = [];
  let rates: Rates[] = [];
  let cached: { version: number; input: Input; fw: Fwd } | null = null;
  /** The training points of the last train call: only their forward pass is kept. */
  let trainKey: Float32Array | null = null;
  let records: { x: Float32Array; m: number; y: Float32Array; eta: Float64Array; steps: number }[] = [];
  /** Raw bias draws, kept in JS when sigmaB2 = 0 (no bias on the device; weights() reports them). */
  let rawBias: Float32Array[] = [];

  /** N(0, 1) draws; member k's come from its own fork, so they do not depend on K. */
  function draw(): Draws {
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

  function chooseLayout(): EnsembleLayout {
    if (s.layout !== 'auto') return s.layout;
    return tf.getBackend() === 'wasm' && L >= 3 && s.width >= 128 && K <= 64 ? 'per-member' : 'batched';
  }

  function dropCaches(): void {
    cached?.fw.dispose();
    cached = null;
    for (const i of inputs) tf.dispose(i.tensors);
    for (const t of targets) t.Y2.dispose();
    for (const r of rates) {
      r.scale3?.dispose();
      if (r.scalars) tf.dispose(r.scalars);
    }
    inputs = [];
    targets = [];
    rates = [];
  }

  /** (Re)build the device state from the seed, at step 0. */
  function build(): void {
    dropCaches();
    impl?.dispose();
    impl = null;
    const raw = draw();
    rawBias = ctx.sb > 0 ? [] : raw.b;
    impl = chooseLayout() === 'per-member' ? perMemberImpl(ctx, raw) : batchedImpl(ctx, raw);
    step = 0;
    version++;
    records = [];
    trainKey = null;
  }

  /** After a backend restart: every tensor is gone; drop the handles and the cached uploads. */
  function forgetTensors(): void {
    generation = compute.generation;
    impl = null;
    cached = null;
    inputs = [];
    targets = [];
    rates = [];
  }

  /** Check the ensemble is usable; after a backend restart rebuild from the seed and replay the history. */
  function live(): Impl {
    if (disposed) throw new Error('ensemble: used after dispose()');
    if (compute.generation !== generation) {
      // Every tensor died with the old backend (disposing them is a no-op).
      forgetTensors();
      const history = records;
      build();
      for (const r of history) runRecord(r.x, r.m, r.y, r.eta, r.steps);
    }
    return impl as Impl;
  }

  function inputFor(points: Points): Input {
    const hit = inputs.findIndex((i) => sameValues(i.key, points.values));
    if (hit >= 0) {
      const [entry] = inputs.splice(hit, 1);
      inputs.unshift(entry);
      return entry;
    }
    const entry: Input = { key: points.values, m: points.count, tensors: [] };
    inputs.unshift(entry);
    while (inputs.length > INPUT_CACHE) {
      const old = inputs.pop() as Input;
      if (cached?.input === old) {
        cached.fw.dispose();
        cached = null;
      }
      tf.dispose(old.tensors);
    }
    return entry;
  }

  function targetFor(values: Float32Array): Target {
    const hit = targets.find((t) => sameValues(t.key, values));
    if (hit) return hit;
    const t: Target = { key: values, Y2: tf.tensor2d(values, [1, values.length]) };
    targets.unshift(t);
    while (targets.length > 2) targets.pop()?.Y2.dispose();
    return t;
  }

  function ratesFor(eta: Float64Array): Rates {
    const hit = rates.find((r) => r.key.length === eta.length && r.key.every((v, i) => v === eta[i]));
    if (hit) return hit;
    const scaled = Float32Array.from(eta, (e) => kappa * e);
    const r: Rates = { key: eta };
    if ((impl as Impl).layout === 'batched') r.scale3 = tf.tensor3d(scaled, [K, 1, 1]);
    else r.scalars = Array.from(scaled, (v) => tf.scalar(v));
    rates.unshift(r);
    while (rates.length > 2) {
      const old = rates.pop() as Rates;
      old.scale3?.dispose();
      if (old.scalars) tf.dispose(old.scalars);
    }
    return r;
  }

  /** A forward pass at the current parameters; kept (and reused) when these are the training points. */
  function forwardAt(input: Input): { fw: Fwd; owned: boolean } {
    const im = impl as Impl;
    if (cached && cached.version === version && cached.input === input) return { fw: cached.fw, owned: false };
    const fw = im.forward(input);
    if (trainKey && sameValues(trainKey, input.key)) {
      cached?.fw.dispose();
      cached = { version, input, fw };
      return { fw, owned: false };
    }
    return { fw, owned: true };
  }

  function runRecord(x: Float32Array, m: number, y: Float32Array, eta: Float64Array, steps: number): void {
    const im = impl as Impl;
    const input = inputFor({ values: x, count: m, dim: d0 });
    const target = targetFor(y);
    const r = ratesFor(eta);
    trainKey = input.key;
    for (let t = 0; t < steps; t++) {
      let fw: Fwd;
      if (cached && cached.version === version && cached.input === input) {
        fw = cached.fw;
        cached = null;
      } else {
        if (cached) {
          cached.fw.dispose();
          cached = null;
        }
        fw = im.forward(input);
      }
      try {
        im.step(fw, input, target, r);
      } finally {
        fw.dispose();
      }
      version++;
      step++;
    }
    const last = records[records.length - 1];
    if (last && sameValues(last.x, x) && sameValues(last.y, y) && last.eta.every((v, i) => v === eta[i])) last.steps += steps;
    else records.push({ x, m, y, eta, steps });
  }

  function checkTrain(fn: string, x: unknown, options: TrainOptions) {
    const v = specChecker(fn);
    v.object('options', options);
    const eta = Float64Array.from(v.numberOrArray('eta', options.eta, K, v.positive));
    const steps = v.int('steps', options.steps ?? 1, 0);
    const pts = v.points('x', x, d0);
    return { eta, steps, pts };
  }

  function checkTargets(fn: string, y: number[], m: number): Float32Array {
    const v = specChecker(fn);
    if (!Array.isArray(y) || y.length !== m) {
      v.raise('y', `have one target per point (${m})`, y, !Array.isArray(y));
    }
    return v.numbers('y', y, m).f32;
  }

  function train(x: number[][], y: number[], options: TrainOptions): void {
    live();
    const { eta, steps, pts } = checkTrain('ensemble.train', x, options);
    const yv = checkTargets('ensemble.train', y, pts.count);
    if (steps > 0) runRecord(pts.values, pts.count, yv, eta, steps);
  }

  /** Loss and predictions on x (and xTest) as one tensor [K + K m + K m_test] (caller disposes). */
  function snapshotTensor(input: Input, target: Target, test: Input | null): TF.Tensor1D {
    const { fw, owned } = forwardAt(input);
    const ft = test ? (impl as Impl).forward(test) : null;
    try {
      return tf.tidy(() => {
        const r = tf.sub(fw.f, target.Y2);
        const loss = tf.mul(tf.sum(tf.square(r), 1), 0.5);
        const parts: TF.Tensor[] = [loss, tf.reshape(fw.f, [-1])];
        if (ft) parts.push(tf.reshape(ft.f, [-1]));
        return tf.concat(parts) as TF.Tensor1D;
      });
    } finally {
      if (owned) fw.dispose();
      ft?.dispose();
    }
  }

  async function readSnapshot(t: TF.Tensor1D, at: number, m: number, mt: number): Promise<EnsembleSnapshot> {
    try {
      const data = (await t.data()) as Float32Array;
      const loss = data.slice(0, K);
      const train = Array.from({ length: K }, (_, k) => data.slice(K + k * m, K + (k + 1) * m));
      const o = K + K * m;
      const test = Array.from({ length: K }, (_, k) => data.slice(o + k * mt, o + (k + 1) * mt));
      return { step: at, loss, train, test };
    } finally {
      t.dispose();
    }
  }

  function prepareSnapshot(fn: string, x: number[][], y: number[], xTest?: number[][]) {
    const v = specChecker(fn);
    const pts = v.points('x', x, d0);
    const yv = checkTargets(fn, y, pts.count);
    const testPts = xTest === undefined ? null : v.points('xTest', xTest, d0);
    return { pts, yv, testPts };
  }

  function snapshotNow(pts: Points, yv: Float32Array, testPts: Points | null): Promise<EnsembleSnapshot> {
    const input = inputFor(pts);
    const target = targetFor(yv);
    // The test points must not push the training points out of the upload cache.
    const test = testPts ? inputFor(testPts) : null;
    inputFor(pts);
    const t = snapshotTensor(input, target, test);
    return readSnapshot(t, step, pts.count, testPts ? testPts.count : 0);
  }

  function trainAndSnapshotAsync(x: number[][], y: number[], options: TrainOptions, xTest?: number[][]): Promise<EnsembleSnapshot> {
    try {
      live();
      const fn = 'ensemble.trainAndSnapshotAsync';
      const { eta, steps, pts } = checkTrain(fn, x, options);
      const { yv, testPts } = prepareSnapshot(fn, x, y, xTest);
      if (steps > 0) runRecord(pts.values, pts.count, yv, eta, steps);
      else trainKey = pts.values;
      return snapshotNow(pts, yv, testPts);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function snapshotAsync(x: number[][], y: number[], xTest?: number[][]): Promise<EnsembleSnapshot> {
    try {
      live();
      const { pts, yv, testPts } = prepareSnapshot('ensemble.snapshotAsync', x, y, xTest);
      return snapshotNow(pts, yv, testPts);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function predictTensor(x: number[][]): TF.Tensor2D {
    live();
    const input = inputFor(specChecker('ensemble.predict').points('x', x, d0));
    const { fw, owned } = forwardAt(input);
    if (owned) {
      const f = tf.clone(fw.f);
      fw.dispose();
      return f;
    }
    return tf.clone(fw.f);
  }

  function predict(x: number[][]): Float32Array[] {
    live();
    const input = inputFor(specChecker('ensemble.predict').points('x', x, d0));
    const { fw, owned } = forwardAt(input);
    const values = fw.f.dataSync() as Float32Array;
    if (owned) fw.dispose();
    const m = input.m;
    return Array.from({ length: K }, (_, k) => values.slice(k * m, (k + 1) * m));
  }

  function loss(x: number[][], y: number[]): number[] {
    live();
    const { pts, yv } = prepareSnapshot('ensemble.loss', x, y);
    const t = snapshotTensor(inputFor(pts), targetFor(yv), null);
    const values = Array.from(t.dataSync().subarray(0, K));
    t.dispose();
    return values;
  }

  function empiricalNtk(x1: number[][], x2?: number[][]): number[][][] {
    const im = live();
    const v = specChecker('ensemble.empiricalNtk');
    const p1 = v.points('x1', x1, d0);
    const p2 = x2 === undefined || x2 === x1 ? null : v.points('x2', x2, d0);
    const m1 = p1.count;
    const m2 = p2 ? p2.count : m1;
    const theta = tf.tidy(() => {
      const { E, eb } = im.params();
      // Separate passes for x1 and x2 (same cost as one pass over both, and no slicing, which the
      // CPU backend does element by element off the leading axis).
      const jac = (p: Points) => {
        const X = tf.tensor3d(p.values, [1, p.count, d0]);
        const inputsL: TF.Tensor3D[] = [X];
        const pre: TF.Tensor3D[] = [];
        const acts: TF.Tensor3D[] = [];
        let a = X;
        for (let l = 0; l < L; l++) {
          let z = tf.matMul(a, E[l]) as TF.Tensor3D;
          const bias = eb[l];
          if (bias) z = tf.add(z, bias) as TF.Tensor3D;
          if (l < L - 1) {
            pre.push(z);
            a = phiOf(ctx, z) as TF.Tensor3D;
            acts.push(a);
            inputsL.push(a);
          }
        }
        const delta: TF.Tensor3D[] = new Array(L);
        let d = tf.ones([K, p.count, 1]) as TF.Tensor3D;
        delta[L - 1] = d;
        for (let l = L - 2; l >= 0; l--) {
          d = tf.matMul(d, E[l + 1], false, true) as TF.Tensor3D;
          const g = dphiOf(ctx, pre[l], acts[l]);
          if (g) d = tf.mul(d, g) as TF.Tensor3D;
          delta[l] = d;
        }
        return { inputs: inputsL, delta };
      };
      const j1 = jac(p1);
      const j2 = p2 ? jac(p2) : j1;
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
    const im = live();
    const read = tf.tidy(() => {
      const { E, eb } = im.params();
      return { E: E.map((t) => tf.clone(t)), eb: eb.map((t) => (t ? tf.clone(t) : tf.zeros([0]))) };
    }) as { E: TF.Tensor[]; eb: TF.Tensor[] };
    const W = read.E.map((t, l) => {
      const v = (t.dataSync() as Float32Array).slice();
      for (let i = 0; i < v.length; i++) v[i] /= c[l];
      return v;
    });
    const b = read.eb.map((t, l) => {
      if (ctx.sb === 0) return rawBias[l].slice();
      const v = (t.dataSync() as Float32Array).slice();
      for (let i = 0; i < v.length; i++) v[i] /= ctx.sb;
      return v;
    });
    tf.dispose([...read.E, ...read.eb]);
    return { dims: [...dims], W, b };
  }

  function history(): TrainingRecord[] {
    return records.map((r) => ({
      x: Array.from({ length: r.m }, (_, i) => Array.from(r.x.subarray(i * d0, (i + 1) * d0))),
      y: Array.from(r.y),
      eta: Array.from(r.eta),
      steps: r.steps,
    }));
  }

  function reset(newSeed?: number | string): void {
    if (disposed) throw new Error('ensemble: used after dispose()');
    if (newSeed !== undefined) seed = specChecker('ensemble.reset').seed('seed', newSeed);
    // No replay after a restart: the history is being discarded anyway.
    if (compute.generation !== generation) forgetTensors();
    build();
  }

  function replay(list: readonly TrainingRecord[]): void {
    if (!Array.isArray(list)) specChecker('ensemble.replay').fail('history', 'an array of training records', list, true);
    const checked = list.map((r, i) => {
      const { eta, steps, pts } = checkTrain(`ensemble.replay: history[${i}]`, r?.x, { eta: r?.eta, steps: r?.steps });
      return { pts, y: checkTargets(`ensemble.replay: history[${i}]`, r.y, pts.count), eta, steps };
    });
    reset();
    for (const r of checked) if (r.steps > 0) runRecord(r.pts.values, r.pts.count, r.y, r.eta, r.steps);
  }

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    dropCaches();
    impl?.dispose();
    impl = null;
  }

  build();
  const ensemble: Ensemble = {
    get spec() {
      return { ...s, seed };
    },
    get step() {
      return step;
    },
    get layout() {
      return (impl as Impl | null)?.layout ?? chooseLayout();
    },
    predict,
    predictTensor,
    train,
    trainAndSnapshotAsync,
    snapshotAsync,
    loss,
    empiricalNtk,
    weights,
    history,
    replay,
    reset,
    dispose,
  };
  gapProbes.set(ensemble, () => live().transposeGap());
  return ensemble;
}
