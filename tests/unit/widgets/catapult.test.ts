/**
 * The catapult widget's model: the examples, the initialisation (the same draws as the compute
 * module), the closed map against gradient descent on the network itself (float64, via
 * twoLayerLinearGd), the phases on a grid of learning rates, the run and the batched sweep on the
 * CPU backend, and a summary and readout that never show NaN or Infinity. (float32 networks against
 * the map, with a stated tolerance: tests/theory/catapult-networks.test.ts.)
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTwoLayer, getCompute, type Compute } from '../../../src/compute/index.ts';
import { catapultPhase, twoLayerLinearGd } from '../../../src/math/index.ts';
import { defaults, presetValues } from '../../../widgets/core/params.ts';
import { params, schema } from '../../../widgets/catapult/params.ts';
import {
  DIVERGED,
  SWEEP_MAX_WIDTH,
  baseOf,
  compareSweep,
  ensembleMean,
  examplesOf,
  fmt,
  initialWeights,
  mapSweep,
  mapTrajectory,
  readout,
  runSweep,
  seedString,
  startOf,
  startRun,
  summarize,
  sweepEtas,
  sweepFacts,
  sweepKey,
  theory,
  type CatapultValues,
} from '../../../widgets/catapult/model.ts';

const base = defaults(params) as CatapultValues;
let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

describe('catapult model: examples and initialisation', () => {
  it('one example is x = 1, y = 0; more are spread over [0.5, 1.5], scaled to mean x² = 1, with targets ±0.2 that no line through 0 fits', () => {
    expect(examplesOf(1)).toEqual({ xs: [1], ys: [0], sxx: 1, wStar: 0, floor: 0 });
    for (const m of [2, 3, 8, 64]) {
      const ex = examplesOf(m);
      expect(ex.xs.length).toBe(m);
      expect(ex.sxx).toBeCloseTo(1, 14);
      const ratio = ex.xs[m - 1] / ex.xs[0];
      expect(ratio).toBeCloseTo(3, 12); // evenly from 0.5 to 1.5, rescaled
      expect(ex.ys.map(Math.abs)).toEqual(new Array(m).fill(0.2));
      const sxy = ex.xs.reduce((s, x, a) => s + x * ex.ys[a], 0) / m;
      expect(ex.wStar).toBeCloseTo(sxy, 14);
      // the floor is the loss at w*, and it is the minimum
      const loss = (w: number) => ex.xs.reduce((s, x, a) => s + (w * x - ex.ys[a]) ** 2, 0) / (2 * m);
      expect(ex.floor).toBeCloseTo(loss(ex.wStar), 14);
      expect(ex.floor).toBeGreaterThan(0.01);
      expect(loss(ex.wStar + 1e-3)).toBeGreaterThan(ex.floor);
    }
  });

  it('draws exactly the weights createTwoLayer draws (every initialisation), so the map starts where network 0 does', () => {
    const width = 96;
    const ex = examplesOf(3);
    const net = createTwoLayer(compute, { rates: [0.1], seeds: 3, width, x: ex.xs, y: ex.ys, seed: seedString(7) });
    const { u, v } = net.parameters();
    net.dispose();
    for (let s = 0; s < 3; s++) {
      const w = initialWeights(7, width, s);
      expect(Array.from(w.u)).toEqual(Array.from(u.subarray(s * width, (s + 1) * width)));
      expect(Array.from(w.v)).toEqual(Array.from(v.subarray(s * width, (s + 1) * width)));
    }
    const st = startOf(7, width, ex);
    const w0 = initialWeights(7, width, 0);
    let uv = 0;
    let q = 0;
    for (let i = 0; i < width; i++) {
      uv += w0.u[i] * w0.v[i];
      q += w0.u[i] ** 2 + w0.v[i] ** 2;
    }
    expect(st.w0).toBe(uv / Math.sqrt(width));
    expect(st.f0).toBe(st.w0 - ex.wStar);
    expect(st.lambda0).toBeCloseTo(q / width, 14);
  });
});

describe('catapult model: the closed map is gradient descent on the network (float64)', () => {
  it('m = 1: GD on u, v (twoLayerLinearGd) equals the map to 1e-9 relative for 50 steps, lazy and catapult', () => {
    for (const width of [100, 1000]) {
      for (const eta of [0.5, 1.5, 1.95, 2.2, 2.5, 3, 3.5]) {
        const v = { ...base, width, eta, steps: 50 };
        const t = theory(v);
        const { u, v: w } = initialWeights(v.seed, width);
        const gd = twoLayerLinearGd({ u0: Array.from(u), v0: Array.from(w), xs: [1], ys: [0], eta: t.etaAbs, steps: 50 });
        expect(gd.f[0][0]).toBe(t.map.f[0]);
        expect(gd.lambda[0]).toBe(t.map.lambda[0]);
        for (let s = 0; s <= 50; s++) {
          const scale = Math.max(Math.abs(t.map.f[s]), 1e-3 * Math.abs(t.map.f[0]));
          expect(Math.abs(gd.f[s][0] - t.map.f[s]) / scale, `n = ${width}, ηλ₀ = ${eta}, f at step ${s}`).toBeLessThan(1e-9);
          expect(Math.abs(gd.lambda[s] - t.map.lambda[s]) / t.map.lambda[s], `λ at step ${s}`).toBeLessThan(1e-9);
          expect(Math.abs(gd.loss[s] - t.map.loss[s]) / Math.max(t.map.loss[s], 1e-6 * t.map.loss[0])).toBeLessThan(1e-8);
        }
      }
    }
  });

  it('m > 1: the network departs from the map (and ends on the loss floor), by less as the width grows', () => {
    const gap = (width: number) => {
      const v = { ...base, width, eta: 1.5, examples: 4, steps: 60 };
      const t = theory(v);
      const { u, v: w } = initialWeights(v.seed, width);
      const gd = twoLayerLinearGd({ u0: Array.from(u), v0: Array.from(w), xs: t.ex.xs, ys: t.ex.ys, eta: t.etaAbs, steps: 60 });
      expect(gd.loss[60]).toBeGreaterThan(t.ex.floor * 0.999);
      expect(gd.loss[60]).toBeLessThan(t.ex.floor * 1.01);
      expect(t.map.loss[60]).toBeLessThan(1e-6 * t.ex.floor); // the map has no floor
      let worst = 0;
      for (let s = 0; s <= 60; s++) worst = Math.max(worst, Math.abs(gd.lambda[s] - t.map.lambda[s]) / t.map.lambda[s]);
      return worst;
    };
    const g10 = gap(10);
    const g1000 = gap(1000);
    expect(g10).toBeGreaterThan(1e-4);
    expect(g1000).toBeLessThan(g10 / 5);
  });
});

/**
 * The lazy phase's relative fall of λ over T steps, to first order in 1/n: Σ_t η f_t²/n (4 − ηλ) with
 * f_t = f₀(1 − k)^t, i.e. f₀²(4 − k)(1 − (1 − k)^{2T})/(λ₀² n (2 − k)), k = ηλ₀ < 2.
 */
