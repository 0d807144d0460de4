import { describe, expect, it } from 'vitest';
import { catapultMap, catapultPhase, twoLayerLinearGd } from '../../../src/math/index.ts';
import { Rng } from './_support.ts';

/** The next double below x > 0. */
function below(x: number): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] -= 1n;
  return b[0];
}

describe('catapultPhase', () => {
  it('compares η with 2/λ0 and 4/λ0 exactly, on both sides of each boundary', () => {
    for (const lambda0 of [0.7, 1, 3.3, 12.5]) {
      const two = 2 / lambda0;
      const four = 4 / lambda0;
      expect(catapultPhase(below(two), lambda0)).toBe('lazy');
      expect(catapultPhase(two, lambda0)).toBe('catapult');
      expect(catapultPhase(below(four), lambda0)).toBe('catapult');
      expect(catapultPhase(four, lambda0)).toBe('divergent');
      expect(catapultPhase(0.5 * two, lambda0)).toBe('lazy');
      expect(catapultPhase(3 * four, lambda0)).toBe('divergent');
    }
  });

  it('rejects negative or non-finite arguments, naming them', () => {
    expect(() => catapultPhase(-1, 1)).toThrow(/eta/);
    expect(() => catapultPhase(1, -1)).toThrow(/lambda0/);
    expect(() => catapultPhase(NaN, 1)).toThrow(RangeError);
    expect(() => catapultPhase('1' as unknown as number, 1)).toThrow(TypeError);
  });
});

describe('catapultMap dynamics in each phase', () => {
  const n = 100;
  const lambda0 = 1;
  const f0 = 0.5;
  const run = (eta: number, steps = 400) => catapultMap({ f0, lambda0, eta, width: n, steps });

  it('returns steps + 1 entries with the initial state first', () => {
    const r = run(1, 5);
    expect(r.f.length).toBe(6);
    expect(r.lambda.length).toBe(6);
    expect(r.f[0]).toBe(f0);
    expect(r.lambda[0]).toBe(lambda0);
    expect(run(1, 0)).toEqual({ f: [f0], lambda: [lambda0] });
  });

  it('lazy (η < 2/λ0): the loss falls monotonically and λ barely moves', () => {
    const r = run(1.5);
    for (let t = 0; t < 400; t++) expect(r.f[t + 1] ** 2).toBeLessThanOrEqual(r.f[t] ** 2);
    expect(Math.abs(r.lambda[400] - lambda0)).toBeLessThan(0.02); // O(f0²/n): a 1% drift at n = 100
  });

  it('catapult (2/λ0 <= η < 4/λ0): the loss first grows, λ drops below 2/η, then it converges', () => {
    const eta = 3;
    const r = run(eta, 2000);
    const peak = Math.max(...r.f.map(Math.abs));
    expect(peak).toBeGreaterThan(4 * f0); // grows to ~√n/η before λ has dropped
    expect(r.lambda[2000]).toBeLessThan(2 / eta);
    expect(Math.abs(r.f[2000])).toBeLessThan(1e-8);
  });

  it('divergent (η >= 4/λ0): f runs off to ±Infinity, never NaN', () => {
    const r = run(4.5, 200);
    expect(r.f.some((v) => !Number.isFinite(v))).toBe(true);
    expect(r.f.every((v) => !Number.isNaN(v)) && r.lambda.every((v) => !Number.isNaN(v))).toBe(true);
    const first = r.f.findIndex((v) => !Number.isFinite(v));
    expect(Math.abs(r.f[first - 1])).toBeGreaterThan(1e150); // finite and exact until it blows past 1e150
    for (let t = first; t <= 200; t++) expect(Math.abs(r.f[t])).toBe(Infinity);
  });

  it('at η = 4/λ0, λ stays fixed and s = ηf/√n follows the Chebyshev map s → s³ − 3s', () => {
    const eta = 8;
    const r = catapultMap({ f0: 0.3, lambda0: 0.5, eta, width: 64, steps: 12 });
    for (let t = 0; t < 12; t++) {
      expect(r.lambda[t + 1]).toBe(0.5);
      const s = (eta * r.f[t]) / 8;
      const next = (eta * r.f[t + 1]) / 8;
      expect(Math.abs(next - (s ** 3 - 3 * s))).toBeLessThan(1e-12 * 2 ** t);
      expect(Math.abs(next)).toBeLessThan(2); // bounded chaos for |s| < 2
    }
  });

  it('at η = 2/λ0 the loss never grows', () => {
    const r = catapultMap({ f0: 0.5, lambda0: 0.5, eta: 4, width: 100, steps: 300 });
    for (let t = 0; t < 300; t++) expect(Math.abs(r.f[t + 1])).toBeLessThanOrEqual(Math.abs(r.f[t]));
  });

  it('rejects bad input with an error naming the parameter', () => {
    const base = { f0: 1, lambda0: 1, eta: 1, width: 10, steps: 5 };
    expect(() => catapultMap({ ...base, width: 0 })).toThrow(/width/);
    expect(() => catapultMap({ ...base, width: -5 })).toThrow(/width/);
    expect(() => catapultMap({ ...base, steps: 1.5 })).toThrow(/steps/);
    expect(() => catapultMap({ ...base, steps: -1 })).toThrow(/steps/);
    expect(() => catapultMap({ ...base, f0: NaN })).toThrow(/f0/);
    expect(() => catapultMap({ ...base, lambda0: -1 })).toThrow(/lambda0/);
    expect(() => catapultMap({ ...base, eta: Infinity })).toThrow(/eta/);
  });
});

