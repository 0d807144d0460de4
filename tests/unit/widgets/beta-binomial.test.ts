import { describe, it, expect } from 'vitest';
import { betaBinomial, countSequence, summarize as describeState } from '../../../widgets/beta-binomial/model.ts';
import { defaults } from '../../../widgets/core/params.ts';
import { params, presets } from '../../../widgets/beta-binomial/params.ts';

const base = defaults(params);

/** Simpson's rule on [0, 1] with the endpoints left out (integrable singularities allowed). */
function integrate(f: (x: number) => number, n = 20000): number {
  const h = 1 / n;
  let s = 0;
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}

describe('Beta–Binomial model', () => {
  it('reproduces the two slot machines of chapter 1: equal MAP, different posteriors', () => {
    const a = betaBinomial({ ...base, ...presets.machineA.values });
    const b = betaBinomial({ ...base, ...presets.machineB.values });
    expect(a.posterior).toEqual({ a: 5, b: 3 });
    expect(b.posterior).toEqual({ a: 83, b: 42 });
    expect(a.map).toBeCloseTo(2 / 3, 14);
    expect(b.map).toBeCloseTo(2 / 3, 14);
    expect(a.sd).toBeCloseTo(Math.sqrt((5 * 3) / (64 * 9)), 14);
    expect(b.sd).toBeCloseTo(Math.sqrt((83 * 42) / (125 * 125 * 126)), 14);
    expect(a.interval[0]).toBeCloseTo(0.2904, 4);
    expect(a.interval[1]).toBeCloseTo(0.901, 3);
    expect(b.interval[0]).toBeCloseTo(0.5792, 4);
    expect(b.interval[1]).toBeCloseTo(0.7438, 4);
  });

  it('matches the closed forms: MLE, MAP, posterior mean', () => {
    const s = betaBinomial({ ...base, alpha: 3.5, beta: 1.5, heads: 7, tails: 2 });
    expect(s.mle).toBeCloseTo(7 / 9, 15);
    expect(s.map).toBeCloseTo((7 + 3.5 - 1) / (9 + 3.5 + 1.5 - 2), 15);
    expect(s.mean).toBeCloseTo((7 + 3.5) / (9 + 3.5 + 1.5), 15);
  });

  it('the credible interval holds `level` of the posterior mass (numerical integration)', () => {
    for (const v of [
      { alpha: 2, beta: 2, heads: 3, tails: 1, level: 0.95 },
      { alpha: 0.5, beta: 0.5, heads: 0, tails: 1, level: 0.9 },
      { alpha: 1, beta: 1, heads: 30, tails: 10, level: 0.5 },
    ]) {
      const s = betaBinomial({ ...base, ...v });
      const [lo, hi] = s.interval;
      const { a, b } = s.posterior;
      const logB = lgammaRef(a) + lgammaRef(b) - lgammaRef(a + b);
      const dens = (x: number) => Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - logB);
      const inside = integrate((x) => (x >= lo && x <= hi ? dens(x) : 0), 200000);
      expect(inside).toBeCloseTo(v.level, 3);
    }
  });

  it('says where the mass piles up when there is no interior mode, and never returns NaN', () => {
    const s = betaBinomial({ ...base, alpha: 0.5, beta: 0.5, heads: 0, tails: 1 });
    expect(s.map).toBeNull();
    expect(s.mapNote).toMatch(/θ = 0/);
    expect(s.mle).toBe(0);
    for (const c of [s.prior, s.posteriorCurve]) for (const y of c.y) expect(Number.isFinite(y)).toBe(true);
    expect(Number.isFinite(s.yMax)).toBe(true);
    const flat = betaBinomial({ ...base, alpha: 1, beta: 1, heads: 0, tails: 0 });
    expect(flat.mle).toBeNull();
    expect(flat.mapNote).toMatch(/flat/);
  });

  it('describes its state in text', () => {
    const text = describeState(betaBinomial({ ...base, ...presets.machineA.values }));
    expect(text).toContain('posterior Beta(5, 3)');
    expect(text).toContain('MAP 0.667');
    expect(text).toContain('95% credible interval 0.290 to 0.901');
  });

  it('counts typed sequences', () => {
    expect(countSequence('HhT t x<>H')).toEqual({ heads: 3, tails: 2 });
  });
});

/** Independent log-gamma (Stirling series with shift), for the reference density above. */
function lgammaRef(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= Math.log(x);
    x += 1;
  }
  const x2 = 1 / (x * x);
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 / 1680))) / x;
}
