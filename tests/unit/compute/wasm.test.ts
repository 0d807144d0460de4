/**
 * The batched simulations on the WASM backend (tfjs-backend-wasm runs in Node with SIMD and no
 * threads, as on a page that is not cross-origin isolated): the backend the widgets get on a
 * machine without a GPU. createEnsemble picks its 'per-member' layout here, where XNNPACK runs
 * the 2-D matMuls.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, EnsembleSpec } from '../../../src/compute/index.ts';
import { createEnsemble, createRng, createTwoLayer, empiricalCovariance, getCompute, sampleRandomNetworks } from '../../../src/compute/index.ts';
import { catapultMap, kernelMatrix } from '../../../src/math/index.ts';
import { testing } from '../../../src/compute/ensemble.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['wasm'] });
});

function points(m: number, d0: number, seed: string): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: m }, () => Array.from({ length: d0 }, () => rng.normal()));
}

describe('createEnsemble on WASM', () => {
  const x = points(8, 2, 'wasm x');
  const y = x.map((p) => Math.sin(p[0]) * p[1]);
  const spec: EnsembleSpec = { members: 3, inputDim: 2, depth: 3, width: 128, activation: 'relu', sigmaW2: 2, sigmaB2: 0.1, seed: 'wasm' };

  it('runs on the WASM backend and picks the per-member layout for wide deep nets (batched for shallow ones)', () => {
    expect(compute.backend).toBe('wasm');
    const deep = createEnsemble(compute, spec);
    const shallow = createEnsemble(compute, { ...spec, depth: 2 });
    expect(deep.layout).toBe('per-member');
    expect(shallow.layout).toBe('batched');
    deep.dispose();
    shallow.dispose();
  });

  it('per-member (XNNPACK) and batched layouts agree to float32 rounding over 20 steps; rates are per member, bit for bit', async () => {
    const etas = [0.002, 0.005, 0.01];
    const p = createEnsemble(compute, spec);
    const b = createEnsemble(compute, { ...spec, layout: 'batched' });
    const sp = await p.trainAndSnapshotAsync(x, y, { eta: etas, steps: 20 });
    const sb = await b.trainAndSnapshotAsync(x, y, { eta: etas, steps: 20 });
    for (let k = 0; k < 3; k++) {
      const scale = Math.max(...Array.from(sb.train[k], Math.abs));
      sp.train[k].forEach((v, i) => expect(Math.abs(v - sb.train[k][i])).toBeLessThan(1e-4 * scale));
      expect(Math.abs(sp.loss[k] - sb.loss[k])).toBeLessThan(1e-3 * sb.loss[k] + 1e-7);
    }
    expect(testing.transposeGap(p)).toBe(0);
    const single = createEnsemble(compute, spec);
    single.train(x, y, { eta: etas[1], steps: 20 });
    expect(Array.from(single.predict(x)[1])).toEqual(Array.from(sp.train[1]));
    for (const e of [p, b, single]) e.dispose();
  });

  it('trains towards the targets (loss falls), and the tensor count stays flat over 300 snapshot steps', async () => {
    const ens = createEnsemble(compute, { ...spec, activation: 'tanh', sigmaW2: 1.5 });
    const xTest = points(20, 2, 'wasm test');
    const first = await ens.trainAndSnapshotAsync(x, y, { eta: 0.01 }, xTest);
    const before = compute.liveTensors();
    let last = first;
    for (let i = 0; i < 300; i++) last = await ens.trainAndSnapshotAsync(x, y, { eta: 0.01 }, xTest);
    expect(compute.liveTensors()).toBe(before);
    expect(last.step).toBe(301);
    for (let k = 0; k < 3; k++) expect(last.loss[k]).toBeLessThan(0.5 * first.loss[k]);
    ens.dispose();
    expect(compute.liveTensors()).toBe(0);
  });
});

describe('sampleRandomNetworks on WASM', () => {
  it("'per-network' (the WASM default) and 'batched' draw the same networks; the covariance matches the NNGP kernel", async () => {
    const x = [
      [1, 0.5],
      [-0.4, 0.9],
      [0.3, -0.2],
    ];
    const spec = { networks: 1500, inputDim: 2, depth: 3, width: 128, activation: 'relu' as const, sigmaW2: 2, sigmaB2: 0.1, seed: 'wasm rn' };
    const before = compute.liveTensors();
    const a = await sampleRandomNetworks(compute, spec, x);
    const b = await sampleRandomNetworks(compute, { ...spec, networks: 100, layout: 'batched' }, x);
    b.outputs.forEach((v, i) => expect(Math.abs(a.outputs[i] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
    const K = kernelMatrix({ kind: 'nngp', activation: 'relu', depth: 3, sigmaW2: 2, sigmaB2: 0.1 }, x, x);
    const { cov, se } = empiricalCovariance(a.outputs, 1500, 3);
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) expect(Math.abs(cov[p][q] - K[p][q])).toBeLessThan(4 * se[p][q] + (2 / 128) * Math.abs(K[p][q]));
    expect(compute.liveTensors()).toBe(before);
  });
});

describe('createTwoLayer on WASM (u and v as [B, n], elementwise updates)', () => {
  it('follows catapultMap in the three phases; per-run rates reproduce single-rate runs bit for bit; flat tensor count', async () => {
    const n = 512;
    const probe = createTwoLayer(compute, { rates: [0], width: n, x: [1], y: [0], seed: 'wasm catapult' });
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
    const rates = [1.2, 3.2, 4.3].map((k) => k / lambda0);
    const net = createTwoLayer(compute, { rates, width: n, x: [1], y: [0], seed: 'wasm catapult' });
    const traj = await net.run(60);
    const before = compute.liveTensors();
    for (let r = 0; r < 3; r++) {
      const map = catapultMap({ f0, lambda0, eta: rates[r], width: n, steps: 60 });
      const nudged = catapultMap({ f0: f0 * (1 + 1e-6), lambda0, eta: rates[r], width: n, steps: 60 });
      for (let t = 0; t <= 60; t++) {
        if (traj.divergedAt[r] >= 0 && t >= traj.divergedAt[r]) {
          expect(traj.loss[t * 3 + r]).toBe(Infinity);
          continue;
        }
        // the tolerance of tests/theory/two-layer-catapult.test.ts
        const tol = 3e-5 * Math.abs(map.f[t]) + 10 * 2 ** -24 * Math.sqrt(n) * map.lambda[t] + 10 * Math.abs(nudged.f[t] - map.f[t]);
        expect(Math.abs(traj.f[t * 3 + r] - map.f[t])).toBeLessThan(tol);
      }
    }
    expect(Array.from(traj.divergedAt).map((d) => d >= 0)).toEqual([false, false, true]);
    const one = createTwoLayer(compute, { rates: [rates[1]], width: n, x: [1], y: [0], seed: 'wasm catapult' });
    const t1 = await one.run(60);
    for (let t = 0; t <= 60; t++) expect(t1.f[t]).toBe(traj.f[t * 3 + 1]);
    one.dispose();
    for (let i = 0; i < 200; i++) await net.run(1);
    expect(compute.liveTensors()).toBe(before);
    net.dispose();
  });
});
