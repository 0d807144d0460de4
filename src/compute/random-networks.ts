/**
 * S random finite networks at initialisation, evaluated on P inputs, batched: the finite side of
 * the NNGP (GP overlays) and of mean-field signal propagation (phase-diagram overlays).
 *
 * Network: the NTK parameterization of ensemble.ts and kernelMatrix (src/math/README.md), depth L
 * dense layers including the scalar output, width n:
 *   z^1 = sqrt(sigmaW2/d0) W^1 x + sqrt(sigmaB2) b^1,  z^l = sqrt(sigmaW2/n) W^l phi(z^{l-1}) + sqrt(sigmaB2) b^l,
 *   every entry of W, b ~ N(0, 1), f = z^L.
 *
 * Sampling, exact in distribution: given layer l-1's activations A (P x n_in) of one network, the
 * n_out columns of Z^l = c A W + sb 1 b^T are iid N(0, Sigma) with Sigma = c^2 A A^T + sb^2 1 1^T
 * (P x P). So instead of the n_in x n_out weights we draw Z^l = F Xi, with F F^T = Sigma and Xi
 * (r x n_out) iid N(0, 1): P x n normals and two P x P x n products per hidden layer instead of
 * n^2 normals and P n^2 products (2,000 networks of width 1,024 would need 2 x 10^9 weights).
 *   - layer 1 (shared inputs): F = [c_0 X | sb 1] (the weights themselves, r = d0 + 1) when
 *     d0 + 1 <= P, else the Cholesky factor of Sigma^1 (r = P);
 *   - hidden layers: F = Cholesky of the network's own Sigma^l (computed on the device, factored
 *     in float64 in JS, semidefinite-safe: a pivot <= 1e-7 of its diagonal counts as 0);
 *   - the output layer (n_out = 1): explicit f = c w . phi(z^{L-1}) + sb b.
 * A network is thus a joint sample of (f(x_1), ..., f(x_P)) and of its layers' pre-activations on
 * these inputs; network s is a function of (seed, s, P) and of the inputs (it is the same network
 * on other inputs only in law).
 *
 * Two device layouts: 'batched' (WebGL, CPU: one batched matMul per stage for a chunk of networks)
 * and 'per-network' (WASM: 2-D matMuls per network, which tfjs-backend-wasm runs with XNNPACK,
 * ~10x its batched loop). Randomness: one counter-based stream per network (mulberry32 outputs
 * through a 128-layer ziggurat, Marsaglia & Tsang 2000, with the layer index and the value taken
 * from disjoint bits), so network s does not depend on S, the chunk size or the backend.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Compute } from './backend.ts';
import { ACTIVATIONS, applyActivation, type Activation } from './activations.ts';
import { mix32, toSeed } from './rng.ts';
import { specChecker, type Points } from './spec.ts';
import type { WorkerLane } from './workers.ts';

export type RandomNetworkActivation = Activation;
export type RandomNetworkLayout = 'batched' | 'per-network';

export interface RandomNetworksSpec {
  /** Number of networks S, 1..10^6. */
  networks: number;
  /** Input dimension d0, 1..4096. */
  inputDim: number;
  /** Dense layers L including the output layer, 1..64. */
  depth: number;
  /** Hidden width n, 1..8192. */
  width: number;
  activation: RandomNetworkActivation;
  /** Weight variance sigma_w^2 (> 0). */
  sigmaW2: number;
  /** Bias variance sigma_b^2 (>= 0). */
  sigmaB2: number;
  seed: number | string;
  /** 'auto' (default): 'per-network' on WASM, else 'batched'. */
  layout?: RandomNetworkLayout | 'auto';
  /** Networks per chunk (default: as many as keep one [chunk, n, P] tensor within 2^22 floats). */
  chunk?: number;
}

export interface RandomNetworkOptions {
  /** Also return every layer's pre-activation Gram matrices (default false). */
  layers?: boolean;
  /**
   * Keep the page's thread free (default false): where compute workers run, they take every block
   * and the page's thread only what a failed worker leaves — slower on a machine with few cores,
   * but input and drawing never wait for it (a widget's on-demand figure). Without workers it has
   * no effect.
   */
  background?: boolean;
}

export interface RandomNetworkSample {
  networks: number;
  points: number;
  /** f_s(x_p) at [s * P + p]. */
  outputs: Float32Array;
  /**
   * With { layers: true }: for layer l = 1..L, layers[l - 1][s * P * P + p * P + q] =
   * (1/n_l) z^l_s(x_p) . z^l_s(x_q), the network's empirical kernel at that layer (n_L = 1: f f).
   */
  layers: Float32Array[] | null;
}

const LAYOUTS = ['auto', 'batched', 'per-network'] as const;
/** Floats in one [chunk, n, P] tensor (16 MB). */
const CHUNK_FLOATS = 2 ** 22;
const MAX_POINTS = 256;

// ---------------------------------------------------------------------------------------------
// Normals: a ziggurat over a counter-based 32-bit stream.

