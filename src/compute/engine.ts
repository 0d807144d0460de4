/**
 * The only module that imports tfjs. `backend.ts` loads it with a dynamic import() the first time a
 * widget asks for compute, so a page without GPU widgets never downloads tfjs.
 *
 * Only tfjs-core, its gradients, and the WebGL, WASM and CPU backends: not the `@tensorflow/tfjs`
 * union package (layers, converter, data), which widgets do not need.
 *
 * Backends are chosen by measurement, not by rank: each candidate that initialises and passes a
 * self-test (a small matmul checked against plain JS — a WebGL context can be created and still
 * compute garbage) times a short representative workload, a batched matmul with its read-back, and
 * the fastest float32 backend wins. On this project's CPU-only build machine SwiftShader's WebGL is
 * slower than WASM SIMD for every routine; on a real GPU WebGL wins. Falling through on failure
 * follows tfjs's own engine (engine.ts initializeBackendsAndReturnBest).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself (the union package does this import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Self-hosted WASM binaries: Vite emits them with the build (under any base path, e.g. /course/)
// and only this chunk refers to them, so only pages that load the compute module fetch one.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export { tf };

export type BackendName = 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/** One candidate's result: its time for the workload (ms), or why it could not run. */
export interface Measured {
  backend: BackendName;
  ms?: number;
  failure?: string;
  /** Float bits it computes with. */
  floatPrecision?: 16 | 32;
}

export interface BackendChoice {
  backend: BackendName;
  /** How it was chosen: by timing the candidates, remembered from an earlier page, forced by ?backend=, or in rank order. */
  how: 'measured' | 'remembered' | 'forced' | 'ranked';
  /** One line for the reader: why this backend (e.g. "fastest here; WebGL measured 3.1× slower"). */
  reason?: string;
  /** Bits of float precision the backend computes with (WebGL may be 16 on old mobile GPUs). */
  floatPrecision: 16 | 32;
  /** What was measured (this page or an earlier one); empty when nothing was. */
  measured: Measured[];
  /** Milliseconds spent choosing on this page. */
  chooseMs: number;
  /** The candidates fastest first (the fall-through order after a lost context). */
  ranking: BackendName[];
  /** 'simd', 'simd+threads' or 'plain' when the backend is WASM. */
  wasmFeatures?: string;
}

export type Flags = Record<string, number | boolean | string>;

const NAMES: Record<BackendName, string> = { webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

let wasmPathsSet = false;
function applyFlags(flags: Flags | undefined): void {
  // Prod mode silences tfjs's console.warn/log chatter (a failed WebGL init, the "install
  // tfjs-node" hint in Node): our own console.info says which backend runs and why.
  tf.enableProdMode();
  for (const [name, value] of Object.entries(flags ?? {})) tf.env().set(name, value as never);
  // In the browser the binaries come from the build; in Node the backend finds its own files.
  if (!wasmPathsSet && typeof window !== 'undefined') {
    setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlainUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl });
    wasmPathsSet = true;
  }
}

/** A small matmul checked against JS: a backend that cannot do this correctly is not used. */
function selfTest(): string | null {
  const a = [0.5, -1.25, 2, 3.5, 0.75, -2.5]; // 2 x 3
  const b = [1.5, -0.5, 2.25, 1, -3, 0.125]; // 3 x 2
  const expected = [0, 0, 0, 0];
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      for (let k = 0; k < 3; k++) expected[i * 2 + j] += a[i * 3 + k] * b[k * 2 + j];
  let got: Float32Array | Int32Array | Uint8Array;
  try {
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [3, 2])));
    try {
      got = product.dataSync();
    } finally {
      product.dispose();
    }
  } catch (error) {
    return `self-test threw: ${(error as Error)?.message ?? String(error)}`;
  }
  for (let i = 0; i < 4; i++) {
    if (!(Math.abs(got[i] - expected[i]) <= 1e-2 * (1 + Math.abs(expected[i])))) {
      return `self-test matmul gave ${Array.from(got).join(', ')}, expected ${expected.join(', ')}`;
    }
  }
  return null;
}

/**
 * 32 if the backend stores float32 results, else 16: (1 + 2^-12) - 1 survives float32 textures but
 * rounds to 0 in float16 ones. (tfjs 4.22's MathBackendWebGL.floatPrecision() reports 16 whenever
 * WEBGL_RENDER_FLOAT32_ENABLED is true, so it cannot be used.)
 */
