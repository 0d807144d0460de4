/**
 * The SGD variance model of chapter 2, with no DOM: the data set θ⁽ⁱ⁾, the step schedule, the
 * exact moments (src/math sgdMoments: a linear recursion, exact with momentum too) and a run of K
 * chains on the shared compute module, recording the empirical moments step by step.
 */
import { sgdMoments, sgdStationaryVariance } from '../../src/math/index.ts';
import { createRng } from '../../src/compute/rng.ts';
import { createSgdChains, dataStats, epsilonSchedule, type SgdChains, type SgdSchedule } from '../../src/compute/sgd-chains.ts';
import type { Compute } from '../../src/compute/index.ts';
import type { Values } from '../core/params.ts';
import type { params } from './params.ts';

export type SgdValues = Values<typeof params>;

/** N seeded standard-normal draws, standardised to mean 0 and population variance 1 (the lecture's setting). */
export function makeData(n: number, seed: number): number[] {
  const rng = createRng(`sgd-data:${seed}`);
  const raw = Array.from({ length: n }, () => rng.normal());
  const { mean, variance } = dataStats(raw);
  const sd = Math.sqrt(variance) || 1;
  return raw.map((x) => (x - mean) / sd);
}

/** Edited data from the `data` parameter: 2..200 finite numbers in [−10, 10], or null (use makeData). */
export function parseData(text: string): number[] | null {
  if (!text) return null;
  const xs = text
    .split(',')
    .slice(0, 200)
    .map((t) => Number(t))
    .filter((x) => Number.isFinite(x))
    .map((x) => Math.max(-10, Math.min(10, x)));
  return xs.length >= 2 ? xs : null;
}

/** The data the widget runs on: the edited points if any, else the seeded draws. */
export function dataOf(v: SgdValues): { data: number[]; edited: boolean } {
  const edited = parseData(v.data);
  return edited ? { data: edited, edited: true } : { data: makeData(v.n, v.seed), edited: false };
}

/** Serialises data for the URL, three decimals each. */
export function serializeData(data: number[]): string {
  return data.map((x) => String(Math.round(x * 1000) / 1000)).join(',');
}

export function scheduleOf(v: SgdValues): SgdSchedule {
  if (v.schedule === 'inverse') return { kind: 'inverse', epsilon0: v.eps };
  if (v.schedule === 'inverse-k0') return { kind: 'inverse-k0', epsilon0: v.eps, k0: v.k0 };
  return { kind: 'constant', epsilon: v.eps };
}

export interface Theory {
  mean: number[];
  variance: number[];
  /** E θ_k² = variance + mean². */
  second: number[];
  /** Data mean μ and population variance σ² actually used. */
  dataMean: number;
  dataVar: number;
  /** Stationary variance for a constant step (ε/(2−ε)·σ²/M without momentum); null for decaying steps, Infinity when unstable. */
  stationary: number | null;
  /** Whether the mean diverges (constant step outside the stable range). */
  unstable: boolean;
}

export function theory(v: SgdValues, data: number[]): Theory {
  const { mean: mu, variance: s2 } = dataStats(data);
  const eps = epsilonSchedule(scheduleOf(v));
  const t = sgdMoments({ epsilon: eps, theta0: v.theta0, steps: v.steps, batchSize: v.batch, dataMean: mu, dataVar: s2, momentum: v.momentum });
  const stationary = v.schedule === 'constant' ? sgdStationaryVariance({ epsilon: v.eps, batchSize: v.batch, dataVar: s2, momentum: v.momentum }) : null;
  const second = t.mean.map((m, k) => t.variance[k] + m * m);
  const unstable = !second.every(Number.isFinite) || (stationary !== null && !Number.isFinite(stationary));
  return { mean: t.mean, variance: t.variance, second, dataMean: mu, dataVar: s2, stationary, unstable };
}

