/**
 * The only module of the page's thread that imports tfjs (compute.worker.ts has its own, in a worker). `backend.ts` loads it with a dynamic import() the first time a
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
import { workerLanes as lanesFor, workerStats, type WorkerLane } from './workers.ts';

export { workerStats };

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
  /** ms it took to start (before the self-test and the workload). */
  initMs?: number;
  /** ms its start, warm-up and timed runs took together (what measuring it cost). */
  spentMs?: number;
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

/** The self-hosted WASM binaries by the names tfjs-backend-wasm asks for. */
const WASM_PATHS = { 'tfjs-backend-wasm.wasm': wasmPlainUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl };

/** Compute workers on `backend` (workers.ts), with the WASM binaries as absolute URLs (a worker resolves against its own script). */
export function workerLanes(backend: 'wasm'): WorkerLane[] {
  if (typeof location === 'undefined') return [];
  const wasmPaths = Object.fromEntries(Object.entries(WASM_PATHS).map(([k, v]) => [k, new URL(v, location.href).href]));
  return lanesFor({ backend, wasmPaths });
}

let wasmPathsSet = false;
function applyFlags(flags: Flags | undefined): void {
  // Prod mode silences tfjs's console.warn/log chatter (a failed WebGL init, the "install
  // tfjs-node" hint in Node): our own console.info says which backend runs and why.
  tf.enableProdMode();
  for (const [name, value] of Object.entries(flags ?? {})) tf.env().set(name, value as never);
  // In the browser the binaries come from the build; in Node the backend finds its own files.
  if (!wasmPathsSet && typeof window !== 'undefined') {
    setWasmPaths(WASM_PATHS);
    wasmPathsSet = true;
  }
}

/**
 * The probe: one batched matMul [B, M, K] x [B, K, N] whose batch 0 holds the self-test (a 2x3 by
 * 3x2 product checked against JS: a WebGL context can be created and still compute garbage) and
 * the precision probe (1 * 1 + 2^-12 * 1, read back from the output texture: float16 render
 * targets round it to 1, float32 ones keep it; tfjs 4.22's MathBackendWebGL.floatPrecision()
 * reports 16 whenever WEBGL_RENDER_FLOAT32_ENABLED is true, so it cannot be used). Elsewhere a and
 * b are filler. At the workload's shape the probe *is* the workload's warm-up run, so a backend
 * compiles one matMul program to be checked, probed and timed (on SwiftShader each WebGL program
 * costs 100+ ms to compile; the former separate self-test and add/sub probe cost two more).
 */
const TEST_A = [0.5, -1.25, 2, 3.5, 0.75, -2.5]; // 2 x 3
const TEST_B = [1.5, -0.5, 2.25, 1, -3, 0.125]; // 3 x 2

function probeInputs(B: number, M: number, K: number, N: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(B * M * K).fill(0.5);
  const b = new Float32Array(B * K * N).fill(0.01);
  for (let i = 0; i < 3; i++) for (let k = 0; k < K; k++) a[i * K + k] = 0; // rows 0..2 of batch 0: only the entries below
  for (let i = 0; i < 2; i++) for (let k = 0; k < 3; k++) a[i * K + k] = TEST_A[i * 3 + k];
  for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) b[k * N + j] = TEST_B[k * 2 + j];
  a[2 * K] = 1; // row 2: 1 * b[0][2] + 2^-12 * b[1][2]
  a[2 * K + 1] = 2 ** -12;
  b[2] = 1;
  b[N + 2] = 1;
  return { a, b };
}

/** Checks a probe's result (batch 0 of the product, row-major M x N): the self-test's failure, or its precision. */
function checkProbe(out: ArrayLike<number>, N: number): { failure: string } | { floatPrecision: 16 | 32 } {
  const expected = [0, 0, 0, 0];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) expected[i * 2 + j] += TEST_A[i * 3 + k] * TEST_B[k * 2 + j];
  const got = [out[0], out[1], out[N], out[N + 1]];
  for (let i = 0; i < 4; i++) {
    if (!(Math.abs(got[i] - expected[i]) <= 1e-2 * (1 + Math.abs(expected[i])))) {
      return { failure: `self-test matmul gave ${got.join(', ')}, expected ${expected.join(', ')}` };
    }
  }
  return { floatPrecision: out[2 * N + 2] - 1 > 0 ? 32 : 16 };
}

