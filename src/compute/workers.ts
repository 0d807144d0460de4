/**
 * Worker threads for the compute module's embarrassingly parallel routines (today: random
 * networks, where network s is a function of (seed, s) alone, so any split of the networks gives
 * the same sample). tfjs-backend-wasm runs single-threaded on a page that is not cross-origin
 * isolated (ordinary static hosts), so a second core is only reachable through a second tfjs: each
 * worker loads tfjs-core with the WASM backend and answers one block at a time. Only a page on
 * WASM uses them: on WebGL one GPU does the work, and the CPU backend (plain JavaScript) is the
 * last resort of a browser without WebAssembly.
 *
 * Browser only (Node tests and benchmarks pass a Compute without workers and run on one thread).
 * Workers start on first use, stay for the next call, and end after IDLE_MS without work. A worker
 * that fails (no Worker support, a blocked script, an exception) ends; its block falls back to the
 * page's thread (random-networks.ts), so a failure costs time, never a result.
 */
import type { RandomNetworkOptions, RandomNetworksSpec } from './random-networks.ts';

/** One block of work for a worker. */
export interface WorkerTask {
  kind: 'random-networks';
  spec: RandomNetworksSpec;
  x: number[][];
  options: RandomNetworkOptions;
  /** Networks [from, to). */
  from: number;
  to: number;
}

/** What a worker needs to start its tfjs as the page's. */
export interface WorkerSetup {
  backend: 'wasm';
  /** The self-hosted .wasm files, as absolute URLs. */
  wasmPaths: Record<string, string>;
}

/** One worker: runs a task, resolves with its result (rejects when the worker fails). */
export interface WorkerLane {
  run<T>(task: WorkerTask): Promise<T>;
}

const IDLE_MS = 30_000;
/** At most this many workers, however many cores (each holds its own tfjs and WASM heap). */
const MAX_WORKERS = 3;

interface Slot {
  worker: Worker | null;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
  idle: ReturnType<typeof setTimeout> | null;
}

let nextId = 0;
const slots: Slot[] = [];
/** What the workers did on this page: blocks answered, and why any worker ended in failure. */
const stats = { blocks: 0, failures: [] as string[] };

/** Blocks the workers answered on this page, and their failures (the debug readout, e2e tests). */
export function workerStats(): { blocks: number; failures: string[] } {
  return { blocks: stats.blocks, failures: [...stats.failures] };
}

/** How many workers this browser gets: one fewer than its cores, at most MAX_WORKERS; 0 without Worker. */
export function workerCount(): number {
  if (typeof Worker === 'undefined' || typeof navigator === 'undefined') return 0;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(0, Math.min(MAX_WORKERS, cores - 1));
}

function end(slot: Slot, why: string): void {
  slot.worker?.terminate();
  slot.worker = null;
  if (slot.idle) clearTimeout(slot.idle);
  slot.idle = null;
  for (const p of slot.pending.values()) p.reject(new Error(why));
  slot.pending.clear();
}

function spawn(slot: Slot): Worker {
  if (slot.worker) return slot.worker;
  const w = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'iw-compute' });
  w.addEventListener('message', (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
    const p = slot.pending.get(e.data.id);
    if (!p) return;
    slot.pending.delete(e.data.id);
    if (e.data.error !== undefined) {
      stats.failures.push(e.data.error);
      p.reject(new Error(e.data.error));
    } else {
      stats.blocks++;
      p.resolve(e.data.result);
    }
    if (slot.pending.size === 0) slot.idle = setTimeout(() => end(slot, 'idle'), IDLE_MS);
  });
  w.addEventListener('error', (e) => {
    e.preventDefault();
    const why = `compute worker failed: ${e.message || 'could not start'}`;
    stats.failures.push(why);
    end(slot, why);
  });
  slot.worker = w;
  return w;
}

/** Lanes for `count` workers (started on their first task) set up as the page's backend. */
export function workerLanes(setup: WorkerSetup, count = workerCount()): WorkerLane[] {
  while (slots.length < count) slots.push({ worker: null, pending: new Map(), idle: null });
  return slots.slice(0, count).map((slot) => ({
    run<T>(task: WorkerTask): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let w: Worker;
        try {
          w = spawn(slot);
        } catch (error) {
          reject(error as Error);
          return;
        }
        if (slot.idle) clearTimeout(slot.idle);
        slot.idle = null;
        const id = ++nextId;
        slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        w.postMessage({ id, setup, task });
      });
    },
  }));
}

/** Ends every worker (tests; a page never needs to). */
export function endWorkers(): void {
  for (const slot of slots) end(slot, 'ended');
}
