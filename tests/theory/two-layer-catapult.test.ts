/**
 * createTwoLayer (float32 GD on u, v in R^n, batched over learning rates; CPU backend) against the
 * float64 catapult map catapultMap (src/math), with one example x = 1, y = 0, from the same
 * initial (f0, lambda0) (computed in float64 from the float32 initial u, v).
 *
 * Tolerance, per step t (absolute, for f):
 *   3e-5 |f_t|  +  10 eps32 sqrt(n) lambda_t  +  10 |f_t(f0 (1 + 1e-6)) - f_t(f0)|
 * The first term is float32 round-off of the update relative to f (~1e-6, amplified at most
 * tenfold outside the catapult); the second is the round-off floor of f = u.v/sqrt(n) itself,
 * eps32 sum|u_i v_i|/sqrt(n) <= eps32 sqrt(n) lambda/2 (eps32 = 2^-24), which is all that is left
 * once a lazy run has decayed; the third is the map's own sensitivity to a 1e-6 relative change of
 * f0 (a catapult amplifies any round-off by its own growth; that part is measured, not assumed).
 * lambda: relative 3e-5 plus 10x its sensitivity. A run in each phase: lazy (eta = 1.2/lambda0),
 * catapult (3.2/lambda0, with the loss growing > 25x and lambda ending below 2/eta) and divergent
 * (4.3/lambda0, flagged, never NaN).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute } from '../../src/compute/index.ts';
import { createTwoLayer, getCompute, TWO_LAYER_DIVERGED } from '../../src/compute/index.ts';
import { catapultMap, catapultPhase } from '../../src/math/index.ts';
import { report } from '../unit/math/_support.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

describe('createTwoLayer with one example reproduces catapultMap (float32 vs float64)', () => {
  const n = 1024;
  const T = 80;
  let worst = 0;

  it('lazy, catapult and divergent runs in one batched computation', async () => {
    // The initial state, read back from the device.
    const probe = createTwoLayer(compute, { rates: [0], width: n, x: [1], y: [0], seed: 'catapult' });
    const { u, v } = probe.parameters();
    probe.dispose();
    let uu = 0;
    let vv = 0;
    let uv = 0;
    for (let i = 0; i < n; i++) {
      uu += u[i] * u[i];
      vv += v[i] * v[i];
      uv += u[i] * v[i];
    }
    const f0 = uv / Math.sqrt(n);
    const lambda0 = (uu + vv) / n;
    const factors = [1.2, 3.2, 4.3];
    const rates = factors.map((k) => k / lambda0);
    expect(rates.map((eta) => catapultPhase(eta, lambda0))).toEqual(['lazy', 'catapult', 'divergent']);

    const net = createTwoLayer(compute, { rates, width: n, x: [1], y: [0], seed: 'catapult' });
    const traj = await net.run(T);
    expect(traj.from).toBe(0);
    expect(traj.to).toBe(T);
    expect(net.step).toBe(T);
    const B = 3;
    for (let r = 0; r < B; r++) {
      const eta = rates[r];
      const map = catapultMap({ f0, lambda0, eta, width: n, steps: T });
      const nudged = catapultMap({ f0: f0 * (1 + 1e-6), lambda0, eta, width: n, steps: T });
      const flagged = traj.divergedAt[r];
      for (let t = 0; t <= T; t++) {
        const f = traj.f[t * B + r];
        const lambda = traj.lambda[t * B + r];
        const loss = traj.loss[t * B + r];
        expect(Number.isNaN(f) || Number.isNaN(lambda) || Number.isNaN(loss), `NaN at run ${r}, step ${t}`).toBe(false);
        if (flagged >= 0 && t >= flagged) {
          // Diverged: catapultMap's convention from here on.
          expect(Math.abs(f)).toBe(Infinity);
          expect(loss).toBe(Infinity);
          expect(lambda).toBe(Infinity);
          continue;
        }
        const tol = 3e-5 * Math.abs(map.f[t]) + 10 * 2 ** -24 * Math.sqrt(n) * map.lambda[t] + 10 * Math.abs(nudged.f[t] - map.f[t]);
        const sensL = Math.abs(nudged.lambda[t] - map.lambda[t]) / map.lambda[t];
        const ef = Math.abs(f - map.f[t]);
        const el = Math.abs(lambda - map.lambda[t]) / map.lambda[t];
        worst = Math.max(worst, ef / tol, el / (3e-5 + 10 * sensL));
        expect(ef, `f, run ${r}, step ${t}: ${f} vs ${map.f[t]}`).toBeLessThan(tol);
        expect(el, `lambda, run ${r}, step ${t}: ${lambda} vs ${map.lambda[t]}`).toBeLessThan(3e-5 + 10 * sensL);
        expect(loss).toBeCloseTo(0.5 * f * f, 10);
      }
    }
    // lazy: converges, lambda barely moves
    expect(traj.divergedAt[0]).toBe(-1);
    expect(Math.abs(traj.f[T * B])).toBeLessThan(1e-4 * Math.abs(f0));
    expect(Math.abs(traj.lambda[T * B] - lambda0) / lambda0).toBeLessThan(0.01);
    // catapult: the loss first grows a lot, lambda falls below 2/eta, then training converges
    expect(traj.divergedAt[1]).toBe(-1);
    const losses = Array.from({ length: T + 1 }, (_, t) => traj.loss[t * B + 1]);
    expect(Math.max(...losses)).toBeGreaterThan(25 * losses[0]);
    expect(traj.lambda[T * B + 1]).toBeLessThan(2 / rates[1]);
    expect(losses[T]).toBeLessThan(0.1 * losses[0]);
    for (let t = T - 10; t < T; t++) expect(losses[t + 1]).toBeLessThan(losses[t]); // converging (slowly: eta lambda is small now)
    // divergent: flagged once eta lambda passes the threshold, parameters frozen and finite
    const at = traj.divergedAt[2];
    expect(at).toBeGreaterThan(0);
    expect(traj.lambda[(at - 1) * B + 2] * rates[2]).toBeLessThan(TWO_LAYER_DIVERGED);
    const map = catapultMap({ f0, lambda0, eta: rates[2], width: n, steps: T });
    expect(map.lambda[at] * rates[2]).toBeGreaterThan(TWO_LAYER_DIVERGED / 10); // the map agrees it is far gone
    const { u: uT, v: vT } = net.parameters();
    expect(Array.from(uT.subarray(2 * n, 3 * n)).every(Number.isFinite)).toBe(true);
    expect(Array.from(vT.subarray(2 * n, 3 * n)).every(Number.isFinite)).toBe(true);
    // later calls keep reporting it as diverged
    const more = await net.run(5);
    expect(more.divergedAt[2]).toBe(at);
    expect(more.loss[5 * B + 2]).toBe(Infinity);
    net.dispose();
    report('two-layer float32 GD vs catapultMap: worst error / tolerance (before divergence)', worst);
  });
});
