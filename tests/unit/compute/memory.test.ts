import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute } from '../../../src/compute/index.ts';
import { createEnsemble, createSgdChains, getCompute, liveTensors, trackTensors } from '../../../src/compute/index.ts';

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
});
