/**
 * The GP bands widget's model: pure functions from the parameters to what the view draws — the
 * exact posterior (src/math gpPosterior, float64) on 400 test inputs, seeded posterior or prior
 * draws (gpSamples), the kernel matrix on the training inputs, hyperparameter fitting by gradient
 * ascent on the log marginal likelihood (gpLogMarginalLikelihoodGradient), and the finite-network
 * overlay's inputs and statistics (its networks are drawn by src/compute, see `overlay`).
 */
import { gpLogMarginalLikelihoodGradient, gpPosterior, gpSamples, kernelMatrix, type KernelSpec } from '../../src/math/index.ts';
import { createRng } from '../../src/compute/rng.ts';
import type { Compute } from '../../src/compute/index.ts';
import type { Grid } from '../ui/color.ts';
import type { Values as ValuesOf } from '../core/params.ts';
import { params } from './params.ts';

export type Values = ValuesOf<typeof params>;
export type KernelKind = 'rbf' | 'linear' | 'polynomial' | 'periodic' | 'nngp' | 'ntk';
type Act = 'relu' | 'erf' | 'tanh';
const kindOf = (v: Pick<Values, 'kernel'>): KernelKind => v.kernel as KernelKind;

export const X_RANGE: readonly [number, number] = [-5, 5];
/** The test inputs of the mean and the bands (and of the readout). */
export const TEST_POINTS = 400;
export const X_TEST: number[] = Array.from({ length: TEST_POINTS }, (_, i) => X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / (TEST_POINTS - 1));
/** The inputs the sampled functions are drawn at (their cost is cubic in this count). */
export const SAMPLE_POINTS = 101;
export const X_SAMPLE: number[] = Array.from({ length: SAMPLE_POINTS }, (_, i) => X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / (SAMPLE_POINTS - 1));

export const isNetwork = (kind: string): boolean => kind === 'nngp' || kind === 'ntk';

/** The kernel's hyperparameters, by public parameter name (what the readout calls `hyper`). */
export const HYPER: Record<KernelKind, readonly (keyof Values)[]> = {
  rbf: ['lengthscale', 'variance'],
  linear: ['variance', 'offset'],
  polynomial: ['variance', 'offset', 'degree'],
  periodic: ['lengthscale', 'variance', 'period'],
  nngp: ['activation', 'depth', 'sw2', 'sb2'],
  ntk: ['activation', 'depth', 'sw2', 'sb2'],
};

/** What "fit hyperparameters" moves: the real-valued hyperparameters and the noise. */
export const FITTED: Record<KernelKind, readonly FitKey[]> = {
  rbf: ['lengthscale', 'variance', 'noise'],
  linear: ['variance', 'offset', 'noise'],
  polynomial: ['variance', 'offset', 'noise'],
  periodic: ['lengthscale', 'variance', 'period', 'noise'],
  nngp: ['sw2', 'sb2', 'noise'],
  ntk: ['sw2', 'sb2', 'noise'],
};
export type FitKey = 'lengthscale' | 'variance' | 'period' | 'offset' | 'sw2' | 'sb2' | 'noise';
/** Public parameter name → the KernelSpec field (and 'noise') of the gradient. */
const MATH_KEY: Record<FitKey, string> = { lengthscale: 'lengthScale', variance: 'variance', period: 'period', offset: 'offset', sw2: 'sigmaW2', sb2: 'sigmaB2', noise: 'noise' };

export function kernelOf(v: Pick<Values, 'kernel' | 'lengthscale' | 'variance' | 'period' | 'degree' | 'offset' | 'activation' | 'depth' | 'sw2' | 'sb2'>): KernelSpec {
  const kind = kindOf(v);
  switch (kind) {
    case 'rbf':
      return { kind: 'rbf', lengthScale: v.lengthscale, variance: v.variance };
    case 'linear':
      return { kind: 'linear', variance: v.variance, offset: v.offset };
    case 'polynomial':
      return { kind: 'polynomial', variance: v.variance, offset: v.offset, degree: v.degree };
    case 'periodic':
      return { kind: 'periodic', lengthScale: v.lengthscale, variance: v.variance, period: v.period };
    default:
      return { kind, activation: v.activation as Act, depth: v.depth, sigmaW2: v.sw2, sigmaB2: v.sb2 };
  }
}