/** Runs the probe at [B, M, K] x [B, K, N] on the active backend; resolves with its verdict and its time (ms, with the read-back). */
async function runProbe(B: number, M: number, K: number, N: number): Promise<{ verdict: { failure: string } | { floatPrecision: 16 | 32 }; ms: number }> {
  const { a, b } = probeInputs(B, M, K, N);
  let verdict: { failure: string } | { floatPrecision: 16 | 32 };
  const t0 = performance.now();
  try {
    const product = tf.tidy(() => tf.matMul(tf.tensor3d(a, [B, M, K]), tf.tensor3d(b, [B, K, N])));
    try {
      const out = (await product.data()) as Float32Array;
      verdict = checkProbe(out, N);
    } finally {
      product.dispose();
    }
  } catch (error) {
    verdict = { failure: `self-test threw: ${(error as Error)?.message ?? String(error)}` };
  }
  return { verdict, ms: performance.now() - t0 };
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

/** Makes `name` the active backend if it initialises; else says why not. */
async function start(name: BackendName): Promise<{ failure: string } | null> {
  const unavailable = whyNot(name);
  if (unavailable) return { failure: unavailable };
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { failure: 'failed to initialise' };
  } catch (error) {
    return { failure: `failed to initialise: ${(error as Error)?.message ?? String(error)}` };
  }
  return null;
}

/** Makes `name` the active backend if it initialises and passes the self-test (the probe at its smallest, [1, 3, 3] x [1, 3, 3]); else says why not. */
async function activate(name: BackendName): Promise<{ failure: string } | { floatPrecision: 16 | 32 }> {
  const failed = await start(name);
  if (failed) return failed;
  return (await runProbe(1, 3, 3, 3)).verdict;
}

/** The workload's shape: one batched matmul of the shape the ensembles use (8 members, 16 points, width 256). */
const WORKLOAD = [8, 16, 256, 256] as const;

/**
 * Self-tests the active backend and times the workload (about 17 MFLOP, with its read-back: 2–5 ms
 * on WASM SIMD here, 20–40 ms on the JS CPU backend, 60+ ms on SwiftShader WebGL): the probe at
 * the workload's shape is the warm-up run (shader compilation, WASM code paths) and the check, then
 * one timed run — and a second, keeping the faster, only when the first took under 10 ms.
 */
async function timeWorkload(): Promise<{ failure: string } | { ms: number; floatPrecision: 16 | 32 }> {
  const [B, M, K, N] = WORKLOAD;
  const warm = await runProbe(B, M, K, N);
  if ('failure' in warm.verdict) return warm.verdict;
  const a = tf.fill([B, M, K], 0.5);
  const b = tf.fill([B, K, N], 0.01);
  const run = async () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    return performance.now() - t0;
  };
  try {
    const first = await run();
    return { ms: first < 10 ? Math.min(first, await run()) : first, floatPrecision: warm.verdict.floatPrecision };
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
  const others = measured.filter((m) => m.backend !== best.backend);
  // When every other backend failed to start there was nothing to be faster than.
  const alone = others.length > 0 && others.every((m) => m.ms === undefined && m.failure && !/^not (timed|measured)/.test(m.failure));
  const parts = [alone ? 'the only backend that works here' : 'fastest here'];
  for (const m of measured) {
    if (m.backend === best.backend) continue;
    if (m.ms !== undefined && best.ms) parts.push(`${NAMES[m.backend]} measured ${(m.ms / best.ms).toFixed(1)}× slower${m.floatPrecision === 16 ? ' (and float16 only)' : ''}`);
    else if (m.failure) parts.push(`${NAMES[m.backend]} ${/^not (timed|measured)/.test(m.failure) ? m.failure : `unavailable (${m.failure})`}`);
  }
  return parts.join('; ');
}