/** Normal density, for the histogram overlay. */
export function gaussianPdf(x: number, mean: number, variance: number): number {
  if (!(variance > 0)) return 0;
  return Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
}

export interface Record {
  k: number;
  mean: number;
  variance: number;
}

/** A run: the chains on the device plus the history of their empirical moments. */
export interface SgdRun {
  chains: SgdChains;
  history: Record[];
  /** Takes up to n steps (never past the horizon), reading the moments after each (blocking). */
  advance(n: number): number;
  /**
   * Takes up to n steps, then reads the moments and the first `max` chain values back in one
   * non-blocking transfer (one per frame: each read-back stalls a GPU) and records the moments.
   */
  stepAndSnapshot(n: number, max: number): Promise<Snapshot>;
  /**
   * Steps to `k` without reading back (after a lost WebGL context: the seed makes the replay
   * land on the same chains), keeping the moments already recorded up to k.
   */
  fastForward(k: number, recorded: Record[]): void;
  /** The current state without stepping or recording. */
  snapshot(max: number): Promise<Snapshot>;
  done(): boolean;
}

export interface Snapshot {
  k: number;
  mean: number;
  variance: number;
  values: Float32Array;
}

export async function startRun(compute: Compute, v: SgdValues, data: number[]): Promise<SgdRun> {
  const chains = createSgdChains(compute, { chains: v.chains, data, batchSize: v.batch, schedule: scheduleOf(v), momentum: v.momentum, theta0: v.theta0, seed: `sgd-chains:${v.seed}` });
  const history: Record[] = [{ k: 0, mean: v.theta0, variance: 0 }];
  return {
    chains,
    history,
    advance(n: number): number {
      let taken = 0;
      while (taken < n && chains.k < v.steps) {
        chains.step(1);
        const m = chains.moments();
        history.push({ k: chains.k, mean: m.mean, variance: m.variance });
        taken++;
      }
      return taken;
    },
    async stepAndSnapshot(n: number, max: number): Promise<Snapshot> {
      let taken = 0;
      while (taken < n && chains.k < v.steps) {
        chains.step(1);
        taken++;
      }
      const snap = await chains.snapshotAsync(max);
      if (taken > 0) {
        // Read-backs may overlap; keep the history ordered by step.
        let i = history.length;
        while (i > 0 && history[i - 1].k > snap.k) i--;
        history.splice(i, 0, { k: snap.k, mean: snap.mean, variance: snap.variance });
      }
      return snap;
    },
    fastForward(k: number, recorded: Record[]): void {
      chains.step(Math.max(0, Math.min(k, v.steps) - chains.k));
      history.splice(0, history.length, ...recorded.filter((r) => r.k <= chains.k));
    },
    snapshot: (max: number) => chains.snapshotAsync(max),
    done: () => chains.k >= v.steps,
  };
}

const fmt = (x: number) => (Math.abs(x) < 1e-9 ? '0' : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(4));

/** The live text summary: "after k steps: empirical variance X, theory Y". */
export function describe(v: SgdValues, t: Theory, last: Record | undefined, edited = false): string {
  const k = last?.k ?? 0;
  const parts = [`After ${k} step${k === 1 ? '' : 's'} of ${v.chains} chains:`];
  if (edited) parts.unshift(`Edited data: mean ${fmt(t.dataMean)}, variance ${fmt(t.dataVar)}.`);
  if (last && k > 0) parts.push(`empirical mean ${fmt(last.mean)}, variance ${fmt(last.variance)};`);
  parts.push(`theory mean ${fmt(t.mean[k])}, variance ${fmt(t.variance[k])}.`);
  if (t.unstable) parts.push('This step size is unstable: the iterates grow without bound.');
  else if (t.stationary !== null) parts.push(`Stationary variance ${fmt(t.stationary)}${v.momentum > 0 ? ' (with momentum)' : ` = ε/(2−ε)·σ²/M`}.`);
  else parts.push('The step decays, so the variance goes to 0.');
  return parts.join(' ');
}
