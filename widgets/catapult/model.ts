/**
 * The catapult model (Lewkowycz, Bahri, Dyer, Sohl-Dickstein & Gur-Ari 2020, §2), with no DOM:
 * the two-layer linear network f(x) = v·u x/√n (u, v ∈ ℝⁿ, N(0, 1) at initialisation) trained by
 * gradient descent on m scalar examples with the mean squared loss.
 *
 * - **The closed map** (src/math `catapultMap`): for one example (x = 1, y = 0), GD on (u, v) closes
 *   exactly on f and the NTK λ = (|u|² + |v|²)/n. It starts from network 0's own (f₀, λ₀).
 * - **The networks** (src/compute `createTwoLayer`, float32): `members` initialisations trained at one
 *   step size η = ηλ₀/λ₀ — network 0 is the map's; the others have their own λ₀, so at a given η they
 *   sit at slightly different ηλ₀ (a spread ~ 1/√n).
 * - **The sweep**: one batched run of 256 networks (network 0's initialisation at 256 rates ηλ₀ in
 *   [0, 5]), λ and the loss after `steps` steps; with the closed map at the same and at other widths.
 *
 * Examples: m = 1 is x = 1, y = 0. For m >= 2 the inputs are spread evenly over [0.5, 1.5] and scaled
 * so that mean x² = 1 (so λ = (|u|² + |v|²)/n exactly as in the map), and the targets alternate
 * +0.2, −0.2: no line through the origin fits them. GD then converges to the least-squares slope
 * w* = Σxy/Σx², the loss to the floor L* = ½(mean y² − (mean xy)²), and the residual r = w − w*
 * (w = v·u/√n) obeys the map plus terms η² r² w* / n (in r) and −4η r w* / n (in λ): the network departs
 * from the map, by an amount that shrinks with the width. The map is started from f₀ = r₀.
 */
import { catapultMap, catapultPhase, type CatapultPhase } from '../../src/math/index.ts';
import { createRng } from '../../src/compute/rng.ts';
import { createTwoLayer, TWO_LAYER_DIVERGED, type TwoLayer, type TwoLayerTrajectory } from '../../src/compute/two-layer.ts';
import type { Compute } from '../../src/compute/index.ts';
import type { Run } from '../core/runner.svelte.ts';
import type { Values } from '../core/params.ts';
import type { params } from './params.ts';

export type CatapultValues = Values<typeof params>;

/** ηλ at which a trajectory counts as diverged (the compute module's flag; the map uses the same). */
export const DIVERGED = TWO_LAYER_DIVERGED;
/** Learning rates in the sweep, ηλ₀ from 0 to SWEEP_TOP. */
export const SWEEP_RATES = 256;
export const SWEEP_TOP = 5;
/** The networks of the sweep are at most this wide (256 × 4,096 parameters per layer). */
export const SWEEP_MAX_WIDTH = 4096;
/** Widths the sweep can compare with (the closed map, from the same start). */
export const COMPARE_WIDTHS = [10, 100, 1000, 10000, 100000] as const;
/** Amplitude of the alternating targets for m >= 2. */
export const TARGET = 0.2;

export interface Examples {
  xs: number[];
  ys: number[];
  /** mean x² (1 by construction). */
  sxx: number;
  /** The least-squares slope Σxy/Σx². */
  wStar: number;
  /** The loss at w*: ½(mean y² − (mean xy)²/mean x²). */
  floor: number;
}

/** The m training examples (see the header). */
export function examplesOf(m: number): Examples {
  if (m <= 1) return { xs: [1], ys: [0], sxx: 1, wStar: 0, floor: 0 };
  const raw = Array.from({ length: m }, (_, a) => 0.5 + a / (m - 1));
  const c = Math.sqrt(raw.reduce((s, x) => s + x * x, 0) / m);
  const xs = raw.map((x) => x / c);
  const ys = xs.map((_, a) => (a % 2 === 0 ? TARGET : -TARGET));
  const sxx = xs.reduce((s, x) => s + x * x, 0) / m;
  const sxy = xs.reduce((s, x, a) => s + x * ys[a], 0) / m;
  const syy = ys.reduce((s, y) => s + y * y, 0) / m;
  return { xs, ys, sxx, wStar: sxy / sxx, floor: Math.max(0, 0.5 * (syy - (sxy * sxy) / sxx)) };
}

