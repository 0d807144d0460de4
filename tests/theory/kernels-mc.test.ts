/**
 * NNGP and NTK closed forms vs Monte Carlo over explicit finite-width networks (width 1024).
 *
 * Tolerance: every estimate is within 4 standard errors of the infinite-width value, the SE being
 * the observed spread over independent network draws / √draws. There are 72 such comparisons, so
 * at 4 SE a correct implementation fails by chance with probability < 0.5% (and the seeds are
 * fixed). Bias: at depth 2 the hidden pre-activations are exactly Gaussian with covariance K¹, so
 * all three estimators are unbiased; at depth 3 the finite-width bias is O(1/width) ≈ 1e-3
 * relative (Yaida 2020; Hanin & Nica 2020), well below the ~1% SE.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelMatrix } from '../../src/math/index.ts';
import { meanSe, report, Rng } from '../unit/math/_support.ts';
import { drawNetwork } from './finite-network.ts';
import type { Act } from './finite-network.ts';

const X = [
  [1, 0.5, -0.3],
  [-0.2, 0.9, 0.4],
  [0.7, -0.6, 1.1],
];
const WIDTH = 1024;
const PARAMS: Record<'relu' | 'erf', { sigmaW2: number; sigmaB2: number }> = {
  relu: { sigmaW2: 2, sigmaB2: 0.1 },
  erf: { sigmaW2: 1.5, sigmaB2: 0.1 },
};
const PAIRS: [number, number][] = [
  [0, 0],
  [0, 1],
  [0, 2],
  [1, 1],
  [1, 2],
  [2, 2],
];

interface Samples {
  output: number[][]; // per pair: per-draw mean over output units of f_p f_q
  nngp: number[][];
  ntk: number[][];
}

function simulate(act: Act, depth: number, draws: number, outputs: number, seed: number): Samples {
  const rng = new Rng(seed);
  const { sigmaW2, sigmaB2 } = PARAMS[act as 'relu' | 'erf'];
  const s: Samples = { output: PAIRS.map(() => []), nngp: PAIRS.map(() => []), ntk: PAIRS.map(() => []) };
  for (let r = 0; r < draws; r++) {
    const d = drawNetwork(rng, act, depth, WIDTH, sigmaW2, sigmaB2, X, outputs);
    PAIRS.forEach(([p, q], k) => {
      s.output[k].push(d.f.reduce((acc, fk) => acc + fk[p] * fk[q], 0) / outputs);
      s.nngp[k].push(d.nngp[p][q]);
      s.ntk[k].push(d.ntk[p][q]);
    });
  }
  return s;
}

const worst = { rel: { output: 0, nngp: 0, ntk: 0 }, z: 0 };

function check(label: string, samples: number[][], exact: number[][], kind: 'output' | 'nngp' | 'ntk'): void {
  PAIRS.forEach(([p, q], k) => {
    const { mean, se } = meanSe(samples[k]);
    const z = (mean - exact[p][q]) / se;
    worst.z = Math.max(worst.z, Math.abs(z));
    if (process.env.MATH_DEBUG) console.log(label, p, q, mean.toFixed(5), exact[p][q].toFixed(5), se.toExponential(2), z.toFixed(2));
    worst.rel[kind] = Math.max(worst.rel[kind], Math.abs(mean - exact[p][q]) / Math.abs(exact[p][q]));
    expect(Math.abs(z), `${label} (${p},${q}): MC ${mean} ± ${se} vs exact ${exact[p][q]}`).toBeLessThan(4);
  });
}

// depth 2: thousands of cheap draws (one hidden layer); depth 3: fewer draws of a network with an
// explicit 1024 × 1024 hidden matrix, 64 output units each for the literal output covariance.
const PLAN = [
  { depth: 2, draws: 3000, outputs: 1 },
  { depth: 3, draws: 48, outputs: 64 },
];

for (const act of ['relu', 'erf'] as const) {
  for (const { depth, draws, outputs } of PLAN) {
    describe(`${act} depth ${depth}: width ${WIDTH}, ${draws} network draws`, () => {
      let s: Samples;
      const spec = { activation: act, depth, ...PARAMS[act] };
      beforeAll(() => {
        s = simulate(act, depth, draws, outputs, 1000 * depth + (act === 'relu' ? 1 : 2));
      });

      it('NNGP: output covariance E[f(x)f(x′)] matches K^L within 4 SE', () => {
        const K = kernelMatrix({ kind: 'nngp', ...spec }, X, X);
        check(`${act} L=${depth} output covariance`, s.output, K, 'output');
        check(`${act} L=${depth} conditional NNGP`, s.nngp, K, 'nngp');
      });

      it('NTK: mean empirical NTK (hand-derived gradients) matches Θ^L within 4 SE', () => {
        const T = kernelMatrix({ kind: 'ntk', ...spec }, X, X);
        check(`${act} L=${depth} empirical NTK`, s.ntk, T, 'ntk');
      });
    });
  }
}

describe('summary', () => {
  it('reports the worst deviations', () => {
    report('NNGP MC (literal output covariance) worst relative error', worst.rel.output);
    report('NNGP MC (conditional on hidden layers) worst relative error', worst.rel.nngp);
    report('NTK MC worst relative error', worst.rel.ntk);
    report('kernel MC worst |z|', worst.z);
    expect(worst.z).toBeLessThan(4);
  });
});
