/**
 * The Beta–Binomial model of chapter 1, with no DOM: prior Beta(α, β), data n_H heads and n_T
 * tails, posterior Beta(α + n_H, β + n_T) (eq. beta-binomial-posterior), the point estimates MLE,
 * MAP and posterior mean, and an equal-tailed credible interval. All exact, from src/math/beta.ts.
 */
import { betaPdf, betaSummary } from '../../src/math/beta.ts';
import type { Values } from '../core/params.ts';
import type { params } from './params.ts';

export type BetaBinomialValues = Values<typeof params>;

export interface Curve {
  x: number[];
  y: number[];
}

export interface BetaBinomialState {
  alpha: number;
  beta: number;
  heads: number;
  tails: number;
  n: number;
  posterior: { a: number; b: number };
  mle: number | null;
  /** Posterior mode; null when it is not interior (then `mapNote` says where the mass piles up). */
  map: number | null;
  mapNote: string;
  mean: number;
  sd: number;
  interval: [number, number];
  level: number;
  prior: Curve;
  likelihood: Curve | null;
  posteriorCurve: Curve;
  /** Top of the y axis: the largest finite density shown, capped so a divergent endpoint does not flatten the plot. */
  yMax: number;
}

const GRID = 300;

function curve(a: number, b: number): Curve {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i <= GRID; i++) {
    // Stay off the endpoints, where a density with a or b below 1 is infinite.
    const t = 0.0005 + (0.999 * i) / GRID;
    x.push(t);
    y.push(betaPdf(t, a, b));
  }
  return { x, y };
}

export function betaBinomial(v: BetaBinomialValues): BetaBinomialState {
  const { alpha, beta, heads, tails, level } = v;
  const n = heads + tails;
  const a = alpha + heads;
  const b = beta + tails;
  const s = betaSummary(a, b, level);
  let mapNote = '';
  if (s.mode === null) {
    if (a <= 1 && b <= 1) mapNote = a === 1 && b === 1 ? 'flat posterior: every θ is a mode' : 'no interior mode: the posterior piles up at both ends';
    else mapNote = a <= 1 ? 'the posterior is largest at θ = 0' : 'the posterior is largest at θ = 1';
  }
  const prior = curve(alpha, beta);
  const likelihood = n > 0 ? curve(heads + 1, tails + 1) : null; // normalised: Beta(n_H + 1, n_T + 1)
  const posteriorCurve = curve(a, b);
  const peak = (c: Curve | null) => (c ? Math.max(...c.y.filter(Number.isFinite)) : 0);
  const postPeak = peak(posteriorCurve);
  // Let the prior and likelihood set the scale unless they dwarf the posterior (then cap at 3×).
  const yMax = Math.max(postPeak, Math.min(Math.max(peak(prior), peak(likelihood)), 3 * postPeak), 1) * 1.08;
  return {
    alpha,
    beta,
    heads,
    tails,
    n,
    posterior: { a, b },
    mle: n > 0 ? heads / n : null,
    map: s.mode,
    mapNote,
    mean: s.mean,
    sd: s.sd,
    interval: s.interval,
    level,
    prior,
    likelihood,
    posteriorCurve,
    yMax,
  };
}

const f3 = (x: number) => x.toFixed(3);

/** The live text description (aria-live): what the figure shows, in one or two sentences. */
export function summarize(s: BetaBinomialState): string {
  const data = s.n === 0 ? 'no flips yet' : `${s.heads} head${s.heads === 1 ? '' : 's'} and ${s.tails} tail${s.tails === 1 ? '' : 's'}`;
  const parts = [
    `Prior Beta(${s.alpha}, ${s.beta}), ${data}: posterior Beta(${s.posterior.a}, ${s.posterior.b}). `,
    `Posterior mean ${f3(s.mean)}, standard deviation ${f3(s.sd)}`,
    s.map !== null ? `, MAP ${f3(s.map)}` : `, MAP: ${s.mapNote}`,
    s.mle !== null ? `, MLE ${f3(s.mle)}` : '',
    `; ${Math.round(s.level * 100)}% credible interval ${f3(s.interval[0])} to ${f3(s.interval[1])}.`,
  ];
  return parts.join('');
}

/** Counts from a typed sequence of H/T (case-insensitive); other characters are ignored. */
export function countSequence(text: string): { heads: number; tails: number } {
  let heads = 0;
  let tails = 0;
  for (const ch of text.slice(0, 10_000)) {
    if (ch === 'H' || ch === 'h') heads++;
    else if (ch === 'T' || ch === 't') tails++;
  }
  return { heads, tails };
}

/** The part of the posterior curve inside the credible interval: the shaded band (from 0 up to the density). */
export function intervalBand(s: BetaBinomialState): { x: number[]; lo: number[]; hi: number[] } {
  const c = s.posteriorCurve;
  const [lo, hi] = s.interval;
  const idx = c.x.map((_, i) => i).filter((i) => c.x[i] >= lo && c.x[i] <= hi);
  return { x: idx.map((i) => c.x[i]), lo: idx.map(() => 0), hi: idx.map((i) => c.y[i]) };
}

/** The numbers the widget shows (window.infiniteWidth.readout; fields listed in README.md). */
export function readout(s: BetaBinomialState): Record<string, unknown> {
  return { alpha: s.alpha, beta: s.beta, heads: s.heads, tails: s.tails, posterior: s.posterior, mean: s.mean, sd: s.sd, map: s.map, mle: s.mle, level: s.level, interval: s.interval };
}
