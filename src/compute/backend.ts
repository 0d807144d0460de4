/**
 * One lazily loaded tfjs instance per page, shared by every widget.
 *
 * `getCompute()` imports ./engine.ts (and with it tfjs) on first call only, picks a backend (WebGL,
 * then CPU; falling back is normal and logged with console.info, never as an error), and survives
 * a lost WebGL context: it starts the backends again and tells subscribers through `onChange`, so
 * widgets rebuild their tensors. Nothing here imports tfjs statically (only its types).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { BackendChoice, BackendName, Flags } from './engine.ts';

export type { BackendName } from './engine.ts';
export type Tf = typeof TF;

export interface ComputeOptions {
  /** Backends to try, best first (default ['webgl', 'cpu']). Only the first getCompute call's options count. */
  backends?: BackendName[];
  /** tfjs environment flags to set before the backends start (e.g. { SOFTWARE_WEBGL_ENABLED: true } in tests). */
  flags?: Flags;
}

export interface Compute {
  /** The tfjs-core namespace (functional ops: tf.matMul(a, b), tf.tidy(...)). */
  readonly tf: Tf;
  /** The backend running now; may change after a lost WebGL context. */
  readonly backend: BackendName;
  /** Why a better backend is not running (for the reader-visible backend badge). */
  readonly reason?: string;
  /** 32, or 16 on WebGL devices without float32 textures. */
  readonly floatPrecision: 16 | 32;
  /** Bumped each time the backend restarts: tensors made under an older generation are gone. */
  readonly generation: number;
  /** tf.memory().numTensors. */
  liveTensors(): number;
  /** Called after every backend restart (context loss), with this object; returns an unsubscribe function. */
  onChange(cb: (compute: Compute) => void): () => void;
  /** Lose the WebGL context on purpose (WEBGL_lose_context) and resolve after recovery; false when not on WebGL. */
  simulateContextLoss(): Promise<boolean>;
}

export interface TensorTracker {
  readonly label: string;
  /** Live tensors when tracking began. */
  readonly start: number;
  /** Live tensors now minus at the start. */
  delta(): number;
  /** Throw if more than `allowed` tensors leaked since the start. */
  assertFlat(allowed?: number): void;
}

const ALL_BACKENDS: readonly BackendName[] = ['webgl', 'cpu'];

let pending: Promise<Compute> | null = null;
let current: Compute | null = null;
/** Internal: restart the backend as after a context loss (set once the engine is loaded). */
let restart: ((why: string) => Promise<void>) | null = null;

function checkOptions(options: ComputeOptions): BackendName[] {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`getCompute(options): options must be an object, received ${String(options)}`);
  }
  const backends = options.backends ?? [...ALL_BACKENDS];
  if (!Array.isArray(backends) || backends.length === 0) {
    throw new RangeError("getCompute(options): backends must be a non-empty array of 'webgl' | 'cpu'");
  }
  for (const b of backends) {
    if (!ALL_BACKENDS.includes(b)) {
      throw new RangeError(`getCompute(options): unknown backend '${String(b)}', expected 'webgl' or 'cpu'`);
    }
  }
  return [...new Set(backends)];
}

function describeChoice(choice: BackendChoice): string {
  return `[compute] tfjs backend: ${choice.backend}${choice.reason ? ` (${choice.reason})` : ''}`;
}

