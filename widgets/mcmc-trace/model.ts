/**
 * The MCMC trace widget's model, pure JS (no tfjs): a seeded random-walk Metropolis sampler
 * (eq. mh-acceptance with a symmetric Gaussian proposal) on the slot-machine posterior of
 * chapter 1, Beta(α + n_H, β + n_T) (eq. beta-binomial-posterior), known exactly (src/math/beta.ts);
 * the chain's acceptance rate, its autocorrelation (FFT, written here), the integrated
 * autocorrelation time τ by Geyer's initial monotone sequence estimator and the effective sample
 * size n/τ (eq. mcmc-ess); the text summary and the readout.
 */
import { betaPdf, betaSummary } from '../../src/math/beta.ts';
import { createRng } from '../../src/compute/rng.ts';
import type { Values as ValuesOf } from '../core/params.ts';
import type { params } from './params.ts';

export type Values = ValuesOf<typeof params>;

/** The chain's start θ₀ (deliberately off the bulk, so the burn-in shows in the trace). */
export const START = 0.05;
/** Lags shown in the autocorrelation panel and the readout. */
export const ACF_LAGS = 50;
/** Steps of the trace drawn after the burn-in. */
export const TRACE_AFTER = 1000;
/** At most this many points of the trace are drawn (every m-th beyond). */
export const TRACE_POINTS = 3000;

export interface Chain {
  /** θ_k, k = 0..burnin + steps (θ₀ = START). */
  theta: Float64Array;
  /** Accepted proposals among the kept steps (burnin + 1..burnin + steps). */
  accepted: number;
  /** Accepted proposals during the burn-in. */
  acceptedBurnin: number;
}

/**
 * Random-walk Metropolis on the density ∝ θ^(a−1)(1 − θ)^(b−1) on (0, 1): propose θ′ = θ + s·z,
 * z ~ N(0, 1) (rng.normal), accept when log u < log p̃(θ′) − log p̃(θ), u ~ U[0, 1) (rng.next);
 * a proposal outside (0, 1) has p̃ = 0 and is rejected (its uniform is still drawn, so the stream
 * does not depend on where the proposals land). Every step records the current θ.
 */
export function runChain(a: number, b: number, s: number, burnin: number, steps: number, seed: number): Chain {
  const rng = createRng(seed);
  const total = burnin + steps;
  const theta = new Float64Array(total + 1);
  const logp = (x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
  let x = START;
  let lp = logp(x);
  theta[0] = x;
  let accepted = 0;
  let acceptedBurnin = 0;
  for (let k = 1; k <= total; k++) {
    const y = x + s * rng.normal();
    const u = rng.next();
    if (y > 0 && y < 1) {
      const ly = logp(y);
      if (Math.log(u) < ly - lp) {
        x = y;
        lp = ly;
        if (k > burnin) accepted++;
        else acceptedBurnin++;
      }
    }
    theta[k] = x;
  }
  return { theta, accepted, acceptedBurnin };
}

// ---------------------------------------------------------------------------------------------
// Autocorrelation by FFT (radix 2, in place) and the integrated autocorrelation time.

function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
  // Twiddle factors e^(∓2πik/n), k < n/2, once; a stage of length len uses every (n/len)-th.
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = sign * Math.sin((2 * Math.PI * k) / n);
  }
  for (let len = 2; len <= n; len <<= 1) {
    const h = len >> 1;
    const stride = (n / len) | 0;
    for (let i = 0; i < n; i += len) {
      for (let j = 0, w = 0; j < h; j++, w += stride) {
        const p = i + j;
        const q = p + h;
        const cr = cos[w];
        const ci = sin[w];
        const ar = re[q] * cr - im[q] * ci;
        const ai = re[q] * ci + im[q] * cr;
        re[q] = re[p] - ar;
        im[q] = im[p] - ai;
        re[p] += ar;
        im[p] += ai;
      }
    }
  }
}

/**
 * The sample autocorrelation ρ_t = c_t/c_0 for t = 0..maxLag, with the usual (biased) estimator
 * c_t = (1/n) Σ_{i<n−t} (x_i − x̄)(x_{i+t} − x̄), computed by FFT with zero padding to ≥ 2n.
 * Null when the series is constant (c_0 = 0).
 */
