/**
 * One lazily loaded tfjs instance per page, shared by every widget.
 *
 * `getCompute()` imports ./engine.ts (and with it tfjs) on first call only and picks a backend by
 * measuring the candidates (WebGL, WASM SIMD, CPU: engine.ts measureBackends); the choice and its
 * table are remembered for the browser session (sessionStorage), so later pages start at once.
 * A reader can force one with `?backend=webgl|wasm|cpu` on any page. Falling back is normal and
 * logged with console.info, never as an error. A lost WebGL context restarts the backends in the
 * measured order and tells subscribers through `onChange`, so widgets rebuild their tensors.
 * Nothing here imports tfjs statically (only its types).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { BackendChoice, BackendName, Flags, Measured } from './engine.ts';
import type { WorkerLane } from './workers.ts';

export type { BackendName, Measured } from './engine.ts';
export type Tf = typeof TF;

export interface ComputeOptions {
  /** Candidate backends (default ['webgl', 'wasm', 'cpu']). Only the first getCompute call's options count. */
  backends?: BackendName[];
  /**
   * 'measure' (default with several candidates): time each and keep the fastest; 'ranked': the
   * first that works, in the order given (what Node tests use with one candidate).
   */
  choose?: 'measure' | 'ranked';
  /** Total time the measurement may take, in ms (150). */
  budgetMs?: number;
  /** tfjs environment flags to set before the backends start (e.g. { SOFTWARE_WEBGL_ENABLED: true } in tests). */
  flags?: Flags;
}

export interface Compute {
  /** The tfjs-core namespace (functional ops: tf.matMul(a, b), tf.tidy(...)). */
  readonly tf: Tf;
  /** The backend running now; may change after a lost WebGL context. */
  readonly backend: BackendName;
  /** Why this backend, in one line for the reader-visible badge ("fastest here; WebGL measured 3.1× slower"). */
  readonly reason?: string;
  /** How it was chosen: measured on this page, remembered from an earlier one, forced by ?backend=, or ranked. */
  readonly how: BackendChoice['how'];
  /** The measured table (ms of the workload per backend, or why one could not run). */
  readonly measured: readonly Measured[];
  /** ms spent choosing on this page. */
  readonly chooseMs: number;
  /** "WASM SIMD", "WebGL", "CPU". */
  readonly label: string;
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
  /**
   * Compute workers running WASM as the page does (workers.ts), for routines that split into
   * independent blocks: one lane per worker, [] where none help or run (WebGL: one GPU; the CPU
   * backend; one core; no Worker). Optional: Node tests and benchmarks pass a Compute without it (one thread).
   */
  workers?(): WorkerLane[];
  /** Blocks the compute workers answered on this page and their failures (a failed block is redone on the page's thread). */
  workerStats?(): { blocks: number; failures: string[] };
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

const ALL_BACKENDS: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];
/** sessionStorage key of the measured choice (versioned with the workload). */
export const CHOICE_KEY = 'iw-compute-choice-v1';

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
    throw new RangeError("getCompute(options): backends must be a non-empty array of 'webgl' | 'wasm' | 'cpu'");
  }
  for (const b of backends) {
    if (!ALL_BACKENDS.includes(b)) {
      throw new RangeError(`getCompute(options): unknown backend '${String(b)}', expected 'webgl', 'wasm' or 'cpu'`);
    }
  }
  return [...new Set(backends)];
}

function describeChoice(choice: BackendChoice): string {
  return `[compute] tfjs backend: ${choice.backend}${choice.reason ? ` (${choice.reason})` : ''}${choice.chooseMs >= 1 ? `, chosen in ${Math.round(choice.chooseMs)} ms` : ''}`;
}

/** `?backend=` on the page, if it names a candidate. */
function readOverride(order: readonly BackendName[]): BackendName | null {
  if (typeof location === 'undefined') return null;
  const v = new URLSearchParams(location.search).get('backend');
  return v && (order as readonly string[]).includes(v) ? (v as BackendName) : null;
}

function readRemembered(order: readonly BackendName[]): { ranking: BackendName[]; measured: Measured[] } | null {
  try {
    const raw = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(CHOICE_KEY);
    if (!raw) return null;
    const r = JSON.parse(raw) as { ranking?: unknown; measured?: unknown };
    if (!Array.isArray(r.ranking) || !Array.isArray(r.measured)) return null;
    const ranking = r.ranking.filter((b): b is BackendName => (order as readonly unknown[]).includes(b));
    return ranking.length ? { ranking, measured: r.measured as Measured[] } : null;
  } catch {
    return null; // storage disabled, or a tampered value: measure again
  }
}

function remember(choice: BackendChoice): void {
  try {
    sessionStorage?.setItem(CHOICE_KEY, JSON.stringify({ ranking: choice.ranking, measured: choice.measured }));
  } catch {
    /* storage may be disabled: then every page measures */
  }
}

async function choose(engine: typeof import('./engine.ts'), order: BackendName[], options: ComputeOptions): Promise<BackendChoice> {
  const forced = readOverride(order);
  if (forced) return engine.chooseBackend([forced, ...order.filter((b) => b !== forced)], options.flags, 'forced');
  const measure = (options.choose ?? (order.length > 1 ? 'measure' : 'ranked')) === 'measure';
  if (!measure) return engine.chooseBackend(order, options.flags, 'ranked');
  const known = readRemembered(order);
  if (known) {
    const c = await engine.chooseBackend([...known.ranking, ...order.filter((b) => !known.ranking.includes(b))], options.flags, 'remembered', known.measured);
    if (c.how === 'remembered') return c;
    // The remembered best no longer starts: measure again.
  }
  const c = await engine.measureBackends(order, options.flags, options.budgetMs ?? 150);
  remember(c);
  return c;
}

async function create(order: BackendName[], options: ComputeOptions): Promise<Compute> {
  const engine = await import('./engine.ts');
  const tf = engine.tf as unknown as Tf;
  const flags = options.flags;
  let choice = await choose(engine, order, options);
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
    get how() {
      return choice.how;
    },
    get measured() {
      return choice.measured;
    },
    get chooseMs() {
      return choice.chooseMs;
    },
    get label() {
      return engine.backendLabel(choice.backend, choice.wasmFeatures);
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
    workerStats: engine.workerStats,
    workers() {
      return choice.backend === 'wasm' ? engine.workerLanes('wasm') : [];
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
        // The next-best measured backend first (the same one again, with a fresh context, if it still starts).
        choice = await engine.restartBackend(choice.ranking, flags, choice.measured);
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
  pending = create(order, options);
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