const WEYL = 0x6d2b79f5;
const ZIG_KN = new Int32Array(128);
// float32 layer widths: measured 1.5x faster in V8 than a Float64Array here (the values are stored as float32 anyway)
const ZIG_WN = new Float32Array(128);
const ZIG_FN = new Float64Array(128);
const ZIG_R = 3.442619855899;
{
  // Marsaglia & Tsang (2000), 128 layers, for 25-bit signed values j = hz >> 7 (|j| < 2^24).
  const m1 = 2 ** 24;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_KN[0] = Math.floor((dn / q) * m1);
  ZIG_KN[1] = 0;
  ZIG_WN[0] = q / m1;
  ZIG_WN[127] = dn / m1;
  ZIG_FN[0] = 1;
  ZIG_FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    ZIG_FN[i] = Math.exp(-0.5 * dn * dn);
    ZIG_WN[i] = dn / m1;
  }
}

/** The stream state after zigSlow (a module-level register, so that the hot loop captures nothing). */
let slowState = 0;

/** One 32-bit output of the stream at `state` (advanced into slowState). */
function nextWord(state: number): number {
  const s = (state + WEYL) | 0;
  slowState = s;
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return t ^ (t >>> 14);
}

/** The ziggurat's rejection branch (about 1.2% of draws): the base strip's tail or a wedge. */
function zigSlow(state: number, j: number, iz: number): number {
  let s = state;
  for (;;) {
    const x = j * ZIG_WN[iz];
    if (iz === 0) {
      let xx: number;
      let yy: number;
      do {
        xx = -Math.log(((nextWord(s) >>> 0) + 0.5) / 4294967296) / ZIG_R;
        s = slowState;
        yy = -Math.log(((nextWord(s) >>> 0) + 0.5) / 4294967296);
        s = slowState;
      } while (yy + yy < xx * xx);
      slowState = s;
      return j > 0 ? ZIG_R + xx : -ZIG_R - xx;
    }
    const u = ((nextWord(s) >>> 0) + 0.5) / 4294967296;
    s = slowState;
    if (ZIG_FN[iz] + u * (ZIG_FN[iz - 1] - ZIG_FN[iz]) < Math.exp(-0.5 * x * x)) {
      slowState = s;
      return x;
    }
    const h = nextWord(s);
    s = slowState;
    iz = h & 127;
    j = h >> 7;
    if ((j < 0 ? -j : j) < ZIG_KN[iz]) {
      slowState = s;
      return j * ZIG_WN[iz];
    }
  }
}

/**
 * Fill out[offset .. offset + count) with N(0, 1) draws from the stream whose state is `state`;
 * returns the new state. The stream is mulberry32's (rng.ts): state += WEYL, output = its
 * finaliser; each output's low 7 bits pick the ziggurat layer, its top 25 bits the value.
 */
export function fillNormals(out: Float32Array, offset: number, count: number, state: number): number {
  let s = state | 0;
  const kn = ZIG_KN;
  const wn = ZIG_WN;
  for (let i = offset, end = offset + count; i < end; i++) {
    s = (s + WEYL) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const hz = t ^ (t >>> 14);
    const iz = hz & 127;
    const j = hz >> 7;
    // Store the fast path's value, then overwrite it in the rare rejection case: ~25% faster in
    // V8 than choosing between them (a branch-free |j| and no store on the hot path's branch).
    out[i] = j * wn[iz];
    if ((j ^ (j >> 31)) - (j >> 31) >= kn[iz]) {
      out[i] = zigSlow(s, j, iz);
      s = slowState;
    }
  }
  return s;
}

/** The starting state of network s's stream. */
function streamState(seedWord: number, s: number): number {
  return mix32((seedWord ^ mix32((Math.imul(s, 0x9e3779b9) + 0x7f4a7c15) >>> 0)) >>> 0) | 0;
}

// ---------------------------------------------------------------------------------------------
// Small dense linear algebra in float64.

/**
 * Lower Cholesky factor L (row-major P x P) of a symmetric PSD matrix A (read from a at offset),
 * written as L^T (upper, row-major) into out at offset: the factor Z^T = Xi L^T needs. A pivot
 * <= 1e-7 times its diagonal entry (round-off of a float32 Gram matrix) makes that column 0.
 */
function choleskyUpper(a: ArrayLike<number>, aOff: number, P: number, out: Float32Array, oOff: number, work: Float64Array, scale = 1, shift = 0): void {
  // work: P x P lower factor
  for (let j = 0; j < P; j++) {
    let d = scale * a[aOff + j * P + j] + shift;
    const diag = d;
    for (let k = 0; k < j; k++) d -= work[j * P + k] * work[j * P + k];
    const ok = d > 1e-7 * Math.abs(diag) && d > 0;
    const ljj = ok ? Math.sqrt(d) : 0;
    work[j * P + j] = ljj;
    for (let i = j + 1; i < P; i++) {
      if (!ok) {
        work[i * P + j] = 0;
        continue;
      }
      // symmetric: use the lower triangle a[i][j] averaged with a[j][i] (float32 Grams are symmetric to round-off)
      let v = 0.5 * scale * (a[aOff + i * P + j] + a[aOff + j * P + i]) + shift;
      for (let k = 0; k < j; k++) v -= work[i * P + k] * work[j * P + k];
      work[i * P + j] = v / ljj;
    }
    for (let k = j + 1; k < P; k++) work[j * P + k] = 0;
  }
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) out[oOff + i * P + j] = work[j * P + i];
}