export function autocorrelation(x: ArrayLike<number>, maxLag: number): Float64Array | null {
  const n = x.length;
  if (n < 2) return null;
  let mean = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    mean += x[i];
    lo = Math.min(lo, x[i]);
    hi = Math.max(hi, x[i]);
  }
  if (!(hi > lo)) return null; // constant (or not finite)
  mean /= n;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const c0 = re[0] / size;
  if (!(c0 > 0)) return null;
  const L = Math.min(maxLag, n - 1);
  const rho = new Float64Array(L + 1);
  for (let t = 0; t <= L; t++) rho[t] = re[t] / size / c0;
  return rho;
}

export interface Tau {
  /** τ = −1 + 2 Σ_{m=0}^{M} Γ_m, Γ_m = ρ_{2m} + ρ_{2m+1}. */
  tau: number;
  /** The last lag used (2M + 1). */
  window: number;
  /** The positive sequence did not end before the series did: τ is a lower bound. */
  truncated: boolean;
}

/**
 * Geyer's (1992) initial monotone sequence estimator of the integrated autocorrelation time
 * τ = 1 + 2 Σ_{t≥1} ρ_t: the pair sums Γ_m = ρ_{2m} + ρ_{2m+1} are summed while positive, each
 * replaced by the smallest so far (so the sequence is monotone), and τ = 2 Σ Γ_m − 1 (kept above
 * 10⁻⁹, so n/τ stays finite for an anticorrelated chain); null for a constant series.
 */
export function integratedTime(rho: Float64Array | null): Tau | null {
  if (!rho) return null;
  let sum = 0;
  let prev = Infinity;
  let m = 0;
  for (; 2 * m + 1 < rho.length; m++) {
    let g = rho[2 * m] + rho[2 * m + 1];
    if (!(g > 0)) break;
    if (g > prev) g = prev;
    prev = g;
    sum += g;
  }
  const truncated = 2 * m + 1 >= rho.length;
  const tau = Math.max(2 * sum - 1, 1e-9);
  return { tau, window: Math.max(1, 2 * m - 1), truncated };
}

// ---------------------------------------------------------------------------------------------
// The widget's state.

export interface Mcmc {
  v: Values;
  a: number;
  b: number;
  exact: { mean: number; sd: number };
  chain: Chain;
  /** θ_k after the burn-in (steps values). */
  kept: Float64Array;
  mean: number;
  sd: number;
  acceptance: number;
  /** ρ_1..ρ_50 (null if the chain never moved). */
  acf: Float64Array | null;
  tau: Tau | null;
  ess: number | null;
  /** Monte-Carlo standard error of the mean, sd/√ESS. */
  mcse: number | null;
  /** Drawn trace: k and θ_k for k = 0..min(total, burnin + TRACE_AFTER), thinned to TRACE_POINTS. */
  trace: { k: Float64Array; theta: Float64Array; end: number };
  density: { x: Float64Array; y: Float64Array };
  /** Top of the histogram's y axis: the density's peak inside [0.02, 0.98], ×1.15. */
  yMax: number;
}

const GRID = 300;

