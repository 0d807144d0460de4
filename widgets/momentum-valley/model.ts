/**
 * The momentum valley widget's model, pure and float64: gradient descent and the heavy ball
 * (eq. sgd-heavy-ball, θ₋₁ = θ₀) on the valley R(θ) = ½θ₁² + (λ/2)θ₂² (eq. sgd-valley), their
 * exact per-step rates (src/math heavyBallRate: the spectral radius of the 2 × 2 iteration matrix
 * T_h, eq. sgd-iteration-matrix, for h = 1 and h = λ; the slower one governs), the measured rates
 * and the measured number of steps to a millionfold reduction, the contour ellipses, the text
 * summary and the readout.
 *
 * Gradient descent always runs at its best step 2/(1 + λ) (eq. sgd-gd-rate): it is the benchmark.
 * The heavy ball runs at the chosen (ε, α); α = 0 makes it gradient descent with step ε.
 */
import { heavyBallRate } from '../../src/math/index.ts';
import type { Values as ValuesOf } from '../core/params.ts';
import type { params } from './params.ts';

export type Values = ValuesOf<typeof params>;

/** The common start θ₀ of both methods (and θ₋₁ = θ₀: the heavy ball starts at rest). */
export const START: readonly [number, number] = [-3, 1];
/** The reduction the step counts measure: every coordinate below 10⁻⁶ of its start, for good. */
export const TOLERANCE = 1e-6;
/** Step counts are searched up to this many iterations (null beyond). */
export const COUNT_CAP = 1_000_000;
/** A path is no longer iterated once |θ| passes this multiple of |θ₀| (it diverges). */
export const ESCAPE = 1e100;
/** The paths are drawn while |θ| stays within this multiple of |θ₀|. */
export const DRAW_LIMIT = 6;

/** The optimal heavy-ball parameters for curvatures in [1, κ] (eq. sgd-momentum-rate). */
export function tunedParameters(lambda: number): { eps: number; alpha: number; rate: number } {
  const s = Math.sqrt(lambda);
  return { eps: 4 / (s + 1) ** 2, alpha: ((s - 1) / (s + 1)) ** 2, rate: (s - 1) / (s + 1) };
}

/** Gradient descent's best step 2/(1 + λ) (eq. sgd-gd-rate). */
export const gdStep = (lambda: number): number => 2 / (1 + lambda);

/** The heavy ball's stability limit on the steep direction: ε < 2(1 + α)/λ. */
export const stabilityLimit = (alpha: number, lambda: number): number => (2 * (1 + alpha)) / lambda;

export interface Rates {
  /** ρ(T_1) and ρ(T_λ). */
  flat: number;
  steep: number;
  /** The slower of the two: the asymptotic rate of |θ_k|. */
  rate: number;
}

/** Exact per-step rates of the heavy ball with (ε, α) on curvatures 1 and λ (α = 0: gradient descent). */
export function rates(eps: number, alpha: number, lambda: number): Rates {
  const flat = heavyBallRate({ epsilon: eps, alpha, curvature: 1 });
  const steep = heavyBallRate({ epsilon: eps, alpha, curvature: lambda });
  return { flat, steep, rate: Math.max(flat, steep) };
}

/**
 * Steps until one coordinate of curvature h, started at x₀ = x₋₁ = 1, stays at or below `tol` for
 * good: the smallest k with |x_j| ≤ tol for every j ≥ k. Found by iterating the recursion
 * x_{k+1} = (1 + α − εh) x_k − α x_{k−1} until both |x_k| and |x_{k−1}| are below tol/G, where
 * G = 4(1 + 1/(1 − ρ))(1 + |b| + α) bounds how far a convergent 2 × 2 recursion with rate ρ can
 * grow again from there (the Jordan-block hump is about 1/(e(1 − ρ))); G = 1 for α = 0, a scalar
 * recursion that only shrinks. Null when the rate is ≥ 1 or the count passes `cap`.
 */
export function stepsForCoordinate(eps: number, alpha: number, h: number, tol = TOLERANCE, cap = COUNT_CAP): number | null {
  const rho = heavyBallRate({ epsilon: eps, alpha, curvature: h });
  if (!(rho < 1)) return null;
  const b = 1 + alpha - eps * h;
  const growth = alpha === 0 ? 1 : 4 * (1 + 1 / (1 - rho)) * (1 + Math.abs(b) + alpha);
  const floor = tol / growth;
  let x = 1;
  let prev = 1;
  let last = 0; // the last k with |x_k| > tol
  for (let k = 1; k <= cap; k++) {
    const next = b * x - alpha * prev;
    prev = x;
    x = next;
    if (Math.abs(x) > tol) last = k;
    if (Math.abs(x) < floor && Math.abs(prev) < floor) return last + 1;
  }
  return null;
}