// ---------------------------------------------------------------------------------------------

/** A checked spec: every field present (layout 'auto' until a chunk starts). */
type Resolved = Required<Omit<RandomNetworksSpec, 'chunk'>> & { chunk: number | undefined };

function checkSpec(spec: RandomNetworksSpec): Resolved {
  const v = specChecker('sampleRandomNetworks');
  v.object('spec', spec);
  return {
    networks: v.int('networks', spec.networks, 1, 1_000_000),
    inputDim: v.int('inputDim', spec.inputDim, 1, 4096),
    depth: v.int('depth', spec.depth, 1, 64),
    width: v.int('width', spec.width, 1, 8192),
    activation: v.oneOf('activation', spec.activation, ACTIVATIONS),
    sigmaW2: v.positive('sigmaW2', spec.sigmaW2),
    sigmaB2: v.nonNegative('sigmaB2', spec.sigmaB2),
    seed: v.seed('seed', spec.seed),
    layout: v.oneOf('layout', spec.layout ?? 'auto', LAYOUTS),
    chunk: spec.chunk === undefined ? undefined : v.int('chunk', spec.chunk, 1, 1_000_000),
  };
}

/** phi(z) as a new tensor ('linear': a clone, so that disposing z never disposes phi(z) too). */
const phi = (tf: Compute['tf'], act: Activation, z: TF.Tensor): TF.Tensor => (act === 'linear' ? tf.clone(z) : applyActivation(tf, act, z));

/** Work (networks x width x points) above which a call is split across workers (~10 ms on one thread). */
const PARALLEL_MIN_WORK = 2 ** 21;
/** Floats (networks x width x points) in one block handed to a lane: ~30 ms of work on WASM here (2^21 measured 5-10% slower: the last block's wait). */
const BLOCK_WORK = 2 ** 20;

/**
 * Draw S random networks and evaluate them on the inputs x (P points, P <= 256); resolves with
 * their outputs (and, with { layers: true }, every layer's empirical kernel). Chunks of networks
 * are processed one after another; the function awaits the device (tensor.data()) between them.
 *
 * In a browser on WASM, a large call (S n P >= 2^21) is split into blocks shared by the page's
 * thread and the compute workers (workers.ts: a second core, which single-threaded WASM cannot
 * use otherwise), each lane taking the next block when it is done. Network s depends on (seed, s)
 * only, so the sample is the same however the blocks fall; a worker that fails leaves its block to
 * the page's thread. With { background: true } the workers take every block (see
 * RandomNetworkOptions).
 */
export async function sampleRandomNetworks(
  compute: Compute,
  spec: RandomNetworksSpec,
  x: number[][],
  options: RandomNetworkOptions = {},
): Promise<RandomNetworkSample> {
  const s = checkSpec(spec);
  const v = specChecker('sampleRandomNetworks');
  const pts = v.points('x', x, s.inputDim, MAX_POINTS);
  v.object('options', options);
  const wantLayers = options.layers ?? false;
  const { networks: S, width: n, depth: L } = s;
  const P = pts.count;
  const work = S * Math.max(n, 1) * P;
  const lanes = work >= PARALLEL_MIN_WORK && compute.workers ? compute.workers() : [];
  if (lanes.length === 0) {
    const block = await sampleBlock(compute, s, pts, wantLayers, 0, S);
    return { networks: S, points: P, outputs: block.outputs, layers: block.layers };
  }
  const outputs = new Float32Array(S * P);
  const layers = wantLayers ? Array.from({ length: L }, () => new Float32Array(S * P * P)) : null;
  const per = Math.max(1, Math.floor(BLOCK_WORK / (Math.max(n, 1) * P)));
  const blocks: Array<[number, number]> = [];
  for (let b = 0; b < S; b += per) blocks.push([b, Math.min(S, b + per)]);
  const place = (from: number, block: NetworkBlock) => {
    outputs.set(block.outputs, from * P);
    if (layers && block.layers) block.layers.forEach((g, l) => layers[l].set(g, from * P * P));
  };
  let next = 0;
  const local = (from: number, to: number) => sampleBlock(compute, s, pts, wantLayers, from, to);
  const mainLane = async () => {
    while (next < blocks.length) {
      const [from, to] = blocks[next++];
      place(from, await local(from, to));
      await yieldToEvents(); // let the workers' answers in (WASM reads back synchronously)
    }
  };
  const task = { kind: 'random-networks' as const, spec: { ...spec, layout: s.layout }, x, options: { layers: wantLayers } };
  const workerLane = async (lane: WorkerLane) => {
    while (next < blocks.length) {
      const [from, to] = blocks[next++];
      let block: NetworkBlock;
      try {
        block = await lane.run<NetworkBlock>({ ...task, from, to });
      } catch {
        place(from, await local(from, to)); // this worker failed: its block here, and no more for it
        return;
      }
      place(from, block);
    }
  };
  if (options.background) {
    await Promise.all(lanes.map(workerLane));
    await mainLane(); // what failed workers left, if any
  } else await Promise.all([mainLane(), ...lanes.map(workerLane)]);
  return { networks: S, points: P, outputs, layers };
}

