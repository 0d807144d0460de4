import { describe, it, expect, beforeAll } from 'vitest';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { getCompute, type Compute } from '../../../src/compute/index.ts';
import { defaults } from '../../../widgets/core/params.ts';
import { params, presets } from '../../../widgets/sgd-variance/params.ts';
import { makeData, theory, startRun, summarize as describeRun, type SgdValues } from '../../../widgets/sgd-variance/model.ts';
import { coerce, formatPoints, writeQuery } from '../../../widgets/core/params.ts';

const base = defaults(params) as SgdValues;
let compute: Compute;

beforeAll(async () => {
  compute = await getCompute({ backends: ['cpu'] });
});

describe('SGD variance model', () => {
  it('makes the lecture’s data: N points with mean 0 and population variance 1, reproducible from the seed', () => {
    const d = makeData(20, 7);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const v = d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length;
    expect(mean).toBeCloseTo(0, 12);
    expect(v).toBeCloseTo(1, 12);
    expect(makeData(20, 7)).toEqual(d);
    expect(makeData(20, 8)).not.toEqual(d);
  });

  it('theory: E θ_k² = (1−ε)^{2k} θ0² + ε/(2−ε)(1 − (1−ε)^{2k}) for constant ε, M = 1 (the lecture’s formula)', () => {
    for (const eps of [0.5, 0.1]) {
      const v = { ...base, eps, theta0: 3, steps: 60 };
      const t = theory(v, makeData(v.n, v.seed));
      for (const k of [0, 1, 5, 20, 60]) {
        const q = (1 - eps) ** (2 * k);
        expect(t.second[k]).toBeCloseTo(q * 9 + (eps / (2 - eps)) * (1 - q), 10);
      }
      expect(t.stationary).toBeCloseTo(eps / (2 - eps), 12);
    }
  });

  it('theory: a minibatch of M divides the stationary variance by M; decaying steps have none; ε just below 2 is still stable, ε ≥ 2 is not', () => {
    const d = makeData(base.n, base.seed);
    expect(theory({ ...base, ...presets.largeBatch.values }, d).stationary).toBeCloseTo(0.5 / 1.5 / 16, 12);
    expect(theory({ ...base, ...presets.decaying.values }, d).stationary).toBeNull();
    const wild = theory({ ...base, eps: 1.99, momentum: 0, steps: 50 }, d);
    expect(wild.unstable).toBe(false);
    expect(theory({ ...base, eps: 1.9, momentum: 0 }, d).stationary).toBeCloseTo(1.9 / 0.1, 8);
    // The params table stops at 1.99; the model itself reports ε = 2 (and beyond) as unstable.
    expect(theory({ ...base, eps: 2, momentum: 0, steps: 50 }, d).unstable).toBe(true);
    expect(theory({ ...base, eps: 2.5, momentum: 0, steps: 50 }, d).unstable).toBe(true);
  });

  // Simulation vs exact moments, within 3.5 standard errors, for each schedule and M = 1, 8.
  const cases: [string, Partial<SgdValues>][] = [
    ['constant, M = 1', { schedule: 'constant', eps: 0.5, batch: 1 }],
    ['constant, M = 8', { schedule: 'constant', eps: 0.5, batch: 8 }],
    ['1/(k+1), M = 1', { schedule: 'inverse', eps: 1, batch: 1 }],
    ['1/(k+1), M = 8', { schedule: 'inverse', eps: 1, batch: 8 }],
    ['1/(1+k/k0), M = 1', { schedule: 'inverse-k0', eps: 0.8, k0: 5, batch: 1 }],
    ['1/(1+k/k0), M = 8', { schedule: 'inverse-k0', eps: 0.8, k0: 5, batch: 8 }],
    ['momentum 0.5, M = 1', { schedule: 'constant', eps: 0.2, momentum: 0.5, batch: 1 }],
  ];
  for (const [name, over] of cases) {
    it(`K = 20 000 chains match the exact mean and variance: ${name}`, async () => {
      const v = { ...base, ...over, chains: 20_000, steps: 40, seed: 3 } as SgdValues;
      const data = makeData(v.n, v.seed);
      const t = theory(v, data);
      const run = await startRun(compute, v, data);
      try {
        run.advanceSync(v.steps);
        let worst = 0;
        for (const k of [1, 2, 5, 10, 20, 40]) {
          const r = run.history[k];
          expect(r.k).toBe(k);
          const se = Math.sqrt(t.variance[k] / v.chains);
          // Var of the sample variance of near-Gaussian values: 2σ⁴/(K−1).
          const seVar = t.variance[k] * Math.sqrt(2 / (v.chains - 1));
          worst = Math.max(worst, Math.abs(r.mean - t.mean[k]) / se, Math.abs(r.variance - t.variance[k]) / seVar);
        }
        expect(worst).toBeLessThan(3.5);
      } finally {
        run.chains.dispose();
      }
    });
  }

  it('records one history entry per step and states empirical vs theory in its summary', async () => {
    const v = { ...base, chains: 500, steps: 10 };
    const data = makeData(v.n, v.seed);
    const run = await startRun(compute, v, data, { sample: 100 });
    const snap = await run.advance(3);
    expect(snap.k).toBe(3);
    expect(snap.values.length).toBe(100);
    expect(run.history.map((h) => h.k)).toEqual([0, 3]);
    expect(run.advanceSync(100)).toBe(7);
    expect(run.done()).toBe(true);
    const text = describeRun(v, theory(v, data), run.history[run.history.length - 1]);
    expect(text).toMatch(/After 10 steps of 500 chains: empirical mean -?\d/);
    expect(text).toMatch(/theory mean .*variance/);
    run.chains.dispose();
    expect(compute.liveTensors()).toBeLessThan(5);
  });
});