/**
 * Steps until every coordinate stays below 10⁻⁶ of its start: the larger of the two counts. Since
 * the coordinates evolve independently, after that many steps |θ_k| ≤ 10⁻⁶·|θ₀| from any start.
 */
export function stepsToTolerance(eps: number, alpha: number, lambda: number): { flat: number | null; steep: number | null; steps: number | null } {
  const flat = stepsForCoordinate(eps, alpha, 1);
  const steep = stepsForCoordinate(eps, alpha, lambda);
  return { flat, steep, steps: flat === null || steep === null ? null : Math.max(flat, steep) };
}

export interface Path {
  theta1: Float64Array;
  theta2: Float64Array;
  /** |θ_k| / |θ₀|, k = 0..length − 1. */
  ratio: Float64Array;
  /** Iterations actually run (≤ steps; fewer when the path passed ESCAPE). */
  length: number;
  /** The first step with |θ_k| > ESCAPE·|θ₀|, or null. */
  escapedAt: number | null;
}

/** The heavy-ball path (eq. sgd-heavy-ball) from START with θ₋₁ = θ₀, for `steps` steps. */
export function path(eps: number, alpha: number, lambda: number, steps: number): Path {
  const n = Math.max(0, Math.floor(steps));
  const theta1 = new Float64Array(n + 1);
  const theta2 = new Float64Array(n + 1);
  const ratio = new Float64Array(n + 1);
  const norm0 = Math.hypot(START[0], START[1]);
  let [x1, x2] = START;
  let [p1, p2] = START;
  theta1[0] = x1;
  theta2[0] = x2;
  ratio[0] = 1;
  const b1 = 1 + alpha - eps;
  const b2 = 1 + alpha - eps * lambda;
  let k = 1;
  let escapedAt: number | null = null;
  for (; k <= n; k++) {
    const n1 = b1 * x1 - alpha * p1;
    const n2 = b2 * x2 - alpha * p2;
    p1 = x1;
    p2 = x2;
    x1 = n1;
    x2 = n2;
    const r = Math.hypot(x1, x2) / norm0;
    if (!(r <= ESCAPE)) {
      escapedAt = k;
      break;
    }
    theta1[k] = x1;
    theta2[k] = x2;
    ratio[k] = r;
  }
  const length = k; // indices 0..k−1 are filled
  return { theta1: theta1.subarray(0, length), theta2: theta2.subarray(0, length), ratio: ratio.subarray(0, length), length, escapedAt };
}

/**
 * The measured per-step rate of |θ_k| over the second half of the drawn steps: the ratio of the
 * upper envelopes (the largest |θ_i| over a window of a tenth of the horizon) at K and at K/2,
 * to the power 1/(K − K/2). Steps after |θ_k| fell below 10⁻²⁸⁰·|θ₀| are left out (underflow).
 * 0 when the path lands exactly on the minimum; null with fewer than one step.
 */
export function measuredRate(p: Path): number | null {
  let K = p.length - 1;
  while (K > 0 && !(p.ratio[K] >= 1e-280)) K--;
  if (K < 1) return p.length > 1 ? 0 : null;
  const h = Math.floor(K / 2);
  const w = Math.max(1, Math.ceil(K / 10));
  const envelope = (j: number) => {
    let m = 0;
    for (let i = Math.max(0, j - w + 1); i <= j; i++) m = Math.max(m, p.ratio[i]);
    return m;
  };
  const top = envelope(K);
  const bottom = envelope(h);
  if (!(bottom > 0) || !(top >= 0)) return null;
  const r = (top / bottom) ** (1 / (K - h));
  return Number.isFinite(r) ? r : null;
}

export interface Method {
  eps: number;
  alpha: number;
  rates: Rates;
  measured: number | null;
  counts: { flat: number | null; steep: number | null; steps: number | null };
  path: Path;
  /** Rate ≥ 1: the method does not converge (> 1: it diverges). */
  diverges: boolean;
  stalls: boolean;
}

function method(eps: number, alpha: number, lambda: number, steps: number): Method {
  const r = rates(eps, alpha, lambda);
  const p = path(eps, alpha, lambda, steps);
  return { eps, alpha, rates: r, measured: measuredRate(p), counts: stepsToTolerance(eps, alpha, lambda), path: p, diverges: r.rate > 1, stalls: r.rate === 1 };
}