/** Networks [from, to) of a sample: their outputs (count x P) and layer kernels. */
export interface NetworkBlock {
  outputs: Float32Array;
  layers: Float32Array[] | null;
}

/** A block of networks [from, to) of sampleRandomNetworks(compute, spec, x, options): what a compute worker runs. */
export async function sampleNetworkBlock(compute: Compute, spec: RandomNetworksSpec, x: number[][], options: RandomNetworkOptions, from: number, to: number): Promise<NetworkBlock> {
  const s = checkSpec(spec);
  const v = specChecker('sampleNetworkBlock');
  const pts = v.points('x', x, s.inputDim, MAX_POINTS);
  v.int('from', from, 0, s.networks - 1);
  v.int('to', to, from + 1, s.networks);
  return sampleBlock(compute, s, pts, options?.layers ?? false, from, to);
}

/** Hands the event loop a turn (a message round trip: no 4 ms timer clamp). */
function yieldToEvents(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

async function sampleBlock(compute: Compute, s: Resolved, pts: Points, wantLayers: boolean, from: number, to: number): Promise<NetworkBlock> {
  const tf = compute.tf;
  const generation = compute.generation;
  const { depth: L, width: n, inputDim: d0 } = s;
  const S = to - from;
  const P = pts.count;
  const sb = Math.sqrt(s.sigmaB2);
  const layout: RandomNetworkLayout = s.layout === 'auto' ? (tf.getBackend() === 'wasm' ? 'per-network' : 'batched') : s.layout;
  const chunk = Math.max(1, Math.min(S, s.chunk ?? Math.floor(CHUNK_FLOATS / (Math.max(n, 1) * P))));
  const seedWord = toSeed(s.seed);


  // Layer 1's factor F1 (P x r1), shared by every network: Z^1 = F1 Xi1.
  const c0 = Math.sqrt(s.sigmaW2 / d0);
  const explicit1 = d0 + (sb > 0 ? 1 : 0) <= P;
  const r1 = explicit1 ? d0 + (sb > 0 ? 1 : 0) : P;
  const F1t = new Float32Array(r1 * P); // F1^T, [r1, P]
  if (explicit1) {
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < d0; j++) F1t[j * P + p] = c0 * pts.values[p * d0 + j];
      if (sb > 0) F1t[d0 * P + p] = sb;
    }
  } else {
    const sigma = new Float64Array(P * P);
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < P; q++) {
        let dot = 0;
        for (let j = 0; j < d0; j++) dot += pts.values[p * d0 + j] * pts.values[q * d0 + j];
        sigma[p * P + q] = c0 * c0 * dot + s.sigmaB2;
      }
    }
    choleskyUpper(sigma, 0, P, F1t, 0, new Float64Array(P * P));
  }
  const c = Math.sqrt(s.sigmaW2 / n); // hidden and output layers

  const outputs = new Float32Array(S * P);
  const layerOut = wantLayers ? Array.from({ length: L }, () => new Float32Array(S * P * P)) : null;
  const states = new Int32Array(chunk);
  const nOut1 = L === 1 ? 1 : n;
  const xiBuf = new Float32Array(chunk * Math.max(n, 1) * Math.max(r1, P));
  const outW = new Float32Array(chunk * n); // output-layer weights (scaled by c)
  const outB = new Float32Array(chunk);
  const ftBuf = new Float32Array(chunk * P * P);
  const work = new Float64Array(P * P);

  const F1tT = tf.tensor2d(F1t, [r1, P]);
  const chunkArgs: ChunkArgs = { tf, act: s.activation, L, n, P, r1, nOut1, sb, c, sigmaB2: s.sigmaB2, wantLayers, states, xiBuf, outW, outB, ftBuf, work, F1tT };
  const check = () => {
    if (compute.generation !== generation) throw new Error('sampleRandomNetworks: the backend restarted while sampling; call again');
  };
  try {
    for (let s0 = 0; s0 < S; s0 += chunk) {
      check();
      const C = Math.min(chunk, S - s0);
      for (let k = 0; k < C; k++) states[k] = streamState(seedWord, from + s0 + k);
      const data =
        layout === 'batched' ? await chunkBatched(chunkArgs, C, check) : !wantLayers ? await chunkPerNetworkLean(chunkArgs, C, check) : await chunkPerNetwork(chunkArgs, C, check);
      outputs.set(data.subarray(0, C * P), s0 * P);
      if (layerOut) {
        for (let l = 0; l < L; l++) {
          const o = C * P + l * C * P * P;
          layerOut[l].set(data.subarray(o, o + C * P * P), s0 * P * P);
        }
      }
    }
  } finally {
    F1tT.dispose();
  }
  return { outputs, layers: layerOut };
}

interface ChunkArgs {
  tf: Compute['tf'];
  act: RandomNetworkActivation;
  L: number;
  n: number;
  P: number;
  r1: number;
  nOut1: number;
  sb: number;
  /** sqrt(sigmaW2 / n) */
  c: number;
  sigmaB2: number;
  wantLayers: boolean;
  states: Int32Array;
  xiBuf: Float32Array;
  outW: Float32Array;
  outB: Float32Array;
  ftBuf: Float32Array;
  work: Float64Array;
  F1tT: TF.Tensor2D;
}