const lazyDrift = (f0: number, lambda0: number, n: number, k: number, T: number) => (f0 * f0 * (4 - k) * (1 - (1 - k) ** (2 * T))) / (lambda0 * lambda0 * n * (2 - k));

describe('catapult model: phases', () => {
  const grid = [0, 0.25, 0.5, 1, 1.5, 1.9, 2, 2.2, 2.5, 3, 3.5, 3.9, 4, 4.1, 4.5, 5, 6];
  const expected = (k: number) => (k < 2 ? 'lazy' : k < 4 ? 'catapult' : 'divergent');

  it('classifies every ηλ₀ of a grid by 2 and 4 (the boundaries belong to the phase above)', () => {
    for (const eta of grid) {
      const t = theory({ ...base, eta });
      expect(t.phase, `ηλ₀ = ${eta}`).toBe(expected(eta));
      expect(t.phase).toBe(catapultPhase(t.etaAbs, t.start.lambda0));
    }
  });

  it('and the map does what its phase says: lazy loss falls and λ stays; a catapult loss grows, λ ends below 2/η; divergent runs are flagged', () => {
    for (const width of [1000, 100000]) {
      for (const eta of grid) {
        if (eta === 2 || eta === 4) continue; // the boundaries are conventions (never-growing loss; bounded Chebyshev chaos)
        const v = { ...base, width, eta, steps: 300 };
        const t = theory(v);
        const m = t.map;
        const where = `n = ${width}, ηλ₀ = ${eta}`;
        if (t.phase === 'lazy') {
          for (let s = 0; s < 300; s++) expect(m.loss[s + 1], where).toBeLessThanOrEqual(m.loss[s]);
          // λ falls by O(f₀²/n): the linearised prediction, within a factor 1.5
          const drift = 1 - m.lambda[300] / m.lambda[0];
          const predicted = lazyDrift(t.start.f0, t.start.lambda0, width, eta, 300);
          expect(drift, where).toBeGreaterThanOrEqual(0);
          expect(drift, where).toBeLessThan(1.5 * predicted + 1e-12);
          if (predicted > 1e-6) expect(drift, where).toBeGreaterThan(0.5 * predicted);
          expect(m.divergedAt).toBe(-1);
        } else if (t.phase === 'catapult') {
          expect(m.divergedAt, where).toBe(-1);
          expect(Math.max(...m.loss), where).toBeGreaterThan(3 * m.loss[0]); // it first grows (by more the further past 2 and the wider)
          expect(m.lambda[300], where).toBeLessThan(2 / t.etaAbs);
          expect(m.loss[300], where).toBeLessThan(m.loss[0]);
        } else {
          expect(m.divergedAt, where).toBeGreaterThan(0);
          expect(m.lambda[m.divergedAt - 1] * t.etaAbs).toBeLessThan(DIVERGED);
          for (let s = m.divergedAt; s <= 300; s++) expect(Number.isNaN(m.f[s]) && Number.isNaN(m.lambda[s])).toBe(true);
        }
      }
    }
  });

  it('the map’s sweep: flat below 2, λ below 2/η from 2 to 4 (once the catapult is over), diverged above 4', () => {
    const t = theory({ ...base, steps: 300 });
    const s = t.sweep;
    expect(s.eta.length).toBe(256);
    expect(s.eta[0]).toBe(0);
    expect(s.eta[255]).toBe(5);
    s.eta.forEach((k, i) => {
      if (k < 1.9) expect(Math.abs(s.finalLambda[i] / s.lambda0 - 1)).toBeLessThan(1.5 * lazyDrift(t.sweepStart.f0, s.lambda0, s.width, k, 300) + 1e-12);
      else if (k > 2.05 && k < 4) expect(s.finalLambda[i]).toBeLessThan((2 * s.lambda0) / k);
      else if (k > 4) expect(s.divergedAt[i]).toBeGreaterThan(0);
    });
    const f = sweepFacts(s);
    expect(f.firstDiverged).toBeGreaterThan(4);
    expect(f.firstDiverged).toBeLessThan(4.04);
  });

  it('compared at other widths from the same start, the corner at ηλ₀ = 2 sharpens: λ’s drift just below 2 shrinks like 1/n', () => {
    const b = baseOf(base);
    const drift = (width: number) => {
      const s = compareSweep(b, width);
      return Math.max(...s.eta.map((k, i) => (k < 1.9 ? Math.abs(s.finalLambda[i] / s.lambda0 - 1) : 0)));
    };
    const d10 = drift(10);
    const d100 = drift(100);
    const d10k = drift(10000);
    expect(d10).toBeGreaterThan(5 * d100);
    expect(d100).toBeGreaterThan(50 * d10k);
    expect(d10 / d100).toBeGreaterThan(5);
    expect(d10 / d100).toBeLessThan(20);
  });
});