function measurePrecision(): 16 | 32 {
  const probe = tf.tidy(() => tf.sub(tf.add(tf.tensor1d([1]), tf.tensor1d([2 ** -12])), tf.tensor1d([1])));
  const value = probe.dataSync()[0];
  probe.dispose();
  return value > 0 ? 32 : 16;
}

function whyNot(name: BackendName): string | null {
  if (tf.findBackendFactory(name) == null) {
    return name === 'webgl' ? 'not available outside a browser' : 'not registered';
  }
  if (name === 'webgl' && tf.env().getNumber('WEBGL_VERSION') === 0) {
    return 'this browser gives no WebGL context';
  }
  return null;
}

/** Makes `name` the active backend if it initialises and passes the self-test; else says why not. */
async function activate(name: BackendName): Promise<{ failure: string } | { floatPrecision: 16 | 32 }> {
  const unavailable = whyNot(name);
  if (unavailable) return { failure: unavailable };
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { failure: 'failed to initialise' };
  } catch (error) {
    return { failure: `failed to initialise: ${(error as Error)?.message ?? String(error)}` };
  }
  const failure = selfTest();
  if (failure) return { failure };
  return { floatPrecision: measurePrecision() };
}

/**
 * The workload: one batched matmul of the shape the ensembles use (8 members, 16 points, width
 * 256) with its read-back, timed after one warm-up (shader compilation, WASM code paths); the
 * best of two runs. About 17 MFLOP: 2–5 ms on WASM SIMD here, 20–40 ms on the JS CPU backend.
 */
async function timeWorkload(): Promise<number> {
  const a = tf.fill([8, 16, 256], 0.5);
  const b = tf.fill([8, 256, 256], 0.01);
  const run = async () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    return performance.now() - t0;
  };
  try {
    await run();
    const first = await run();
    return first < 25 ? Math.min(first, await run()) : first;
  } finally {
    a.dispose();
    b.dispose();
  }
}

async function wasmFeatures(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return simd ? (threads ? 'simd+threads' : 'simd') : 'plain';
}

/** A backend's name for the reader ("WASM SIMD", "WebGL", "CPU"). */
export function backendLabel(name: BackendName, features?: string): string {
  if (name !== 'wasm') return NAMES[name];
  return features === 'plain' ? 'WASM' : features === 'simd+threads' ? 'WASM SIMD (threads)' : 'WASM SIMD';
}

/** "fastest here; WebGL measured 3.1× slower; CPU not measured (time budget)". */
export function explain(best: Measured, measured: readonly Measured[]): string {
  const parts = ['fastest here'];
  for (const m of measured) {
    if (m.backend === best.backend) continue;
    if (m.ms !== undefined && best.ms) parts.push(`${NAMES[m.backend]} measured ${(m.ms / best.ms).toFixed(1)}× slower${m.floatPrecision === 16 ? ' (and float16 only)' : ''}`);
    else if (m.failure) parts.push(`${NAMES[m.backend]} ${m.failure.startsWith('not timed') ? m.failure : `unavailable (${m.failure})`}`);
  }
  return parts.join('; ');
}

async function finish(name: BackendName, how: BackendChoice['how'], floatPrecision: 16 | 32, measured: Measured[], t0: number, reason: string | undefined, ranking: BackendName[]): Promise<BackendChoice> {
  if (floatPrecision === 16) reason = `${reason ? `${reason}; ` : ''}${NAMES[name]} computes in float16 only`;
  const features = name === 'wasm' ? await wasmFeatures() : undefined;
  return { backend: name, how, reason, floatPrecision, measured, chooseMs: performance.now() - t0, ranking, wasmFeatures: features };
}

/**
 * Times each candidate and activates the fastest float32 one; throws when none runs at all.
 * Order: WASM first (it starts in a few ms), then WebGL (its shaders compile on first use), then
 * CPU — which only runs the same work in plain JavaScript, so it is timed only when nothing else
 * ran or there is time left within `budgetMs`.
 */