export interface Ellipse {
  level: number;
  x: Float64Array;
  y: Float64Array;
}

export interface Valley {
  v: Values;
  gd: Method;
  hb: Method;
  tuned: { eps: number; alpha: number; rate: number };
  limit: number;
  domain: { x: [number, number]; y: [number, number] };
  /** Drawable prefixes of the paths (inside DRAW_LIMIT·|θ₀|). */
  drawGd: { x: Float64Array; y: Float64Array };
  drawHb: { x: Float64Array; y: Float64Array };
  ellipses: Ellipse[];
  /** The error panel: k, the two |θ_k|/|θ₀| (NaN off the panel) and the rate lines r^k. */
  errors: { k: Float64Array; gd: Float64Array; hb: Float64Array; rateGd: Float64Array; rateHb: Float64Array; y: [number, number] };
}

function drawable(p: Path): { x: Float64Array; y: Float64Array } {
  let n = 0;
  while (n < p.length && p.ratio[n] <= DRAW_LIMIT) n++;
  return { x: p.theta1.subarray(0, n), y: p.theta2.subarray(0, n) };
}

const ELLIPSE_POINTS = 721;
const LEVELS = 9;

/** Contours R = R₀·4^(−j), j = 0..8, as ellipses, with points off the domain set to NaN (the line breaks there). */
function ellipses(lambda: number, domain: Valley['domain']): Ellipse[] {
  const r0 = 0.5 * START[0] ** 2 + 0.5 * lambda * START[1] ** 2;
  const out: Ellipse[] = [];
  for (let j = 0; j < LEVELS; j++) {
    const level = r0 * 4 ** -j;
    const a = Math.sqrt(2 * level);
    const b = Math.sqrt((2 * level) / lambda);
    const x = new Float64Array(ELLIPSE_POINTS);
    const y = new Float64Array(ELLIPSE_POINTS);
    for (let i = 0; i < ELLIPSE_POINTS; i++) {
      const t = (2 * Math.PI * i) / (ELLIPSE_POINTS - 1);
      const px = a * Math.cos(t);
      const py = b * Math.sin(t);
      const inside = px >= domain.x[0] && px <= domain.x[1] && py >= domain.y[0] && py <= domain.y[1];
      x[i] = inside ? px : Number.NaN;
      y[i] = inside ? py : Number.NaN;
    }
    out.push({ level, x, y });
  }
  return out;
}

/** Everything the view draws, from the validated values. */
export function valley(v: Values): Valley {
  const { lambda, eps, alpha, steps } = v;
  const gd = method(gdStep(lambda), 0, lambda, steps);
  const hb = method(eps, alpha, lambda, steps);
  const drawGd = drawable(gd.path);
  const drawHb = drawable(hb.path);
  // The domain: both drawn paths, the start and the minimum, padded; θ₂ symmetric about 0.
  let x0 = Math.min(START[0], 0);
  let x1 = Math.max(START[0], 0);
  let ym = Math.abs(START[1]);
  for (const d of [drawGd, drawHb]) {
    for (let i = 0; i < d.x.length; i++) {
      x0 = Math.min(x0, d.x[i]);
      x1 = Math.max(x1, d.x[i]);
      ym = Math.max(ym, Math.abs(d.y[i]));
    }
  }
  const pad = 0.08 * (x1 - x0);
  const domain = { x: [x0 - pad, x1 + pad] as [number, number], y: [-1.1 * ym, 1.1 * ym] as [number, number] };
  // Error panel: log scale from a floor below the smallest value shown (at most 10⁻¹²) to the top.
  const k = Float64Array.from({ length: steps + 1 }, (_, i) => i);
  let lo = 1;
  let hi = 1;
  for (const p of [gd.path, hb.path]) {
    for (let i = 0; i < p.length; i++) {
      if (p.ratio[i] > 0) lo = Math.min(lo, p.ratio[i]);
      hi = Math.max(hi, p.ratio[i]);
    }
  }
  const y: [number, number] = [Math.max(1e-12, Math.min(lo, TOLERANCE) / 3), Math.min(1e12, hi * 2)];
  const onPanel = (t: number) => (t >= y[0] && t <= y[1] ? t : Number.NaN);
  const series = (p: Path) => Float64Array.from({ length: steps + 1 }, (_, i) => (i < p.length ? onPanel(p.ratio[i]) : Number.NaN));
  const rateLine = (r: number) => Float64Array.from({ length: steps + 1 }, (_, i) => onPanel(r ** i));
  return {
    v,
    gd,
    hb,
    tuned: tunedParameters(lambda),
    limit: stabilityLimit(alpha, lambda),
    domain,
    drawGd,
    drawHb,
    ellipses: ellipses(lambda, domain),
    errors: { k, gd: series(gd.path), hb: series(hb.path), rateGd: rateLine(gd.rates.rate), rateHb: rateLine(hb.rates.rate), y },
  };
}