describe('twoLayerLinearGd (float64 GD on f(x) = v·u x/√n, mean loss over m examples)', () => {
  const normals = (seed: number, n: number) => Array.from(new Rng(seed).normals(n));
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

  it('returns steps + 1 rows; row 0 is f = x·(u·v)/√n, λ = mean(x²)(|u|² + |v|²)/n and the mean loss', () => {
    const u0 = normals(1, 64);
    const v0 = normals(2, 64);
    const xs = [0.5, 1, 1.5];
    const ys = [0.2, -0.1, 0.4];
    const r = twoLayerLinearGd({ u0, v0, xs, ys, eta: 0.3, steps: 7 });
    expect(r.f.length).toBe(8);
    expect(r.lambda.length).toBe(8);
    expect(r.loss.length).toBe(8);
    for (const row of r.f) expect(row.length).toBe(3);
    const w = dot(u0, v0) / 8;
    expect(r.f[0]).toEqual(xs.map((x) => w * x));
    expect(r.lambda[0]).toBeCloseTo(((0.25 + 1 + 2.25) / 3) * ((dot(u0, u0) + dot(v0, v0)) / 64), 12);
    expect(r.loss[0]).toBeCloseTo(xs.reduce((s, x, a) => s + (w * x - ys[a]) ** 2, 0) / 6, 12);
    const still = twoLayerLinearGd({ u0, v0, xs, ys, eta: 0, steps: 5 });
    for (let t = 0; t <= 5; t++) expect(still.f[t]).toEqual(r.f[0]);
    expect(twoLayerLinearGd({ u0, v0, xs, ys, eta: 1, steps: 0 }).f).toEqual([r.f[0]]);
  });

  it('does not modify its inputs', () => {
    const u0 = normals(3, 16);
    const v0 = normals(4, 16);
    const copy = [u0.slice(), v0.slice()];
    twoLayerLinearGd({ u0, v0, xs: [1], ys: [0], eta: 1, steps: 10 });
    expect([u0, v0]).toEqual(copy);
  });

  it('m = 1, x = 1, y = 0 is the catapult map: the same (f, λ) up to float64 round-off in every phase', () => {
    const n = 200;
    let worst = 0;
    for (const [seed, k, steps] of [[5, 1.2, 60], [6, 2.6, 60], [7, 3.4, 50], [8, 3.9, 30], [9, 4.4, 25]] as const) {
      const u0 = normals(seed, n);
      const v0 = normals(seed + 100, n);
      const f0 = dot(u0, v0) / Math.sqrt(n);
      const lambda0 = (dot(u0, u0) + dot(v0, v0)) / n;
      const eta = k / lambda0;
      const gd = twoLayerLinearGd({ u0, v0, xs: [1], ys: [0], eta, steps });
      const map = catapultMap({ f0, lambda0, eta, width: n, steps });
      const nudged = catapultMap({ f0: f0 * (1 + 1e-15), lambda0, eta, width: n, steps });
      for (let t = 0; t <= steps; t++) {
        if (!Number.isFinite(map.f[t])) break;
        const scale = Math.max(Math.abs(map.f[t]), 1e-3 * Math.abs(f0));
        const sens = Math.abs(nudged.f[t] - map.f[t]) / scale;
        // 1e-12, plus the round-off floor of f = u·v/√n itself (ε64 Σ|u_i v_i|/√n <= ε64 √n λ/2), plus the
        // map's own amplification of a 1e-15 change of f0 (a catapult amplifies round-off by its growth).
        const tol = 1e-12 + (10 * 2 ** -52 * Math.sqrt(n) * map.lambda[t]) / scale + 1e3 * sens;
        const ef = Math.abs(gd.f[t][0] - map.f[t]) / scale;
        const el = Math.abs(gd.lambda[t] - map.lambda[t]) / map.lambda[t];
        worst = Math.max(worst, ef / tol, el / tol);
        expect(ef, `k = ${k}, f at step ${t}`).toBeLessThan(tol);
        expect(el, `k = ${k}, λ at step ${t}`).toBeLessThan(tol);
        expect(gd.loss[t]).toBeCloseTo(0.5 * gd.f[t][0] ** 2, 12);
      }
    }
    expect(worst).toBeLessThan(1);
  });

  it('m > 1: the trajectory is the closed (w, q) recursion, w = v·u/√n, q = |u|² + |v|² (an independent derivation)', () => {
    // u' = u − c v, v' = v − c u with c = η g/√n give w' = (1 + c²) w − c q/√n and q' = (1 + c²) q − 4c √n w.
    const n = 300;
    const u0 = normals(11, n);
    const v0 = normals(12, n);
    const xs = [0.5, 0.8, 1.1, 1.5, -0.7];
    const ys = [0.3, -0.2, 0.5, 0.1, -0.4];
    const m = xs.length;
    const sxx = xs.reduce((s, x) => s + x * x, 0) / m;
    for (const k of [0.8, 2.7, 3.6]) {
      let w = dot(u0, v0) / Math.sqrt(n);
      let q = dot(u0, u0) + dot(v0, v0);
      const eta = k / ((q / n) * sxx);
      const steps = 40;
      const gd = twoLayerLinearGd({ u0, v0, xs, ys, eta, steps });
      for (let t = 0; t <= steps; t++) {
        const scale = Math.max(...gd.f[t].map(Math.abs), 1e-3);
        for (let a = 0; a < m; a++) expect(Math.abs(gd.f[t][a] - w * xs[a]) / scale, `k = ${k}, step ${t}`).toBeLessThan(1e-9);
        expect(Math.abs(gd.lambda[t] - (q / n) * sxx) / gd.lambda[t]).toBeLessThan(1e-9);
        const g = xs.reduce((s, x, a) => s + (w * x - ys[a]) * x, 0) / m;
        const c = (eta * g) / Math.sqrt(n);
        [w, q] = [(1 + c * c) * w - (c * q) / Math.sqrt(n), (1 + c * c) * q - 4 * c * Math.sqrt(n) * w];
      }
    }
  });

  it('m > 1: one step is u − η ∇_u L, v − η ∇_v L, with the gradient of the mean loss by central differences', () => {
    const n = 12;
    const u0 = normals(21, n);
    const v0 = normals(22, n);
    const xs = [0.5, 1.2, 1.5];
    const ys = [1, -0.5, 0.25];
    const L = (u: number[], v: number[]) => {
      const w = dot(u, v) / Math.sqrt(n);
      return xs.reduce((s, x, a) => s + (w * x - ys[a]) ** 2, 0) / (2 * xs.length);
    };
    const eta = 0.37;
    const h = 1e-6;
    const u1 = u0.map((ui, i) => {
      const up = u0.slice();
      const dn = u0.slice();
      up[i] += h;
      dn[i] -= h;
      return ui - (eta * (L(up, v0) - L(dn, v0))) / (2 * h);
    });
    const v1 = v0.map((vi, i) => {
      const up = v0.slice();
      const dn = v0.slice();
      up[i] += h;
      dn[i] -= h;
      return vi - (eta * (L(u0, up) - L(u0, dn))) / (2 * h);
    });
    const r = twoLayerLinearGd({ u0, v0, xs, ys, eta, steps: 1 });
    const w1 = dot(u1, v1) / Math.sqrt(n);
    for (let a = 0; a < 3; a++) expect(r.f[1][a]).toBeCloseTo(w1 * xs[a], 7);
    expect(r.loss[1]).toBeCloseTo(L(u1, v1), 7);
    expect(r.lambda[1]).toBeCloseTo(((xs.reduce((s, x) => s + x * x, 0) / 3) * (dot(u1, u1) + dot(v1, v1))) / n, 7);
  });

  it('a divergent run is exact until it overflows, then ±Infinity (λ, loss +Infinity), never NaN', () => {
    const n = 50;
    const u0 = normals(31, n);
    const v0 = normals(32, n);
    const lambda0 = (dot(u0, u0) + dot(v0, v0)) / n;
    const xs = [0.5, 1, 1.5];
    const ys = [0, 0.1, 0];
    const eta = 5 / (lambda0 * (3.5 / 3));
    const r = twoLayerLinearGd({ u0, v0, xs, ys, eta, steps: 300 });
    const first = r.lambda.findIndex((l) => !Number.isFinite(l));
    expect(first).toBeGreaterThan(0);
    // Exact until then: the closed (w, q) recursion (see above) agrees, and its next |f| is far past 1e150.
    let w = dot(u0, v0) / Math.sqrt(n);
    let q = dot(u0, u0) + dot(v0, v0);
    for (let t = 0; t < first; t++) {
      expect(Math.abs(r.f[t][1] - w) / Math.abs(w), `step ${t}`).toBeLessThan(1e-9);
      const g = xs.reduce((s, x, a) => s + (w * x - ys[a]) * x, 0) / 3;
      const c = (eta * g) / Math.sqrt(n);
      [w, q] = [(1 + c * c) * w - (c * q) / Math.sqrt(n), (1 + c * c) * q - 4 * c * Math.sqrt(n) * w];
    }
    expect(!(Math.abs(w) * 1.5 <= 1e150)).toBe(true);
    for (let t = 0; t <= 300; t++) {
      for (const x of r.f[t]) expect(Number.isNaN(x)).toBe(false);
      expect(Number.isNaN(r.lambda[t]) || Number.isNaN(r.loss[t])).toBe(false);
      if (t < first) expect(Number.isFinite(r.loss[t])).toBe(true);
      else {
        expect(r.f[t].every((x) => Math.abs(x) === Infinity)).toBe(true);
        expect(r.lambda[t]).toBe(Infinity);
        expect(r.loss[t]).toBe(Infinity);
      }
    }
  });

  it('rejects bad input with an error naming the parameter', () => {
    const base = { u0: [1, 2], v0: [0.5, -1], xs: [1], ys: [0], eta: 0.1, steps: 3 };
    expect(() => twoLayerLinearGd(null as never)).toThrow(TypeError);
    expect(() => twoLayerLinearGd({ ...base, u0: [] })).toThrow(/u0/);
    expect(() => twoLayerLinearGd({ ...base, u0: [] })).toThrow(RangeError);
    expect(() => twoLayerLinearGd({ ...base, u0: 'x' as never })).toThrow(TypeError);
    expect(() => twoLayerLinearGd({ ...base, u0: [1, NaN] })).toThrow(/u0\[1\]/);
    expect(() => twoLayerLinearGd({ ...base, v0: [1] })).toThrow(/v0/);
    expect(() => twoLayerLinearGd({ ...base, v0: [1, Infinity] })).toThrow(RangeError);
    expect(() => twoLayerLinearGd({ ...base, xs: [] })).toThrow(/xs/);
    expect(() => twoLayerLinearGd({ ...base, ys: [0, 1] })).toThrow(/ys/);
    expect(() => twoLayerLinearGd({ ...base, ys: ['0' as never] })).toThrow(TypeError);
    expect(() => twoLayerLinearGd({ ...base, eta: -1 })).toThrow(/eta/);
    expect(() => twoLayerLinearGd({ ...base, eta: NaN })).toThrow(RangeError);
    expect(() => twoLayerLinearGd({ ...base, steps: 1.5 })).toThrow(/steps/);
    expect(() => twoLayerLinearGd({ ...base, steps: -1 })).toThrow(RangeError);
    expect(() => twoLayerLinearGd({ ...base, u0: [1e200, 1e200], v0: [1e200, 1e200] })).toThrow(/u0, v0/);
  });
});