/** The seed string every initialisation is drawn from. */
export const seedString = (seed: number) => `catapult:${seed}`;

/**
 * u, v of initialisation s at width n, exactly as createTwoLayer draws them (a fork 'init s' of the
 * seed, 2n normals rounded to float32: u first, then v). Tested against the device's parameters.
 */
export function initialWeights(seed: number, width: number, s = 0): { u: Float64Array; v: Float64Array } {
  const rng = createRng(seedString(seed)).fork(`init ${s}`);
  const u = new Float64Array(width);
  const v = new Float64Array(width);
  for (let i = 0; i < width; i++) u[i] = Math.fround(rng.normal());
  for (let i = 0; i < width; i++) v[i] = Math.fround(rng.normal());
  return { u, v };
}

/** Where the map starts: network s's residual f₀ = w₀ − w* and NTK λ₀ = mean(x²)(|u|² + |v|²)/n. */
export interface Start {
  f0: number;
  lambda0: number;
  w0: number;
  width: number;
}

export function startOf(seed: number, width: number, ex: Examples, s = 0): Start {
  const { u, v } = initialWeights(seed, width, s);
  let uv = 0;
  let q = 0;
  for (let i = 0; i < width; i++) {
    uv += u[i] * v[i];
    q += u[i] * u[i] + v[i] * v[i];
  }
  const w0 = uv / Math.sqrt(width);
  return { f0: w0 - ex.wStar, lambda0: (q / width) * ex.sxx, w0, width };
}

/** A trajectory of the closed map, cut where it diverges. */
export interface MapTrajectory {
  /** f_t, λ_t and the loss ½f_t² for t = 0..steps; NaN from `divergedAt` on. */
  f: number[];
  lambda: number[];
  loss: number[];
  /** The first step with ηλ >= DIVERGED (or an overflow), or -1. */
  divergedAt: number;
}

/** Step t at which ηλ_t >= DIVERGED or f_t is not finite, or -1. */
function divergence(eta: number, f: readonly number[], lambda: readonly number[]): number {
  for (let t = 0; t < f.length; t++) if (!(eta * lambda[t] < DIVERGED) || !Number.isFinite(f[t])) return t;
  return -1;
}

export function mapTrajectory(start: Start, etaAbs: number, width: number, steps: number): MapTrajectory {
  const m = catapultMap({ f0: start.f0, lambda0: start.lambda0, eta: etaAbs, width, steps });
  const divergedAt = divergence(etaAbs, m.f, m.lambda);
  const cut = (a: number[]) => (divergedAt < 0 ? a : a.map((x, t) => (t < divergedAt ? x : Number.NaN)));
  const f = cut(m.f);
  return { f, lambda: cut(m.lambda), loss: f.map((x) => 0.5 * x * x), divergedAt };
}

/** The ηλ₀ of the sweep: SWEEP_RATES values from 0 to SWEEP_TOP. */
export function sweepEtas(): number[] {
  return Array.from({ length: SWEEP_RATES }, (_, i) => (SWEEP_TOP * i) / (SWEEP_RATES - 1));
}

/** λ and the loss after the last step at each rate of a sweep; NaN where it diverged. */
export interface Sweep {
  /** ηλ₀ of each rate. */
  eta: number[];
  finalLambda: number[];
  finalLoss: number[];
  /** The step each rate diverged at, or -1. */
  divergedAt: number[];
  width: number;
  steps: number;
  /** λ₀ of the swept initialisation. */
  lambda0: number;
}

/** The closed map's sweep from `start` at width `width` (float64, 256 × steps iterations). */
export function mapSweep(start: Start, width: number, steps: number): Sweep {
  const eta = sweepEtas();
  const finalLambda: number[] = [];
  const finalLoss: number[] = [];
  const divergedAt: number[] = [];
  for (const k of eta) {
    const tr = mapTrajectory(start, k / start.lambda0, width, steps);
    finalLambda.push(tr.lambda[steps]);
    finalLoss.push(tr.loss[steps]);
    divergedAt.push(tr.divergedAt);
  }
  return { eta, finalLambda, finalLoss, divergedAt, width, steps, lambda0: start.lambda0 };
}