/** The output layer's weights (scaled by c) and biases (scaled by sb) of the chunk's networks. */
function drawOutputLayer(a: ChunkArgs, C: number): void {
  const { n, states, outW, outB } = a;
  const one = new Float32Array(1);
  for (let k = 0; k < C; k++) {
    states[k] = fillNormals(outW, k * n, n, states[k]);
    states[k] = fillNormals(one, 0, 1, states[k]);
    outB[k] = a.sb * one[0];
  }
  for (let i = 0; i < C * n; i++) outW[i] *= a.c;
}

/** Cholesky factors (as F^T) of the chunk's Sigma matrices, read back from the device. */
async function factor(a: ChunkArgs, sigmaT: TF.Tensor, C: number, check: () => void, scale = 1, shift = 0): Promise<void> {
  const { P } = a;
  let sigma: Float32Array;
  try {
    sigma = (await sigmaT.data()) as Float32Array;
  } finally {
    sigmaT.dispose();
  }
  check();
  for (let k = 0; k < C; k++) choleskyUpper(sigma, k * P * P, P, a.ftBuf, k * P * P, a.work, scale, shift);
}

/**
 * One chunk in the 'batched' layout: network-major tensors [C, n, P], one batched matMul per
 * stage. Returns [f (C x P), then each layer's Gram (C x P x P) when wanted].
 */
async function chunkBatched(a: ChunkArgs, C: number, check: () => void): Promise<Float32Array> {
  const { tf, act, L, n, P, r1, nOut1, sb, states, xiBuf } = a;
  const grams: TF.Tensor[] = [];
  let A: TF.Tensor3D | null = null; // phi(z) of the last layer, [C, n, P]
  let f: TF.Tensor2D | null = null;
  try {
    {
      const size = nOut1 * r1;
      for (let k = 0; k < C; k++) states[k] = fillNormals(xiBuf, k * size, size, states[k]);
      const Z = tf.tidy(() => tf.reshape(tf.matMul(tf.tensor2d(xiBuf.subarray(0, C * size), [C * nOut1, r1]), a.F1tT), [C, nOut1, P])) as TF.Tensor3D;
      if (L === 1) {
        f = tf.tidy(() => tf.reshape(Z, [C, P])) as TF.Tensor2D;
        Z.dispose();
      } else {
        if (a.wantLayers) grams.push(tf.tidy(() => tf.mul(tf.matMul(Z, Z, true, false), 1 / n)));
        A = tf.tidy(() => phi(tf, act, Z)) as TF.Tensor3D;
        Z.dispose();
      }
    }
    for (let l = 2; l < L; l++) {
      const prev = A as TF.Tensor3D;
      await factor(a, tf.tidy(() => tf.add(tf.mul(tf.matMul(prev, prev, true, false), a.c * a.c), a.sigmaB2)), C, check);
      const size = n * P;
      for (let k = 0; k < C; k++) states[k] = fillNormals(xiBuf, k * size, size, states[k]);
      const Z = tf.tidy(() => tf.matMul(tf.tensor3d(xiBuf.subarray(0, C * size), [C, n, P]), tf.tensor3d(a.ftBuf.subarray(0, C * P * P), [C, P, P]))) as TF.Tensor3D;
      prev.dispose();
      A = null;
      if (a.wantLayers) grams.push(tf.tidy(() => tf.mul(tf.matMul(Z, Z, true, false), 1 / n)));
      A = tf.tidy(() => phi(tf, act, Z)) as TF.Tensor3D;
      Z.dispose();
    }
    if (L > 1) {
      drawOutputLayer(a, C);
      const prev = A as TF.Tensor3D;
      f = tf.tidy(() => {
        const out = tf.reshape(tf.matMul(tf.tensor3d(a.outW.subarray(0, C * n), [C, 1, n]), prev), [C, P]);
        return sb > 0 ? tf.add(out, tf.tensor2d(a.outB.subarray(0, C), [C, 1])) : out;
      }) as TF.Tensor2D;
      prev.dispose();
      A = null;
    }
    if (a.wantLayers) grams.push(tf.tidy(() => outerGram(tf, f as TF.Tensor2D)));
    const all = tf.tidy(() => tf.concat([tf.reshape(f as TF.Tensor2D, [-1]), ...grams.map((g) => tf.reshape(g, [-1]))]));
    try {
      return (await all.data()) as Float32Array;
    } finally {
      all.dispose();
    }
  } finally {
    tf.dispose([...grams, ...(f ? [f] : []), ...(A ? [A] : [])]);
  }
}

/**
 * One chunk in the 'per-network' layout: a list of 2-D tensors per network, each uploaded from JS
 * (never sliced out of a chunk tensor: tfjs-backend-wasm's slice copies its whole input), and 2-D
 * matMuls, which tfjs-backend-wasm runs with XNNPACK.
 */
