/**
 * K independent chains of minibatch SGD (optionally heavy-ball momentum) on the quadratic risk
 *   R(theta) = 1/N sum_i 1/2 (theta - theta_i)^2,
 * run as one batched tensor computation: the chains are a [K] tensor on the device, updated by
 * elementwise ops; mean and variance over chains are reduced on the device too.
 *   g_k = theta_k - (1/M) sum_j theta_{I_kj},  I_kj uniform on 0..N-1 with replacement
 *   theta_{k+1} = theta_k - eps_k g_k + alpha (theta_k - theta_{k-1}),  theta_{-1} = theta_0
 * The exact moments of theta_k are sgdMoments in src/math (src/math/README.md, "SGD moments").
 *
 * Sampling: the index I_kj of chain i is a counter-based hash of (seed, step k, chain i, draw j)
 * (a Weyl sequence through the murmur3 finaliser, as in SplitMix). So a run is a pure function of
 * (seed, k): chain i does not depend on K or on the backend, `paths()` can replay any chain in JS,
 * and a lost WebGL context is recovered by replaying k steps. The K minibatch means are formed in
 * JS, in the same loop that hashes the indices, and uploaded as K floats: tfjs draws random numbers
 * in JS anyway (tf.randomUniform is not a kernel), and this beats uploading K x M int32 indices for
 * tf.gather, whose CPU kernel walks the output element by element (~70 ms a step at K = 20 000,
 * M = 8, against ~3 ms here).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Compute } from './backend.ts';
import { mix32, toSeed } from './rng.ts';
import { specChecker } from './spec.ts';
import { checkSgdSchedule, dataStats, epsilonSchedule, type SgdSchedule } from '../math/sgd.ts';

// The schedule and the data statistics are pure maths (src/math/sgd.ts); re-exported for callers of this module.
export { dataStats, epsilonSchedule, type SgdSchedule };

export interface SgdChainsSpec {
  /** Number of chains K, 1..100 000. */
  chains: number;
  /** The data theta^(i) (1..2^20 finite numbers). */
  data: number[];
  /** Minibatch size M (drawn with replacement), 1..1024, with chains x M <= 2^24. */
  batchSize: number;
  schedule: SgdSchedule;
  /** Heavy-ball momentum alpha in [0, 1) (default 0). */
  momentum?: number;
  /** Starting point theta_0 of every chain. */
  theta0: number;
  seed: number | string;
}

export interface SgdChains {
  readonly spec: Readonly<SgdChainsSpec>;
  /** Steps done. */
  readonly k: number;
  /** Take n steps (default 1). */
  step(n?: number): void;
  /** Mean and unbiased variance (divisor K - 1) over the chains, computed on the device. */
  moments(): { mean: number; variance: number };
  /** Same as moments(), without blocking on the GPU. */
  momentsAsync(): Promise<{ mean: number; variance: number }>;
  /** The current values of the first min(max, K) chains. */
  values(max?: number): Float32Array;
  /**
   * Moments and the first min(max, K) values in ONE non-blocking read-back: on a GPU each
   * read-back stalls the pipeline, so a widget frame should make exactly one.
   */
  snapshotAsync(max?: number): Promise<{ k: number; mean: number; variance: number; values: Float32Array }>;
  /** The trajectories theta_0..theta_k of the given chains (replayed in JS with float32 rounding). */
  paths(indices: number[]): Float32Array[];
  /** Back to k = 0 (with a new seed if given). */
  reset(seed?: number | string): void;
  dispose(): void;
}

const MAX_CHAINS = 100_000;
const MAX_DATA = 2 ** 20;
const MAX_BATCH = 1024;
const MAX_DRAWS_PER_STEP = 2 ** 24;
const TWO_32 = 4294967296;
const GOLDEN = 0x9e3779b9;