/** The width the networks of the sweep have. */
export const sweepWidth = (v: Pick<CatapultValues, 'width'>) => Math.min(v.width, SWEEP_MAX_WIDTH);

/** What the network sweep depends on (not η, not the number of networks): the ComputeJob's key. */
export function sweepKey(v: CatapultValues): string {
  return JSON.stringify({ width: sweepWidth(v), examples: v.examples, steps: v.steps, seed: v.seed });
}

/**
 * The sweep on the device: network 0's initialisation at 256 learning rates, one batched
 * createTwoLayer run of `steps` steps, in chunks of `chunk` steps with a pause between them (so a
 * long sweep never freezes the page). Resolves with λ and the loss after the last step.
 */
export async function runSweep(compute: Compute, v: Pick<CatapultValues, 'width' | 'examples' | 'steps' | 'seed'>, options: { chunk?: number; pause?: () => Promise<void> } = {}): Promise<Sweep & { ms: number }> {
  const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const width = sweepWidth(v);
  const ex = examplesOf(v.examples);
  const start = startOf(v.seed, width, ex);
  const eta = sweepEtas();
  const net = createTwoLayer(compute, { rates: eta.map((k) => k / start.lambda0), seeds: 1, width, x: ex.xs, y: ex.ys, seed: seedString(v.seed) });
  const chunk = options.chunk ?? 50;
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  try {
    let last: TwoLayerTrajectory | null = null;
    while (net.step < v.steps) {
      last = await net.run(Math.min(chunk, v.steps - net.step));
      if (net.step < v.steps) await pause();
    }
    const traj = last ?? (await net.snapshotAsync());
    const row = traj.to - traj.from;
    const B = traj.runs;
    const finalLambda: number[] = [];
    const finalLoss: number[] = [];
    const divergedAt: number[] = [];
    for (let b = 0; b < B; b++) {
      const gone = traj.divergedAt[b] >= 0;
      finalLambda.push(gone ? Number.NaN : traj.lambda[row * B + b]);
      finalLoss.push(gone ? Number.NaN : traj.loss[row * B + b]);
      divergedAt.push(traj.divergedAt[b]);
    }
    const t1 = typeof performance !== 'undefined' ? performance.now() : Date.now();
    return { eta, finalLambda, finalLoss, divergedAt, width, steps: v.steps, lambda0: start.lambda0, ms: t1 - t0 };
  } finally {
    net.dispose();
  }
}

// ---- the exact side of the figure, for the current parameters ----

/** What does not depend on η: the examples, network 0's start, and the map's sweep. */
export interface Base {
  ex: Examples;
  start: Start;
  /** The map's sweep at the sweep's width, from the swept initialisation (network 0 at that width). */
  sweep: Sweep;
  sweepStart: Start;
}

export interface Theory extends Base {
  /** The step size η = ηλ₀/λ₀. */
  etaAbs: number;
  phase: CatapultPhase;
  map: MapTrajectory;
}

/** The parameters Base depends on, as a string (a view memoises Base on it). */
export const baseKey = (v: CatapultValues) => JSON.stringify([v.width, v.examples, v.steps, v.seed]);

export function baseOf(v: Pick<CatapultValues, 'width' | 'examples' | 'steps' | 'seed'>): Base {
  const ex = examplesOf(v.examples);
  const start = startOf(v.seed, v.width, ex);
  const sw = Math.min(v.width, SWEEP_MAX_WIDTH);
  const sweepStart = sw === v.width ? start : startOf(v.seed, sw, ex);
  return { ex, start, sweep: mapSweep(sweepStart, sw, v.steps), sweepStart };
}

export function theory(v: CatapultValues, base: Base = baseOf(v)): Theory {
  const etaAbs = v.eta / base.start.lambda0;
  return { ...base, etaAbs, phase: catapultPhase(etaAbs, base.start.lambda0), map: mapTrajectory(base.start, etaAbs, v.width, v.steps) };
}

/** The closed map's sweep at another width, from the same start as the sweep (only n changes). */
export function compareSweep(t: Base, width: number): Sweep {
  return mapSweep({ ...t.sweepStart, width }, width, t.sweep.steps);
}

// ---- the networks on the compute module ----