async function chunkPerNetwork(a: ChunkArgs, C: number, check: () => void): Promise<Float32Array> {
  const { tf, act, L, n, P, r1, nOut1, sb, states, xiBuf } = a;
  const grams: TF.Tensor[] = [];
  let A: TF.Tensor2D[] = []; // per network: phi(z), [n, P]
  let f: TF.Tensor2D | null = null;
  const gramsOf = (Z: TF.Tensor2D[], scale: number, shift: number) =>
    tf.tidy(() => {
      const g = tf.stack(Z.map((z) => tf.matMul(tf.transpose(z) as TF.Tensor2D, z)));
      return shift !== 0 ? tf.add(tf.mul(g, scale), shift) : tf.mul(g, scale);
    });
  /** phi(a b), with relu fused into the matMul (one XNNPACK call) when z itself is not needed. */
  const affinePhi = (x: TF.Tensor2D, w: TF.Tensor2D): TF.Tensor2D =>
    act === 'relu' ? (tf.fused.matMul({ a: x, b: w, activation: 'relu' }) as TF.Tensor2D) : (phi(tf, act, tf.matMul(x, w)) as TF.Tensor2D);
  /** Layer 1's activations in both layouts ([n, P] and [P, n]) when a Gram of them follows: two small matMuls instead of a transpose. */
  let Apm: TF.Tensor2D[] | null = null;
  try {
    {
      const size = nOut1 * r1;
      for (let k = 0; k < C; k++) states[k] = fillNormals(xiBuf, k * size, size, states[k]);
      if (L === 1) {
        const Z = tf.tidy(() => Array.from({ length: C }, (_, k) => tf.matMul(tf.tensor2d(xiBuf.subarray(k * size, (k + 1) * size), [nOut1, r1]), a.F1tT))) as TF.Tensor2D[];
        f = tf.tidy(() => tf.reshape(tf.stack(Z), [C, P])) as TF.Tensor2D;
        tf.dispose(Z);
      } else {
        const dual = L > 2; // the next layer is hidden: it needs the Gram of these activations
        const xiT = new Float32Array(size);
        const out = tf.tidy(() => {
          const F1 = tf.transpose(a.F1tT) as TF.Tensor2D; // [P, r1]
          const um: TF.Tensor2D[] = [];
          const pm: TF.Tensor2D[] = [];
          const zum: TF.Tensor2D[] = [];
          const zpm: TF.Tensor2D[] = [];
          for (let k = 0; k < C; k++) {
            const xi = tf.tensor2d(xiBuf.subarray(k * size, (k + 1) * size), [nOut1, r1]);
            let xit: TF.Tensor2D | null = null;
            if (dual || a.wantLayers) {
              for (let i = 0; i < nOut1; i++) for (let j = 0; j < r1; j++) xiT[j * nOut1 + i] = xiBuf[k * size + i * r1 + j];
              xit = tf.tensor2d(xiT, [r1, nOut1]);
            }
            if (a.wantLayers) {
              const z: TF.Tensor2D = tf.matMul(xi, a.F1tT);
              const zt: TF.Tensor2D = tf.matMul(F1, xit as TF.Tensor2D);
              zum.push(z);
              zpm.push(zt);
              um.push(phi(tf, act, z) as TF.Tensor2D);
              if (dual) pm.push(phi(tf, act, zt) as TF.Tensor2D);
            } else {
              um.push(affinePhi(xi, a.F1tT));
              if (dual) pm.push(affinePhi(F1, xit as TF.Tensor2D));
            }
          }
          const g = a.wantLayers ? tf.mul(tf.stack(zpm.map((zt, k) => tf.matMul(zt, zum[k]))), 1 / n) : tf.zeros([0]);
          return { um, pm, g };
        }) as { um: TF.Tensor2D[]; pm: TF.Tensor2D[]; g: TF.Tensor };
        A = out.um;
        Apm = dual ? out.pm : null;
        if (!dual) tf.dispose(out.pm);
        if (a.wantLayers) grams.push(out.g);
        else out.g.dispose();
      }
    }
    for (let l = 2; l < L; l++) {
      const prev = A;
      const pm = Apm;
      const sigmaT = pm
        ? tf.tidy(() => tf.add(tf.mul(tf.stack(pm.map((x, k) => tf.matMul(x, prev[k]))), a.c * a.c), a.sigmaB2))
        : gramsOf(prev, a.c * a.c, a.sigmaB2);
      if (pm) tf.dispose(pm);
      Apm = null;
      await factor(a, sigmaT, C, check);
      const size = n * P;
      for (let k = 0; k < C; k++) states[k] = fillNormals(xiBuf, k * size, size, states[k]);
      const Z = tf.tidy(() =>
        Array.from({ length: C }, (_, k) =>
          tf.matMul(tf.tensor2d(xiBuf.subarray(k * size, (k + 1) * size), [n, P]), tf.tensor2d(a.ftBuf.subarray(k * P * P, (k + 1) * P * P), [P, P])),
        ),
      ) as TF.Tensor2D[];
      tf.dispose(prev);
      A = [];
      if (a.wantLayers) grams.push(gramsOf(Z, 1 / n, 0));
      A = tf.tidy(() => Z.map((z) => phi(tf, act, z) as TF.Tensor2D));
      tf.dispose(Z);
    }
    if (L > 1) {
      drawOutputLayer(a, C);
      const prev = A;
      f = tf.tidy(() => {
        const out = tf.concat(prev.map((ak, k) => tf.matMul(tf.tensor2d(a.outW.subarray(k * n, (k + 1) * n), [1, n]), ak)));
        return sb > 0 ? tf.add(out, tf.tensor2d(a.outB.subarray(0, C), [C, 1])) : out;
      }) as TF.Tensor2D;
      tf.dispose(prev);
      A = [];
    }
    if (a.wantLayers) grams.push(tf.tidy(() => outerGram(tf, f as TF.Tensor2D)));
    const all = tf.tidy(() => tf.concat([tf.reshape(f as TF.Tensor2D, [-1]), ...grams.map((g) => tf.reshape(g, [-1]))]));
    try {
      return (await all.data()) as Float32Array;
    } finally {
      all.dispose();
    }
  } finally {
    tf.dispose([...grams, ...(f ? [f] : []), ...A, ...(Apm ?? [])]);
  }
}

