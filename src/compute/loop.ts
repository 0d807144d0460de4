/**
 * One requestAnimationFrame loop for the whole page (after svelte's internal/client/loop.js: one
 * rAF drives every task, a task's tick returns whether it wants more frames, and the loop stops
 * scheduling frames as soon as no task does).
 *
 * On top of that, for widgets that simulate:
 * - a task with an `element` is paused while the element is off-screen (one shared
 *   IntersectionObserver, with a margin so a widget warms up just before it scrolls into view);
 * - every task is paused while the tab is hidden (`document.hidden`), and resumes on return;
 * - each frame has a 16 ms budget; a tick receives its fair share of what is left of it, and
 *   `adaptiveSteps()` turns that budget into a number of simulation steps from measured step times;
 * - `prefersReducedMotion()`: widgets then step on demand instead of autoplaying (`handle.autoplay()`
 *   does exactly that check).
 *
 * No tfjs here, and nothing touches `window` at import time, so this module loads in Node; tests
 * drive `createLoop({ raf, now, observe, visibility, reducedMotion })` with a fake clock.
 */

export interface LoopTask {
  /** The widget's root: the task is paused while it is off-screen. */
  element?: Element;
  /**
   * Do one frame's work. `budgetMs` is this task's share of what is left of the frame budget (>= 0;
   * do at least one step even at 0), `now` the frame time in ms. Return false to stop.
   */
  tick(budgetMs: number, now: number): boolean;
}

export interface TaskHandle {
  /** Ask for frames (no-op if already running). */
  start(): void;
  /** Stop asking for frames; `start()` resumes. */
  stop(): void;
  /** Stop for good and forget the task (and its element). */
  dispose(): void;
  /** Start unless the reader prefers reduced motion; returns whether it started. */
  autoplay(): boolean;
  /** The task wants frames (started, not stopped, tick has not returned false). */
  readonly running: boolean;
  /** Running and getting frames now: on-screen and the tab visible. */
  readonly active: boolean;
}

export interface Visibility {
  /** Whether the page is hidden now (document.hidden). */
  hidden(): boolean;
  /** Call `cb` whenever hidden() may have changed; returns an unsubscribe function. */
  subscribe(cb: () => void): () => void;
}

export interface LoopOptions {
  /** requestAnimationFrame; the loop runs no frames if absent (e.g. in Node, by default). */
  raf?: (cb: (time: number) => void) => unknown;
  /** A clock in ms (performance.now). */
  now?: () => number;
  /** Watch an element: call `cb(visible)` on every change; returns an unobserve function. */
  observe?: (element: Element, cb: (visible: boolean) => void) => () => void;
  visibility?: Visibility;
  reducedMotion?: () => boolean;
  /** The per-frame budget, in ms (16). */
  budgetMs?: number;
}

export interface AdaptiveStepsOptions {
  /** Clock in ms (the loop's clock, or performance.now). */
  now?: () => number;
  /** Fewest steps suggested (1). */
  min?: number;
  /** Most steps suggested (10 000). */
  max?: number;
  /** Steps suggested before anything has been measured (min). */
  initial?: number;
  /** Weight of the newest measurement in the running mean of ms per step (0.3). */
  smoothing?: number;
  /** Fraction of the budget to plan for, leaving room for drawing (0.8). */
  safety?: number;
  /** Largest growth factor from one suggestion to the next (2): noisy timings cannot overshoot. */
  maxGrowth?: number;
}

export interface AdaptiveSteps {
  /** How many steps fit in `budgetMs`, from the measured time per step (>= min). */
  suggest(budgetMs: number): number;
  /** Report that `steps` steps took `elapsedMs`. */
  record(steps: number, elapsedMs: number): void;
  /** suggest, time `run(n)`, record; returns n. */
  run(budgetMs: number, run: (steps: number) => void): number;
  /** The smoothed ms per step (NaN before the first measurement). */
  readonly msPerStep: number;
  reset(): void;
}

export interface Loop {
  register(task: LoopTask): TaskHandle;
  prefersReducedMotion(): boolean;
  adaptiveSteps(options?: AdaptiveStepsOptions): AdaptiveSteps;
  /** Whether a frame is scheduled. */
  readonly scheduled: boolean;
  /** Number of registered (not disposed) tasks. */
  readonly size: number;
}

const DEFAULT_BUDGET_MS = 16;