function checkSpec(spec: SgdChainsSpec): SgdChainsSpec & { momentum: number } {
  const v = specChecker('createSgdChains');
  v.object('spec', spec);
  const chains = v.int('chains', spec.chains, 1, MAX_CHAINS);
  const batchSize = v.int('batchSize', spec.batchSize, 1, MAX_BATCH);
  if (chains * batchSize > MAX_DRAWS_PER_STEP) v.fail('chains x batchSize', `<= ${MAX_DRAWS_PER_STEP}`, chains * batchSize);
  const data = v.numbers('data', spec.data, [1, MAX_DATA]).f64;
  const theta0 = v.finite('theta0', spec.theta0);
  const momentum = v.interval('momentum', spec.momentum ?? 0, 0, 1, '[)');
  const seed = v.seed('seed', spec.seed);
  return { ...spec, chains, batchSize, data, theta0, seed, schedule: checkSgdSchedule(spec.schedule), momentum };
}

/** The per-step key of the counter-based sampler. */
function stepKey(seed: number, k: number): number {
  return mix32((seed ^ mix32((Math.imul(k, GOLDEN) + 0x632be5ab) >>> 0)) >>> 0);
}

/** Index of draw j of chain i at the step with key `key`: uniform on 0..n-1. */
function drawIndex(key: number, counter: number, n: number): number {
  const h = mix32((key + Math.imul(counter, GOLDEN)) >>> 0);
  // (h / 2^32) n, exact in float64 for n <= 2^21; bias <= n / 2^32.
  return Math.floor((h * n) / TWO_32);
}