/**
 * One chunk in the 'per-network' layout without the layer kernels (what the covariance needs):
 * returns f (C x P). Fewer tfjs ops than chunkPerNetwork, the same draws (so the same networks):
 * the activation fused into every matMul it can be (relu, linear), the [P, n] copy for a Gram by
 * one transpose, Sigma's scale and shift applied in float64 in the Cholesky, and the output layer as
 * ONE batched [C, 1, n] x [C, n, P] matMul: a 2-D [1, n] x [n, P] matMul per network would make
 * XNNPACK pack each network's [n, P] activations as its weights (~0.1 ms each on WASM), while the
 * plain batched loop does the 2n P flops of a network in less. Layer 1 at depth 1 is one matMul
 * for the whole chunk.
 */
async function chunkPerNetworkLean(a: ChunkArgs, C: number, check: () => void): Promise<Float32Array> {
  const { tf, act, L, n, P, r1, nOut1, sb, states, xiBuf } = a;
  const fusedAct = act === 'relu' ? 'relu' : act === 'linear' ? 'linear' : null;
  /** phi(x w), the activation fused into the matMul where XNNPACK can. */
  const affinePhi = (x: TF.Tensor2D, w: TF.Tensor2D): TF.Tensor2D =>
    fusedAct ? (tf.fused.matMul({ a: x, b: w, activation: fusedAct }) as TF.Tensor2D) : (phi(tf, act, tf.matMul(x, w)) as TF.Tensor2D);
  const size1 = nOut1 * r1;
  for (let k = 0; k < C; k++) states[k] = fillNormals(xiBuf, k * size1, size1, states[k]);
  if (L === 1) {
    // Every network's output in one matMul: [C, r1] x [r1, P].
    const f = tf.tidy(() => tf.matMul(tf.tensor2d(xiBuf.subarray(0, C * size1), [C, r1]), a.F1tT));
    try {
      return (await f.data()) as Float32Array;
    } finally {
      f.dispose();
    }
  }
  let A: TF.Tensor2D[] = []; // per network: phi(z^l), [n, P]
  let pm: TF.Tensor2D[] = []; // the same, [P, n], when a Gram of it follows
  try {
    A = tf.tidy(() => Array.from({ length: C }, (_, k) => affinePhi(tf.tensor2d(xiBuf.subarray(k * size1, (k + 1) * size1), [n, r1]), a.F1tT)));
    if (L > 2) {
      pm = tf.tidy(() => A.map((x) => tf.transpose(x) as TF.Tensor2D));
    }
    for (let l = 2; l < L; l++) {
      const prev = A;
      const prevPm = pm;
      const gram = tf.tidy(() => tf.stack(prevPm.map((x, k) => tf.matMul(x, prev[k]))));
      tf.dispose(prevPm);
      pm = [];
      await factor(a, gram, C, check, a.c * a.c, a.sigmaB2);
      const size = n * P;
      for (let k = 0; k < C; k++) states[k] = fillNormals(xiBuf, k * size, size, states[k]);
      A = tf.tidy(() =>
        Array.from({ length: C }, (_, k) =>
          affinePhi(tf.tensor2d(xiBuf.subarray(k * size, (k + 1) * size), [n, P]), tf.tensor2d(a.ftBuf.subarray(k * P * P, (k + 1) * P * P), [P, P])),
        ),
      );
      tf.dispose(prev);
      if (l + 1 < L) pm = tf.tidy(() => A.map((x) => tf.transpose(x) as TF.Tensor2D));
    }
    drawOutputLayer(a, C);
    const f = new Float32Array(C * P);
    const prev = A;
    const out = tf.tidy(() => tf.matMul(tf.tensor3d(a.outW.subarray(0, C * n), [C, 1, n]), tf.stack(prev) as TF.Tensor3D));
    tf.dispose(prev);
    A = [];
    let v: Float32Array;
    try {
      v = (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
    check();
    for (let k = 0; k < C; k++) for (let p = 0; p < P; p++) f[k * P + p] = v[k * P + p] + a.outB[k];
    return f;
  } finally {
    tf.dispose([...A, ...pm]);
  }
}

/** f f^T per network, [C, P, P]. */
function outerGram(tf: Compute['tf'], f: TF.Tensor2D): TF.Tensor {
  const [C, P] = f.shape;
  return tf.mul(tf.reshape(f, [C, P, 1]), tf.reshape(f, [C, 1, P]));
}

// ---------------------------------------------------------------------------------------------
// Statistics (plain JS, float64).

export interface EmpiricalCovariance {
  /** Mean output per input (P). */
  mean: number[];
  /**
   * (1/S) sum_s f_s(x_p) f_s(x_q) (uncentred: the networks' outputs have mean 0, so this estimates
   * the NNGP kernel K^L directly), or the unbiased centred covariance with { center: true }.
   */
  cov: number[][];
  /** Monte Carlo standard error of each cov entry (sd of the products / sqrt(S)). */
  se: number[][];
}

/** Empirical covariance of S samples of P outputs (row-major S x P), e.g. sampleRandomNetworks' outputs. */
export function empiricalCovariance(outputs: ArrayLike<number>, S: number, P: number, options: { center?: boolean } = {}): EmpiricalCovariance {
  const v = specChecker('empiricalCovariance');
  v.int('S', S, options.center ? 2 : 1);
  v.int('P', P, 1);
  if (!outputs || typeof outputs.length !== 'number' || outputs.length !== S * P) {
    v.fail('outputs', `an array of S x P = ${S * P} numbers`, outputs);
  }
  const mean = new Array<number>(P).fill(0);
  for (let s = 0; s < S; s++) for (let p = 0; p < P; p++) mean[p] += outputs[s * P + p];
  for (let p = 0; p < P; p++) mean[p] /= S;
  const shift = options.center ? mean : new Array<number>(P).fill(0);
  const div = options.center ? S - 1 : S;
  const cov = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  const se = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  for (let p = 0; p < P; p++) {
    for (let q = p; q < P; q++) {
      let sum = 0;
      let sum2 = 0;
      for (let s = 0; s < S; s++) {
        const prod = (outputs[s * P + p] - shift[p]) * (outputs[s * P + q] - shift[q]);
        sum += prod;
        sum2 += prod * prod;
      }
      const m = sum / S;
      const varProd = S > 1 ? Math.max(0, (sum2 - S * m * m) / (S - 1)) : 0;
      cov[p][q] = cov[q][p] = sum / div;
      se[p][q] = se[q][p] = Math.sqrt(varProd / S);
    }
  }
  return { mean, cov, se };
}

export interface LayerMaps {
  /** q^l(x_i) = mean over networks of (1/n_l) |z^l(x_i)|^2, l = 1..L (index l - 1). */
  q1: number[];
  /** q^l(x_j) */
  q2: number[];
  /** mean over networks of (1/n_l) z^l(x_i).z^l(x_j): the layer-l kernel K^l(x_i, x_j) */
  k12: number[];
  /** c^l = k12 / sqrt(q1 q2): the correlation map of mean-field theory */
  c: number[];
  /** standard errors (over networks) of q1, q2, k12, and of c (delta method) */
  seQ1: number[];
  seQ2: number[];
  seK12: number[];
  seC: number[];
}

/**
 * Per-layer variance and correlation of two inputs (x_i, x_j), from sampleRandomNetworks(...,
 * { layers: true }): what mean-field theory's q- and c-maps (and kernelMatrix at depth l) predict.
 */
export function layerMaps(sample: RandomNetworkSample, i = 0, j = 1): LayerMaps {
  const v = specChecker('layerMaps');
  if (!sample?.layers) v.fail('sample', "a sample drawn with { layers: true }", sample, true);
  const P = sample.points;
  const S = sample.networks;
  v.int('i', i, 0, P - 1);
  v.int('j', j, 0, P - 1);
  const out: LayerMaps = { q1: [], q2: [], k12: [], c: [], seQ1: [], seQ2: [], seK12: [], seC: [] };
  const meanSe = (vals: Float64Array) => {
    let m = 0;
    for (const x of vals) m += x;
    m /= vals.length;
    let s2 = 0;
    for (const x of vals) s2 += (x - m) ** 2;
    return { m, se: vals.length > 1 ? Math.sqrt(s2 / (vals.length - 1) / vals.length) : 0 };
  };
  for (const g of sample.layers as Float32Array[]) {
    const a = new Float64Array(S);
    const b = new Float64Array(S);
    const ab = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      const o = s * P * P;
      a[s] = g[o + i * P + i];
      b[s] = g[o + j * P + j];
      ab[s] = g[o + i * P + j];
    }
    const A = meanSe(a);
    const B = meanSe(b);
    const AB = meanSe(ab);
    const cc = AB.m / Math.sqrt(A.m * B.m);
    // delta method: linearise c around the means
    const u = new Float64Array(S);
    for (let s = 0; s < S; s++) u[s] = ab[s] / Math.sqrt(A.m * B.m) - (cc / 2) * (a[s] / A.m + b[s] / B.m);
    out.q1.push(A.m);
    out.q2.push(B.m);
    out.k12.push(AB.m);
    out.c.push(cc);
    out.seQ1.push(A.se);
    out.seQ2.push(B.se);
    out.seK12.push(AB.se);
    out.seC.push(meanSe(u).se);
  }
  return out;
}