export function mcmc(v: Values): Mcmc {
  const a = v.alpha + v.heads;
  const b = v.beta + v.tails;
  const chain = runChain(a, b, v.proposal, v.burnin, v.steps, v.seed);
  const kept = chain.theta.subarray(v.burnin + 1);
  const n = kept.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += kept[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (kept[i] - mean) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, n - 1));
  // All lags up to n/2 for τ (FFT: the cost does not grow with the lag).
  const rhoAll = autocorrelation(kept, Math.floor(n / 2));
  const tau = integratedTime(rhoAll);
  const acf = rhoAll ? rhoAll.slice(1, ACF_LAGS + 1) : null;
  const ess = tau ? n / tau.tau : null;
  const s = betaSummary(a, b, 0.95);
  const end = Math.min(v.burnin + v.steps, v.burnin + TRACE_AFTER);
  const every = Math.max(1, Math.ceil((end + 1) / TRACE_POINTS));
  const count = Math.floor(end / every) + 1;
  const trace = { k: new Float64Array(count), theta: new Float64Array(count), end };
  for (let i = 0; i < count; i++) {
    trace.k[i] = i * every;
    trace.theta[i] = chain.theta[i * every];
  }
  const dx = new Float64Array(GRID + 1);
  const dy = new Float64Array(GRID + 1);
  let peak = 0;
  for (let i = 0; i <= GRID; i++) {
    const t = 0.0005 + (0.999 * i) / GRID;
    dx[i] = t;
    dy[i] = betaPdf(t, a, b);
    // The y axis follows the density away from the ends, where it diverges when a or b is below 1.
    if (t >= 0.02 && t <= 0.98 && Number.isFinite(dy[i])) peak = Math.max(peak, dy[i]);
  }
  return {
    v,
    a,
    b,
    exact: { mean: s.mean, sd: s.sd },
    chain,
    kept,
    mean,
    sd,
    acceptance: chain.accepted / v.steps,
    acf,
    tau,
    ess,
    mcse: ess ? sd / Math.sqrt(ess) : null,
    trace,
    density: { x: dx, y: dy },
    yMax: Math.max(peak, 1) * 1.15,
  };
}

// ---------------------------------------------------------------------------------------------
// Text and readout.

const f3 = (x: number) => x.toFixed(3);
const big = (x: number) => Math.round(x).toLocaleString('en-US');

export function summarize(m: Mcmc): string {
  const { v } = m;
  const parts = [
    `Random-walk Metropolis with proposal step ${v.proposal} on the posterior Beta(${Number(m.a.toFixed(1))}, ${Number(m.b.toFixed(1))}) (prior Beta(${v.alpha}, ${v.beta}), ${v.heads} wins, ${v.tails} losses), from θ₀ = ${START}: ${big(v.steps)} steps kept after ${big(v.burnin)} of burn-in, seed ${v.seed}.`,
    `${(100 * m.acceptance).toFixed(1)}% of the proposals were accepted.`,
  ];
  if (!m.tau || !m.acf || m.ess === null || m.mcse === null) {
    parts.push('The chain never moved after the burn-in, so its autocorrelation and effective sample size are undefined: make the step smaller.');
    parts.push(`It sits at θ = ${f3(m.mean)}, against the exact posterior mean ${f3(m.exact.mean)}.`);
    return parts.join(' ');
  }
  parts.push(`Sample mean ${f3(m.mean)} ± ${m.mcse.toFixed(4)} (Monte-Carlo standard error) and standard deviation ${f3(m.sd)}, against the exact ${f3(m.exact.mean)} and ${f3(m.exact.sd)}.`);
  parts.push(`Autocorrelation ${m.acf[0].toFixed(2)} at lag 1 and ${(m.acf[4] ?? 0).toFixed(2)} at lag 5; integrated autocorrelation time τ ≈ ${m.tau.tau < 10 ? m.tau.tau.toFixed(1) : big(m.tau.tau)} (Geyer's initial monotone sequence), so the chain is worth about ${big(m.ess)} independent draws.`);
  if (m.tau.truncated || v.steps < 50 * m.tau.tau) parts.push(`The chain is shorter than 50τ, so τ is probably underestimated: run more steps.`);
  return parts.join(' ');
}

/** The numbers the widget shows (window.infiniteWidth.readout; fields listed in README.md). */
export function readout(m: Mcmc) {
  const v = m.v;
  return {
    alpha: v.alpha,
    beta: v.beta,
    heads: v.heads,
    tails: v.tails,
    proposal: v.proposal,
    steps: v.steps,
    burnin: v.burnin,
    seed: v.seed,
    posterior: { a: m.a, b: m.b },
    exactMean: m.exact.mean,
    exactSd: m.exact.sd,
    mean: m.mean,
    sd: m.sd,
    acceptance: m.acceptance,
    acf: m.acf ? Array.from(m.acf) : null,
    tau: m.tau ? m.tau.tau : null,
    ess: m.ess,
    mcse: m.mcse,
  };
}
