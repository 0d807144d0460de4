/**
 * The SGD variance model of chapter 2, with no DOM: the data set θ⁽ⁱ⁾, the step schedule, the
 * exact moments (src/math sgdMoments: a linear recursion, exact with momentum too), the plot
 * ranges, and a run of K chains on the shared compute module recording the empirical moments.
 */
import { dataStats, epsilonSchedule, normalPdf, sgdMoments, sgdStationaryVariance, type SgdSchedule } from '../../src/math/index.ts';
import { scaleLinear } from 'd3-scale';
import { createRng } from '../../src/compute/rng.ts';
import { createSgdChains, type SgdChains } from '../../src/compute/sgd-chains.ts';
import type { Compute } from '../../src/compute/index.ts';
import type { Run } from '../core/runner.svelte.ts';
import type { Values } from '../core/params.ts';
import type { params } from './params.ts';

export type SgdValues = Values<typeof params>;

/** N seeded standard-normal draws, standardised to mean 0 and population variance 1 (the chapter's setting). */
export function makeData(n: number, seed: number): number[] {
  const rng = createRng(`sgd-data:${seed}`);
  const raw = Array.from({ length: n }, () => rng.normal());
  const { mean, variance } = dataStats(raw);
  const sd = Math.sqrt(variance) || 1;
  return raw.map((x) => (x - mean) / sd);
}

/** The data the widget runs on: the edited points (already validated by the points parameter) if any, else the seeded draws. */
export function dataOf(v: SgdValues): { data: number[]; edited: boolean } {
  return v.data.length > 0 ? { data: v.data.map((p) => p[0]), edited: true } : { data: makeData(v.n, v.seed), edited: false };
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
  /** The limit of E θ_k² (stationary variance + μ²), when there is a finite positive one. */
  secondLimit: number | null;
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
  const secondLimit = stationary !== null && Number.isFinite(stationary) && stationary > 0 ? stationary + mu * mu : null;
  return { mean: t.mean, variance: t.variance, second, dataMean: mu, dataVar: s2, stationary, secondLimit, unstable };
}

/** One recorded step of the empirical moments over the chains. */
export interface MomentRecord {
  k: number;
  mean: number;
  variance: number;
}

// ---- plot ranges (pure, so the server-rendered figure and the live one agree) ----

/** θ range of the main plot and the histogram: θ₀, 0 and the exact mean ± 2.6 sd, within ±25, rounded out to ticks. */
export function thetaDomain(v: SgdValues, t: Theory): [number, number] {
  let lo = Math.min(v.theta0, 0);
  let hi = Math.max(v.theta0, 0);
  for (let k = 0; k < t.mean.length; k++) {
    const s = Math.sqrt(t.variance[k]);
    if (Number.isFinite(s) && Number.isFinite(t.mean[k])) {
      lo = Math.min(lo, t.mean[k] - 2.6 * s);
      hi = Math.max(hi, t.mean[k] + 2.6 * s);
    }
  }
  return scaleLinear().domain([Math.max(lo, -25), Math.min(hi, 25)]).nice().domain() as [number, number];
}

/** x range of the data strip: [−4, 4], widened to hold every point. */
export function stripDomain(data: readonly number[]): [number, number] {
  return [Math.min(-4, ...data), Math.max(4, ...data)];
}

/** Top of the histogram's density axis: the tallest bar or Gaussian peak, +10 %, within [0.05, 50]. */
export function densityTop(bars: readonly { y: number }[], gauss: { y: number[] } | null): number {
  const peak = Math.max(0.05, ...bars.map((b) => b.y), ...(gauss?.y.filter(Number.isFinite) ?? []));
  return Math.min(peak * 1.1, 50);
}

/** Range of the log-scale E θ² plot: the theory, its limit and what the chains reached, padded by 1.5×. */
export function secondDomain(t: Theory, history: readonly MomentRecord[]): [number, number] {
  const vals = t.second.filter((x) => Number.isFinite(x) && x > 0);
  if (t.secondLimit !== null) vals.push(t.secondLimit);
  for (const r of history) if (r.k > 0) vals.push(Math.max(r.variance + r.mean * r.mean, 1e-12));
  const lo = Math.max(Math.min(...vals, 1) / 1.5, 1e-8);
  const hi = Math.min(Math.max(...vals, lo) * 1.5, 1e12);
  return [lo, Math.max(hi, lo * 10)];
}

