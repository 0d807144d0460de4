/**
 * Timings of the math core's heavy paths: `node scripts/bench-math.ts` (Node 24 strips the types).
 * Each case runs a few warm-up calls, then `repeats` timed calls; the table shows the median
 * (and min/max) in milliseconds. Targets on the 2-core reference machine: gpPosterior n = 200
 * under 5 ms, n = 1000 under 300 ms.
 */
import { cpus, loadavg } from 'node:os';
import { gpPosterior, kernelMatrix, ntkPrediction } from '../src/math/index.ts';
import type { KernelSpec } from '../src/math/index.ts';
import { createRng } from '../src/compute/rng.ts';

/** The book's seeded generator (mulberry32) so the inputs are the same on every run. */
const rng = (seed: number): (() => number) => createRng(seed).next;

function points(n: number, d: number, r: () => number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => 4 * r() - 2));
}

interface Row {
  name: string;
  target?: number;
  times: number[];
}

function time(name: string, repeats: number, warmup: number, f: () => unknown, target?: number): Row {
  for (let i = 0; i < warmup; i++) f();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return { name, target, times };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const r = rng(20240611);
const rbf: KernelSpec = { kind: 'rbf', lengthScale: 0.7, variance: 1 };
const ntkRelu: KernelSpec = { kind: 'ntk', activation: 'relu', depth: 5, sigmaW2: 2, sigmaB2: 0.1 };
const xTest = points(200, 2, r);
const rows: Row[] = [];

for (const [n, repeats, target] of [
  [50, 30, undefined],
  [200, 30, 5],
  [1000, 7, 300],
] as const) {
  const xTrain = points(n, 2, r);
  const yTrain = xTrain.map(([a, b]) => Math.sin(2 * a) * Math.cos(b) + 0.1 * (r() - 0.5));
  rows.push(
    time(`gpPosterior rbf n=${n}, 200 test`, repeats, 3, () => gpPosterior({ xTrain, yTrain, xTest, kernel: rbf, noise: 1e-2 }), target),
  );
}
{
  const xTrain = points(200, 2, r);
  const yTrain = xTrain.map(([a]) => Math.sin(2 * a));
  rows.push(time('gpPosterior nngp relu L=3 n=200, 200 test', 20, 3, () =>
    gpPosterior({ xTrain, yTrain, xTest, kernel: { kind: 'nngp', activation: 'relu', depth: 3, sigmaW2: 2, sigmaB2: 0.1 }, noise: 1e-2 }),
  ));
}
{
  const a = points(200, 3, r);
  const b = points(200, 3, r);
  rows.push(time('kernelMatrix ntk relu L=5 200x200', 30, 3, () => kernelMatrix(ntkRelu, a, b)));
  const c = points(20, 3, r);
  rows.push(time('kernelMatrix ntk tanh L=3 20x20 (quadrature)', 5, 1, () =>
    kernelMatrix({ kind: 'ntk', activation: 'tanh', depth: 3, sigmaW2: 1.5, sigmaB2: 0.1 }, c, c),
  ));
}
{
  const x = points(100, 3, r);
  const xt = points(200, 3, r);
  const thetaTrain = kernelMatrix(ntkRelu, x, x);
  const thetaTestTrain = kernelMatrix(ntkRelu, xt, x);
  const yTrain = x.map(([a, b]) => Math.sin(a + b));
  rows.push(time('ntkPrediction n=100, 200 test', 30, 3, () =>
    ntkPrediction({ thetaTrain, thetaTestTrain, yTrain, eta: 0.1, t: 50 }),
  ));
}

const w = Math.max(...rows.map((x) => x.name.length));
const line = `${'case'.padEnd(w)}  median ms     min ms     max ms  runs  target`;
console.log(line);
console.log('-'.repeat(line.length));
for (const row of rows) {
  const med = median(row.times);
  const status = row.target === undefined ? '' : `< ${row.target} ms ${med < row.target ? 'ok' : 'MISSED'}`;
  console.log(
    `${row.name.padEnd(w)}  ${med.toFixed(3).padStart(9)}  ${Math.min(...row.times).toFixed(3).padStart(9)}  ` +
      `${Math.max(...row.times).toFixed(3).padStart(9)}  ${String(row.times.length).padStart(4)}  ${status}`,
  );
}
// Timings on a shared machine depend on what else runs: print the load so a reader can judge.
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${cpus().length} cores, load average ${load}, ${new Date().toISOString()}`);