function defaultNow(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export function adaptiveSteps(options: AdaptiveStepsOptions = {}): AdaptiveSteps {
  const now = options.now ?? defaultNow;
  const min = Math.max(1, Math.floor(options.min ?? 1));
  const max = Math.max(min, Math.floor(options.max ?? 10_000));
  const initial = Math.min(max, Math.max(min, Math.floor(options.initial ?? min)));
  const smoothing = options.smoothing ?? 0.3;
  const safety = options.safety ?? 0.8;
  const maxGrowth = options.maxGrowth ?? 2;
  let msPerStep = Number.NaN;
  let last = initial;

  function suggest(budgetMs: number): number {
    if (!Number.isFinite(msPerStep)) return (last = initial);
    const fit = msPerStep > 0 ? Math.floor((Math.max(0, budgetMs) * safety) / msPerStep) : max;
    const n = Math.min(max, Math.max(min, fit, 1), Math.max(min, Math.floor(last * maxGrowth)));
    return (last = n);
  }

  function record(steps: number, elapsedMs: number): void {
    if (!(steps > 0) || !Number.isFinite(elapsedMs) || elapsedMs < 0) return;
    const per = elapsedMs / steps;
    msPerStep = Number.isFinite(msPerStep) ? msPerStep + smoothing * (per - msPerStep) : per;
  }

  return {
    suggest,
    record,
    run(budgetMs, run) {
      const n = suggest(budgetMs);
      const t0 = now();
      run(n);
      record(n, now() - t0);
      return n;
    },
    get msPerStep() {
      return msPerStep;
    },
    reset() {
      msPerStep = Number.NaN;
      last = initial;
    },
  };
}

interface TaskState {
  task: LoopTask;
  running: boolean;
  onScreen: boolean;
  unobserve: (() => void) | null;
  disposed: boolean;
}

export function createLoop(options: LoopOptions = {}): Loop {
  const raf = options.raf;
  const now = options.now ?? defaultNow;
  const observe = options.observe;
  const visibility = options.visibility;
  const reducedMotion = options.reducedMotion ?? (() => false);
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;

  const tasks: TaskState[] = [];
  let scheduled = false;
  let unsubscribeVisibility: (() => void) | null = null;

  const hidden = () => (visibility ? visibility.hidden() : false);
  const isActive = (t: TaskState) => t.running && t.onScreen && !t.disposed;

  function wanted(): boolean {
    return !hidden() && tasks.some(isActive);
  }

  function schedule(): void {
    if (scheduled || !raf || !wanted()) return;
    scheduled = true;
    raf(frame);
  }

  // While any task is registered, listen for the tab coming back.
  function syncVisibilityListener(): void {
    if (!visibility) return;
    if (tasks.length > 0 && !unsubscribeVisibility) {
      unsubscribeVisibility = visibility.subscribe(schedule);
    } else if (tasks.length === 0 && unsubscribeVisibility) {
      unsubscribeVisibility();
      unsubscribeVisibility = null;
    }
  }

  function frame(time: number): void {
    scheduled = false;
    if (hidden()) return; // resumed by the visibility listener
    const start = now();
    const frameTime = Number.isFinite(time) ? time : start;
    const due = tasks.filter(isActive);
    let firstError: unknown = null;
    for (let i = 0; i < due.length; i++) {
      const t = due[i];
      if (!isActive(t)) continue; // stopped by an earlier tick this frame
      const left = Math.max(0, budgetMs - (now() - start));
      const share = left / (due.length - i);
      try {
        if (t.task.tick(share, frameTime) === false) t.running = false;
      } catch (error) {
        t.running = false;
        if (firstError === null) firstError = error;
      }
    }
    schedule();
    // A failing widget stops, the others keep going, and the error still surfaces.
    if (firstError !== null) throw firstError;
  }

  function register(task: LoopTask): TaskHandle {
    if (!task || typeof task.tick !== 'function') {
      throw new TypeError('loop.register(task): task.tick must be a function');
    }
    const state: TaskState = { task, running: false, onScreen: true, unobserve: null, disposed: false };
    tasks.push(state);
    syncVisibilityListener();
    if (task.element && observe) {
      state.unobserve = observe(task.element, (visible) => {
        state.onScreen = visible;
        schedule();
      });
    }
    const handle: TaskHandle = {
      start() {
        if (state.disposed) return;
        state.running = true;
        schedule();
      },
      stop() {
        state.running = false;
      },
      dispose() {
        if (state.disposed) return;
        state.disposed = true;
        state.running = false;
        state.unobserve?.();
        state.unobserve = null;
        const i = tasks.indexOf(state);
        if (i >= 0) tasks.splice(i, 1);
        syncVisibilityListener();
      },
      autoplay() {
        if (reducedMotion()) return false;
        handle.start();
        return !state.disposed;
      },
      get running() {
        return state.running;
      },
      get active() {
        return isActive(state) && !hidden();
      },
    };
    return handle;
  }

  return {
    register,
    prefersReducedMotion: reducedMotion,
    adaptiveSteps: (opts = {}) => adaptiveSteps({ now, ...opts }),
    get scheduled() {
      return scheduled;
    },
    get size() {
      return tasks.length;
    },
  };
}

/** Whether the reader asked for reduced motion (false outside a browser). */
export function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-reduced-motion: reduce)').matches
    : false;
}

// One IntersectionObserver for every widget on the page; the margin lets a widget get ready just
// before it scrolls into view (Distill's d-figure.js does the same).
let sharedObserver: IntersectionObserver | null = null;
const observed = new Map<Element, Set<(visible: boolean) => void>>();

function observeOnPage(element: Element, cb: (visible: boolean) => void): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => {};
  if (!sharedObserver) {
    sharedObserver = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          for (const listener of observed.get(entry.target) ?? []) listener(entry.isIntersecting);
        }
      },
      { rootMargin: '200px 0px' },
    );
  }
  let set = observed.get(element);
  if (!set) {
    set = new Set();
    observed.set(element, set);
    sharedObserver.observe(element);
  }
  set.add(cb);
  return () => {
    const s = observed.get(element);
    if (!s) return;
    s.delete(cb);
    if (s.size === 0) {
      observed.delete(element);
      sharedObserver?.unobserve(element);
    }
  };
}

function pageOptions(): LoopOptions {
  if (typeof window === 'undefined' || typeof document === 'undefined') return {};
  return {
    raf: (cb) => window.requestAnimationFrame(cb),
    now: defaultNow,
    observe: observeOnPage,
    visibility: {
      hidden: () => document.hidden,
      subscribe(cb) {
        document.addEventListener('visibilitychange', cb);
        return () => document.removeEventListener('visibilitychange', cb);
      },
    },
    reducedMotion: prefersReducedMotion,
  };
}

let pageLoop: Loop | null = null;

/** The page-wide loop (created on first use; in Node it has no rAF and never runs frames). */
export function getLoop(): Loop {
  return (pageLoop ??= createLoop(pageOptions()));
}

/** Register a task on the page-wide loop. */
export function register(task: LoopTask): TaskHandle {
  return getLoop().register(task);
}
