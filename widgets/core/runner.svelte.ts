/**
 * The simulation runner: everything a tensor widget does between "the parameters" and "a
 * snapshot to draw", so that its view only builds runs and draws snapshots.
 *
 * - loads the compute module lazily (the page downloads tfjs only when a tensor widget hydrates);
 * - one animation-loop task per widget (paused off-screen and in hidden tabs, src/compute/loop.ts);
 * - one read-back in flight at a time (each read-back stalls a GPU: the frame's curves, cloud and
 *   histogram share it), and adaptive steps per frame in "fast" mode, timed from enqueue to the
 *   read-back's answer (timing the enqueue alone misses the GPU's work);
 * - a new run whenever the parameter key changes (seeded: the same parameters give the same run);
 * - play / pause / one step / restart / speed, and Space / → through the widget shell;
 * - after a lost WebGL context (or a fall back to CPU) a new run replays to the same step: the
 *   model's `start(compute, resume)` gets the lost run and reproduces it from the seed;
 * - dispose on unmount; failures become text for the reader, never a blank widget.
 */
import type { Compute } from '../../src/compute/index.ts';
import type { AdaptiveSteps, TaskHandle } from '../../src/compute/loop.ts';

/** One simulation on the device, as a widget's model builds it. */
export interface Run<S> {
  /** Steps taken so far. */
  readonly k: number;
  /** Whether the run has reached its horizon. */
  done(): boolean;
  /** Takes up to n steps (never past the horizon) and reads the state back in one transfer. */
  advance(n: number): Promise<S>;
  /** Reads the state back without stepping. */
  read(): Promise<S>;
  /** Frees the run's tensors. */
  dispose(): void;
}

export type Speed = 'slow' | 'normal' | 'fast';

export interface RunnerOptions<S, R extends Run<S>> {
  /**
   * Builds a run for the current parameters. `resume` is the run a lost context (or backend
   * change) took away: replay to its step `resume.k` (its tensors are gone; its records are not).
   */
  start(compute: Compute, resume: R | null): Promise<R> | R;
  /** Receives every read-back of the current run, in order. */
  show(snapshot: S, run: R): void;
  /** A string that changes whenever the run must be rebuilt (e.g. JSON of the parameters). */
  key(): string;
  /** Most steps per frame in "fast" mode (200). */
  maxSteps?: number;
}

/** What the widget shell needs of a runner (its controls, badge and shortcuts). */
export interface RunControl {
  readonly playing: boolean;
  readonly done: boolean;
  readonly speed: Speed;
  readonly backend: string;
  readonly label: string;
  readonly reason: string;
  readonly failure: string;
  readonly ready: boolean;
  readonly shortcuts: Record<string, () => void>;
  mount(element: HTMLElement | undefined): () => void;
  toggle(): void;
  step(): void;
  restart(): void;
  setSpeed(s: string): void;
}

export class Runner<S, R extends Run<S> = Run<S>> implements RunControl {
  playing = $state(false);
  done = $state(false);
  speed: Speed = $state('normal');
  /** The backend running ('webgl', 'cpu', …), '' while loading. */
  backend = $state('');
  /** The backend's label for the reader ("WASM SIMD"). */
  label = $state('');
  /** Why this backend ("fastest here; WebGL measured 3.1× slower"). */
  reason = $state('');
  /** Text for the reader when something failed ('' when all is well). */
  failure = $state('');
  /** Steps of the last snapshot shown. */
  k = $state(0);

  #options: RunnerOptions<S, R>;
  #compute: Compute | null = null;
  #run: R | null = null;
  #handle: TaskHandle | null = null;
  #adapt: AdaptiveSteps | null = null;
  #pending = 0;
  #frame = 0;
  #generation = 0;
  #building = false;
  #lastKey = '';
  #mounted = false;
  /** Whether the run was playing when its last failure paused it. */
  #playingAtFailure = false;

