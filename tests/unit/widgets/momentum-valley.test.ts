/**
 * The momentum valley widget's model against independent computations: its rates against
 * heavyBallRate and against the eigenvalues of the 2 × 2 iteration matrix computed here (complex
 * quadratic formula from the matrix's trace and determinant, and Gelfand's ‖Tᵏ‖^(1/k)); its paths
 * against the velocity form of the heavy ball and the double-root closed form; the chapter's step
 * counts (95 and 321 for the tuned heavy ball, 691 and 6908 for gradient descent) with the
 * criterion "every coordinate, started at 1, stays at or below 10⁻⁶ for good"; divergence without
 * NaN.
 */
import { describe, expect, it } from 'vitest';
import { coerce, defaults, presetValues } from '../../../widgets/core/params.ts';
import { schema } from '../../../widgets/momentum-valley/params.ts';
import { gdStep, measuredRate, path, rates, readout, START, stepsForCoordinate, stepsToTolerance, summarize, tunedParameters, tunedValues, valley, type Values } from '../../../widgets/momentum-valley/model.ts';
import { heavyBallRate } from '../../../src/math/index.ts';
import { createRng } from '../../../src/compute/rng.ts';

const base = defaults(schema.params) as Values;
const preset = (name: string): Values => presetValues(schema, name) as Values;

/** The iteration matrix T_h of eq. sgd-iteration-matrix. */
const T = (eps: number, alpha: number, h: number) => [[1 + alpha - eps * h, -alpha], [1, 0]];

/** Spectral radius from the characteristic polynomial z² − tr·z + det, roots in complex arithmetic. */
function radiusByRoots(M: number[][]): number {
  const tr = M[0][0] + M[1][1];
  const det = M[0][0] * M[1][1] - M[0][1] * M[1][0];
  const disc = tr * tr - 4 * det;
  const [re, im] = disc >= 0 ? [Math.sqrt(disc), 0] : [0, Math.sqrt(-disc)];
  const z1 = Math.hypot((tr + re) / 2, im / 2);
  const z2 = Math.hypot((tr - re) / 2, -im / 2);
  return Math.max(z1, z2);
}

/** Gelfand's formula: ‖Tᵏ‖_F^(1/k) for large k (renormalised every step to stay finite). */
function radiusByPowers(M: number[][], k: number): number {
  let P = [[1, 0], [0, 1]];
  let logScale = 0;
  for (let i = 0; i < k; i++) {
    P = [[P[0][0] * M[0][0] + P[0][1] * M[1][0], P[0][0] * M[0][1] + P[0][1] * M[1][1]], [P[1][0] * M[0][0] + P[1][1] * M[1][0], P[1][0] * M[0][1] + P[1][1] * M[1][1]]];
    const n = Math.hypot(P[0][0], P[0][1], P[1][0], P[1][1]);
    logScale += Math.log(n);
    P = P.map((r) => r.map((x) => x / n));
  }
  return Math.exp(logScale / k);
}

/** Brute force: the first k from which |x_j| ≤ tol for all j up to `horizon` (x₀ = x₋₁ = 1). */
function bruteCount(eps: number, alpha: number, h: number, horizon: number, tol = 1e-6): number {
  let x = 1;
  let prev = 1;
  let last = 0;
  for (let k = 1; k <= horizon; k++) {
    const next = (1 + alpha - eps * h) * x - alpha * prev;
    prev = x;
    x = next;
    if (Math.abs(x) > tol) last = k;
  }
  return last + 1;
}