async function create(order: BackendName[], flags: Flags | undefined): Promise<Compute> {
  const engine = await import('./engine.ts');
  const tf = engine.tf as unknown as Tf;
  let choice = await engine.chooseBackend(order, flags);
  console.info(describeChoice(choice));
  let generation = 0;
  const listeners = new Set<(c: Compute) => void>();
  let unwatch = () => {};
  let recovering: Promise<void> = Promise.resolve();
  let recovered: Array<() => void> = [];

  const compute: Compute = {
    tf,
    get backend() {
      return choice.backend;
    },
    get reason() {
      return choice.reason;
    },
    get floatPrecision() {
      return choice.floatPrecision;
    },
    get generation() {
      return generation;
    },
    liveTensors: () => tf.memory().numTensors,
    onChange(cb) {
      if (typeof cb !== 'function') throw new TypeError('compute.onChange(cb): cb must be a function');
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    simulateContextLoss() {
      return new Promise<boolean>((resolve) => {
        recovered.push(() => resolve(true));
        if (!engine.loseContext()) {
          recovered.pop();
          resolve(false);
        }
      });
    },
  };

  function watch(): void {
    unwatch();
    unwatch = engine.watchContextLoss(() => {
      void restartNow('WebGL context lost');
    });
  }

  function restartNow(why: string): Promise<void> {
    // Serialise restarts: a second loss during recovery waits for the first.
    recovering = recovering.then(async () => {
      unwatch();
      unwatch = () => {};
      try {
        choice = await engine.restartBackend(order, flags);
      } catch (error) {
        // Even the CPU backend failed: keep reporting the last choice; widgets will throw on use.
        choice = { ...choice, reason: `${why}; restart failed: ${(error as Error)?.message ?? String(error)}` };
      }
      // `reason` says why the best backend is not running: only then is the loss part of it.
      if (choice.reason) choice = { ...choice, reason: `${why}; ${choice.reason}` };
      generation++;
      console.info(`${describeChoice(choice)}, restarted after: ${why}`);
      watch();
      for (const cb of [...listeners]) {
        try {
          cb(compute);
        } catch (error) {
          // One widget failing to rebuild must not stop the others; the error still surfaces.
          setTimeout(() => {
            throw error;
          }, 0);
        }
      }
      const done = recovered;
      recovered = [];
      for (const resolve of done) resolve();
    });
    return recovering;
  }

  watch();
  restart = restartNow;
  current = compute;
  // The debug readout: `infiniteWidth.compute.liveTensors()` in the console (and in e2e tests,
  // which also force a context loss through it).
  // The page-wide object is shared with the widgets' readouts (widgets/core/readout.ts): add, never replace.
  if (typeof window !== 'undefined') {
    const w = window as unknown as { infiniteWidth?: Record<string, unknown> };
    w.infiniteWidth = Object.assign(w.infiniteWidth ?? {}, { compute, liveTensors: compute.liveTensors });
  }
  return compute;
}

/**
 * The page's compute instance (created on first call; later calls return the same promise, and
 * their options are ignored). In Node use { backends: ['cpu'] }.
 */
export function getCompute(options: ComputeOptions = {}): Promise<Compute> {
  if (pending) return pending;
  const order = checkOptions(options);
  pending = create(order, options.flags);
  pending.catch(() => {
    // Let a later call try again (e.g. a failed chunk download).
    pending = null;
  });
  return pending;
}

/** Live tensors on the page (0 before tfjs has loaded): a debug readout. */
export function liveTensors(): number {
  return current ? current.liveTensors() : 0;
}

/** Count tensors from now on, to check that a routine leaks none (needs getCompute() resolved). */
export function trackTensors(label: string): TensorTracker {
  const compute = current;
  if (!compute) throw new Error(`trackTensors('${label}'): call and await getCompute() first`);
  const start = compute.liveTensors();
  return {
    label,
    start,
    delta: () => compute.liveTensors() - start,
    assertFlat(allowed = 0) {
      const d = compute.liveTensors() - start;
      if (d > allowed) {
        throw new Error(`${label}: ${d} tensors leaked (live ${start} -> ${start + d}, allowed ${allowed})`);
      }
    },
  };
}

/** Test hooks (not for widgets). */
export const testing = {
  /** Restart the backend as after a lost context, and notify subscribers. */
  async restart(why = 'restart requested by a test'): Promise<void> {
    if (!restart) throw new Error('testing.restart: call and await getCompute() first');
    await restart(why);
  },
  /** Forget the page instance so the next getCompute() starts over (tfjs stays loaded). */
  forget(): void {
    pending = null;
    current = null;
    restart = null;
  },
};