/** The NNGP kernel of the network the overlay samples (also for kernel = ntk: it is the prior of the outputs). */
export function nngpOf(v: Values): KernelSpec {
  return { kind: 'nngp', activation: v.activation as Act, depth: v.depth, sigmaW2: v.sw2, sigmaB2: v.sb2 };
}

export interface Train {
  x: number[][];
  y: number[];
}

export function trainOf(v: Values): Train {
  return { x: v.points.map((p) => [p[0]]), y: v.points.map((p) => p[1]) };
}

export interface Posterior {
  mean: number[];
  sd: number[];
  lo1: number[];
  hi1: number[];
  lo2: number[];
  hi2: number[];
  /** log p(y | X) (0 with no data); null in prior mode. */
  lml: number | null;
  /** Why nothing could be computed ('' when all is well). */
  error: string;
}

const band = (mean: number[], sd: number[], k: number) => [mean.map((m, i) => m - k * sd[i]), mean.map((m, i) => m + k * sd[i])];

/** The exact posterior (or prior) on X_TEST. Never throws: a failure is text in `error`, with a flat prior drawn. */
export function posterior(v: Values): Posterior {
  const t = trainOf(v);
  try {
    const r = gpPosterior({ xTrain: v.prior ? [] : t.x, yTrain: v.prior ? [] : t.y, xTest: X_TEST.map((x) => [x]), kernel: kernelOf(v), noise: v.noise });
    const sd = r.variance.map((s) => Math.sqrt(s));
    const [lo1, hi1] = band(r.mean, sd, 1);
    const [lo2, hi2] = band(r.mean, sd, 2);
    return { mean: r.mean, sd, lo1, hi1, lo2, hi2, lml: v.prior ? null : r.logMarginalLikelihood, error: '' };
  } catch (e) {
    const zero = X_TEST.map(() => 0);
    return { mean: zero, sd: zero, lo1: zero, hi1: zero, lo2: zero, hi2: zero, lml: null, error: (e as Error).message };
  }
}

/** `count` seeded draws on X_SAMPLE from the posterior (or the prior); [] on failure. */
export function samples(v: Values): number[][] {
  if (v.samples === 0) return [];
  const rng = createRng(v.seed);
  const normals = Float64Array.from({ length: v.samples * SAMPLE_POINTS }, () => rng.normal());
  const t = trainOf(v);
  try {
    return gpSamples({ xTrain: t.x, yTrain: t.y, xTest: X_SAMPLE.map((x) => [x]), kernel: kernelOf(v), noise: v.noise, prior: v.prior, normals, count: v.samples });
  } catch {
    return [];
  }
}

/** Indices of the points sorted by x (the heat maps' axis order). */
function byX(points: readonly (readonly number[])[]): number[] {
  return points.map((_, i) => i).sort((a, b) => points[a][0] - points[b][0] || a - b);
}

/** A square matrix as a heat-map grid, row i at the top for i = 0 (cells i, j over [0, n]²). */
export function matrixGrid(K: readonly (readonly number[])[]): Grid {
  const n = K.length;
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[i + n * j] = K[n - 1 - j][i];
  return { nx: n, ny: n, values, x: [0, Math.max(n, 1)], y: [0, Math.max(n, 1)] };
}

