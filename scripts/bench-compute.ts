/**
 * Node timings of the compute module's batched simulations, on the tfjs WASM (SIMD) and CPU backends:
 *
 *   node scripts/with-node.mjs node scripts/bench-compute.ts [--backend=wasm|cpu] [--quick]
 *
 * Node 24 strips the types. engine.ts (the page's backend chooser) imports the WASM binaries as
 * Vite `?url` assets and cannot load in plain Node, so this script registers tfjs-core with the CPU
 * and WASM backends itself and hands the routines a minimal Compute ({ tf, generation }): they use
 * nothing else. tfjs-backend-wasm runs in Node (it reads its .wasm from node_modules); Node has
 * WASM SIMD but no threads here, as a page that is not cross-origin isolated.
 *
 * Each row: warm-up calls, then `repeats` timed calls; median (and min) in ms. Browser targets (the
 * other engineer's Chromium bench, fastest backend): ensemble step + read-back at K = 8, width 512,
 * 16 points <= 16 ms (depth 2) and <= 33 ms (depth 3); 2,000 random networks of width 1,024,
 * depth 3 on 20 inputs -> covariance < 1 s; 256 two-layer nets x width 1,024 x 100 steps < 1 s.
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { Compute } from '../src/compute/index.ts';
import { createEnsemble } from '../src/compute/ensemble.ts';
import { empiricalCovariance, sampleRandomNetworks } from '../src/compute/random-networks.ts';
import { createTwoLayer } from '../src/compute/two-layer.ts';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--backend='))?.split('=')[1];
const quick = args.includes('--quick');
const backends = only ? [only] : ['wasm', 'cpu'];

tf.enableProdMode();
const compute = { tf, generation: 0, liveTensors: () => tf.memory().numTensors } as unknown as Compute;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function time(name: string, repeats: number, warmup: number, f: () => unknown | Promise<unknown>, target?: string): Promise<void> {
  for (let i = 0; i < warmup; i++) await f();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  const row = `  ${name.padEnd(72)} ${median(t).toFixed(2).padStart(9)} ms  (min ${Math.min(...t).toFixed(2)})`;
  console.log(target ? `${row}   target ${target}` : row);
}

const x16 = Array.from({ length: 16 }, (_, i) => [Math.cos(i), Math.sin(i)]);
const y16 = x16.map((p) => p[0] * p[1]);
const xTest = Array.from({ length: 100 }, (_, i) => [Math.cos((2 * Math.PI * i) / 100), Math.sin((2 * Math.PI * i) / 100)]);

console.log(`# bench-compute: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`);
for (const backend of backends) {
  if (!(await tf.setBackend(backend))) {
    console.log(`\n## ${backend}: could not start`);
    continue;
  }
  await tf.ready();
  const simd = backend === 'wasm' ? ` (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')})` : '';
  console.log(`\n## backend ${backend}${simd}`);
  const reps = quick ? 5 : backend === 'cpu' ? 7 : 21;

  for (const depth of [2, 3]) {
    const target = depth === 2 ? '<= 16 ms' : '<= 33 ms';
    const ens = createEnsemble(compute, { members: 8, inputDim: 2, depth, width: 512, activation: 'relu', sigmaW2: 2, sigmaB2: 0.1, seed: 1 });
    const tag = `K = 8, width 512, depth ${depth}, 16 pts [${ens.layout}]`;
    await time(`ensemble train(1) + loss() (sync), ${tag}`, reps, 3, () => {
      ens.train(x16, y16, { eta: 0.1, steps: 1 });
      ens.loss(x16, y16);
    });
    await time(`ensemble trainAndSnapshotAsync(1 step), ${tag}`, reps, 3, () => ens.trainAndSnapshotAsync(x16, y16, { eta: 0.1, steps: 1 }), target);
    await time(`  + predictions on 100 test points`, reps, 3, () => ens.trainAndSnapshotAsync(x16, y16, { eta: 0.1, steps: 1 }, xTest));
    const etas = Array.from({ length: 8 }, (_, k) => 0.02 * (k + 1));
    await time(`  per-member rates (8 different eta)`, reps, 3, () => ens.trainAndSnapshotAsync(x16, y16, { eta: etas, steps: 1 }));
    ens.dispose();
    if (depth === 3 && backend === 'wasm') {
      const b = createEnsemble(compute, { members: 8, inputDim: 2, depth, width: 512, activation: 'relu', sigmaW2: 2, sigmaB2: 0.1, seed: 1, layout: 'batched' });
      await time(`  same, layout 'batched' forced`, quick ? 3 : 5, 1, () => b.trainAndSnapshotAsync(x16, y16, { eta: 0.1, steps: 1 }));
      b.dispose();
    }
  }
  {
    const ens = createEnsemble(compute, { members: 1024, inputDim: 1, depth: 2, width: 16, activation: 'tanh', sigmaW2: 1.5, sigmaB2: 0.1, seed: 1 });
    const x = Array.from({ length: 8 }, (_, i) => [i / 4 - 1]);
    const y = x.map((p) => Math.sin(3 * p[0]));
    const etas = Array.from({ length: 1024 }, (_, k) => 0.01 + k * 0.001);
    await time(`ensemble K = 1024 small nets (width 16, depth 2, 8 pts), 1 step + snapshot [${ens.layout}]`, reps, 2, () =>
      ens.trainAndSnapshotAsync(x, y, { eta: etas, steps: 1 }),
    );
    ens.dispose();
  }

  {
    const P = 20;
    const inputs = Array.from({ length: P }, (_, i) => [Math.cos(i), Math.sin(i), 0.5 * Math.cos(3 * i)]);
    for (const [networks, width] of [
      [2000, 1024],
      [500, 1024],
    ] as const) {
      // On the CPU backend 2,000 networks take ~4x the 500-network time: skipped to keep the run short.
      if (backend === 'cpu' && networks > 500) continue;
      const spec = { networks, inputDim: 3, depth: 3, width, activation: 'relu', sigmaW2: 2, sigmaB2: 0.1, seed: 1 } as const;
      await time(
        `random networks: ${networks} x width ${width}, depth 3, ${P} inputs -> covariance`,
        quick ? 2 : 3,
        1,
        async () => {
          const out = await sampleRandomNetworks(compute, spec, inputs);
          empiricalCovariance(out.outputs, networks, P);
        },
        networks === 2000 ? '< 1 s' : undefined,
      );
    }
  }

  {
    const rates = Array.from({ length: 256 }, (_, i) => 0.05 + (i * 4.5) / 256);
    const net = createTwoLayer(compute, { rates, seeds: 1, width: 1024, x: [1], y: [0], seed: 1 });
    await time(`two-layer net: 256 rates x width 1024, 100 steps + trajectory read-back`, quick ? 2 : 5, 1, async () => {
      net.reset();
      await net.run(100);
    }, '< 1 s');
    net.dispose();
  }
  console.log(`  (tensors alive at the end: ${tf.memory().numTensors})`);
}
