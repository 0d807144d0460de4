/**
 * The NTK trajectories widget's model, with no DOM: the analytic NTK Θ and NNGP K of the network
 * (src/math kernelMatrix, float64), the NTK-GP of the linearised network at time t (ntkGp), the
 * expected training loss and each eigen-mode's decay e^{−ηλᵢt}, and the finite networks: an
 * ensemble of K networks trained by full-batch GD on the compute module (createEnsemble), a run
 * for the Runner that records what it reads back, and a one-shot sweep over widths measuring the
 * relative weight change ‖θ_t − θ₀‖/‖θ₀‖.
 *
 * Conventions (those of src/math ntk.ts and src/compute ensemble.ts): the SUM loss ½Σ(f − y)²,
 * time t in steps of size η, η = lr · 2/λmax(Θ) with Θ the analytic NTK on the training points.
 */
import { kernelMatrix, ntkGp, type KernelSpec } from '../../src/math/index.ts';
import { symmetricEigen } from '../../src/math/linalg.ts';
import type { Compute, Ensemble, EnsembleSnapshot } from '../../src/compute/index.ts';
import type { Run } from '../core/runner.svelte.ts';
import type { Values as ValuesOf } from '../core/params.ts';
import type { Grid } from '../ui/color.ts';
import type { params } from './params.ts';

export type Values = ValuesOf<typeof params>;
type Act = 'relu' | 'erf';

/** σw², σb² of every layer (the same for both activations; a ReLU network at σw² = 2 keeps its scale with depth). */
export const SIGMA_W2 = 2;
export const SIGMA_B2 = 0.1;

export const X_RANGE: readonly [number, number] = [-3.5, 3.5];
/** The test inputs of the members' functions, the band and the readout (57 points, step 0.125). */
export const TEST_POINTS = 57;
export const X_TEST: number[] = Array.from({ length: TEST_POINTS }, (_, i) => Number((X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / (TEST_POINTS - 1)).toFixed(6)));
/**
 * The networks (and the kernels) see u = x/INPUT_SCALE ∈ [−1, 1] for x ∈ [−3, 3]: inputs of order
 * one keep f₀ and Θ of order one (at |x| = 3 the raw NNGP variance is ~20 and Θ's top eigenvalue ~50).
 */
export const INPUT_SCALE = 3;
const X_TEST_2D = X_TEST.map((x) => [x / INPUT_SCALE]);
/** A member whose loss passes this (or is not finite) has diverged. */
export const DIVERGED = 1e8;

const f3 = (x: number) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(3));

// ---------------------------------------------------------------------------------------------
// Theory.

export interface Train {
  /** Network inputs u = x/INPUT_SCALE, sorted by x (the heat maps' order; GD does not care). */
  x: number[][];
  y: number[];
}