/** The kernel on the training inputs sorted by x (no noise): the prior covariance of f there. */
export function trainKernel(v: Values): number[][] {
  const order = byX(v.points);
  const x = order.map((i) => [v.points[i][0]]);
  if (x.length === 0) return [];
  try {
    return kernelMatrix(kernelOf(v), x, x);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Fitting the hyperparameters: gradient ascent on log p(y | X) in u = log(h + δ) (δ > 0 only for
// the parameters whose range starts at 0), with a normalised step that grows after an accepted
// step and halves after a refused one: each accepted step increases log p(y | X), and every
// value stays inside its slider's range and on its step grid.

export interface FitState {
  values: Partial<Values>;
  lml: number;
  /** The step in u, adapted. */
  step: number;
  /** No further improvement was found (or there is nothing to fit). */
  done: boolean;
}

const DELTA: Partial<Record<FitKey, number>> = { offset: 1e-2, sb2: 1e-2, noise: 1e-4 };

function clampToParam(key: FitKey, h: number): number {
  const spec = params[key];
  const lo = key === 'noise' ? 1e-4 : spec.min; // noise 0 has no log; the fit keeps a little
  const x = Math.min(spec.max, Math.max(lo, h));
  const k = Math.round((x - spec.min) / spec.step);
  return Number((spec.min + k * spec.step).toFixed(6));
}

/** log p(y | X) for these values, or −Infinity where the kernel matrix cannot be factored. */
export function logMarginal(v: Values): number {
  const t = trainOf(v);
  if (t.x.length === 0) return 0;
  try {
    return gpPosterior({ xTrain: t.x, yTrain: t.y, xTest: [], kernel: kernelOf(v), noise: v.noise }).logMarginalLikelihood;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

export function startFit(v: Values): FitState {
  const lml = logMarginal(v);
  return { values: {}, lml, step: 0.25, done: v.points.length === 0 || !Number.isFinite(lml) };
}

/** One accepted step (trying up to six step sizes), or done. */
export function fitStep(v: Values, state: FitState): FitState {
  if (state.done) return state;
  const t = trainOf(v);
  let gradient: Record<string, number>;
  try {
    gradient = gpLogMarginalLikelihoodGradient({ xTrain: t.x, yTrain: t.y, kernel: kernelOf(v), noise: v.noise }).gradient;
  } catch {
    return { ...state, done: true };
  }
  const keys = FITTED[kindOf(v)];
  // d/du = (h + δ) d/dh; the step is normalised by the largest component.
  const du = keys.map((k) => ((v[k] as number) + (DELTA[k] ?? 0)) * (gradient[MATH_KEY[k]] ?? 0));
  const top = Math.max(...du.map(Math.abs));
  if (!(top > 1e-9)) return { ...state, done: true };
  let step = state.step;
  for (let attempt = 0; attempt < 6; attempt++, step /= 2) {
    const next: Partial<Values> = {};
    let moved = false;
    keys.forEach((k, i) => {
      const h = v[k] as number;
      const d = DELTA[k] ?? 0;
      const value = clampToParam(k, Math.exp(Math.log(h + d) + (step * du[i]) / top) - d);
      (next as Record<string, number>)[k] = value;
      if (value !== h) moved = true;
    });
    if (!moved) break;
    const lml = logMarginal({ ...v, ...next });
    if (lml > state.lml + 1e-9) return { values: next, lml, step: Math.min(1, step * 1.5), done: false };
  }
  return { ...state, done: true };
}

// ---------------------------------------------------------------------------------------------
// Finite networks: S random networks of the chosen width with the kernel's depth, activation and
// σ's (src/compute sampleRandomNetworks), on the covariance inputs and on a grid for the lines.

/** Networks behind the empirical covariance (its Monte-Carlo relative error is about √(2/S)). */
export const OVERLAY_NETWORKS = 2000;
/** Networks drawn as lines. */
export const OVERLAY_LINES = 24;
export const OVERLAY_GRID: number[] = Array.from({ length: 41 }, (_, i) => X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / 40);
/** At most this many covariance inputs (the cost grows with their square). */
export const COVARIANCE_INPUTS = 12;
/** Inputs used when there are no training points. */
const PROBE = [-4, -2.5, -1, 0, 1, 2.5, 4];

/** The covariance inputs: the training inputs sorted by x (distinct, at most 12, evenly chosen), or a probe set. */
export function covarianceInputs(v: Values): number[] {
  const xs = [...new Set(byX(v.points).map((i) => v.points[i][0]))];
  if (xs.length === 0) return PROBE;
  if (xs.length <= COVARIANCE_INPUTS) return xs;
  return Array.from({ length: COVARIANCE_INPUTS }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (COVARIANCE_INPUTS - 1))]);
}

/** The overlay's job key: null when it is off (then no tensor code is loaded). */
export function overlayKey(v: Values): string | null {
  if (!isNetwork(v.kernel) || v.width === 0) return null;
  return JSON.stringify({ a: v.activation, d: v.depth, w: v.sw2, b: v.sb2, n: v.width, s: v.seed, x: covarianceInputs(v) });
}

export interface Overlay {
  width: number;
  networks: number;
  inputs: number[];
  /** OVERLAY_LINES functions on OVERLAY_GRID. */
  lines: Float64Array[];
  empirical: number[][];
  kernel: number[][];
  /** ‖K_emp − K‖_F / ‖K‖_F. */
  relError: number;
  /** The same ratio for the Monte-Carlo standard errors alone: the floor the error cannot go below at S networks. */
  mcFloor: number;
}

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

/** Runs the overlay for the parameters in `key` (overlayKey's JSON). */
export async function overlay(compute: Compute, key: string): Promise<Overlay> {
  const k = JSON.parse(key) as { a: Act; d: number; w: number; b: number; n: number; s: number; x: number[] };
  const { sampleRandomNetworks, empiricalCovariance } = await import('../../src/compute/index.ts');
  const spec = { inputDim: 1, depth: k.d, width: k.n, activation: k.a, sigmaW2: k.w, sigmaB2: k.b };
  // In the compute workers where there are any: a dragged slider must not wait for 2,000 networks.
  const cov = await sampleRandomNetworks(compute, { ...spec, networks: OVERLAY_NETWORKS, seed: `${k.s}:cov` }, k.x.map((x) => [x]), { background: true });
  const lines = await sampleRandomNetworks(compute, { ...spec, networks: OVERLAY_LINES, seed: `${k.s}:lines` }, OVERLAY_GRID.map((x) => [x]));
  const P = k.x.length;
  const G = OVERLAY_GRID.length;
  const emp = empiricalCovariance(cov.outputs, OVERLAY_NETWORKS, P);
  const kernel = kernelMatrix({ kind: 'nngp', activation: k.a, depth: k.d, sigmaW2: k.w, sigmaB2: k.b }, k.x.map((x) => [x]), k.x.map((x) => [x]));
  let den = 0;
  let se2 = 0;
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
    den += kernel[i][j] ** 2;
    se2 += emp.se[i][j] ** 2;
  }
  return {
    width: k.n,
    networks: OVERLAY_NETWORKS,
    inputs: k.x,
    lines: Array.from({ length: OVERLAY_LINES }, (_, s) => Float64Array.from(lines.outputs.subarray(s * G, (s + 1) * G))),
    empirical: emp.cov,
    kernel,
    relError: relativeError(emp.cov, kernel),
    mcFloor: den > 0 ? Math.sqrt(se2 / den) : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Text and readout.

const f3 = (x: number) => (Number.isInteger(x) && Math.abs(x) < 1e6 ? String(x) : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(3));

export function hyperOf(v: Values): Record<string, number | string> {
  return Object.fromEntries(HYPER[kindOf(v)].map((k) => [k, v[k] as number | string]));
}

export function kernelText(v: Values): string {
  const h = hyperOf(v);
  const parts = Object.entries(h).map(([k, x]) => `${k} ${typeof x === 'number' ? f3(x) : x}`);
  return `${params.kernel.options.find((o) => o.value === v.kernel)?.label ?? v.kernel} kernel (${parts.join(', ')})`;
}

export function summarize(v: Values, post: Posterior, ov: Overlay | null, fit: string): string {
  if (post.error) return `The ${kernelText(v)} could not be used: ${post.error}`;
  const n = v.points.length;
  const what = v.prior || n === 0 ? `the prior of the ${kernelText(v)}` : `the posterior of the ${kernelText(v)} given ${n} point${n === 1 ? '' : 's'} with noise variance ${f3(v.noise)}`;
  let widest = 0;
  for (let i = 1; i < TEST_POINTS; i++) if (post.sd[i] > post.sd[widest]) widest = i;
  const parts = [
    `Showing ${what}, with ${v.samples} sampled function${v.samples === 1 ? '' : 's'}.`,
    `The posterior standard deviation is largest at x = ${X_TEST[widest].toFixed(2)} (${f3(post.sd[widest])}) and ${n > 0 && !v.prior ? `smallest near the data (${f3(Math.min(...post.sd))})` : 'the same shape everywhere the kernel is stationary'}.`,
  ];
  if (post.lml !== null && n > 0) parts.push(`Log marginal likelihood ${post.lml.toFixed(3)}.`);
  if (fit) parts.push(fit);
  if (ov) parts.push(`${ov.networks} random networks of width ${ov.width}: their empirical covariance differs from the NNGP kernel by ${(100 * ov.relError).toFixed(1)} % (Frobenius; the Monte-Carlo floor is ${(100 * ov.mcFloor).toFixed(1)} %).`);
  return parts.join(' ');
}

export function readout(v: Values, post: Posterior, ov: Overlay | null) {
  return {
    kernel: v.kernel,
    hyper: hyperOf(v),
    noise: v.noise,
    points: v.points.map((p) => [p[0], p[1]]),
    xTest: X_TEST,
    mean: post.error ? null : post.mean,
    sd: post.error ? null : post.sd,
    logMarginalLikelihood: post.lml,
    width: v.width,
    covarianceError: ov ? ov.relError : null,
    prior: v.prior,
    error: post.error || null,
  };
}