async function finish(name: BackendName, how: BackendChoice['how'], floatPrecision: 16 | 32, measured: Measured[], t0: number, reason: string | undefined, ranking: BackendName[]): Promise<BackendChoice> {
  if (floatPrecision === 16) reason = `${reason ? `${reason}; ` : ''}${NAMES[name]} computes in float16 only`;
  const features = name === 'wasm' ? await wasmFeatures() : undefined;
  return { backend: name, how, reason, floatPrecision, measured, chooseMs: performance.now() - t0, ranking, wasmFeatures: features };
}

/** Renderer names of GPUs emulated on the CPU (Chrome's SwiftShader, Mesa's llvmpipe/softpipe, Windows' WARP). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|warp/i;

/**
 * Whether this browser's WebGL is software-rendered: a context exists but refuses
 * `failIfMajorPerformanceCaveat` (the WebGL spec's own test for "no GPU acceleration"), or its
 * renderer (WEBGL_debug_renderer_info) is a known CPU emulator — headless Chromium with
 * --enable-unsafe-swiftshader passes the first test. Such a WebGL loses to WASM SIMD at every
 * routine (3–20× slower here), and timing it costs a shader compilation (~400 ms on SwiftShader).
 */
export function softwareWebGL(): boolean {
  if (typeof document === 'undefined') return false;
  try {
    const canvas = () => document.createElement('canvas');
    const strict = canvas().getContext('webgl2', { failIfMajorPerformanceCaveat: true }) ?? canvas().getContext('webgl', { failIfMajorPerformanceCaveat: true });
    const gl = strict ?? canvas().getContext('webgl2') ?? canvas().getContext('webgl');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return !strict || SOFTWARE_RENDERER.test(renderer);
  } catch {
    return false;
  }
}

/** What timing the CPU backend costs (its start, JIT warm-up and the timed run): 100–120 ms measured here. */
const CPU_COST_MS = 100;

/**
 * Times each candidate and activates the fastest float32 one; throws when none runs at all.
 * Order: WASM first (it starts in a few ms), then WebGL (its shaders compile on first use), then
 * CPU. Two are skipped when something else was timed, so that choosing stays within `budgetMs`:
 * - a software-rendered WebGL (softwareWebGL: "WebGL not measured (software-rendered, no GPU)");
 *   on a real GPU WebGL is always timed (its cost there is one shader compilation, see runProbe);
 * - the CPU backend (the same work in plain JavaScript) unless the time spent so far plus its
 *   cost (CPU_COST_MS) is within `budgetMs`: "CPU not measured (time budget)".
 * With nothing else timed, both are timed: a software WebGL or the CPU is then the best there is.
 */
export async function measureBackends(candidates: readonly BackendName[], flags?: Flags, budgetMs = 150): Promise<BackendChoice> {
  applyFlags(flags);
  const t0 = performance.now();
  const rank: Record<BackendName, number> = { wasm: 0, webgl: 1, cpu: 2 };
  const order = [...candidates].sort((a, b) => rank[a] - rank[b]);
  const measured: Measured[] = [];
  for (const name of order) {
    const timedOne = measured.some((m) => m.ms !== undefined);
    if (name === 'cpu' && timedOne && performance.now() - t0 + CPU_COST_MS > budgetMs) {
      measured.push({ backend: name, failure: 'not measured (time budget)' });
      continue;
    }
    if (name === 'webgl' && timedOne && softwareWebGL()) {
      measured.push({ backend: name, failure: 'not measured (software-rendered, no GPU)' });
      continue;
    }
    const ts = performance.now();
    const failed = await start(name);
    const initMs = performance.now() - ts;
    if (failed) {
      measured.push({ backend: name, failure: failed.failure, initMs });
      continue;
    }
    try {
      const r = await timeWorkload();
      const spentMs = performance.now() - ts;
      measured.push('failure' in r ? { backend: name, failure: r.failure, initMs, spentMs } : { backend: name, ms: r.ms, floatPrecision: r.floatPrecision, initMs, spentMs });
    } catch (error) {
      measured.push({ backend: name, failure: `failed the timing run: ${(error as Error)?.message ?? String(error)}`, initMs });
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
