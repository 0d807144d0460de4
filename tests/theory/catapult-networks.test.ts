/**
 * The catapult widget's networks (float32, createTwoLayer on the CPU backend, through the widget's
 * own startRun) against exact references: for one example the closed map (catapultMap, through the
 * widget's mapTrajectory), for several the float64 GD on u, v (twoLayerLinearGd) from the same
 * initialisation. Every network of the ensemble, not only network 0 (the others start from their own
 * f0, lambda0).
 *
 * Tolerance, per step t (absolute, for f; "before chaos sets in" is what the third term measures):
 *   3e-5 |f_t|  +  10 eps32 sqrt(n) lambda_t  +  10 |f_t(start nudged by 1e-6) - f_t|
 * float32 round-off of the update relative to f; the round-off floor of f = u.v/sqrt(n) itself
 * (eps32 sqrt(n) lambda / 2); and the reference's own sensitivity to a 1e-6 relative change of its
 * start, measured (a catapult amplifies any round-off by its own growth). lambda: 3e-5 relative plus
 * 10x its sensitivity. After a network is flagged as diverged only "diverged" is compared: the
 * reference must be past eta lambda = 1e6 / 10 by then.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getCompute, type Compute } from '../../src/compute/index.ts';
import { catapultMap, twoLayerLinearGd } from '../../src/math/index.ts';
import { defaults } from '../../widgets/core/params.ts';
import { params } from '../../widgets/catapult/params.ts';
import { DIVERGED, examplesOf, initialWeights, startOf, startRun, type CatapultValues } from '../../widgets/catapult/model.ts';
import { report } from '../unit/math/_support.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

const base = defaults(params) as CatapultValues;
const EPS32 = 2 ** -24;

describe('the widget’s float32 networks against exact references', () => {
  let worst = 0;

  for (const eta of [1.2, 2.5, 3.2, 4.3]) {
    it(`one example, ηλ₀ = ${eta}: every network follows the closed map from its own start`, async () => {
      const v = { ...base, width: 1024, members: 4, steps: 60, eta };
      const T = v.steps;
      const run = await startRun(compute, v);
      await run.advanceAll(T);
      const ex = examplesOf(1);
      const etaAbs = eta / startOf(v.seed, v.width, ex, 0).lambda0;
      for (let b = 0; b < v.members; b++) {
        const st = startOf(v.seed, v.width, ex, b);
        const map = catapultMap({ f0: st.f0, lambda0: st.lambda0, eta: etaAbs, width: v.width, steps: T });
        const nudged = catapultMap({ f0: st.f0 * (1 + 1e-6), lambda0: st.lambda0, eta: etaAbs, width: v.width, steps: T });
        const flagged = run.history.divergedAt[b];
        for (let t = 0; t <= T; t++) {
          const f = run.history.r[b][t];
          const lambda = run.history.lambda[b][t];
          if (flagged >= 0 && t >= flagged) {
            expect(Math.abs(f)).toBe(Infinity);
            expect(!(map.lambda[t] * etaAbs < DIVERGED / 10), `network ${b} flagged at ${flagged}, map at step ${t}`).toBe(true);
            continue;
          }
          const tol = 3e-5 * Math.abs(map.f[t]) + 10 * EPS32 * Math.sqrt(v.width) * map.lambda[t] + 10 * Math.abs(nudged.f[t] - map.f[t]);
          const tolL = 3e-5 + (10 * Math.abs(nudged.lambda[t] - map.lambda[t])) / map.lambda[t];
          const ef = Math.abs(f - map.f[t]);
          const el = Math.abs(lambda - map.lambda[t]) / map.lambda[t];
          worst = Math.max(worst, ef / tol, el / tolL);
          expect(ef, `network ${b}, f at step ${t}: ${f} vs ${map.f[t]}`).toBeLessThan(tol);
          expect(el, `network ${b}, λ at step ${t}`).toBeLessThan(tolL);
        }
        if (eta > 4) expect(flagged, `network ${b}`).toBeGreaterThan(0);
        else expect(flagged).toBe(-1);
      }
      run.dispose();
    });
  }

  for (const eta of [1.5, 2.8]) {
    it(`five examples, ηλ₀ = ${eta}: every network follows float64 GD on (u, v) (twoLayerLinearGd)`, async () => {
      const v = { ...base, width: 256, members: 3, examples: 5, steps: 40, eta };
      const T = v.steps;
      const run = await startRun(compute, v);
      await run.advanceAll(T);
      const ex = examplesOf(5);
      const etaAbs = eta / startOf(v.seed, v.width, ex, 0).lambda0;
      for (let b = 0; b < v.members; b++) {
        const { u, v: w } = initialWeights(v.seed, v.width, b);
        const ref = twoLayerLinearGd({ u0: Array.from(u), v0: Array.from(w), xs: ex.xs, ys: ex.ys, eta: etaAbs, steps: T });
        const nudged = twoLayerLinearGd({ u0: Array.from(u, (x) => x * (1 + 1e-6)), v0: Array.from(w), xs: ex.xs, ys: ex.ys, eta: etaAbs, steps: T });
        const r = (g: typeof ref, t: number) => g.f[t][0] / ex.xs[0] - ex.wStar;
        for (let t = 0; t <= T; t++) {
          const got = run.history.r[b][t];
          const want = r(ref, t);
          const tol = 3e-5 * Math.abs(want) + 10 * EPS32 * Math.sqrt(v.width) * ref.lambda[t] + 10 * Math.abs(r(nudged, t) - want);
          const tolL = 3e-5 + (10 * Math.abs(nudged.lambda[t] - ref.lambda[t])) / ref.lambda[t];
          worst = Math.max(worst, Math.abs(got - want) / tol);
          expect(Math.abs(got - want), `network ${b}, residual at step ${t}`).toBeLessThan(tol);
          expect(Math.abs(run.history.lambda[b][t] - ref.lambda[t]) / ref.lambda[t], `network ${b}, λ at step ${t}`).toBeLessThan(tolL);
          expect(Math.abs(run.history.loss[b][t] - ref.loss[t]) / ref.loss[t]).toBeLessThan(1e-3 + (10 * Math.abs(nudged.loss[t] - ref.loss[t])) / ref.loss[t]);
        }
      }
      run.dispose();
    });
  }

  it('reports the worst error / tolerance', () => {
    report('catapult widget networks vs exact references: worst error / tolerance', worst);
    expect(worst).toBeLessThan(1);
  });
});