/** The exact Gaussian of θ_k over `domain` (121 points), or null when θ_k is a point mass. */
export function gaussianAt(t: Theory, k: number, domain: readonly [number, number]): { x: number[]; y: number[] } | null {
  const i = Math.max(0, Math.min(k, t.mean.length - 1));
  if (!(t.variance[i] > 1e-12)) return null;
  const [lo, hi] = domain;
  const x = Array.from({ length: 121 }, (_, j) => lo + ((hi - lo) * j) / 120);
  return { x, y: x.map((z) => normalPdf(z, t.mean[i], t.variance[i])) };
}

// ---- the run on the compute module ----

/** What one read-back brings: the moments and the first `sample` chain values at step k. */
export interface Snapshot {
  k: number;
  mean: number;
  variance: number;
  values: Float32Array;
}

/** A run: the chains on the device plus the history of their empirical moments. */
export interface SgdRun extends Run<Snapshot> {
  chains: SgdChains;
  history: MomentRecord[];
  /** Takes up to n steps, reading the moments after each (blocking; for tests and tools). */
  advanceSync(n: number): number;
  /** The full paths of the first `count` chains (replayed in JS from the seed). */
  paths(count: number): Float32Array[];
}

export interface RunOptions {
  /** Chain values read back per snapshot (5000). */
  sample?: number;
  /** A run a lost context took away: replay to its step and keep its records. */
  resume?: SgdRun | null;
}

export async function startRun(compute: Compute, v: SgdValues, data: number[], options: RunOptions = {}): Promise<SgdRun> {
  const sample = options.sample ?? 5000;
  const chains = createSgdChains(compute, { chains: v.chains, data, batchSize: v.batch, schedule: scheduleOf(v), momentum: v.momentum, theta0: v.theta0, seed: `sgd-chains:${v.seed}` });
  const history: MomentRecord[] = [{ k: 0, mean: v.theta0, variance: 0 }];
  const resume = options.resume;
  if (resume && resume.k > 0) {
    // The seed makes the replay land on the same chains (up to float rounding).
    chains.step(Math.min(resume.k, v.steps));
    history.splice(0, history.length, ...resume.history.filter((r) => r.k <= chains.k));
  }
  const record = (snap: Snapshot) => {
    // Read-backs may overlap; keep the history ordered by step, one record per step.
    let i = history.length;
    while (i > 0 && history[i - 1].k > snap.k) i--;
    if (history[i - 1]?.k !== snap.k) history.splice(i, 0, { k: snap.k, mean: snap.mean, variance: snap.variance });
  };
  return {
    chains,
    history,
    get k() {
      return chains.k;
    },
    done: () => chains.k >= v.steps,
    advanceSync(n: number): number {
      let taken = 0;
      while (taken < n && chains.k < v.steps) {
        chains.step(1);
        const m = chains.moments();
        history.push({ k: chains.k, mean: m.mean, variance: m.variance });
        taken++;
      }
      return taken;
    },
    async advance(n: number): Promise<Snapshot> {
      const taken = Math.max(0, Math.min(n, v.steps - chains.k));
      if (taken > 0) chains.step(taken);
      const snap = await chains.snapshotAsync(sample);
      if (taken > 0) record(snap);
      return snap;
    },
    read: () => chains.snapshotAsync(sample),
    paths: (count: number) => chains.paths(Array.from({ length: Math.min(count, v.chains) }, (_, i) => i)),
    dispose: () => chains.dispose(),
  };
}

const fmt = (x: number) => (Math.abs(x) < 1e-9 ? '0' : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(4));

/** The live text summary: "after k steps: empirical variance X, theory Y". */
export function summarize(v: SgdValues, t: Theory, last: MomentRecord | undefined, edited = false): string {
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

/** The numbers the widget shows (window.infiniteWidth.readout; fields listed in README.md). */
export function readout(v: SgdValues, t: Theory, data: readonly number[], last: MomentRecord | undefined, backend: string): Record<string, unknown> {
  const k = last?.k ?? 0;
  return {
    k,
    chains: v.chains,
    empirical: last && k > 0 ? { mean: last.mean, variance: last.variance } : null,
    theory: { mean: t.mean[k], variance: t.variance[k], second: t.second[k] },
    stationaryVariance: t.stationary,
    secondLimit: t.secondLimit,
    unstable: t.unstable,
    data: { mean: t.dataMean, variance: t.dataVar, n: data.length, edited: v.data.length > 0 },
    backend: backend || null,
  };
}
