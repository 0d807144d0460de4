/**
 * The catapult map vs explicit gradient descent on the two-layer linear network f = v·u/√n with one
 * example (x = 1, y = 0, loss ½f²). GD updates u ← u − η f v/√n, v ← v − η f u/√n, and the NTK is
 * λ = (|u|² + |v|²)/n. The map is exact algebra, so the two agree to round-off: tolerance 1e-12
 * relative while the dynamics contract, and round-off amplified by at most the observed growth of
 * |f| through a catapult (chaotic amplification is bounded by the trajectory's own Lyapunov growth,
 * which we measure with a perturbed run).
 */
import { describe, expect, it } from 'vitest';
import { catapultMap } from '../../src/math/index.ts';
import { report, Rng } from '../unit/math/_support.ts';

function gd(u0: Float64Array, v0: Float64Array, eta: number, steps: number) {
  const n = u0.length;
  const u = u0.slice();
  const v = v0.slice();
  const sq = Math.sqrt(n);
  const f: number[] = [];
  const lambda: number[] = [];
  for (let t = 0; t <= steps; t++) {
    let uv = 0;
    let uu = 0;
    let vv = 0;
    for (let i = 0; i < n; i++) {
      uv += u[i] * v[i];
      uu += u[i] * u[i];
      vv += v[i] * v[i];
    }
    const ft = uv / sq;
    f.push(ft);
    lambda.push((uu + vv) / n);
    for (let i = 0; i < n; i++) {
      const gu = (ft * v[i]) / sq;
      const gv = (ft * u[i]) / sq;
      u[i] -= eta * gu;
      v[i] -= eta * gv;
    }
  }
  return { f, lambda };
}

describe('catapultMap vs explicit gradient descent', () => {
  let worst = 0;
  const rng = new Rng(2020);
  for (const [label, etaFactor, steps] of [
    ['lazy', 1.2, 60],
    ['catapult', 3.2, 60],
    ['near-divergent', 3.9, 30],
  ] as const) {
    it(`${label} (η = ${etaFactor}/λ0): the same trajectory to float64 precision`, () => {
      const n = 256;
      const u = rng.normals(n);
      const v = rng.normals(n);
      const direct0 = gd(u, v, 0, 0);
      const eta = etaFactor / direct0.lambda[0];
      const ref = gd(u, v, eta, steps);
      const map = catapultMap({ f0: ref.f[0], lambda0: ref.lambda[0], eta, width: n, steps });
      // Round-off sensitivity of the trajectory itself: a 1e-15 relative nudge to f0.
      const nudged = catapultMap({ f0: ref.f[0] * (1 + 1e-15), lambda0: ref.lambda[0], eta, width: n, steps });
      for (let t = 0; t <= steps; t++) {
        const scale = Math.max(Math.abs(ref.f[t]), 1e-3 * Math.abs(ref.f[0]));
        const sens = Math.abs(nudged.f[t] - map.f[t]) / scale;
        const ef = Math.abs(map.f[t] - ref.f[t]) / scale;
        const el = Math.abs(map.lambda[t] - ref.lambda[t]) / ref.lambda[t];
        worst = Math.max(worst, ef, el);
        expect(ef, `f at step ${t}`).toBeLessThan(1e-12 + 1e3 * sens);
        expect(el, `λ at step ${t}`).toBeLessThan(1e-12 + 1e3 * sens);
      }
      if (label === 'catapult') {
        expect(Math.max(...ref.f.map(Math.abs))).toBeGreaterThan(5 * Math.abs(ref.f[0])); // it did catapult
        expect(ref.lambda[steps]).toBeLessThan(2 / eta);
      }
    });
  }
  it('reports the worst relative difference', () => {
    report('catapult map vs explicit GD (rel)', worst);
    expect(worst).toBeLessThan(1e-6);
  });
});
