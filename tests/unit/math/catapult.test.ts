import { describe, expect, it } from 'vitest';
import { catapultMap, catapultPhase } from '../../../src/math/index.ts';

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