/** Tuned ε and α for a λ, rounded to the parameters' step (9 decimals). */
export function tunedValues(lambda: number): { eps: number; alpha: number } {
  const t = tunedParameters(lambda);
  return { eps: Number(t.eps.toFixed(9)), alpha: Number(t.alpha.toFixed(9)) };
}

// ---------------------------------------------------------------------------------------------
// Text and readout.

const fmt = (x: number, d = 3) => (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(2) : String(Number(x.toFixed(d))));
const rateText = (m: Method) => (m.rates.rate > 1e6 ? m.rates.rate.toExponential(2) : m.rates.rate.toFixed(3));

function describe(name: string, m: Method, limit: number): string {
  if (m.diverges) {
    const why = m.rates.steep > 1 && m.eps >= limit ? `: ε = ${fmt(m.eps, 4)} is past the stability limit 2(1 + α)/λ = ${fmt(limit, 4)}` : '';
    return `${name} diverges${why} (rate ${rateText(m)} > 1 per step${m.path.escapedAt !== null ? `; |θ| passed 10¹⁰⁰·|θ₀| at step ${m.path.escapedAt}` : ''}).`;
  }
  if (m.stalls) return `${name} does not converge: its rate is exactly 1, so the error never shrinks.`;
  const count = m.counts.steps === null ? `more than ${COUNT_CAP.toLocaleString('en-US')} steps` : `${m.counts.steps} step${m.counts.steps === 1 ? '' : 's'}`;
  const measured = m.measured === null ? '' : `; measured on the drawn path ${m.measured.toFixed(3)}`;
  return `${name} has rate ${rateText(m)} per step (exact spectral radius${measured}) and needs ${count} to shrink every coordinate a millionfold.`;
}

export function summarize(s: Valley): string {
  const { v, gd, hb } = s;
  const parts = [
    `Valley ½θ₁² + (λ/2)θ₂² with λ = ${fmt(v.lambda, 2)}, both methods from θ₀ = (${START.join(', ')}).`,
    describe(`Gradient descent at its best step 2/(1 + λ) = ${fmt(gd.eps, 4)}`, gd, s.limit),
    describe(`The heavy ball with ε = ${fmt(v.eps, 4)}, α = ${fmt(v.alpha, 3)}`, hb, s.limit),
  ];
  if (gd.counts.steps !== null && hb.counts.steps !== null && !hb.diverges) {
    const ratio = gd.counts.steps / hb.counts.steps;
    parts.push(ratio >= 1.05 ? `Momentum is ${ratio.toFixed(1)}× faster.` : ratio <= 0.95 ? `Momentum is ${(1 / ratio).toFixed(1)}× slower.` : 'The two take about as long.');
  }
  parts.push(`The tuned parameters for this λ are ε = ${fmt(s.tuned.eps, 4)}, α = ${fmt(s.tuned.alpha, 3)}, rate ${s.tuned.rate.toFixed(3)}.`);
  return parts.join(' ');
}

const finite = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
const pairs = (p: Path) => Array.from({ length: p.length }, (_, i) => [p.theta1[i], p.theta2[i]]);

/** The numbers the widget shows (window.infiniteWidth.readout; fields listed in README.md). */
export function readout(s: Valley) {
  return {
    lambda: s.v.lambda,
    eps: s.v.eps,
    alpha: s.v.alpha,
    steps: s.v.steps,
    epsGd: s.gd.eps,
    rateGd: finite(s.gd.rates.rate),
    rateHeavyBall: finite(s.hb.rates.rate),
    measuredGd: finite(s.gd.measured),
    measuredHeavyBall: finite(s.hb.measured),
    stepsGd: s.gd.counts.steps,
    stepsHeavyBall: s.hb.counts.steps,
    divergesHeavyBall: s.hb.diverges,
    pathGd: pairs(s.gd.path),
    pathHeavyBall: pairs(s.hb.path),
  };
}
