/**
 * sampleRandomNetworks (float32, CPU backend) against the float64 infinite-width theory:
 *
 * 1. NNGP. The empirical output covariance (1/S) sum_s f_s(x) f_s(x') estimates kernelMatrix's
 *    K^L. Tolerance: 4 standard errors (SE = sd of the per-network products / sqrt(S)), plus, at
 *    depth >= 3 only, the finite-width bias bound 2|K|/n (the bias is O(1/n): Yaida 2020, Hanin &
 *    Nica 2020; at depth <= 2 the estimator is unbiased, since layer 1 is exactly Gaussian).
 * 2. Mean field. Per layer l, q^l(x) = E[(1/n)|z^l(x)|^2] and K^l(x, x') = E[(1/n) z^l(x).z^l(x')]
 *    follow the q- and c-maps, i.e. kernelMatrix at depth l; deep in the network they reach
 *    meanField's fixed points q* and c*. Tolerance: 4 SE plus a finite-width bias bound
 *    (l/n)|K^l| that grows with depth (each layer adds an O(1/n) correction).
 * With ~50 comparisons at 4 SE a correct implementation fails by chance with probability ~0.3%;
 * the seeds are fixed (and were not tuned).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, RandomNetworkActivation } from '../../src/compute/index.ts';
import { empiricalCovariance, getCompute, layerMaps, sampleRandomNetworks } from '../../src/compute/index.ts';
import { kernelMatrix, meanField } from '../../src/math/index.ts';
import { report } from '../unit/math/_support.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

const X = [
  [1, 0.5, -0.3],
  [-0.2, 0.9, 0.4],
  [0.7, -0.6, 1.1],
  [0.1, 0.1, 0.1],
];
const worst = { z: 0 };

describe('empirical covariance of S random networks vs the NNGP kernel (kernelMatrix nngp)', () => {
  const cases: [RandomNetworkActivation & ('relu' | 'erf' | 'tanh'), number, number, number, number][] = [
    // activation, depth, width, networks, sigmaW2
    ['relu', 1, 64, 4000, 2],
    ['relu', 2, 256, 4000, 2],
    ['erf', 2, 256, 4000, 1.5],
    ['relu', 3, 512, 3000, 2],
    ['erf', 3, 512, 3000, 1.5],
    ['tanh', 3, 512, 3000, 1.5],
  ];
  for (const [activation, depth, width, S, sigmaW2] of cases) {
    it(`${activation}, depth ${depth}, width ${width}, ${S} networks: within 4 SE${depth >= 3 ? ' + 2|K|/n' : ''}`, async () => {
      const sigmaB2 = 0.1;
      const sample = await sampleRandomNetworks(compute, { networks: S, inputDim: 3, depth, width, activation, sigmaW2, sigmaB2, seed: `nngp ${activation} ${depth}` }, X);
      const K = kernelMatrix({ kind: 'nngp', activation, depth, sigmaW2, sigmaB2 }, X, X);
      const { cov, se } = empiricalCovariance(sample.outputs, S, X.length);
      let z = 0;
      for (let p = 0; p < X.length; p++) {
        for (let q = p; q < X.length; q++) {
          const bias = depth >= 3 ? (2 / width) * Math.abs(K[p][q]) : 0;
          const gap = Math.abs(cov[p][q] - K[p][q]);
          z = Math.max(z, gap / se[p][q]);
          expect(gap, `(${p}, ${q}): ${cov[p][q]} ± ${se[p][q]} vs ${K[p][q]}`).toBeLessThan(4 * se[p][q] + bias);
        }
      }
      worst.z = Math.max(worst.z, z);
    });
  }

  it('a high-dimensional input (d0 + 1 > P: layer 1 through the Cholesky factor of K^1) and sigmaB2 = 0', async () => {
    const d0 = 12;
    const xs = [Array.from({ length: d0 }, (_, i) => Math.sin(i)), Array.from({ length: d0 }, (_, i) => Math.cos(i))];
    const spec = { activation: 'relu' as const, depth: 2, sigmaW2: 2, sigmaB2: 0 };
    const S = 4000;
    const sample = await sampleRandomNetworks(compute, { networks: S, inputDim: d0, width: 128, seed: 'hi-dim', ...spec }, xs);
    const K = kernelMatrix({ kind: 'nngp', ...spec }, xs, xs);
    const { cov, se } = empiricalCovariance(sample.outputs, S, 2);
    for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) expect(Math.abs(cov[p][q] - K[p][q])).toBeLessThan(4 * se[p][q]);
  });
});

describe('per-layer q^l and c^l vs the mean-field maps (kernelMatrix at depth l) and fixed points (meanField)', () => {
  const pair = [
    [1, 0.2, -0.4],
    [0.3, 0.9, 0.2],
  ];
  // Chosen with short correlation depths xi_c (2.3 and 4.7 layers), so that 23 layers reach the fixed points.
  for (const [sigmaW2, sigmaB2, label] of [
    [0.8, 0.05, 'ordered'],
    [6, 0.3, 'chaotic'],
  ] as const) {
    it(`tanh, sigmaW2 ${sigmaW2}, sigmaB2 ${sigmaB2} (${label}): 24 layers of width 1024, 300 networks`, async () => {
      const L = 24;
      const n = 1024;
      const S = 300;
      const mf = meanField({ activation: 'tanh', sigmaW2, sigmaB2 });
      expect(mf.phase).toBe(label);
      const sample = await sampleRandomNetworks(compute, { networks: S, inputDim: 3, depth: L, width: n, activation: 'tanh', sigmaW2, sigmaB2, seed: `mf ${label}` }, pair, { layers: true });
      const maps = layerMaps(sample, 0, 1);
      let z = 0;
      // Hidden layers 1..L-1 (layer L is the single output unit, whose "kernel" is f f).
      for (let l = 1; l < L; l++) {
        const K = kernelMatrix({ kind: 'nngp', activation: 'tanh', depth: l, sigmaW2, sigmaB2 }, pair, pair);
        const bias = (l / n) * 1;
        const checks: [number, number, number][] = [
          [maps.q1[l - 1], K[0][0], maps.seQ1[l - 1]],
          [maps.q2[l - 1], K[1][1], maps.seQ2[l - 1]],
          [maps.k12[l - 1], K[0][1], maps.seK12[l - 1]],
        ];
        for (const [est, exact, se] of checks) {
          z = Math.max(z, Math.abs(est - exact) / se);
          expect(Math.abs(est - exact), `layer ${l}: ${est} ± ${se} vs ${exact}`).toBeLessThan(4 * se + bias * Math.abs(exact));
        }
        const c = K[0][1] / Math.sqrt(K[0][0] * K[1][1]);
        expect(Math.abs(maps.c[l - 1] - c), `c at layer ${l}`).toBeLessThan(4 * maps.seC[l - 1] + bias);
      }
      // Deep in the network the maps have converged to meanField's fixed points (up to the
      // recursion's own remaining distance e^{-l/xi_c}, added to the tolerance).
      const last = L - 2;
      const K = kernelMatrix({ kind: 'nngp', activation: 'tanh', depth: L - 1, sigmaW2, sigmaB2 }, pair, pair);
      const cRec = K[0][1] / Math.sqrt(K[0][0] * K[1][1]);
      expect(Math.abs(cRec - mf.cStar)).toBeLessThan(2e-3);
      expect(Math.abs(maps.q1[last] - mf.qStar)).toBeLessThan(4 * maps.seQ1[last] + ((L - 1) / n) * mf.qStar + Math.abs(K[0][0] - mf.qStar));
      expect(Math.abs(maps.c[last] - mf.cStar)).toBeLessThan(4 * maps.seC[last] + (L - 1) / n + Math.abs(cRec - mf.cStar));
      console.log(
        `[mean field ${label}] q* = ${mf.qStar.toFixed(4)}, c* = ${mf.cStar.toFixed(4)}; layer ${L - 1}: q = ${maps.q1[last].toFixed(4)} ± ${maps.seQ1[last].toFixed(4)}, c = ${maps.c[last].toFixed(4)} ± ${maps.seC[last].toFixed(4)}; worst ${z.toFixed(2)} SE`,
      );
      worst.z = Math.max(worst.z, z);
    });
  }
});

describe('summary', () => {
  it('reports the worst deviation', () => {
    report('random networks vs kernelMatrix / meanField: worst |z|', worst.z);
  });
});