describe('catapult model: the networks on the compute module (CPU backend)', () => {
  it('a run records every step of every network, stops at the horizon, and a lost run replays bit for bit', async () => {
    const v = { ...base, width: 64, members: 3, steps: 20, eta: 3 };
    const run = await startRun(compute, v);
    expect(run.k).toBe(0);
    expect(run.history.k).toBe(0);
    await run.advance(7);
    const snap = await run.advance(5);
    expect(snap.k).toBe(12);
    expect(run.history.lambda.map((l) => l.length)).toEqual([13, 13, 13]);
    expect(await run.advanceAll(100)).toBe(8);
    expect(run.done()).toBe(true);
    expect(run.history.k).toBe(20);
    const again = await startRun(compute, v, { resume: run });
    expect(again.k).toBe(20);
    expect(again.history.r).toEqual(run.history.r);
    expect(again.history.lambda).toEqual(run.history.lambda);
    // network 0 starts where the map does
    const t = theory(v);
    expect(run.history.r[0][0]).toBeCloseTo(t.map.f[0], 5);
    expect(run.history.lambda[0][0] / t.map.lambda[0]).toBeCloseTo(1, 5);
    run.dispose();
    again.dispose();
    expect(compute.liveTensors()).toBeLessThan(5);
  });

  it('the sweep: one batched run of 256 rates; for one example it is the map’s sweep (to float32 where the map is not chaotic)', async () => {
    const v = { ...base, width: 1024, steps: 100 };
    const s = await runSweep(compute, v, { chunk: 30 });
    const map = mapSweep(startOf(v.seed, 1024, examplesOf(1)), 1024, 100);
    expect(s.eta).toEqual(sweepEtas());
    expect(s.width).toBe(1024);
    expect(s.lambda0 / map.lambda0).toBeCloseTo(1, 6);
    s.eta.forEach((k, i) => {
      if (k < 1.9) expect(Math.abs(s.finalLambda[i] / map.finalLambda[i] - 1), `ηλ₀ = ${k}`).toBeLessThan(1e-4);
      if (k > 2.3 && k < 2.9) expect(Math.abs(s.finalLambda[i] / map.finalLambda[i] - 1), `ηλ₀ = ${k}`).toBeLessThan(1e-2);
      if (k > 2.3 && k < 3.95) expect(s.finalLambda[i], `ηλ₀ = ${k}`).toBeLessThan((2 * s.lambda0) / k); // the catapult ends below 2/η
      if (k > 4.02) expect(s.divergedAt[i], `ηλ₀ = ${k}`).toBeGreaterThan(0);
      if (k < 3.95) expect(s.divergedAt[i], `ηλ₀ = ${k}`).toBe(-1);
      if (s.divergedAt[i] >= 0) expect(Number.isNaN(s.finalLambda[i]) && Number.isNaN(s.finalLoss[i])).toBe(true);
    });
    expect(compute.liveTensors()).toBeLessThan(5);
    // the sweep's width is capped; it does not depend on η or the number of networks
    const wide = { ...base, width: 100000 };
    expect(JSON.parse(sweepKey(wide)).width).toBe(SWEEP_MAX_WIDTH);
    expect(sweepKey({ ...base, eta: 4.5, members: 2 })).toBe(sweepKey(base));
    expect(sweepKey({ ...base, steps: 200 })).not.toBe(sweepKey(base));
  });
});