  constructor(options: RunnerOptions<S, R>) {
    this.#options = options;
    // Any parameter change rebuilds the run, keeping play/pause as it was: a playing runner stays
    // playing through the build (its ticks wait while #building), so a second change that lands
    // while the first run is still building (two presets clicked in a row) keeps playing too.
    // ($effect works here: the runner is created while its component initialises.)
    $effect(() => {
      const key = this.#options.key();
      if (!this.#compute || key === this.#lastKey) return;
      this.#lastKey = key;
      void this.#rebuild(null);
    });
  }

  /** Whether the controls can act (a backend runs and nothing failed). */
  get ready(): boolean {
    return !!this.backend && !this.failure;
  }

  /** The current run (null while building or after a failure). */
  get run(): R | null {
    return this.#run;
  }

  /** Starts the runner for the widget's root element (call from onMount); returns the cleanup. */
  mount(element: HTMLElement | undefined): () => void {
    this.#mounted = true;
    let unsubscribe = () => {};
    let disposed = false;
    void (async () => {
      try {
        const [{ getCompute }, { register, adaptiveSteps }] = await Promise.all([import('../../src/compute/index.ts'), import('../../src/compute/loop.ts')]);
        this.#adapt = adaptiveSteps({ max: this.#options.maxSteps ?? 200 });
        const compute = await getCompute();
        if (disposed) return;
        this.#compute = compute;
        this.backend = compute.backend;
        this.label = compute.label;
        this.reason = compute.reason ?? '';
        unsubscribe = compute.onChange((c) => {
          this.backend = c.backend;
          this.label = c.label;
          this.reason = c.reason ?? '';
          const lost = this.#run;
          this.#run = null; // its tensors went with the old context
          // A step in flight when the context went may have failed (and paused the run) before
          // this restart was announced: that run was playing, and its replay plays on.
          const wasPlaying = this.playing || (!!this.failure && this.#playingAtFailure);
          void this.#rebuild(lost).then(() => {
            if (wasPlaying && this.#run && !this.#run.done()) this.#resume();
          });
        });
        this.#handle = register({ element, tick: (budget) => this.#tick(budget) });
        this.#lastKey = this.#options.key();
        await this.#rebuild(null);
        // Autoplay even when a parameter change replaced this first run while it was building (a
        // preset clicked as the page loads): that run is still building, and ticks wait for it.
        if (!disposed && !this.failure && this.#handle.autoplay()) this.playing = true;
      } catch (e) {
        this.failure = `No tensor backend could start: ${(e as Error)?.message ?? String(e)}`;
      }
    })();
    return () => {
      disposed = true;
      this.#mounted = false;
      unsubscribe();
      this.#handle?.dispose();
      this.#run?.dispose();
      this.#run = null;
    };
  }

  /** Play or pause; at the horizon, play starts over. */
  toggle(): void {
    if (this.playing) return this.#pause(); // also while a new run is building
    if (this.#building && !this.failure) {
      this.playing = true; // play as soon as the new run is there (ticks wait while building)
      this.#handle?.start();
      return;
    }
    if (!this.#run) return;
    if (this.#run.done()) {
      void this.#rebuild(null).then(() => this.#resume());
      return;
    }
    this.#resume();
  }

  /** Pauses and takes exactly one step. */
  step(): void {
    this.#pause();
    const r = this.#run;
    if (!r || r.done() || this.#pending > 0) return;
    this.#pending++;
    r.advance(1)
      .then((snap) => this.#show(r, snap))
      .catch((e) => this.#fail(r, e))
      .finally(() => {
        if (r === this.#run) this.#pending--;
      });
  }

  /** Pauses and starts the run over from step 0. */
  restart(): void {
    this.#pause();
    void this.#rebuild(null);
  }

  setSpeed(s: string): void {
    if (s === 'slow' || s === 'normal' || s === 'fast') this.speed = s;
  }

  /** The keyboard shortcuts the widget shell installs. */
  get shortcuts(): Record<string, () => void> {
    return { ' ': () => this.toggle(), ArrowRight: () => this.step() };
  }

  #pause(): void {
    this.#handle?.stop();
    this.playing = false;
  }

  #resume(): void {
    if (!this.#run || this.#run.done()) return;
    this.playing = true;
    this.#handle?.start();
  }

  #show(r: R, snap: S): void {
    if (r !== this.#run) return; // a read-back from a run already replaced
    this.k = r.k;
    this.done = r.done();
    this.#options.show(snap, r);
  }

  #fail(r: R, e: unknown): void {
    if (r !== this.#run) return; // a replaced run's read-back may fail (lost context): not ours
    this.#playingAtFailure = this.playing;
    this.failure = `The simulation stopped: ${(e as Error)?.message ?? String(e)}`;
    this.#pause();
  }

  async #rebuild(resume: R | null): Promise<void> {
    const compute = this.#compute;
    if (!compute || !this.#mounted) return;
    const generation = ++this.#generation;
    if (!resume) this.#run?.dispose();
    this.#run = null;
    this.#pending = 0;
    this.#building = true;
    this.failure = '';
    try {
      const r = await this.#options.start(compute, resume);
      if (generation !== this.#generation || !this.#mounted) {
        r.dispose(); // parameters changed again while it was building
        return;
      }
      this.#run = r;
      this.#show(r, await r.read());
    } catch (e) {
      if (generation === this.#generation) {
        this.failure = `The simulation could not start: ${(e as Error)?.message ?? String(e)}`;
        this.#run = null;
      }
    } finally {
      if (generation === this.#generation) this.#building = false;
    }
  }

  #stepsThisFrame(budgetMs: number): number {
    this.#frame++;
    if (this.speed === 'slow') return this.#frame % 8 === 0 ? 1 : 0;
    if (this.speed === 'normal') return 1;
    return this.#adapt ? this.#adapt.suggest(budgetMs) : 1;
  }

  #tick(budgetMs: number): boolean {
    if (this.#building) return true; // a rebuild (parameters, or a lost context) is under way
    const r = this.#run;
    if (!r || r.done()) {
      this.playing = false;
      return false;
    }
    if (this.#pending > 0) return true; // wait for the device's answer
    const n = this.#stepsThisFrame(budgetMs);
    if (n === 0) return true;
    this.#pending++;
    const t0 = performance.now();
    r.advance(n)
      .then((snap) => {
        this.#adapt?.record(n, performance.now() - t0);
        this.#show(r, snap);
      })
      .catch((e) => this.#fail(r, e))
      .finally(() => {
        if (r === this.#run) this.#pending--; // a replaced run's read-back may never answer
      });
    return true;
  }
}
