/**
 * The phase diagram's heat-map grid in the browser: computed in a Web Worker (grid.worker.ts), so
 * the page never waits for it; where no worker can start, on the main thread in slices of ≤ 30 ms
 * (setTimeout between them). One grid per activation, kept.
 */
import type { MeanFieldActivation } from '../../src/math/index.ts';
import { emptyGrid, fillRows, warmTables, type FieldGrid } from './grid.ts';
import { pointResult, type PointResult } from './point.ts';

export class GridJob {
  grid: FieldGrid | null = $state.raw(null);
  /** Wall-clock time from the request to the grid, ms (null until the first grid). */
  ms: number | null = $state(null);
  busy = $state(false);
  failure = $state('');
  #worker: Worker | null = null;
  #cache = new Map<MeanFieldActivation, { grid: FieldGrid; ms: number }>();
  #request = 0;
  #n: number;
  /** The request waiting for the worker (run on the page instead if the worker dies). */
  #pending: (() => void) | null = null;

  constructor(n: number) {
    this.#n = n;
  }

  /** Shows the grid for `activation` (from the cache, or computed now). */
  request(activation: MeanFieldActivation): void {
    const id = ++this.#request;
    const hit = this.#cache.get(activation);
    if (hit) {
      this.grid = hit.grid;
      this.ms = hit.ms;
      this.busy = false;
      return;
    }
    this.busy = true;
    const t0 = performance.now();
    const finish = (grid: FieldGrid) => {
      const ms = performance.now() - t0;
      this.#cache.set(activation, { grid, ms });
      if (id !== this.#request) return;
      this.grid = grid;
      this.ms = ms;
      this.busy = false;
      this.failure = '';
    };
    const worker = this.#start();
    if (worker) {
      this.#pending = () => this.#chunked(activation, id, finish, 'it could not start');
      const onMessage = (e: MessageEvent<{ id: number; grid?: FieldGrid; error?: string }>) => {
        if (e.data.id !== id) return;
        worker.removeEventListener('message', onMessage);
        this.#pending = null;
        if (e.data.grid) finish(e.data.grid);
        else this.#chunked(activation, id, finish, e.data.error);
      };
      worker.addEventListener('message', onMessage);
      worker.postMessage({ kind: 'grid', id, activation, n: this.#n });
    } else {
      this.#chunked(activation, id, finish);
    }
  }

  #start(): Worker | null {
    if (this.#worker) return this.#worker;
    try {
      this.#worker = new Worker(new URL('./grid.worker.ts', import.meta.url), { type: 'module' });
      this.#worker.addEventListener('error', (e) => {
        e.preventDefault();
        this.#worker?.terminate();
        this.#worker = null;
        const pending = this.#pending;
        this.#pending = null;
        pending?.();
      });
    } catch {
      this.#worker = null;
    }
    return this.#worker;
  }

  /** The main-thread fallback: tables, then rows, in slices of at most ~30 ms. */
  #chunked(activation: MeanFieldActivation, id: number, finish: (g: FieldGrid) => void, why?: string): void {
    if (why) this.failure = `The worker failed (${why}); computing on the page instead.`;
    const g = emptyGrid({ activation, nx: this.#n, ny: this.#n });
    let row = 0;
    const slice = () => {
      if (id !== this.#request) return;
      const t0 = performance.now();
      if (activation === 'tanh' && !warmTables(25)) {
        setTimeout(slice, 0);
        return;
      }
      while (row < g.ny && performance.now() - t0 < 25) fillRows(g, row, ++row);
      if (row < g.ny) setTimeout(slice, 0);
      else finish(g);
    };
    setTimeout(slice, 0);
  }

  dispose(): void {
    this.#request++;
    this.#worker?.terminate();
    this.#worker = null;
  }
}

/**
 * The selected point's values, trajectories and correlation map (point.ts) in a second worker:
 * the latest request wins; until its answer the previous result stays on show (never a blank
 * panel). Without a worker it runs on the page.
 */
export class PointJob {
  result: PointResult | null = $state.raw(null);
  #worker: Worker | null = null;
  #failed = false;
  #request = 0;

  constructor(initial: PointResult | null) {
    this.result = initial;
  }

  request(values: Parameters<typeof pointResult>[0]): void {
    const id = ++this.#request;
    const worker = this.#start();
    if (!worker) {
      this.result = pointResult(values);
      return;
    }
    const onMessage = (e: MessageEvent<{ id: number; point?: PointResult; error?: string }>) => {
      if (e.data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (id !== this.#request) return;
      this.result = e.data.point ?? pointResult(values);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ kind: 'point', id, values: { activation: values.activation, sw2: values.sw2, sb2: values.sb2, depth: values.depth } });
  }

  #start(): Worker | null {
    if (this.#worker || this.#failed) return this.#worker;
    try {
      this.#worker = new Worker(new URL('./grid.worker.ts', import.meta.url), { type: 'module' });
      this.#worker.addEventListener('error', (e) => {
        e.preventDefault();
        this.#worker?.terminate();
        this.#worker = null;
        this.#failed = true;
      });
    } catch {
      this.#failed = true;
    }
    return this.#worker;
  }

  dispose(): void {
    this.#request++;
    this.#worker?.terminate();
    this.#worker = null;
  }
}