describe('catapult model: summary and readout', () => {
  const states: [string, CatapultValues][] = [['default', base], ...Object.keys(schema.presets).map((k) => [k, presetValues(schema, k) as CatapultValues] as [string, CatapultValues]), ['m = 5, divergent', { ...base, examples: 5, eta: 5.5 }], ['ηλ₀ = 0', { ...base, eta: 0 }]];
  for (const [name, v] of states) {
    it(`${name}: text and readout without NaN or Infinity; null after divergence`, async () => {
      const t = theory(v);
      const run = await startRun(compute, { ...v, width: Math.min(v.width, 2000), members: 2 });
      await run.advanceAll(v.steps);
      const s = await runSweep(compute, { ...v, width: 64 });
      const text = summarize(v, t, run.history, s);
      expect(text).not.toMatch(/NaN|Infinity|undefined/);
      const r = readout(v, t, run.history, s, 'cpu');
      const json = JSON.stringify(r);
      expect(json).not.toMatch(/NaN|Infinity/);
      expect(JSON.parse(json)).toEqual(r); // nothing JSON would turn into null silently
      expect(r.phase).toBe(t.phase);
      const f = r.f as (number | null)[];
      expect(f.length).toBe(v.steps + 1);
      if (t.map.divergedAt >= 0) {
        expect(r.divergedAt).toBe(t.map.divergedAt);
        expect(f.slice(t.map.divergedAt).every((x) => x === null)).toBe(true);
        expect(f.slice(0, t.map.divergedAt).every((x) => typeof x === 'number')).toBe(true);
        expect(text).toContain(`diverged at step ${t.map.divergedAt}`);
      } else expect(r.divergedAt).toBeNull();
      expect((r.sweep as { eta: number[] }).eta.length).toBe(256);
      run.dispose();
    });
  }

  it('names the phase and the 2/η comparison; with several examples, the loss floor', () => {
    const t = theory(base);
    const text = summarize(base, t, null, null);
    expect(text).toContain('catapult phase (2 ≤ ηλ₀ < 4)');
    expect(text).toMatch(/peak of \d/);
    expect(text).toMatch(/below 2\/η = \d/);
    const many = { ...base, examples: 6 };
    expect(summarize(many, theory(many), null, null)).toContain(`L* = ${fmt(examplesOf(6).floor)}`);
    expect(summarize({ ...base, eta: 1 }, theory({ ...base, eta: 1 }), null, null)).toContain('lazy phase');
  });

  it('the ensemble mean is unbounded (NaN, drawn as a gap) once any network diverged; fmt never writes NaN or Infinity', () => {
    expect(ensembleMean([[1, 2, 3], [3, 4, Infinity]])).toEqual([2, 3, Number.NaN]);
    expect(ensembleMean([])).toEqual([]);
    for (const x of [Number.NaN, Infinity, -Infinity]) expect(fmt(x)).toBe('unbounded');
    expect(fmt(0)).toBe('0');
    expect(fmt(1234567)).toBe('1.23e6');
    expect(fmt(0.5)).toBe('0.5');
  });

  it('the map trajectory is cut at ηλ >= 1e6, the compute module’s flag', () => {
    const st = startOf(1, 1000, examplesOf(1));
    const m = mapTrajectory(st, 4.5 / st.lambda0, 1000, 100);
    expect(m.divergedAt).toBeGreaterThan(0);
    expect((4.5 / st.lambda0) * m.lambda[m.divergedAt - 1]).toBeLessThan(DIVERGED);
  });
});