/** What the networks did so far: per network b and step t. */
export interface NetHistory {
  /** Steps recorded: 0..k. */
  k: number;
  /** λ_t of network b: lambda[b][t]. */
  lambda: number[][];
  /** The loss of network b at step t. */
  loss: number[][];
  /** The residual r = w − w* (= f(1) − y for one example). */
  r: number[][];
  /** The step network b diverged at, or -1. */
  divergedAt: number[];
}

export interface Snapshot {
  k: number;
}

export interface CatapultRun extends Run<Snapshot> {
  /** The parameters it was built for (JSON). */
  key: string;
  net: TwoLayer;
  history: NetHistory;
  /** Takes up to n steps and records them (for tests and tools). */
  advanceAll(n: number): Promise<number>;
}

function emptyHistory(members: number): NetHistory {
  const rows = () => Array.from({ length: members }, () => [] as number[]);
  return { k: -1, lambda: rows(), loss: rows(), r: rows(), divergedAt: new Array<number>(members).fill(-1) };
}

/** Appends the rows of `traj` from row `skip` on. */
function record(h: NetHistory, traj: TwoLayerTrajectory, ex: Examples, skip: number): void {
  const B = traj.runs;
  const m = traj.points;
  const x0 = Math.fround(ex.xs[0]);
  for (let t = skip; t <= traj.to - traj.from; t++) {
    const step = traj.from + t;
    if (step <= h.k) continue;
    for (let b = 0; b < B; b++) {
      const f = traj.f[(t * B + b) * m];
      h.r[b].push(Number.isFinite(f) ? f / x0 - ex.wStar : f);
      h.lambda[b].push(traj.lambda[t * B + b]);
      h.loss[b].push(traj.loss[t * B + b]);
    }
    h.k = step;
  }
  for (let b = 0; b < B; b++) h.divergedAt[b] = traj.divergedAt[b];
}

/**
 * Builds the networks for `v` on the device: `members` initialisations at η = ηλ₀/λ₀ (λ₀ of
 * network 0). After a lost context (`resume`), replays to the lost run's step.
 */
export async function startRun(compute: Compute, v: CatapultValues, options: { resume?: CatapultRun | null } = {}): Promise<CatapultRun> {
  const ex = examplesOf(v.examples);
  const start = startOf(v.seed, v.width, ex);
  const etaAbs = v.eta / start.lambda0;
  const net = createTwoLayer(compute, { rates: [etaAbs], seeds: v.members, width: v.width, x: ex.xs, y: ex.ys, seed: seedString(v.seed) });
  const history = emptyHistory(v.members);
  record(history, await net.snapshotAsync(), ex, 0);
  const target = Math.min(options.resume?.k ?? 0, v.steps);
  if (target > 0) record(history, await net.run(target), ex, 1);
  const advance = async (n: number): Promise<Snapshot> => {
    const taken = Math.max(0, Math.min(n, v.steps - net.step));
    if (taken > 0) record(history, await net.run(taken), ex, 1);
    return { k: net.step };
  };
  return {
    key: JSON.stringify(v),
    net,
    history,
    get k() {
      return net.step;
    },
    done: () => net.step >= v.steps,
    advance,
    async advanceAll(n: number) {
      const before = net.step;
      await advance(n);
      return net.step - before;
    },
    read: async () => ({ k: net.step }),
    dispose: () => net.dispose(),
  };
}

// ---- what the view draws ----

const finite = (xs: Iterable<number>) => [...xs].filter((x) => Number.isFinite(x));

/** Mean over the networks at each step; NaN where any network has diverged (the mean is unbounded). */
export function ensembleMean(rows: readonly (readonly number[])[]): number[] {
  if (rows.length === 0) return [];
  const T = Math.min(...rows.map((r) => r.length));
  return Array.from({ length: T }, (_, t) => {
    let s = 0;
    for (const r of rows) {
      if (!Number.isFinite(r[t])) return Number.NaN;
      s += r[t];
    }
    return s / rows.length;
  });
}

/** Values above `top` become NaN (the curve stops where it leaves the frame upwards). */
export const cutAbove = (xs: readonly number[], top: number) => xs.map((x) => (x > top ? Number.NaN : x));