describe('momentum valley model', () => {
  it('the rates are heavyBallRate on curvatures 1 and λ, and the spectral radius of T_h computed two other ways', () => {
    const rng = createRng('momentum-valley-rates');
    for (let i = 0; i < 300; i++) {
      const lambda = Math.exp(rng.next() * Math.log(1000));
      const alpha = 0.999 * rng.next();
      const eps = Math.exp(Math.log(1e-4) + rng.next() * Math.log(4 / 1e-4));
      const r = rates(eps, alpha, lambda);
      expect(r.flat).toBe(heavyBallRate({ epsilon: eps, alpha, curvature: 1 }));
      expect(r.steep).toBe(heavyBallRate({ epsilon: eps, alpha, curvature: lambda }));
      expect(r.rate).toBe(Math.max(r.flat, r.steep));
      for (const [h, got] of [[1, r.flat], [lambda, r.steep]] as const) {
        const want = radiusByRoots(T(eps, alpha, h));
        // Near a double root the eigenvalue is that of a Jordan block: ~8 digits survive rounding.
        expect(Math.abs(got - want) / Math.max(1, want), `ε ${eps} α ${alpha} h ${h}`).toBeLessThan(1e-7);
      }
    }
    // Gelfand on a few cases, including a divergent one (loose: ‖Tᵏ‖^(1/k) approaches ρ like k^(1/k)).
    for (const [eps, alpha, h] of [[0.0330578, 0.6694215, 1], [0.0330578, 0.6694215, 100], [0.04, 0.6694, 100], [0.0198, 0, 100], [0.033, 0.95, 100]]) {
      expect(radiusByPowers(T(eps, alpha, h), 4000)).toBeCloseTo(heavyBallRate({ epsilon: eps, alpha, curvature: h }), 2);
    }
  });

  it('the tuned parameters are those of eq. sgd-momentum-rate, and put both curvatures on the band edges', () => {
    for (const lambda of [1, 4, 100, 1000]) {
      const t = tunedParameters(lambda);
      const s = Math.sqrt(lambda);
      expect(t.eps).toBeCloseTo(4 / (s + 1) ** 2, 14);
      expect(t.alpha).toBeCloseTo(((s - 1) / (s + 1)) ** 2, 14);
      expect(t.eps).toBeCloseTo((1 - Math.sqrt(t.alpha)) ** 2, 12); // lower band edge at h = 1
      expect(t.eps * lambda).toBeCloseTo((1 + Math.sqrt(t.alpha)) ** 2, 10); // upper band edge at h = λ
      expect(rates(t.eps, t.alpha, lambda).rate).toBeCloseTo(t.rate, 7);
    }
    expect(tunedValues(100)).toEqual({ eps: 0.033057851, alpha: 0.669421488 });
    expect(preset('tuned')).toMatchObject({ lambda: 100, ...tunedValues(100) });
    expect(preset('tuned-1000')).toMatchObject({ lambda: 1000, ...tunedValues(1000) });
    expect(base).toMatchObject(preset('tuned'));
  });

  it('reproduces the chapter’s counts: 95 and 321 steps for the tuned heavy ball, 691 and 6908 for gradient descent', () => {
    for (const [lambda, flat, steep, gd] of [[100, 83, 95, 691], [1000, 264, 321, 6908]]) {
      const t = tunedParameters(lambda);
      expect(stepsToTolerance(t.eps, t.alpha, lambda)).toEqual({ flat, steep, steps: steep });
      // The same with the parameters rounded to the widget's 9 decimals (the presets).
      const r = tunedValues(lambda);
      expect(stepsToTolerance(r.eps, r.alpha, lambda).steps).toBe(steep);
      // Against brute force over a long horizon, and against the double-root closed form.
      expect(bruteCount(t.eps, t.alpha, 1, 20_000)).toBe(flat);
      expect(bruteCount(t.eps, t.alpha, lambda, 20_000)).toBe(steep);
      expect(stepsToTolerance(gdStep(lambda), 0, lambda).steps).toBe(gd);
      expect(Math.ceil(Math.log(1e6) / Math.log((lambda + 1) / (lambda - 1)))).toBe(gd);
    }
    const v = valley(base);
    expect(readout(v)).toMatchObject({ stepsGd: 691, stepsHeavyBall: 95 });
    expect(readout(valley(preset('tuned-1000')))).toMatchObject({ stepsGd: 6908, stepsHeavyBall: 321 });
  });

  it('the count matches brute force on random convergent settings, and is null when the rate is ≥ 1', () => {
    const rng = createRng('momentum-valley-counts');
    for (let i = 0; i < 60; i++) {
      const alpha = rng.next() < 0.2 ? 0 : 0.999 * rng.next();
      const h = 1 + 99 * rng.next();
      const eps = ((0.2 + 1.6 * rng.next()) * (1 + alpha)) / h; // inside the stability range
      const got = stepsForCoordinate(eps, alpha, h);
      const want = bruteCount(eps, alpha, h, 60_000);
      expect(got, `ε ${eps} α ${alpha} h ${h}`).toBe(want);
    }
    expect(stepsForCoordinate(2 / 100, 0, 100)).toBeNull(); // |1 − εh| = 1
    expect(stepsForCoordinate(0.04, 0.669, 100)).toBeNull(); // diverges
  });

  it('the path is the velocity form v ← αv − ε∇R, θ ← θ + v from v₀ = 0, and the double-root closed form at the tuned parameters', () => {
    const t = tunedParameters(100);
    const p = path(t.eps, t.alpha, 100, 150);
    let th = [...START];
    let vel = [0, 0];
    for (let k = 1; k <= 150; k++) {
      vel = [t.alpha * vel[0] - t.eps * th[0], t.alpha * vel[1] - t.eps * 100 * th[1]];
      th = [th[0] + vel[0], th[1] + vel[1]];
      expect(p.theta1[k]).toBeCloseTo(th[0], 10);
      expect(p.theta2[k]).toBeCloseTo(th[1], 10);
      // x_k = (1 + (1 − z)k)·z^k·x₀ with z = r (flat) and z = −r (steep).
      const r = t.rate;
      expect(p.theta1[k] / START[0]).toBeCloseTo((1 + (1 - r) * k) * r ** k, 6);
      expect(p.theta2[k] / START[1]).toBeCloseTo((1 + (1 + r) * k) * (-r) ** k, 6);
    }
  });

  it('the measured rate approaches the exact one, and equals it for gradient descent at its best step', () => {
    const gd = valley(preset('gd-best'));
    expect(gd.gd.measured).toBeCloseTo(99 / 101, 12);
    expect(gd.hb.measured).toBeCloseTo(gd.hb.rates.rate, 7);
    const long = valley({ ...base, steps: 3000 });
    expect(Math.abs((long.hb.measured as number) / long.hb.rates.rate - 1)).toBeLessThan(0.01);
    const spiral = valley({ ...preset('too-much-momentum'), steps: 2000 });
    expect(spiral.hb.rates.rate).toBeCloseTo(Math.sqrt(0.95), 12);
    expect(Math.abs((spiral.hb.measured as number) / Math.sqrt(0.95) - 1)).toBeLessThan(0.01);
    expect(measuredRate(path(1, 0, 1, 5))).toBe(0); // lands on the minimum in one step
  });

  it('divergence is "diverges" with the rate > 1, no NaN or Infinity in the readout or the summary', () => {
    for (const v of [preset('too-large-step'), { ...base, lambda: 1000, eps: 4, alpha: 0.999, steps: 10000 }, { ...base, eps: 0.0002, alpha: 0, steps: 1 }]) {
      const s = valley(v);
      const r = readout(s);
      const json = JSON.stringify(r);
      expect(json).not.toMatch(/NaN|Infinity|undefined/);
      expect(JSON.parse(json)).toEqual(r);
      expect(summarize(s)).not.toMatch(/NaN|Infinity|undefined/);
      for (const k of ['x', 'y'] as const) for (const d of s.domain[k]) expect(Number.isFinite(d)).toBe(true);
      for (const d of s.errors.y) expect(Number.isFinite(d) && d > 0).toBe(true);
    }
    const s = valley(preset('too-large-step'));
    expect(s.hb.diverges).toBe(true);
    expect(readout(s).rateHeavyBall).toBeGreaterThan(1);
    expect(readout(s).stepsHeavyBall).toBeNull();
    expect(summarize(s)).toMatch(/heavy ball .*diverges: ε = 0\.04 is past the stability limit/);
    // A tiny step without momentum: the flat direction needs ln 10⁶ / −ln(1 − 10⁻⁴) steps.
    expect(readout(valley({ ...base, eps: 0.0001, alpha: 0 })).stepsHeavyBall).toBe(Math.ceil(Math.log(1e-6) / Math.log(1 - 1e-4)));
    expect(stepsForCoordinate(1e-5, 0, 1)).toBeNull(); // 1.38 million steps: past the cap
  });

  it('the 9-decimal parameters reach their maxima exactly (10⁹ steps: roundToStep needs relative slack)', () => {
    expect(coerce('alpha', schema.params.alpha, '0.999')).toEqual({ value: 0.999 });
    expect(coerce('alpha', schema.params.alpha, '2').value).toBe(0.999);
    expect(coerce('eps', schema.params.eps, '4')).toEqual({ value: 4 });
    expect(coerce('eps', schema.params.eps, '0.033057851')).toEqual({ value: 0.033057851 });
  });
});