export function trainOf(v: Pick<Values, 'points'>): Train {
  const pts = [...v.points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { x: pts.map((p) => [p[0] / INPUT_SCALE]), y: pts.map((p) => p[1]) };
}

export function kernelSpec(v: Pick<Values, 'activation' | 'depth'>, kind: 'ntk' | 'nngp'): KernelSpec {
  return { kind, activation: v.activation as Act, depth: v.depth, sigmaW2: SIGMA_W2, sigmaB2: SIGMA_B2 };
}

export interface Theory {
  train: Train;
  /** The analytic NTK and NNGP kernel on the training points. */
  theta: number[][];
  k: number[][];
  thetaTestTrain: number[][];
  kTestTrain: number[][];
  kTestDiag: number[];
  /** Eigenvalues of Θ, descending, with their eigenvectors (columns of Θ's basis, as rows here). */
  lambda: number[];
  vectors: number[][];
  lambdaMax: number;
  /** The step size η = lr · 2/λmax (0 without data). */
  eta: number;
  /** ½ (vᵢ·y)² + ½ vᵢᵀKvᵢ: mode i's share of the expected loss at t = 0. */
  modeLoss: number[];
  /** Why nothing could be computed ('' when all is well). */
  error: string;
}

export function theoryOf(v: Pick<Values, 'points' | 'activation' | 'depth' | 'lr'>): Theory {
  const train = trainOf(v);
  const empty: Theory = { train, theta: [], k: [], thetaTestTrain: X_TEST.map(() => []), kTestTrain: X_TEST.map(() => []), kTestDiag: [], lambda: [], vectors: [], lambdaMax: 0, eta: 0, modeLoss: [], error: '' };
  try {
    const ntk = kernelSpec(v, 'ntk');
    const nngp = kernelSpec(v, 'nngp');
    const kTestDiag = X_TEST_2D.map((x) => kernelMatrix(nngp, [x], [x])[0][0]);
    if (train.x.length === 0) return { ...empty, kTestDiag };
    const theta = kernelMatrix(ntk, train.x, train.x);
    const k = kernelMatrix(nngp, train.x, train.x);
    const eig = symmetricEigen(theta);
    const n = eig.n;
    const order = Array.from({ length: n }, (_, i) => n - 1 - i);
    const lambda = order.map((j) => Math.max(0, eig.values[j]));
    const vectors = order.map((j) => Array.from({ length: n }, (_, i) => eig.vectors[i * n + j]));
    const lambdaMax = lambda[0];
    const modeLoss = vectors.map((u) => {
      let uy = 0;
      let uKu = 0;
      for (let i = 0; i < n; i++) {
        uy += u[i] * train.y[i];
        let s = 0;
        for (let j = 0; j < n; j++) s += k[i][j] * u[j];
        uKu += u[i] * s;
      }
      return 0.5 * (uy * uy + Math.max(0, uKu));
    });
    return {
      train,
      theta,
      k,
      thetaTestTrain: kernelMatrix(ntk, X_TEST_2D, train.x),
      kTestTrain: kernelMatrix(nngp, X_TEST_2D, train.x),
      kTestDiag,
      lambda,
      vectors,
      lambdaMax,
      eta: lambdaMax > 0 ? (v.lr * 2) / lambdaMax : 0,
      modeLoss,
      error: '',
    };
  } catch (e) {
    return { ...empty, kTestDiag: X_TEST.map(() => 0), error: (e as Error).message };
  }
}

export interface Band {
  mean: number[];
  sd: number[];
  lo: number[];
  hi: number[];
}

/** The NTK-GP (ntkGp) on X_TEST at time t: mean and sd of f_t over initialisations, ±2σ. */
export function bandAt(th: Theory, t: number): Band {
  let mean: number[];
  let variance: number[];
  try {
    if (th.error) throw new Error(th.error);
    if (th.train.x.length === 0) {
      mean = X_TEST.map(() => 0);
      variance = th.kTestDiag.slice();
    } else {
      ({ mean, variance } = ntkGp({ kTrain: th.k, kTestTrain: th.kTestTrain, kTestDiag: th.kTestDiag, thetaTrain: th.theta, thetaTestTrain: th.thetaTestTrain, yTrain: th.train.y, eta: th.eta, t }));
    }
  } catch {
    mean = X_TEST.map(() => 0);
    variance = X_TEST.map(() => 0);
  }
  const sd = variance.map((s) => Math.sqrt(Math.max(0, s)));
  return { mean, sd, lo: mean.map((m, i) => m - 2 * sd[i]), hi: mean.map((m, i) => m + 2 * sd[i]) };
}

/**
 * The expected training loss of the linearised network at time t, E ½|f_t(X) − y|² over f₀ ~ GP(0, K):
 * with Θ = Σ λᵢ vᵢvᵢᵀ, ½ Σᵢ e^{−2ηλᵢt} [(vᵢ·y)² + vᵢᵀKvᵢ] (the bias and variance of ntkGp on the training points).
 */
export function theoryLoss(th: Theory, t: number): number {
  let s = 0;
  for (let i = 0; i < th.lambda.length; i++) s += Math.exp(-2 * th.eta * th.lambda[i] * t) * th.modeLoss[i];
  return s;
}

/** `count` + 1 times evenly spaced on [0, T]. */
export function timeGrid(T: number, count = 160): number[] {
  const m = Math.max(1, Math.min(count, T));
  return Array.from({ length: m + 1 }, (_, i) => (T * i) / m);
}

/** Each mode's decay e^{−ηλᵢt} on `times` (rows: modes in descending λ). */
export function modeDecay(th: Theory, times: readonly number[]): number[][] {
  return th.lambda.map((l) => times.map((t) => Math.exp(-th.eta * l * t)));
}

// ---------------------------------------------------------------------------------------------
// Heat maps and errors.

/** A square matrix as a heat-map grid, row i at the top for i = 0. */
export function matrixGrid(M: readonly (readonly number[])[]): Grid {
  const n = M.length;
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[i + n * j] = M[n - 1 - j][i];
  return { nx: n, ny: n, values, x: [0, Math.max(n, 1)], y: [0, Math.max(n, 1)] };
}

/** ‖A − B‖_F / ‖B‖_F (0 for an empty or zero B). */
export function relativeError(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    for (let j = 0; j < b.length; j++) {
      num += (a[i][j] - b[i][j]) ** 2;
      den += b[i][j] ** 2;
    }
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

// ---------------------------------------------------------------------------------------------
// The ensemble run.

export interface Snapshot {
  step: number;
  /** Per member, ½Σ(f − y)² on the training points. */
  loss: Float32Array;
  /** Per member, f on the (sorted) training points. */
  train: Float32Array[];
  /** Per member, f on X_TEST. */
  test: Float32Array[];
}

/** What a run recorded: every read-back's losses, and the functions at log-spaced steps. */
export interface Record_ {
  steps: number[];
  /** loss[k][r]: member k at steps[r]. */
  loss: number[][];
  /** Snapshots kept for scrubbing back in t: every step up to 20, then ~3 % apart. */
  kept: Snapshot[];
  /** The latest snapshot. */
  latest: Snapshot | null;
  /** The first step each member's loss passed DIVERGED (or was not finite), −1 while it has not. */
  divergedAt: number[];
}

export interface NtkRun extends Run<Snapshot> {
  ensemble: Ensemble;
  record: Record_;
  /** Each member's empirical NTK at initialisation on the (sorted) training points. */
  initNtk: number[][][];
  /** The horizon the run trains to (the live value of t). */
  target(): number;
}

function keepIt(prev: number, step: number): boolean {
  if (step <= 20) return true;
  return Math.floor(Math.log(step) / Math.log(1.03)) !== Math.floor(Math.log(Math.max(prev, 1)) / Math.log(1.03));
}

function copySnap(s: EnsembleSnapshot): Snapshot {
  return { step: s.step, loss: s.loss, train: s.train, test: s.test };
}

export interface StartOptions {
  /** The horizon: the current value of t (read live, so moving t on does not rebuild the run). */
  target?: () => number;
  /** A run a lost context took away: replay to its step and keep its records. */
  resume?: NtkRun | null;
}

export async function startRun(compute: Compute, v: Values, options: StartOptions = {}): Promise<NtkRun> {
  const { createEnsemble } = await import('../../src/compute/index.ts');
  const th = theoryOf(v);
  const target = options.target ?? (() => v.t);
  const hasData = th.train.x.length > 0 && th.eta > 0;
  // Without data the snapshot still needs a training set: one dummy point, never trained on.
  const x = hasData ? th.train.x : [[0]];
  const y = hasData ? th.train.y : [0];
  const K = v.members;
  const ensemble = createEnsemble(compute, { members: K, inputDim: 1, depth: v.depth, width: v.width, activation: v.activation as Act, sigmaW2: SIGMA_W2, sigmaB2: SIGMA_B2, seed: `ntk-trajectories:${v.seed}` });
  const initNtk = hasData ? ensemble.empiricalNtk(x) : [];
  const resume = options.resume;
  const record: Record_ = resume?.record ?? { steps: [], loss: Array.from({ length: K }, () => []), kept: [], latest: null, divergedAt: new Array<number>(K).fill(-1) };
  if (resume && resume.ensemble.step > 0) ensemble.replay(resume.ensemble.history());
  const allDiverged = () => record.divergedAt.every((d) => d >= 0);
  const note = (s: Snapshot) => {
    const last = record.steps.at(-1);
    if (last !== undefined && s.step <= last) return;
    record.steps.push(s.step);
    for (let k = 0; k < K; k++) {
      const l = s.loss[k];
      const gone = !(l < DIVERGED);
      if (gone && record.divergedAt[k] < 0) record.divergedAt[k] = s.step;
      record.loss[k].push(gone ? Number.POSITIVE_INFINITY : l);
    }
    const prevKept = record.kept.at(-1);
    if (!prevKept || keepIt(prevKept.step, s.step)) record.kept.push(s);
    record.latest = s;
  };
  const run: NtkRun = {
    ensemble,
    record,
    initNtk,
    target,
    get k() {
      return ensemble.step;
    },
    done: () => !hasData || allDiverged() || ensemble.step >= target(),
    async advance(n: number): Promise<Snapshot> {
      const taken = hasData && !allDiverged() ? Math.max(0, Math.min(n, target() - ensemble.step)) : 0;
      const s = taken > 0 ? await ensemble.trainAndSnapshotAsync(x, y, { eta: th.eta, steps: taken }, X_TEST_2D) : await ensemble.snapshotAsync(x, y, X_TEST_2D);
      const snap = copySnap(s);
      if (hasData) note(snap);
      return snap;
    },
    async read(): Promise<Snapshot> {
      const snap = copySnap(await ensemble.snapshotAsync(x, y, X_TEST_2D));
      if (hasData) note(snap);
      return snap;
    },
    dispose: () => ensemble.dispose(),
  };
  return run;
}

/** The snapshot to show at time t: the latest one at or before t. */
export function shownSnapshot(rec: Record_ | null, t: number): Snapshot | null {
  if (!rec || !rec.latest) return null;
  if (rec.latest.step <= t) return rec.latest;
  let best: Snapshot | null = null;
  for (const s of rec.kept) if (s.step <= t) best = s;
  return best ?? rec.kept[0] ?? rec.latest;
}

/** The mean over the members that have not diverged (null when none is left). */
export function memberMean(snap: Snapshot | null, divergedAt: readonly number[]): number[] | null {
  if (!snap) return null;
  const alive = snap.test.map((_, k) => k).filter((k) => !(divergedAt[k] >= 0 && divergedAt[k] <= snap.step) && snap.test[k].every(Number.isFinite));
  if (alive.length === 0) return null;
  return X_TEST.map((_, i) => alive.reduce((s, k) => s + snap.test[k][i], 0) / alive.length);
}

/**
 * Each mode's measured decay: √(mean over live members of (vᵢ·(f_t − y))²) / √(the same at t = 0), which the
 * linearised theory puts at e^{−ηλᵢt} (in expectation over initialisations). null without both snapshots.
 */
export function modeResiduals(th: Theory, first: Snapshot | null, snap: Snapshot | null, divergedAt: readonly number[]): (number | null)[] | null {
  if (!first || !snap || th.vectors.length === 0) return null;
  const n = th.train.y.length;
  const alive = snap.train.map((_, k) => k).filter((k) => !(divergedAt[k] >= 0 && divergedAt[k] <= snap.step));
  if (alive.length === 0) return null;
  const proj = (f: Float32Array, u: number[]) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[i] * (f[i] - th.train.y[i]);
    return s;
  };
  return th.vectors.map((u) => {
    let a = 0;
    let b = 0;
    for (const k of alive) {
      a += proj(snap.train[k], u) ** 2;
      b += proj(first.train[k], u) ** 2;
    }
    const r = Math.sqrt(a / b);
    return Number.isFinite(r) ? r : null;
  });
}

// ---------------------------------------------------------------------------------------------
// The width sweep: relative weight change ‖θ_T − θ₀‖/‖θ₀‖ of whole parameter vectors.

export const SWEEP_WIDTHS: Record<number, number[]> = { 2: [64, 128, 256, 512, 1024, 2048, 4096], 3: [64, 128, 256, 512, 1024] };
export const SWEEP_MEMBERS = 4;

export interface SweepSpec {
  points: number[][];
  depth: number;
  activation: Act;
  lr: number;
  steps: number;
  seed: number;
  widths: number[];
  members: number;
}

/** Steps the sweep trains for: t, within [10, 1000]. */
export const sweepSteps = (t: number) => Math.min(Math.max(t, 10), 1000);

export function sweepSpec(v: Values): SweepSpec | null {
  if (v.points.length === 0) return null;
  return { points: v.points.map((p) => [p[0], p[1]]), depth: v.depth, activation: v.activation as Act, lr: v.lr, steps: sweepSteps(v.t), seed: v.seed, widths: SWEEP_WIDTHS[v.depth] ?? SWEEP_WIDTHS[2], members: SWEEP_MEMBERS };
}

export interface Sweep {
  widths: number[];
  /** Mean over members of ‖θ_T − θ₀‖/‖θ₀‖ at each width; null where a member diverged. */
  change: (number | null)[];
  /** Least-squares slope of log change against log width (null with fewer than two finite points). */
  slope: number | null;
  steps: number;
  depth: number;
}

/** Relative change of each member's whole parameter vector between two weights() reads. */
export function weightChange(w0: { W: Float32Array[]; b: Float32Array[] }, w1: { W: Float32Array[]; b: Float32Array[] }, members: number): number[] {
  const num = new Float64Array(members);
  const den = new Float64Array(members);
  const add = (a: Float32Array, b: Float32Array) => {
    const per = a.length / members;
    for (let k = 0; k < members; k++) {
      for (let i = k * per; i < (k + 1) * per; i++) {
        const d = b[i] - a[i];
        num[k] += d * d;
        den[k] += a[i] * a[i];
      }
    }
  };
  w0.W.forEach((a, l) => add(a, w1.W[l]));
  w0.b.forEach((a, l) => add(a, w1.b[l]));
  return Array.from(num, (x, k) => Math.sqrt(x / den[k]));
}

export function fitSlope(xs: readonly number[], ys: readonly (number | null)[]): number | null {
  const pts = xs.map((x, i) => [Math.log(x), ys[i] === null ? Number.NaN : Math.log(ys[i] as number)]).filter(([, y]) => Number.isFinite(y));
  if (pts.length < 2) return null;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}

const yieldToPage = () => new Promise<void>((r) => setTimeout(r, 0));

/** Trains SWEEP_MEMBERS networks at each width for `steps` steps (in chunks, yielding between) and measures the weight change. */
export async function runSweep(compute: Compute, spec: SweepSpec): Promise<Sweep> {
  const { createEnsemble } = await import('../../src/compute/index.ts');
  const th = theoryOf({ points: spec.points, activation: spec.activation, depth: spec.depth, lr: spec.lr });
  const change: (number | null)[] = [];
  for (const width of spec.widths) {
    const ens = createEnsemble(compute, { members: spec.members, inputDim: 1, depth: spec.depth, width, activation: spec.activation, sigmaW2: SIGMA_W2, sigmaB2: SIGMA_B2, seed: `ntk-trajectories:${spec.seed}` });
    try {
      const w0 = ens.weights();
      let left = spec.steps;
      const chunk = Math.max(1, Math.floor(200000 / (width * (spec.depth === 3 ? width / 8 : 1) * spec.members)));
      while (left > 0) {
        const s = Math.min(left, chunk);
        ens.train(th.train.x, th.train.y, { eta: th.eta, steps: s });
        left -= s;
        await yieldToPage();
      }
      const loss = ens.loss(th.train.x, th.train.y);
      const w1 = ens.weights();
      const r = weightChange(w0, w1, spec.members);
      const ok = loss.every((l) => l < DIVERGED) && r.every(Number.isFinite);
      change.push(ok ? r.reduce((a, b) => a + b, 0) / r.length : null);
    } finally {
      ens.dispose();
    }
  }
  return { widths: spec.widths, change, slope: fitSlope(spec.widths, change), steps: spec.steps, depth: spec.depth };
}

// ---------------------------------------------------------------------------------------------
// Text and readout.

/** Whether η is outside the kernel regime (the top mode of the linearised model does not decay). */
export const tooLarge = (v: Pick<Values, 'lr'>) => v.lr > 1;

export interface Shown {
  step: number;
  snap: Snapshot | null;
  record: Record_ | null;
  initNtk: number[][][] | null;
}

export function divergedStep(rec: Record_ | null, upTo = Number.POSITIVE_INFINITY): number | null {
  if (!rec) return null;
  const d = rec.divergedAt.filter((s) => s >= 0 && s <= upTo);
  return d.length ? Math.min(...d) : null;
}

export function ntkErrors(th: Theory, initNtk: number[][][] | null): number[] | null {
  if (!initNtk || initNtk.length === 0 || th.theta.length === 0) return null;
  return initNtk.map((m) => relativeError(m, th.theta));
}

export function summarize(v: Values, th: Theory, s: Shown, sweep: Sweep | null): string {
  if (th.error) return `The kernels could not be computed: ${th.error}`;
  const n = th.train.x.length;
  if (n === 0) return `No training points: ${v.members} networks of width ${v.width} stay at initialisation, and the NTK-GP is the NNGP prior. Add points to train.`;
  const parts = [`${v.members} network${v.members === 1 ? '' : 's'} of width ${v.width} (depth ${v.depth}, ${v.activation}) trained by gradient descent on ${n} point${n === 1 ? '' : 's'} with η = ${v.lr} × 2/λmax = ${f3(th.eta)}; showing t = ${s.step}.`];
  const loss = theoryLoss(th, s.step);
  const dv = divergedStep(s.record, s.step);
  if (s.snap) {
    const alive = Array.from(s.snap.loss).filter((l) => l < DIVERGED);
    if (alive.length) parts.push(`Mean training loss ${f3(alive.reduce((a, b) => a + b, 0) / alive.length)} against the NTK theory’s ${f3(loss)}.`);
  } else parts.push(`The NTK theory’s expected training loss is ${f3(loss)}.`);
  if (dv !== null) parts.push(`Diverged at step ${dv}${s.record && s.record.divergedAt.some((d) => d < 0) ? ` (${s.record.divergedAt.filter((d) => d >= 0).length} of ${v.members} networks)` : ''}.`);
  if (tooLarge(v)) parts.push('The step is larger than 2/λmax: outside the kernel regime.');
  const errs = ntkErrors(th, s.initNtk);
  if (errs) parts.push(`The empirical NTK at initialisation differs from the analytic one by ${(100 * errs.reduce((a, b) => a + b, 0) / errs.length).toFixed(1)} % on average.`);
  if (sweep && sweep.slope !== null) parts.push(`Relative weight change falls with width with slope ${sweep.slope.toFixed(2)} on log–log axes.`);
  return parts.join(' ');
}

const finiteOrNull = (xs: ArrayLike<number> | null) => (xs && Array.from(xs).every(Number.isFinite) ? Array.from(xs) : null);

export function readout(v: Values, th: Theory, band: Band, s: Shown, sweep: Sweep | null, backend: string) {
  const errs = ntkErrors(th, s.initNtk);
  return {
    width: v.width,
    depth: v.depth,
    activation: v.activation,
    members: v.members,
    lr: v.lr,
    eta: th.eta || null,
    t: s.step,
    xTest: X_TEST,
    memberMean: s.snap && s.record ? finiteOrNull(memberMean(s.snap, s.record.divergedAt)) : null,
    ntkGpMean: finiteOrNull(band.mean),
    ntkGpSd: finiteOrNull(band.sd),
    trainLoss: s.snap && th.train.x.length > 0 ? Array.from(s.snap.loss, (l) => (l < DIVERGED ? l : null)) : null,
    theoryLoss: th.train.x.length > 0 && Number.isFinite(theoryLoss(th, s.step)) ? theoryLoss(th, s.step) : null,
    divergedAt: divergedStep(s.record, s.step),
    relWeightChange: sweep ? { widths: sweep.widths, change: sweep.change, slope: sweep.slope, steps: sweep.steps } : null,
    ntkError: errs ? errs.reduce((a, b) => a + b, 0) / errs.length : null,
    backend: backend || null,
  };
}