/** Range of the log-scale loss plot: every finite positive loss shown, at most 18 decades, padded. */
export function lossDomain(series: readonly (readonly number[])[]): [number, number] {
  const vals = finite(series.flat()).filter((x) => x > 0);
  if (vals.length === 0) return [1e-6, 1];
  const hi = Math.max(...vals);
  const lo = Math.max(Math.min(...vals), hi * 1e-18);
  return [lo / 2, Math.max(hi * 2, lo * 100)];
}

/** The λ axis: 0 to what the curves reach (at most 5λ₀), with 2/η and 4/η when they are near. */
export function lambdaTop(t: Theory, series: readonly (readonly number[])[]): number {
  const l0 = t.start.lambda0;
  const cap = 5 * l0;
  const vals = finite(series.flat()).filter((x) => x <= cap);
  const cands = [1.15 * l0, ...vals.map((x) => 1.05 * x)];
  for (const r of [2, 4]) if (t.etaAbs > 0 && r / t.etaAbs <= 2.5 * l0) cands.push((1.08 * r) / t.etaAbs);
  return Math.min(Math.max(...cands), 1.05 * cap);
}

/** The f axis of the (f, λ) plane: symmetric, to the largest |f| reached (at most 3√n/η), padded. */
export function fExtent(t: Theory, series: readonly (readonly number[])[], width: number): number {
  const cap = t.etaAbs > 0 ? (3 * Math.sqrt(width)) / t.etaAbs : Infinity;
  const vals = finite(series.flat()).map(Math.abs).filter((x) => x <= cap);
  return Math.max(1e-3, ...vals) * 1.1;
}

/** Whether a value is a real number to draw or state. */
const shown = (x: number) => Number.isFinite(x);

// ---- words and numbers ----

/** A number for the reader: 3 significant digits, exponent form when large or small; never NaN or Infinity. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'unbounded';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(3)));
}

const PHASE_TEXT: Record<CatapultPhase, string> = {
  lazy: 'lazy phase (ηλ₀ < 2)',
  catapult: 'catapult phase (2 ≤ ηλ₀ < 4)',
  divergent: 'divergent phase (ηλ₀ ≥ 4)',
};

/** Where the map's loss peaked: the step and the value. */
export function mapPeak(map: MapTrajectory): { at: number; loss: number } {
  let at = 0;
  for (let t = 1; t < map.loss.length; t++) if (shown(map.loss[t]) && map.loss[t] > map.loss[at]) at = t;
  return { at, loss: map.loss[at] };
}

/** The network sweep's phases in words: λ's drift below 2, how many catapult rates end below 2/η, the first diverging rate. */
export function sweepFacts(s: Sweep): { lazyDrift: number; catapultRates: number; catapultBelow: number; firstDiverged: number | null } {
  let lazyDrift = 0;
  let catapultRates = 0;
  let catapultBelow = 0;
  let firstDiverged: number | null = null;
  s.eta.forEach((k, i) => {
    const l = s.finalLambda[i];
    if (s.divergedAt[i] >= 0) {
      if (firstDiverged === null) firstDiverged = k;
      return;
    }
    if (k < 2) lazyDrift = Math.max(lazyDrift, Math.abs(l / s.lambda0 - 1));
    else if (k < 4) {
      catapultRates++;
      if (l < (2 * s.lambda0) / k) catapultBelow++;
    }
  });
  return { lazyDrift, catapultRates, catapultBelow, firstDiverged };
}

