/**
 * A one-shot computation on the compute module, for widgets that need tensors now and then rather
 * than every frame (the GP widget's finite networks, a sweep computed on demand): the counterpart
 * of the Runner for work without steps.
 *
 * - the compute module (and tfjs) is imported only once a key is non-null: a widget whose overlay
 *   is off downloads no tensor library;
 * - a new key (debounced) starts a new job; an answer for an older key is dropped, so the figure
 *   never shows a result computed for other parameters;
 * - a lost WebGL context (or a fall back) runs the current key again on the new backend;
 * - a failure becomes text for the reader, never a blank figure.
 */
import type { Compute } from '../../src/compute/index.ts';

export interface JobOptions<T> {
  /** What to compute: a string that changes whenever the result would, or null for nothing. */
  key(): string | null;
  /** Computes the result for `key` (the key is passed back so the job need not read live state). */
  run(compute: Compute, key: string): Promise<T>;
  /** Milliseconds a key must stay unchanged before its job starts (a dragged slider) — 120. */
  debounceMs?: number;
}

export class ComputeJob<T> {
  /** The latest result, for `resultKey` (null before the first one). */
  result: T | null = $state.raw(null);
  resultKey: string | null = $state(null);
  /** A job is running (or waiting for its debounce). */
  busy = $state(false);
  /** Wall-clock time of the last job, ms. */
  ms = $state(0);
  backend = $state('');
  label = $state('');
  reason = $state('');
  failure = $state('');

  #options: JobOptions<T>;
  #compute: Promise<Compute> | null = null;
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #mounted = false;
  #unsubscribe = () => {};

  constructor(options: JobOptions<T>) {
    this.#options = options;
    $effect(() => {
      const key = this.#options.key();
      if (this.#mounted) this.#schedule(key);
    });
  }

  /** Whether the result on show was computed for the current key. */
  get current(): boolean {
    return this.result !== null && this.resultKey === this.#options.key();
  }

  /** Starts the job for the widget (call from onMount); returns the cleanup. */
  mount(): () => void {
    this.#mounted = true;
    this.#schedule(this.#options.key(), 0);
    return () => {
      this.#mounted = false;
      this.#generation++;
      clearTimeout(this.#timer);
      this.#unsubscribe();
    };
  }

  #load(): Promise<Compute> {
    this.#compute ??= import('../../src/compute/index.ts').then(async ({ getCompute }) => {
      const compute = await getCompute();
      this.#describe(compute);
      this.#unsubscribe = compute.onChange((c) => {
        this.#describe(c);
        this.#schedule(this.#options.key(), 0);
      });
      return compute;
    });
    return this.#compute;
  }

  #describe(c: Compute): void {
    this.backend = c.backend;
    this.label = c.label;
    this.reason = c.reason ?? '';
  }

  #schedule(key: string | null, delay = this.#options.debounceMs ?? 120): void {
    clearTimeout(this.#timer);
    const generation = ++this.#generation;
    if (key === null) {
      this.busy = false;
      return;
    }
    this.busy = true;
    this.#timer = setTimeout(() => void this.#start(key, generation), delay);
  }

  async #start(key: string, generation: number): Promise<void> {
    const t0 = performance.now();
    try {
      const compute = await this.#load();
      if (generation !== this.#generation) return;
      const result = await this.#options.run(compute, key);
      if (generation !== this.#generation) return; // the parameters moved on meanwhile
      this.result = result;
      this.resultKey = key;
      this.ms = performance.now() - t0;
      this.failure = '';
    } catch (e) {
      if (generation === this.#generation) this.failure = `The computation failed: ${(e as Error)?.message ?? String(e)}`;
    } finally {
      if (generation === this.#generation) this.busy = false;
    }
  }
}
