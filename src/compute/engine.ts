/**
 * The only module that imports tfjs. `backend.ts` loads it with a dynamic import() the first time a
 * widget asks for compute, so a page without GPU widgets never downloads tfjs.
 *
 * Only tfjs-core, its gradients, and the WebGL and CPU backends: not the `@tensorflow/tfjs` union
 * package (layers, converter, data), which widgets do not need.
 *
 * Backend choice follows tfjs's own engine (engine.ts initializeBackendsAndReturnBest): try the
 * backends in rank order, fall through on failure, and remember why. On top of tfjs we run a
 * self-test on each candidate (a small matmul checked against plain JS), because a WebGL context
 * can be created and still compute garbage (broken drivers, float16-only textures).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself (the union package does this import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';

export { tf };

export type BackendName = 'webgl' | 'cpu';

export interface BackendChoice {
  backend: BackendName;
  /** Why a better-ranked backend was not used (undefined when the first choice worked). */
  reason?: string;
  /** Bits of float precision the backend computes with (WebGL may be 16 on old mobile GPUs). */
  floatPrecision: 16 | 32;
}

export type Flags = Record<string, number | boolean | string>;

function applyFlags(flags: Flags | undefined): void {
  // Prod mode silences tfjs's console.warn/log chatter (a failed WebGL init, the "install
  // tfjs-node" hint in Node): our own console.info says which backend runs and why.
  tf.enableProdMode();
  for (const [name, value] of Object.entries(flags ?? {})) tf.env().set(name, value as never);
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
    return name === 'webgl' ? 'WebGL backend not available outside a browser' : `${name} backend not registered`;
  }
  if (name === 'webgl' && tf.env().getNumber('WEBGL_VERSION') === 0) {
    return 'this browser gives no WebGL context';
  }
  return null;
}

/** Try each backend in order; resolve with the first one that initialises and passes the self-test. */
export async function chooseBackend(order: readonly BackendName[], flags?: Flags): Promise<BackendChoice> {
  applyFlags(flags);
  const reasons: string[] = [];
  for (const name of order) {
    const unavailable = whyNot(name);
    if (unavailable) {
      reasons.push(unavailable);
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      await tf.ready();
    } catch (error) {
      reasons.push(`${name} failed to initialise: ${(error as Error)?.message ?? String(error)}`);
      continue;
    }
    if (!ok || tf.getBackend() !== name) {
      reasons.push(`${name} failed to initialise`);
      continue;
    }
    const failure = selfTest();
    if (failure) {
      reasons.push(`${name} ${failure}`);
      continue;
    }
    const precision = measurePrecision();
    if (precision === 16) reasons.push(`${name} computes in float16 only`);
    return { backend: name, reason: reasons.length ? reasons.join('; ') : undefined, floatPrecision: precision };
  }
  throw new Error(`No tfjs backend could start (tried ${order.join(', ')}): ${reasons.join('; ')}`);
}

/**
 * Start over after a lost WebGL context: every tensor and the backend instance are dropped (their
 * GPU memory is gone anyway; disposing a stale tensor afterwards is a no-op), flags reset, and the
 * backends tried again in order. tfjs's own context-loss listener has already forgotten the dead
 * context, so the WebGL factory makes a fresh canvas and context.
 */
export async function restartBackend(order: readonly BackendName[], flags?: Flags): Promise<BackendChoice> {
  tf.engine().reset();
  return chooseBackend(order, flags);
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