export function createSgdChains(compute: Compute, spec: SgdChainsSpec): SgdChains {
  const s = checkSpec(spec);
  const tf = compute.tf;
  const K = s.chains;
  const M = s.batchSize;
  const N = s.data.length;
  const alpha = s.momentum;
  const eps = epsilonSchedule(s.schedule);
  const data32 = Float32Array.from(s.data);
  const meanBuffer = new Float32Array(K);
  let seed = s.seed;
  let seedWord = toSeed(seed);
  let k = 0;
  let generation = compute.generation;
  let disposed = false;
  let theta: TF.Variable<TF.Rank.R1>;
  let prev: TF.Variable<TF.Rank.R1>;
  /** Replayed trajectories by chain index. */
  let replays = new Map<number, { path: number[]; theta: number; prev: number }>();

  function build(): void {
    const start = tf.fill([K], s.theta0);
    theta = tf.variable(start, false) as TF.Variable<TF.Rank.R1>;
    prev = tf.variable(start, false) as TF.Variable<TF.Rank.R1>;
    start.dispose();
    k = 0;
  }

  /** The K minibatch means of step `step`, in float64 and then rounded once to float32. */
  function batchMeans(step: number): Float32Array {
    if (N === 1) return meanBuffer.fill(data32[0]);
    const key = stepKey(seedWord, step);
    for (let i = 0, c = 0; i < K; i++) {
      let sum = 0;
      for (let j = 0; j < M; j++, c++) sum += data32[drawIndex(key, c, N)];
      meanBuffer[i] = sum / M;
    }
    return meanBuffer;
  }

  function stepOnce(): void {
    const means = batchMeans(k);
    const epsK = eps(k);
    tf.tidy(() => {
      // The buffer is reused: the tensor lives (and on WebGL is uploaded) only within this step.
      const g = tf.sub(theta, tf.tensor1d(means));
      let next = tf.sub(theta, tf.mul(g, epsK));
      if (alpha !== 0) next = tf.add(next, tf.mul(tf.sub(theta, prev), alpha));
      prev.assign(theta);
      theta.assign(next as TF.Tensor1D);
    });
    k++;
  }

  /** After a backend restart: rebuild and replay to the same k (the run is a function of seed and k). */
  function live(): void {
    if (disposed) throw new Error('sgd chains: used after dispose()');
    if (compute.generation !== generation) {
      generation = compute.generation;
      const target = k;
      build();
      while (k < target) stepOnce();
    }
  }

  function step(n = 1): void {
    live();
    specChecker('sgdChains.step(n)').int('n', n, 0);
    for (let i = 0; i < n; i++) stepOnce();
  }

  function momentsTensor(): TF.Tensor1D {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(theta);
      const unbiased = K > 1 ? tf.mul(variance, K / (K - 1)) : variance;
      return tf.stack([mean, unbiased]) as TF.Tensor1D;
    });
  }

  function moments(): { mean: number; variance: number } {
    live();
    const t = momentsTensor();
    const [mean, variance] = t.dataSync();
    t.dispose();
    return { mean, variance };
  }

  async function momentsAsync(): Promise<{ mean: number; variance: number }> {
    live();
    const t = momentsTensor();
    try {
      const [mean, variance] = await t.data();
      return { mean, variance };
    } finally {
      t.dispose();
    }
  }

  function values(max = K): Float32Array {
    live();
    specChecker('sgdChains.values(max)').int('max', max, 0);
    const n = Math.min(max, K);
    if (n === 0) return new Float32Array(0);
    const t = n === K ? theta : tf.slice(theta, [0], [n]);
    const out = (t.dataSync() as Float32Array).slice();
    if (t !== theta) t.dispose();
    return out;
  }

  async function snapshotAsync(max = K): Promise<{ k: number; mean: number; variance: number; values: Float32Array }> {
    live();
    specChecker('sgdChains.snapshotAsync(max)').int('max', max, 0);
    const n = Math.min(max, K);
    const at = k;
    const t = tf.tidy(() => tf.concat([momentsTensor(), n === K ? theta : tf.slice(theta, [0], [n])]));
    try {
      const data = (await t.data()) as Float32Array;
      return { k: at, mean: data[0], variance: data[1], values: data.slice(2) };
    } finally {
      t.dispose();
    }
  }

  /** Replay chain i in JS, rounding as the device does (float32 after every operation). */
  function paths(indices: number[]): Float32Array[] {
    live();
    const f = Math.fround;
    const alpha32 = f(alpha);
    return indices.map((i) => {
      specChecker('sgdChains.paths').int('chain index', i, 0, K - 1);
      let r = replays.get(i);
      if (!r) {
        const t0 = f(s.theta0);
        r = { path: [t0], theta: t0, prev: t0 };
        replays.set(i, r);
      }
      for (let step = r.path.length - 1; step < k; step++) {
        const key = stepKey(seedWord, step);
        let sum = 0;
        for (let j = 0; j < M; j++) sum += data32[N === 1 ? 0 : drawIndex(key, i * M + j, N)];
        const mean = N === 1 ? data32[0] : f(sum / M);
        const g = f(r.theta - mean);
        let next = f(r.theta - f(g * f(eps(step))));
        if (alpha !== 0) next = f(next + f(f(r.theta - r.prev) * alpha32));
        r.prev = r.theta;
        r.theta = next;
        r.path.push(next);
      }
      return Float32Array.from(r.path.slice(0, k + 1));
    });
  }

  function reset(newSeed?: number | string): void {
    if (disposed) throw new Error('sgd chains: used after dispose()');
    if (newSeed !== undefined) {
      seed = specChecker('sgdChains.reset').seed('seed', newSeed);
      seedWord = toSeed(seed);
    }
    replays = new Map();
    if (compute.generation !== generation) {
      generation = compute.generation;
      build();
      return;
    }
    tf.tidy(() => {
      const start = tf.fill([K], s.theta0);
      theta.assign(start as TF.Tensor1D);
      prev.assign(start as TF.Tensor1D);
    });
    k = 0;
  }

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    theta.dispose();
    prev.dispose();
    replays.clear();
  }

  build();
  return {
    get spec() {
      return { ...s, seed, data: [...s.data] };
    },
    get k() {
      return k;
    },
    step,
    moments,
    momentsAsync,
    values,
    snapshotAsync,
    paths,
    reset,
    dispose,
  };
}
