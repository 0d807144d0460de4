import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, SgdChainsSpec, SgdSchedule } from '../../../src/compute/index.ts';
import { createSgdChains, dataStats, epsilonSchedule, getCompute } from '../../../src/compute/index.ts';
import { testing } from '../../../src/compute/backend.ts';
import { sgdMoments } from '../../../src/math/index.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

// Skewed data, so that M = 1 chains are far from Gaussian and the 4th-moment SE matters.
const DATA = [-1.3, 0.2, 0.5, 1.1, 2.4, -0.6, 3.0];
const THETA0 = 4;

/** Sample mean, unbiased variance and the standard error of that variance (from the 4th moment). */
function sampleStats(x: Float32Array) {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = (v - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  // Var(s^2) = (mu4 - sigma^4 (n - 3) / (n - 1)) / n for the unbiased s^2.
  const seVar = Math.sqrt(Math.max(0, m4 - (m2 * m2 * (n - 3)) / (n - 1)) / n);
  return { mean, variance: (m2 * n) / (n - 1), seVar };
}

describe('createSgdChains: K = 20 000 chains against the exact moments (sgdMoments)', () => {
  const K = 20_000;
  const STEPS = 60;
  const CHECKPOINTS = [1, 3, 10, 30, 60];
  const schedules: SgdSchedule[] = [
    { kind: 'constant', epsilon: 0.1 },
    { kind: 'inverse', epsilon0: 0.9 },
    { kind: 'inverse-k0', epsilon0: 0.5, k0: 10 },
  ];
  const { mean: dataMean, variance: dataVar } = dataStats(DATA);
  let worstOverall = 0;

  for (const schedule of schedules) {
    for (const batchSize of [1, 8]) {
      for (const momentum of [0, 0.5]) {
        const name = `${schedule.kind}, M = ${batchSize}, momentum ${momentum}`;
        it(`${name}: mean and variance within 3 standard errors at k = ${CHECKPOINTS.join(', ')}`, () => {
          const chains = createSgdChains(compute, {
            chains: K,
            data: DATA,
            batchSize,
            schedule,
            momentum,
            theta0: THETA0,
            seed: name,
          });
          const exact = sgdMoments({
            epsilon: epsilonSchedule(schedule),
            theta0: THETA0,
            steps: STEPS,
            batchSize,
            dataMean,
            dataVar,
            momentum,
          });
          let worst = 0;
          for (const k of CHECKPOINTS) {
            chains.step(k - chains.k);
            expect(chains.k).toBe(k);
            const device = chains.moments();
            const sample = sampleStats(chains.values());
            // moments() (on the device) agrees with the values read back.
            expect(device.mean).toBeCloseTo(sample.mean, 4);
            expect(Math.abs(device.variance - sample.variance)).toBeLessThan(1e-4 * sample.variance + 1e-7);
            const seMean = Math.sqrt(exact.variance[k] / K);
            const gapMean = Math.abs(sample.mean - exact.mean[k]) / seMean;
            const gapVar = Math.abs(sample.variance - exact.variance[k]) / sample.seVar;
            worst = Math.max(worst, gapMean, gapVar);
            expect(gapMean, `mean at k = ${k}: ${sample.mean} vs ${exact.mean[k]}`).toBeLessThan(3);
            expect(gapVar, `variance at k = ${k}: ${sample.variance} vs ${exact.variance[k]}`).toBeLessThan(3);
          }
          worstOverall = Math.max(worstOverall, worst);
          console.log(`[sgd] ${name}: worst gap ${worst.toFixed(2)} SE (all so far ${worstOverall.toFixed(2)})`);
          chains.dispose();
        });
      }
    }
  }
});

describe('createSgdChains: behaviour', () => {
  const base: SgdChainsSpec = {
    chains: 50,
    data: DATA,
    batchSize: 3,
    schedule: { kind: 'constant', epsilon: 0.2 },
    momentum: 0.3,
    theta0: THETA0,
    seed: 'behaviour',
  };

  it('is a pure function of (seed, k): reproducible, and chain i does not depend on K', () => {
    const a = createSgdChains(compute, base);
    const b = createSgdChains(compute, base);
    const wide = createSgdChains(compute, { ...base, chains: 500 });
    const other = createSgdChains(compute, { ...base, seed: 'other' });
    for (const c of [a, b, wide, other]) c.step(25);
    expect(Array.from(b.values())).toEqual(Array.from(a.values()));
    expect(Array.from(wide.values(50))).toEqual(Array.from(a.values()));
    expect(Array.from(other.values())).not.toEqual(Array.from(a.values()));
    expect(a.values(10).length).toBe(10);
    expect(a.values(0).length).toBe(0);
    for (const c of [a, b, wide, other]) c.dispose();
  });

  it('paths() replays chosen chains step by step, matching the device values', () => {
    const c = createSgdChains(compute, base);
    c.step(10);
    const [p3, p7] = c.paths([3, 7]);
    expect(p3.length).toBe(11);
    expect(p3[0]).toBe(THETA0);
    c.step(30); // extends the cached replays
    const [q3, q7, q0] = c.paths([3, 7, 0]);
    expect(Array.from(q3.subarray(0, 11))).toEqual(Array.from(p3));
    expect(Array.from(q7.subarray(0, 11))).toEqual(Array.from(p7));
    const v = c.values();
    for (const [i, path] of [
      [3, q3],
      [7, q7],
      [0, q0],
    ] as const) {
      expect(path.length).toBe(41);
      expect(Math.abs(path[40] - v[i])).toBeLessThan(1e-5);
    }
    expect(() => c.paths([50])).toThrow(RangeError);
    c.dispose();
  });

  it('step(n), k, reset() and reset(seed)', () => {
    const c = createSgdChains(compute, base);
    c.step();
    c.step(4);
    expect(c.k).toBe(5);
    const at5 = Array.from(c.values());
    c.reset();
    expect(c.k).toBe(0);
    expect(Array.from(c.values())).toEqual(new Array(50).fill(THETA0));
    expect(c.moments()).toEqual({ mean: THETA0, variance: 0 });
    c.step(5);
    expect(Array.from(c.values())).toEqual(at5);
    c.reset('fresh');
    expect(c.spec.seed).toBe('fresh');
    c.step(5);
    expect(Array.from(c.values())).not.toEqual(at5);
    c.step(0);
    expect(c.k).toBe(5);
    c.dispose();
    expect(() => c.step()).toThrow(/after dispose/);
  });

  it('with one data point every chain follows the deterministic recursion exactly', () => {
    const c = createSgdChains(compute, { ...base, data: [1], batchSize: 2, momentum: 0 });
    c.step(10);
    const { mean, variance } = c.moments();
    expect(variance).toBe(0);
    expect(mean).toBeCloseTo(1 + (THETA0 - 1) * 0.8 ** 10, 5);
  });

  it('momentsAsync() agrees with moments()', async () => {
    const c = createSgdChains(compute, base);
    c.step(7);
    expect(await c.momentsAsync()).toEqual(c.moments());
    c.dispose();
  });

  it('schedules and data statistics', () => {
    expect(epsilonSchedule({ kind: 'constant', epsilon: 0.3 })(5)).toBe(0.3);
    expect(epsilonSchedule({ kind: 'inverse', epsilon0: 1 })(0)).toBe(1);
    expect(epsilonSchedule({ kind: 'inverse', epsilon0: 1 })(3)).toBe(0.25);
    expect(epsilonSchedule({ kind: 'inverse-k0', epsilon0: 0.5, k0: 10 })(10)).toBe(0.25);
    const s = dataStats([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.variance).toBe(1.25); // population variance
  });

  it('rejects bad specs with errors that name the parameter', () => {
    expect(() => createSgdChains(compute, { ...base, chains: 0 })).toThrow(/chains/);
    expect(() => createSgdChains(compute, { ...base, chains: 100_001 })).toThrow(/chains/);
    expect(() => createSgdChains(compute, { ...base, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createSgdChains(compute, { ...base, data: [] })).toThrow(/data/);
    expect(() => createSgdChains(compute, { ...base, data: [1, Number.NaN] })).toThrow(/data\[1\]/);
    expect(() => createSgdChains(compute, { ...base, momentum: 1 })).toThrow(/momentum/);
    expect(() => createSgdChains(compute, { ...base, theta0: Infinity })).toThrow(/theta0/);
    expect(() => createSgdChains(compute, { ...base, schedule: { kind: 'constant', epsilon: 0 } })).toThrow(/epsilon/);
    expect(() => createSgdChains(compute, { ...base, schedule: { kind: 'inverse-k0', epsilon0: 1, k0: -1 } })).toThrow(/k0/);
    expect(() => createSgdChains(compute, { ...base, schedule: { kind: 'adam' } as never })).toThrow(/schedule.kind/);
    expect(() => createSgdChains(compute, { ...base, seed: Number.NaN })).toThrow(/seed/);
  });

  it('recovers the same state after a backend restart (replays k steps)', async () => {
    const c = createSgdChains(compute, base);
    c.step(12);
    const before = Array.from(c.values());
    await testing.restart('test');
    expect(Array.from(c.values())).toEqual(before);
    expect(c.k).toBe(12);
    c.dispose();
    expect(compute.liveTensors()).toBe(0);
  });
});