describe('SGD data editing', () => {
  it('parses edited data strictly: finite numbers only (refused entries named), clamped to [−10, 10], at most 200, at least 2', async () => {
    const { dataOf } = await import('../../../widgets/sgd-variance/model.ts');
    const spec = params.data;
    expect(coerce('data', spec, '').value).toEqual([]);
    // One point is fewer than two: refused as a whole, with a notice.
    const one = coerce('data', spec, '1');
    expect(one.value).toEqual([]);
    expect(one.notice?.message).toMatch(/fewer than 2/);
    // The empty entry is refused (it used to become a point at 0), as are "abc" and 1e999; −50 is clamped.
    const mixed = coerce('data', spec, '1,,2,abc,1e999,-50,3.5');
    expect(mixed.value).toEqual([[1], [2], [-10], [3.5]]);
    expect(mixed.notice?.message).toMatch(/left out entry 2 \(""\).*entry 4 \("abc"\).*entry 5 \("1e999"\)/);
    expect(mixed.notice?.message).toMatch(/clamped entry 6 \(-50\)/);
    const long = coerce('data', spec, Array.from({ length: 500 }, (_, i) => i % 3).join(','));
    expect((long.value as unknown[]).length).toBe(200);
    expect(long.notice?.message).toMatch(/kept the first 200 of 500/);
    const v = { ...base, data: coerce('data', spec, '-2,-1,0,1,2.5').value } as SgdValues;
    const { data, edited } = dataOf(v);
    expect(edited).toBe(true);
    const t = theory(v, data);
    expect(t.dataMean).toBeCloseTo(0.1, 12);
    expect(t.dataVar).toBeCloseTo(2.44, 12);
    // The stationary variance uses the data's actual population variance.
    expect(t.stationary).toBeCloseTo((0.5 / 1.5) * 2.44, 12);
    // Three decimals go into the URL, as the same comma-separated text old links carry.
    expect(formatPoints(spec, coerce('data', spec, [0.12345, -1]).value as number[][])).toBe('0.123,-1');
    expect(writeQuery(params, { ...base, data: [[0.5], [1]] } as SgdValues, '', 'fig.')).toBe('?fig.data=0.5%2C1');
  });
});