/** The live text summary. */
export function summarize(v: CatapultValues, t: Theory, h: NetHistory | null, sweep: Sweep | null): string {
  const n = v.width.toLocaleString('en');
  const parts: string[] = [];
  // The boundaries are conventions (src/math README): say what the trajectory does there.
  const phaseText =
    v.eta === 2 ? 'on the boundary 2, labelled catapult by convention (the loss never grows)' : v.eta === 4 ? 'on the boundary 4, labelled divergent by convention (λ stays on 4/η while the loss wanders chaotically, bounded, until round-off tips it either way)' : PHASE_TEXT[t.phase];
  parts.push(`Learning rate ηλ₀ = ${fmt(v.eta)}: ${phaseText}; width n = ${n}, ${v.examples === 1 ? '1 example (x = 1, y = 0)' : `${v.examples} examples`}, λ₀ = ${fmt(t.start.lambda0)}.`);
  const map = t.map;
  const T = v.steps;
  if (map.divergedAt >= 0) parts.push(`The closed map diverged at step ${map.divergedAt}: λ only grows once ηλ > 4.`);
  else {
    const peak = mapPeak(map);
    const grew = peak.at > 0 && peak.loss > map.loss[0] * 1.0001;
    parts.push(`The closed map over ${T} steps: the loss ${grew ? `grows from ${fmt(map.loss[0])} to a peak of ${fmt(peak.loss)} at step ${peak.at}, then ends at ${fmt(map.loss[T])}` : `falls from ${fmt(map.loss[0])} to ${fmt(map.loss[T])}`}; λ goes from ${fmt(map.lambda[0])} to ${fmt(map.lambda[T])}${t.etaAbs > 0 ? `, ${map.lambda[T] < 2 / t.etaAbs ? 'below' : 'above'} 2/η = ${fmt(2 / t.etaAbs)}` : ''}.`);
  }
  if (h && h.k >= 0) {
    const M = h.lambda.length;
    const gone = h.divergedAt.filter((d) => d >= 0 && d <= h.k);
    const k = h.k;
    const meanL = ensembleMean(h.loss)[k];
    const meanLam = ensembleMean(h.lambda)[k];
    const own = h.lambda.map((l) => l[0] * t.etaAbs);
    let text = `Networks (${M}, step ${k} of ${T}): `;
    text += gone.length === M ? `all diverged (the first at step ${Math.min(...gone)})` : `${gone.length > 0 ? `${gone.length} of ${M} diverged (the first at step ${Math.min(...gone)}); ` : ''}${shown(meanL) ? `mean loss ${fmt(meanL)}, mean λ ${fmt(meanLam)}` : 'the mean loss is unbounded'}`;
    if (M > 1) text += `; their own ηλ₀ range from ${fmt(Math.min(...own))} to ${fmt(Math.max(...own))}`;
    parts.push(`${text}.`);
  }
  if (v.examples > 1) parts.push(`With ${v.examples} examples the loss cannot go below L* = ${fmt(t.ex.floor)}, and the networks depart from the map.`);
  if (sweep) {
    const s = sweepFacts(sweep);
    parts.push(
      `Sweep of ${sweep.eta.length} learning rates at n = ${sweep.width.toLocaleString('en')} after ${sweep.steps} steps: below ηλ₀ = 2 λ moves by at most ${fmt(100 * s.lazyDrift)} %; between 2 and 4, λ ends below 2/η at ${s.catapultBelow} of ${s.catapultRates} rates; ${s.firstDiverged === null ? 'no rate diverged' : `rates from ηλ₀ = ${fmt(s.firstDiverged)} diverge`}.`,
    );
  }
  return parts.join(' ');
}

/** null for what is not a number to show (diverged, not computed). */
const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/** The numbers the widget shows (window.infiniteWidth.readout; fields listed in README.md). */
export function readout(v: CatapultValues, t: Theory, h: NetHistory | null, sweep: Sweep | null, backend: string): Record<string, unknown> {
  return {
    eta: v.eta,
    width: v.width,
    examples: v.examples,
    steps: v.steps,
    members: v.members,
    seed: v.seed,
    lambda0: t.start.lambda0,
    stepSize: t.etaAbs,
    phase: t.phase,
    f: t.map.f.map(orNull),
    lambda: t.map.lambda.map(orNull),
    loss: t.map.loss.map(orNull),
    divergedAt: t.map.divergedAt >= 0 ? t.map.divergedAt : null,
    k: h ? h.k : null,
    netLambda: h ? ensembleMean(h.lambda).map(orNull) : null,
    netLoss: h ? ensembleMean(h.loss).map(orNull) : null,
    netDivergedAt: h ? h.divergedAt.map((d) => (d >= 0 ? d : null)) : null,
    lossFloor: t.ex.floor,
    sweep: sweep ? { eta: sweep.eta, finalLambda: sweep.finalLambda.map(orNull), finalLoss: sweep.finalLoss.map(orNull), width: sweep.width, steps: sweep.steps, lambda0: sweep.lambda0 } : null,
    backend: backend || null,
  };
}
