/**
 * The MCMC trace widget's model against independent computations: the chain's mean and variance
 * against the exact Beta posterior within Monte-Carlo errors computed from the effective sample
 * size (several seeds and step sizes); the acceptance rate against the exact stationary acceptance
 * probability by quadrature, and monotone in the step size; the FFT autocorrelation against the
 * direct sum; Geyer's τ against the closed form (1 + φ)/(1 − φ) of an AR(1) series; seeding.
 */
import { describe, expect, it } from 'vitest';
import { defaults, presetValues } from '../../../widgets/core/params.ts';
import { schema } from '../../../widgets/mcmc-trace/params.ts';
import { autocorrelation, integratedTime, mcmc, readout, runChain, summarize, type Values } from '../../../widgets/mcmc-trace/model.ts';
import { betaPdf, betaSummary } from '../../../src/math/beta.ts';
import { createRng } from '../../../src/compute/rng.ts';

const base = defaults(schema.params) as Values;

/** The stationary acceptance probability ∫∫ p(θ) φ_s(θ′ − θ) min(1, p(θ′)/p(θ)) dθ′ dθ (midpoint rule, θ′ in (0, 1)). */
function exactAcceptance(a: number, b: number, s: number, n = 1200): number {
  const h = 1 / n;
  const p = Float64Array.from({ length: n }, (_, i) => betaPdf((i + 0.5) * h, a, b));
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = (j - i) * h;
      total += Math.min(p[i], p[j]) * Math.exp(-(d * d) / (2 * s * s));
    }
  }
  return (total * h * h) / (s * Math.sqrt(2 * Math.PI));
}

describe('MCMC trace model', () => {
  it('the defaults are machine A of chapter 1: Beta(2, 2) prior, 3 wins and 1 loss, posterior Beta(5, 3)', () => {
    const m = mcmc(base);
    expect([m.a, m.b]).toEqual([5, 3]);
    expect(m.exact.mean).toBeCloseTo(0.625, 12);
    expect(m.exact.sd).toBeCloseTo(Math.sqrt((5 * 3) / (64 * 9)), 12);
    expect(presetValues(schema, 'good-step')).toEqual(base);
  });

  it('mean and variance agree with the exact posterior within 4 Monte-Carlo standard errors from the ESS', () => {
    const cases: [Partial<Values>, number][] = [[{ proposal: 0.2 }, 1], [{ proposal: 0.2 }, 2], [{ proposal: 0.05 }, 3], [{ proposal: 2 }, 4], [{ heads: 81, tails: 40, proposal: 0.05 }, 5], [{ alpha: 0.5, beta: 0.5, heads: 0, tails: 3, proposal: 0.3 }, 6]];
    for (const [extra, seed] of cases) {
      const v = { ...base, ...extra, steps: 100_000, seed };
      const m = mcmc(v);
      const exact = betaSummary(m.a, m.b, 0.95);
      // The mean: SE = sd/√(n/τ).
      const zMean = (m.mean - exact.mean) / (m.mcse as number);
      expect(Math.abs(zMean), `${JSON.stringify(extra)} mean z`).toBeLessThan(4);
      // The variance: the mean of y = (θ − μ)², its SE from y's own τ.
      const y = Float64Array.from(m.kept, (t) => (t - exact.mean) ** 2);
      const ybar = y.reduce((s, t) => s + t, 0) / y.length;
      const ysd = Math.sqrt(y.reduce((s, t) => s + (t - ybar) ** 2, 0) / (y.length - 1));
      const tauY = integratedTime(autocorrelation(y, y.length / 2))!.tau;
      const zVar = (ybar - exact.sd ** 2) / (ysd / Math.sqrt(y.length / tauY));
      expect(Math.abs(zVar), `${JSON.stringify(extra)} variance z`).toBeLessThan(4);
      expect(m.sd).toBeCloseTo(exact.sd, 1);
    }
  });

  it('the acceptance rate matches the exact stationary acceptance by quadrature, and falls as the step grows', () => {
    const steps = [0.01, 0.03, 0.1, 0.3, 1, 3, 10];
    const measured = steps.map((proposal) => mcmc({ ...base, proposal, steps: 100_000, seed: 7 }).acceptance);
    for (let i = 1; i < steps.length; i++) expect(measured[i], `s = ${steps[i]}`).toBeLessThan(measured[i - 1]);
    for (const [i, s] of steps.entries()) {
      if (s < 0.1) continue; // tiny steps: quadrature would need a finer grid; monotonicity covers them
      const exact = exactAcceptance(5, 3, s);
      // Accept indicators are correlated; 0.01 is ≥ 5 binomial standard errors at n = 100,000 even with τ = 10.
      expect(Math.abs(measured[i] - exact), `s = ${s}: ${measured[i]} vs ${exact}`).toBeLessThan(0.01);
    }
    // The chapter's numbers: about 66% at s = 0.2, 91% at 0.05, 10% at 2.
    expect(exactAcceptance(5, 3, 0.2)).toBeCloseTo(0.66, 2);
  });

  it('the FFT autocorrelation equals the direct sum, and Geyer’s τ recovers an AR(1) series’ (1 + φ)/(1 − φ)', () => {
    const chain = runChain(5, 3, 0.2, 0, 5000, 11).theta;
    const rho = autocorrelation(chain, 60)!;
    const n = chain.length;
    const mean = chain.reduce((s, t) => s + t, 0) / n;
    let c0 = 0;
    for (let i = 0; i < n; i++) c0 += (chain[i] - mean) ** 2;
    for (const t of [0, 1, 2, 5, 17, 60]) {
      let ct = 0;
      for (let i = 0; i + t < n; i++) ct += (chain[i] - mean) * (chain[i + t] - mean);
      expect(rho[t]).toBeCloseTo(ct / c0, 12);
    }
    for (const phi of [0, 0.5, 0.9]) {
      const rng = createRng(`ar1-${phi}`);
      const x = new Float64Array(200_000);
      for (let i = 1; i < x.length; i++) x[i] = phi * x[i - 1] + rng.normal();
      const tau = integratedTime(autocorrelation(x, x.length / 2))!.tau;
      expect(Math.abs(tau / ((1 + phi) / (1 - phi)) - 1), `φ = ${phi}: τ = ${tau}`).toBeLessThan(0.08);
    }
    expect(autocorrelation(new Float64Array(100).fill(0.3), 10)).toBeNull();
  });

  it('a seed reproduces the chain exactly; another seed gives another chain', () => {
    const a = runChain(5, 3, 0.2, 100, 1000, 42).theta;
    const b = runChain(5, 3, 0.2, 100, 1000, 42).theta;
    const c = runChain(5, 3, 0.2, 100, 1000, 43).theta;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a[0]).toBe(0.05);
    for (const t of a) expect(t > 0 && t < 1).toBe(true);
  });

  it('a chain that never moves has no τ, says so, and still reads out without NaN', () => {
    const m = mcmc({ ...base, heads: 1000, tails: 0, proposal: 10, steps: 100, burnin: 0, seed: 3 });
    const r = readout(m);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    if (m.acf === null) {
      expect(r.tau).toBeNull();
      expect(summarize(m)).toMatch(/never moved/);
    }
    for (const name of Object.keys(schema.presets)) {
      const mm = mcmc(presetValues(schema, name) as Values);
      expect(JSON.stringify(readout(mm))).not.toMatch(/NaN|Infinity/);
      expect(summarize(mm)).not.toMatch(/NaN|Infinity|undefined/);
    }
  });
});