export async function measureBackends(candidates: readonly BackendName[], flags?: Flags, budgetMs = 150): Promise<BackendChoice> {
  applyFlags(flags);
  const t0 = performance.now();
  const rank: Record<BackendName, number> = { wasm: 0, webgl: 1, cpu: 2 };
  const order = [...candidates].sort((a, b) => rank[a] - rank[b]);
  const measured: Measured[] = [];
  for (const name of order) {
    if (name === 'cpu' && measured.some((m) => m.ms !== undefined) && performance.now() - t0 > budgetMs) {
      measured.push({ backend: name, failure: 'not timed (the time budget was spent; it runs the same work in plain JavaScript)' });
      continue;
    }
    const r = await activate(name);
    if ('failure' in r) {
      measured.push({ backend: name, failure: r.failure });
      continue;
    }
    try {
      measured.push({ backend: name, ms: await timeWorkload(), floatPrecision: r.floatPrecision });
    } catch (error) {
      measured.push({ backend: name, failure: `failed the timing run: ${(error as Error)?.message ?? String(error)}` });
    }
  }
  const ok = measured.filter((m) => m.ms !== undefined);
  if (ok.length === 0) throw new Error(`No tfjs backend could start (tried ${order.join(', ')}): ${measured.map((m) => `${NAMES[m.backend]} ${m.failure}`).join('; ')}`);
  // float16 backends only when nothing computes in float32.
  const cost = (m: Measured) => (m.floatPrecision === 16 ? 1e9 : 0) + (m.ms ?? Infinity);
  ok.sort((a, b) => cost(a) - cost(b));
  const best = ok[0];
  const ranking = [...ok.map((m) => m.backend), ...order.filter((n) => !ok.some((m) => m.backend === n))];
  if (tf.getBackend() !== best.backend) await tf.setBackend(best.backend);
  return finish(best.backend, 'measured', best.floatPrecision ?? 32, measured, t0, ok.length > 1 || measured.length > 1 ? explain(best, measured) : undefined, ranking);
}

/**
 * Activates the first candidate, in order, that initialises and passes the self-test ('ranked',
 * or 'forced' / 'remembered' for the first one); the reason says why earlier ones were skipped.
 */
export async function chooseBackend(order: readonly BackendName[], flags?: Flags, how: BackendChoice['how'] = 'ranked', measured: Measured[] = []): Promise<BackendChoice> {
  applyFlags(flags);
  const t0 = performance.now();
  const reasons: string[] = [];
  for (const name of order) {
    const r = await activate(name);
    if ('failure' in r) {
      reasons.push(`${NAMES[name]} unavailable (${r.failure})`);
      continue;
    }
    const first = name === order[0];
    const reason = first ? (how === 'forced' ? `chosen with ?backend=${name}` : how === 'remembered' ? `${explain(measured.find((m) => m.backend === name) ?? { backend: name }, measured)} (measured on an earlier page)` : undefined) : reasons.join('; ');
    return finish(name, first ? how : 'ranked', r.floatPrecision, measured, t0, reason, [...order]);
  }
  throw new Error(`No tfjs backend could start (tried ${order.join(', ')}): ${reasons.join('; ')}`);
}

/**
 * Start over after a lost WebGL context: every tensor and the backend instance are dropped (their
 * GPU memory is gone anyway; disposing a stale tensor afterwards is a no-op), flags reset, and the
 * backends tried again in order. tfjs's own context-loss listener has already forgotten the dead
 * context, so the WebGL factory makes a fresh canvas and context.
 */
export async function restartBackend(order: readonly BackendName[], flags?: Flags, measured: Measured[] = []): Promise<BackendChoice> {
  tf.engine().reset();
  return chooseBackend(order, flags, 'ranked', measured);
}

interface WebGLBackendLike {
  gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext };
}

function currentGl(): WebGLRenderingContext | WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  return (tf.backend() as unknown as WebGLBackendLike).gpgpu?.gl ?? null;
}

/** Call `onLost` when the active WebGL context is lost; returns an unsubscribe function. */
export function watchContextLoss(onLost: () => void): () => void {
  const gl = currentGl();
  const canvas = gl?.canvas as (EventTarget & { addEventListener?: unknown }) | undefined;
  if (!canvas || typeof canvas.addEventListener !== 'function') return () => {};
  const listener = (event: Event) => {
    // Without preventDefault the browser would never restore this context; we make a new one
    // anyway, but keep the door open.
    event.preventDefault();
    onLost();
  };
  canvas.addEventListener('webglcontextlost', listener, false);
  return () => canvas.removeEventListener('webglcontextlost', listener, false);
}

/** Lose the WebGL context on purpose (WEBGL_lose_context); false when not on WebGL. */
export function loseContext(): boolean {
  const gl = currentGl();
  const ext = gl?.getExtension('WEBGL_lose_context');
  if (!ext) return false;
  ext.loseContext();
  return true;
}
