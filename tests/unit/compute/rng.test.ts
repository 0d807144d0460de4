import { describe, expect, it } from 'vitest';
import { createRng, seedFromString } from '../../../src/compute/rng.ts';

const N = 200_000;

function draws(f: () => number, n = N): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

function meanOf(x: ArrayLike<number>, g: (v: number) => number = (v) => v): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += g(x[i]);
  return s / x.length;
}

describe('createRng', () => {
  it('is deterministic, with golden values that pin it across platforms', () => {
    // mulberry32 from state 42: pure 32-bit integer arithmetic, so these hold everywhere.
    const r = createRng(42);
    expect(r.next()).toBe(0.6011037519201636);
    expect(r.next()).toBe(0.44829055899754167);
    expect(r.int(1000)).toBe(704);
    expect(r.normal()).toBe(0.6773277072041898);
    expect(seedFromString('infinite width')).toBe(4217953239);
    expect(createRng('fig-1').next()).toBe(0.9569986721035093);

    const a = createRng('slide 3');
    const b = createRng('slide 3');
    for (let i = 0; i < 1000; i++) expect(a.next()).toBe(b.next());
    expect(createRng(1).next()).not.toBe(createRng(2).next());
  });

  it('state() round-trips: createRng(state) continues the uniform stream', () => {
    const r = createRng(7);
    for (let i = 0; i < 17; i++) r.next();
    const copy = createRng(r.state());
    for (let i = 0; i < 100; i++) expect(copy.next()).toBe(r.next());
  });

  it('hashes non-integer, negative and large numeric seeds instead of truncating them', () => {
    expect(createRng(1.5).next()).not.toBe(createRng(1).next());
    expect(createRng(-1).next()).not.toBe(createRng(1).next());
    expect(createRng(2 ** 40).next()).not.toBe(createRng(0).next());
  });

  it('uniform draws lie in [0, 1) with mean 1/2 and variance 1/12 (4 standard errors)', () => {
    const u = draws(createRng(123).next);
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    const m = meanOf(u);
    expect(Math.abs(m - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N));
    // Var((u - 1/2)^2) = 1/80 - 1/144.
    const v = meanOf(u, (x) => (x - 0.5) ** 2);
    expect(Math.abs(v - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / N));
  });

  it('normal draws have mean 0, variance 1, zero skew and kurtosis 3 (4 standard errors)', () => {
    const z = draws(createRng('normal').normal);
    expect(Math.abs(meanOf(z))).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(meanOf(z, (x) => x * x) - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
    expect(Math.abs(meanOf(z, (x) => x ** 3))).toBeLessThan(4 * Math.sqrt(15 / N));
    expect(Math.abs(meanOf(z, (x) => x ** 4) - 3)).toBeLessThan(4 * Math.sqrt(96 / N));
    // Tail: P(|z| > 3) = 0.0027.
    const tail = meanOf(z, (x) => (Math.abs(x) > 3 ? 1 : 0));
    expect(Math.abs(tail - 0.0027)).toBeLessThan(4 * Math.sqrt(0.0027 / N));
  });

  it('int(n) is uniform on 0..n-1 (chi-square, 9 degrees of freedom) and checks n', () => {
    const r = createRng(99);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(27.9); // p = 0.001
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
    expect(r.int(1)).toBe(0);
  });

  it('forks are reproducible, leave the parent alone, and are uncorrelated with each other', () => {
    const parent = createRng(5);
    const reference = createRng(5);
    const a = parent.fork('a');
    const a2 = parent.fork('a');
    const b = parent.fork('b');
    expect(parent.next()).toBe(reference.next()); // forking did not advance the parent
    const n = 50_000;
    const xa = draws(a.normal, n);
    const xa2 = draws(a2.normal, n);
    const xb = draws(b.normal, n);
    const xp = draws(parent.normal, n);
    expect(Array.from(xa2)).toEqual(Array.from(xa));
    const corr = (x: Float64Array, y: Float64Array) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i] * y[i];
      return s / x.length;
    };
    expect(Math.abs(corr(xa, xb))).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(corr(xa, xp))).toBeLessThan(4 / Math.sqrt(n));
    // Lag-one correlation within a stream.
    expect(Math.abs(corr(xa.subarray(1) as Float64Array, xa.subarray(0, n - 1) as Float64Array))).toBeLessThan(4 / Math.sqrt(n));
    expect(parent.fork(3).next()).toBe(parent.fork(3).next()); // numeric labels too
  });

  it('rejects bad seeds with a RangeError', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(Infinity)).toThrow(RangeError);
    expect(() => createRng(undefined as unknown as number)).toThrow(RangeError);
  });
});
