/**
 * The Beta distribution in float64: log-gamma, log-Beta, density, the regularised incomplete Beta
 * function I_x(a, b) and its inverse (quantiles). Used by the Beta–Binomial widget and the static
 * figures of chapter 1. Written by hand: no maintained JS library offers an accurate, dependency-free
 * incomplete Beta with a quantile (jStat's is accurate to ~1e-8 and pulls in the whole package).
 */

function checkShape(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${name} must be a finite number > 0 (received ${String(v)})`);
  }
}

function checkUnit(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new RangeError(`${name} must be a number in [0, 1] (received ${String(v)})`);
  }
}

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): ~15 significant digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  checkShape('x', x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). */
export function logBeta(a: number, b: number): number {
  checkShape('a', a);
  checkShape('b', b);
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Density of Beta(a, b) at x ∈ [0, 1]; +Infinity at an endpoint where the density diverges. */
export function betaPdf(x: number, a: number, b: number): number {
  checkUnit('x', x);
  checkShape('a', a);
  checkShape('b', b);
  if (x === 0) return a < 1 ? Infinity : a === 1 ? Math.exp(-logBeta(a, b)) : 0;
  if (x === 1) return b < 1 ? Infinity : b === 1 ? Math.exp(-logBeta(a, b)) : 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/** Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  return h; // converged to working precision long before for the parameter ranges used here
}

/** The regularised incomplete Beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  checkUnit('x', x);
  checkShape('a', a);
  checkShape('b', b);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by safeguarded Newton on bisection. */
export function betaQuantile(p: number, a: number, b: number): number {
  checkUnit('p', p);
  checkShape('a', a);
  checkShape('b', b);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 200; i++) {
    const f = betaCdf(x, a, b) - p;
    if (Math.abs(f) < 1e-14) return x;
    if (f < 0) lo = x;
    else hi = x;
    const dens = betaPdf(x, a, b);
    let next = dens > 0 && Number.isFinite(dens) ? x - f / dens : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) < 1e-15) return next;
    x = next;
  }
  return x;
}

export interface BetaSummary {
  mean: number;
  variance: number;
  sd: number;
  /** The mode, or null when the density has no interior maximum (a ≤ 1 or b ≤ 1). */
  mode: number | null;
  /** Equal-tailed credible interval at `level`. */
  interval: [number, number];
}

/** Mean, variance, mode and the equal-tailed `level` interval of Beta(a, b). */
export function betaSummary(a: number, b: number, level = 0.95): BetaSummary {
  checkShape('a', a);
  checkShape('b', b);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (received ${String(level)})`);
  const s = a + b;
  const mean = a / s;
  const variance = (a * b) / (s * s * (s + 1));
  const mode = a > 1 && b > 1 ? (a - 1) / (s - 2) : null;
  const tail = (1 - level) / 2;
  return { mean, variance, sd: Math.sqrt(variance), mode, interval: [betaQuantile(tail, a, b), betaQuantile(1 - tail, a, b)] };
}
