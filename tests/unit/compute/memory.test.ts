import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute } from '../../../src/compute/index.ts';
import {
  createEnsemble,
  createSgdChains,
  createTwoLayer,
  getCompute,
  liveTensors,
  sampleRandomNetworks,
  trackTensors,
} from '../../../src/compute/index.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

describe('the tensor count stays flat over long runs', () => {
  it('ensemble: 1000 x (train step + predict), and empiricalNtk / loss / predictTensor a few times', () => {
    const ens = createEnsemble(compute, {
      members: 2,
      inputDim: 2,
      depth: 3,
      width: 8,
      activation: 'erf',
      sigmaW2: 1.5,
      sigmaB2: 0.1,
      seed: 'memory',
    });
    const x = [
      [0, 1],
      [1, 0],
      [0.5, -0.5],
      [-1, 0.2],
    ];
    const y = [0.1, -0.2, 0.3, 0];
    ens.train(x, y, { eta: 0.05 }); // warm-up (first-use allocations, if any)
    const t = trackTensors('ensemble');
    for (let i = 0; i < 1000; i++) {
      ens.train(x, y, { eta: 0.05 });
      ens.predict(x);
    }
    expect(ens.step).toBe(1001);
    for (let i = 0; i < 5; i++) {
      ens.empiricalNtk(x);
      ens.empiricalNtk(x, x.slice(0, 2));
      ens.loss(x, y);
      ens.predictTensor(x).dispose();
      ens.weights();
    }
    ens.reset();
    console.log(`[memory] ensemble: ${t.start} tensors before, ${liveTensors()} after`);
    t.assertFlat(0);
    ens.dispose();
    expect(liveTensors()).toBe(0);
  });

  it('sgd chains: 1000 x (step + moments), values and paths', async () => {
    const chains = createSgdChains(compute, {
      chains: 1000,
      data: [-1, 0, 2, 5],
      batchSize: 4,
      schedule: { kind: 'inverse-k0', epsilon0: 0.5, k0: 20 },
      momentum: 0.5,
      theta0: 3,
      seed: 'memory',
    });
    const t = trackTensors('sgd chains');
    for (let i = 0; i < 1000; i++) {
      chains.step();
      chains.moments();
    }
    chains.step(10);
    await chains.momentsAsync();
    chains.values(100);
    chains.values();
    chains.paths([0, 999]);
    chains.reset();
    console.log(`[memory] sgd chains: ${t.start} tensors before, ${liveTensors()} after`);
    t.assertFlat(0);
    chains.dispose();
    expect(liveTensors()).toBe(0);
  });

  for (const layout of ['batched', 'per-member'] as const) {
    it(`ensemble (${layout}): 1000 x trainAndSnapshotAsync with test points and per-member rates, then history, replay and NTK`, async () => {
      const ens = createEnsemble(compute, { members: 3, inputDim: 2, depth: 3, width: 8, activation: 'tanh', sigmaW2: 1.5, sigmaB2: 0.1, seed: 'memory', layout });
      const x = [
        [0, 1],
        [1, 0],
        [0.5, -0.5],
      ];
      const y = [0.1, -0.2, 0.3];
      const xTest = [
        [0.2, 0.2],
        [-1, 1],
      ];
      // Warm-up: the caches fill (uploaded points, targets, the last two rate vectors, the kept forward pass).
      await ens.trainAndSnapshotAsync(x, y, { eta: [0.05, 0.02, 0.01] }, xTest);
      ens.train(x, y, { eta: 0.01 });
      await ens.trainAndSnapshotAsync(x, y, { eta: [0.05, 0.02, 0.01] }, xTest);
      const t = trackTensors(`ensemble ${layout}`);
      for (let i = 0; i < 1000; i++) {
        await ens.trainAndSnapshotAsync(x, y, { eta: [0.05, 0.02, 0.01] }, xTest);
        if (i % 100 === 0) {
          ens.train(x, y, { eta: 0.01 });
          ens.predict(xTest);
          await ens.snapshotAsync(x, y);
        }
      }
      expect(ens.step).toBe(1013);
      t.assertFlat(0);
      const h = ens.history();
      ens.replay(h);
      ens.empiricalNtk(x, xTest);
      ens.weights();
      console.log(`[memory] ensemble ${layout}: ${t.start} tensors before, ${liveTensors()} after (${h.length} history records)`);
      t.assertFlat(0);
      ens.dispose();
      expect(liveTensors()).toBe(0);
    });
  }

  for (const layout of ['batched', 'per-network'] as const) {
    it(`random networks (${layout}): 1000 chunks of one network, with layer kernels`, async () => {
      const spec = { networks: 1000, chunk: 1, inputDim: 2, depth: 3, width: 8, activation: 'erf' as const, sigmaW2: 1.5, sigmaB2: 0.1, seed: 'memory', layout };
      const x = [
        [0, 1],
        [1, 0],
        [0.5, -0.5],
      ];
      const t = trackTensors(`random networks ${layout}`);
      const out = await sampleRandomNetworks(compute, spec, x, { layers: true });
      expect(out.outputs.length).toBe(3000);
      await sampleRandomNetworks(compute, { ...spec, networks: 20, chunk: 7 }, x);
      t.assertFlat(0);
      expect(liveTensors()).toBe(0);
    });
  }

  it('two-layer nets: 1000 x run(1), and run(1000) with its 1001-row read-back', async () => {
    const net = createTwoLayer(compute, { rates: [0.5, 1, 3], seeds: 2, width: 16, x: [1, 2], y: [0, 1], seed: 'memory' });
    await net.run(1);
    const t = trackTensors('two-layer');
    for (let i = 0; i < 1000; i++) await net.run(1);
    t.assertFlat(0);
    const long = await net.run(1000);
    expect(long.to).toBe(2001);
    await net.snapshotAsync();
    net.parameters();
    net.reset();
    console.log(`[memory] two-layer: ${t.start} tensors before, ${liveTensors()} after`);
    t.assertFlat(0);
    net.dispose();
    expect(liveTensors()).toBe(0);
  });
});
