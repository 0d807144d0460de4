/**
 * sampleRandomNetworks: the sampler's pieces (normals, determinism, the explicit first layer,
 * layouts, chunking) and the statistics helpers. The comparisons with the infinite-width theory
 * (kernelMatrix, meanField) are in tests/theory/random-networks-mc.test.ts.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, RandomNetworksSpec } from '../../../src/compute/index.ts';
import { empiricalCovariance, getCompute, layerMaps, sampleRandomNetworks } from '../../../src/compute/index.ts';
import { fillNormals, sampleNetworkBlock } from '../../../src/compute/random-networks.ts';
import type { WorkerLane, WorkerTask } from '../../../src/compute/workers.ts';
import { erf } from '../math/_support.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

describe('fillNormals (ziggurat over a counter-based stream)', () => {
  const N = 2_000_000;
  const z = new Float32Array(N);
  fillNormals(z, 0, N, 12345);

  it('moments of 2e6 draws within 4 standard errors of N(0, 1): mean, variance, 3rd and 4th moments', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m3 += v * v * v;
      m4 += v * v * v * v;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    m4 /= N;
    // SEs of the sample moments of N(0,1): sqrt(Var(z^k) / N) with Var z = 1, Var z^2 = 2, Var z^3 = 15, Var z^4 = 96.
    expect(Math.abs(m1) / Math.sqrt(1 / N)).toBeLessThan(4);
    expect(Math.abs(m2 - 1) / Math.sqrt(2 / N)).toBeLessThan(4);
    expect(Math.abs(m3) / Math.sqrt(15 / N)).toBeLessThan(4);
    expect(Math.abs(m4 - 3) / Math.sqrt(96 / N)).toBeLessThan(4);
  });

  it('the distribution: Kolmogorov–Smirnov distance and the tails (|z| > 3, the ziggurat base strip beyond r = 3.44)', () => {
    const sorted = Float64Array.from(z.subarray(0, 200_000)).sort();
    const n = sorted.length;
    const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
    let ks = 0;
    for (let i = 0; i < n; i += 7) ks = Math.max(ks, Math.abs(Phi(sorted[i]) - (i + 0.5) / n));
    // 1.63 / sqrt(n) is the 1% critical value; the grid of every 7th point only lowers the statistic.
    expect(ks).toBeLessThan(1.63 / Math.sqrt(n));
    for (const t of [1, 2, 3, 3.442619855899, 4]) {
      let count = 0;
      for (const v of z) if (Math.abs(v) > t) count++;
      const p = 2 * (1 - Phi(t));
      expect(Math.abs(count / N - p), `P(|z| > ${t})`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('is a pure function of the state, and returns the state to continue from', () => {
    const a = new Float32Array(1000);
    const b = new Float32Array(1000);
    const s = fillNormals(a, 0, 400, 77);
    fillNormals(a, 400, 600, s);
    fillNormals(b, 0, 1000, 77);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('sampleRandomNetworks', () => {
  const x = [
    [1, 0.5],
    [-0.3, 0.8],
    [0.6, -1.1],
  ];
  const base: RandomNetworksSpec = { networks: 40, inputDim: 2, depth: 3, width: 32, activation: 'tanh', sigmaW2: 1.6, sigmaB2: 0.1, seed: 'rn' };

  it('network s does not depend on S, the chunk size or the layout (batched vs per-network to float32 rounding)', async () => {
    const a = await sampleRandomNetworks(compute, base, x);
    const b = await sampleRandomNetworks(compute, { ...base, networks: 25, chunk: 7 }, x);
    expect(Array.from(b.outputs)).toEqual(Array.from(a.outputs.subarray(0, 25 * 3)));
    const c = await sampleRandomNetworks(compute, { ...base, layout: 'per-network', chunk: 9 }, x, { layers: true });
    a.outputs.forEach((v, i) => expect(Math.abs(c.outputs[i] - v)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    const d = await sampleRandomNetworks(compute, { ...base, seed: 'other' }, x);
    expect(Array.from(d.outputs)).not.toEqual(Array.from(a.outputs));
    expect(a.layers).toBeNull();
    expect(c.layers?.length).toBe(3);
    expect(c.layers?.[0].length).toBe(40 * 9);
  });

  it('split across lanes (as in a browser with compute workers) it is the same sample, even when a worker fails', async () => {
    // Big enough to be split (S n P >= 2^21): 1,400 networks of width 1,024 on 3 points, in blocks of 341.
    const spec: RandomNetworksSpec = { ...base, networks: 1400, width: 1024, depth: 2, activation: 'relu' };
    const whole = await sampleRandomNetworks(compute, spec, x, { layers: true });
    const ran: string[] = [];
    // Two in-process "workers": one answers blocks (after a macrotask, like a message), one fails.
    const good: WorkerLane = {
      run: async <T,>(task: WorkerTask) => {
        await new Promise((r) => setTimeout(r, 1));
        ran.push(`worker ${task.from}-${task.to}`);
        return (await sampleNetworkBlock(compute, task.spec, task.x, task.options, task.from, task.to)) as T;
      },
    };
    const bad: WorkerLane = { run: async () => Promise.reject(new Error('worker died')) };
    const split = await sampleRandomNetworks({ ...compute, workers: () => [good, bad] } as Compute, spec, x, { layers: true });
    expect(ran.length).toBeGreaterThan(0);
    expect(Array.from(split.outputs)).toEqual(Array.from(whole.outputs));
    split.layers?.forEach((g, l) => expect(Array.from(g)).toEqual(Array.from((whole.layers as Float32Array[])[l])));
    // A block on its own is the same networks too; bad ranges are named.
    const block = await sampleNetworkBlock(compute, spec, x, {}, 682, 700);
    expect(Array.from(block.outputs)).toEqual(Array.from(whole.outputs.subarray(682 * 3, 700 * 3)));
    await expect(sampleNetworkBlock(compute, spec, x, {}, 5, 5)).rejects.toThrow(/to/);
  });

  it("with { background: true } the workers take every block, and the page's thread only what a failed worker leaves", async () => {
    const spec: RandomNetworksSpec = { ...base, networks: 1400, width: 1024, depth: 2, activation: 'relu' };
    const whole = await sampleRandomNetworks(compute, spec, x);
    const ran: string[] = [];
    const good: WorkerLane = {
      run: async <T,>(task: WorkerTask) => {
        await new Promise((r) => setTimeout(r, 1));
        ran.push(`${task.from}-${task.to}`);
        return (await sampleNetworkBlock(compute, task.spec, task.x, task.options, task.from, task.to)) as T;
      },
    };
    const bg = await sampleRandomNetworks({ ...compute, workers: () => [good] } as Compute, spec, x, { background: true });
    expect(ran).toEqual(['0-341', '341-682', '682-1023', '1023-1364', '1364-1400']);
    expect(Array.from(bg.outputs)).toEqual(Array.from(whole.outputs));
    // Without the option the page's thread takes blocks too (the worker gets fewer than all five).
    ran.length = 0;
    await sampleRandomNetworks({ ...compute, workers: () => [good] } as Compute, spec, x);
    expect(ran.length).toBeLessThan(5);
    // Every worker failing: the page's thread does the rest, and the sample is the same.
    const bad: WorkerLane = { run: async () => Promise.reject(new Error('worker died')) };
    const rescued = await sampleRandomNetworks({ ...compute, workers: () => [bad] } as Compute, spec, x, { background: true });
    expect(Array.from(rescued.outputs)).toEqual(Array.from(whole.outputs));
  });

  it('layouts agree on every layer kernel too, and the last layer kernel is f f', async () => {
    for (const depth of [1, 2, 4]) {
      const spec = { ...base, depth, activation: 'relu' as const };
      const a = await sampleRandomNetworks(compute, spec, x, { layers: true });
      const b = await sampleRandomNetworks(compute, { ...spec, layout: 'per-network' }, x, { layers: true });
      a.layers?.forEach((g, l) => g.forEach((v, i) => expect(Math.abs((b.layers as Float32Array[])[l][i] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v)))));
      const last = (a.layers as Float32Array[])[depth - 1];
      for (let s = 0; s < 40; s++) {
        for (let p = 0; p < 3; p++) {
          for (let q = 0; q < 3; q++) {
            expect(last[s * 9 + p * 3 + q]).toBeCloseTo(a.outputs[s * 3 + p] * a.outputs[s * 3 + q], 5);
          }
        }
      }
    }
  });

  it("'per-network' without layer kernels (the lean path: fused activations, one batched output matMul) gives the same networks as 'batched'", async () => {
    for (const activation of ['relu', 'erf', 'tanh', 'linear'] as const) {
      for (const depth of [1, 2, 3, 4]) {
        const spec = { ...base, depth, activation, networks: 13 };
        const a = await sampleRandomNetworks(compute, spec, x);
        const b = await sampleRandomNetworks(compute, { ...spec, layout: 'per-network', chunk: 5 }, x);
        const c = await sampleRandomNetworks(compute, { ...spec, layout: 'per-network' }, x, { layers: true });
        a.outputs.forEach((v, i) => {
          expect(Math.abs(b.outputs[i] - v), `${activation}, depth ${depth}, [${i}]`).toBeLessThan(1e-4 * (1 + Math.abs(v)));
          expect(Math.abs(c.outputs[i] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v)));
        });
      }
    }
    // Without a bias (sigmaB2 = 0) and with duplicate inputs (a singular Sigma).
    const dup = [x[0], x[0], x[1]];
    const spec = { ...base, sigmaB2: 0, activation: 'relu' as const };
    const a = await sampleRandomNetworks(compute, spec, dup);
    const b = await sampleRandomNetworks(compute, { ...spec, layout: 'per-network' }, dup);
    a.outputs.forEach((v, i) => expect(Math.abs(b.outputs[i] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
    for (let s = 0; s < 40; s++) expect(b.outputs[s * 3]).toBe(b.outputs[s * 3 + 1]);
  });

  it('depth 1 with d0 + 1 <= P inputs is an explicit linear model: f(x) = c w.x + sb b, affine in x', async () => {
    // Inputs 0, e1, e2, e1 + e2 and 2 e1: P = 5 >= d0 + 1 = 3, so layer 1 uses the weights themselves.
    const pts = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 0],
    ];
    const out = await sampleRandomNetworks(compute, { ...base, depth: 1, networks: 10 }, pts);
    for (let s = 0; s < 10; s++) {
      const f = Array.from(out.outputs.subarray(s * 5, s * 5 + 5));
      expect(f[3] - f[0]).toBeCloseTo(f[1] - f[0] + (f[2] - f[0]), 5);
      expect(f[4] - f[0]).toBeCloseTo(2 * (f[1] - f[0]), 5);
    }
  });

  it('handles rank-deficient kernels (duplicate inputs, sigmaB2 = 0, more inputs than d0 + 1, relu)', async () => {
    const pts = [
      [1, 0],
      [1, 0],
      [0, 1],
      [0.5, 0.5],
      [-1, 2],
    ];
    const out = await sampleRandomNetworks(compute, { ...base, activation: 'relu', sigmaB2: 0, depth: 4, networks: 30 }, pts, { layers: true });
    expect(out.outputs.every(Number.isFinite)).toBe(true);
    for (let s = 0; s < 30; s++) expect(out.outputs[s * 5]).toBe(out.outputs[s * 5 + 1]);
    // High-dimensional inputs (d0 + 1 > P): layer 1 through the Cholesky factor of its kernel.
    const hi = await sampleRandomNetworks(compute, { ...base, inputDim: 6, networks: 10 }, [
      [1, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ]);
    expect(hi.outputs.every(Number.isFinite)).toBe(true);
  });

  it('validates its spec, inputs and options', async () => {
    await expect(sampleRandomNetworks(compute, { ...base, networks: 0 }, x)).rejects.toThrow(/sampleRandomNetworks: networks must be an integer in 1..1000000, received 0/);
    await expect(sampleRandomNetworks(compute, { ...base, depth: 65 }, x)).rejects.toThrow(/depth/);
    await expect(sampleRandomNetworks(compute, { ...base, activation: 'gelu' as never }, x)).rejects.toThrow(/activation must be one of relu, erf, tanh, linear/);
    await expect(sampleRandomNetworks(compute, { ...base, sigmaW2: -1 }, x)).rejects.toThrow(/sigmaW2/);
    await expect(sampleRandomNetworks(compute, { ...base, layout: 'x' as never }, x)).rejects.toThrow(/layout/);
    await expect(sampleRandomNetworks(compute, base, [[1, 2, 3]])).rejects.toThrow(/x\[0\] must have length inputDim = 2/);
    await expect(sampleRandomNetworks(compute, base, [])).rejects.toThrow(/x must be an array of 1..256 points/);
  });
});

describe('statistics helpers', () => {
  it('empiricalCovariance: uncentred (E f f) and centred, with standard errors', () => {
    // Two perfectly correlated outputs with values +-1 and +-2.
    const S = 4;
    const out = [1, 2, -1, -2, 1, 2, -1, -2];
    const c = empiricalCovariance(out, S, 2);
    expect(c.mean).toEqual([0, 0]);
    expect(c.cov).toEqual([
      [1, 2],
      [2, 4],
    ]);
    expect(c.se[0][0]).toBe(0); // every product is 1
    const centred = empiricalCovariance([1, 0, 3, 0], 2, 2, { center: true });
    expect(centred.mean).toEqual([2, 0]);
    expect(centred.cov[0][0]).toBe(2);
    expect(() => empiricalCovariance([1, 2, 3], 2, 2)).toThrow(/outputs must be an array of S x P = 4 numbers/);
  });

  it('layerMaps: q, k12 and c per layer with delta-method standard errors', async () => {
    const sample = await sampleRandomNetworks(compute, { networks: 200, inputDim: 2, depth: 3, width: 64, activation: 'erf', sigmaW2: 1.5, sigmaB2: 0.05, seed: 1 }, [
      [1, 0],
      [0.6, 0.8],
    ], { layers: true });
    const maps = layerMaps(sample, 0, 1);
    expect(maps.q1.length).toBe(3);
    maps.c.forEach((c, l) => {
      expect(c).toBeCloseTo(maps.k12[l] / Math.sqrt(maps.q1[l] * maps.q2[l]), 12);
      expect(Math.abs(c)).toBeLessThanOrEqual(1);
      expect(maps.seC[l]).toBeGreaterThan(0);
    });
    // Layer 1 is exactly sigmaW2 x.x'/d0 + sigmaB2 in expectation.
    expect(Math.abs(maps.q1[0] - (1.5 * 1) / 2 - 0.05)).toBeLessThan(4 * maps.seQ1[0]);
    const plain = await sampleRandomNetworks(compute, { networks: 2, inputDim: 1, depth: 2, width: 4, activation: 'erf', sigmaW2: 1, sigmaB2: 0, seed: 1 }, [[1]]);
    expect(() => layerMaps(plain)).toThrow(/layers: true/);
  });
});
