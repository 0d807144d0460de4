/**
 * sgdMoments vs simulated SGD chains on a real finite data set (minibatches drawn with replacement),
 * for constant and 1/(k+1) schedules, M = 1 and 8, momentum 0, 0.5 and 0.9.
 *
 * Tolerance: at checkpoints k = 2, 10, 40 the chain mean and chain variance are within 3 standard
 * errors of the exact moments (SE of the mean = s/√R; SE of the variance from the sample fourth
 * central moment, √((m4 − s⁴)/R)). 74 comparisons at 3 SE: the chance that a correct
 * implementation trips one is ~18%, so the seed is fixed (and was not tuned); the worst |z| is
 * reported.
 */
import { describe, expect, it } from 'vitest';
import { sgdMoments, sgdStationaryVariance } from '../../src/math/index.ts';
import { report, Rng } from '../unit/math/_support.ts';

const rng = new Rng(424242);
const N = 40;
const data = Array.from({ length: N }, () => 1 + 0.8 * rng.normal() + (rng.uniform() < 0.3 ? 2 : 0)); // skewed
const mu = data.reduce((s, v) => s + v, 0) / N;
const popVar = data.reduce((s, v) => s + (v - mu) ** 2, 0) / N; // POPULATION variance
const CHAINS = 30000;
const STEPS = 40;
const CHECK = [2, 10, 40];
const THETA0 = 3;

function simulate(eps: (k: number) => number, M: number, alpha: number): Float64Array[] {
  const out = CHECK.map(() => new Float64Array(CHAINS));
  for (let c = 0; c < CHAINS; c++) {
    let prev = THETA0;
    let theta = THETA0;
    let at = 0;
    for (let k = 0; k < STEPS; k++) {
      let batch = 0;
      for (let b = 0; b < M; b++) batch += data[rng.int(N)];
      const g = theta - batch / M; // gradient of ½(θ − θ_i)² averaged over the minibatch
      const next = theta - eps(k) * g + alpha * (theta - prev);
      prev = theta;
      theta = next;
      if (k + 1 === CHECK[at]) out[at++][c] = theta;
    }
  }
  return out;
}

function moments(xs: Float64Array) {
  const R = xs.length;
  let m = 0;
  for (const x of xs) m += x;
  m /= R;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = (x - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  const s2 = m2 / (R - 1);
  m4 /= R;
  return { mean: m, var: s2, seMean: Math.sqrt(s2 / R), seVar: Math.sqrt(Math.max(m4 - s2 * s2, 0) / R) };
}

let worstZ = 0;
const SCHEDULES: [string, number | ((k: number) => number)][] = [
  ['constant ε = 0.3', 0.3],
  ['ε_k = 1/(k+1)', (k: number) => 1 / (k + 1)],
];

describe('sgdMoments vs simulated chains (within 3 SE)', () => {
  for (const [name, epsilon] of SCHEDULES) {
    for (const M of [1, 8]) {
      for (const alpha of [0, 0.5, 0.9]) {
        it(`${name}, M = ${M}, momentum ${alpha}`, () => {
          const eps = typeof epsilon === 'number' ? () => epsilon : epsilon;
          const sims = simulate(eps, M, alpha);
          const exact = sgdMoments({ epsilon, theta0: THETA0, steps: STEPS, batchSize: M, dataMean: mu, dataVar: popVar, momentum: alpha });
          CHECK.forEach((k, i) => {
            const s = moments(sims[i]);
            const zMean = (s.mean - exact.mean[k]) / s.seMean;
            const zVar = (s.var - exact.variance[k]) / s.seVar;
            worstZ = Math.max(worstZ, Math.abs(zMean), Math.abs(zVar));
            expect(Math.abs(zMean), `mean at k = ${k}: ${s.mean} vs ${exact.mean[k]}`).toBeLessThan(3);
            expect(Math.abs(zVar), `variance at k = ${k}: ${s.var} vs ${exact.variance[k]}`).toBeLessThan(3);
          });
        });
      }
    }
  }
  it('stationary variance with momentum (closed form) matches long chains', () => {
    for (const [eps, alpha] of [
      [0.3, 0.5],
      [0.1, 0.9],
    ]) {
      const steps = 400;
      const R = 6000;
      const xs = new Float64Array(R);
      for (let c = 0; c < R; c++) {
        let prev = THETA0;
        let theta = THETA0;
        for (let k = 0; k < steps; k++) {
          const next = theta - eps * (theta - data[rng.int(N)]) + alpha * (theta - prev);
          prev = theta;
          theta = next;
        }
        xs[c] = theta;
      }
      const s = moments(xs);
      const exact = sgdStationaryVariance({ epsilon: eps, dataVar: popVar, momentum: alpha });
      const z = (s.var - exact) / s.seVar;
      worstZ = Math.max(worstZ, Math.abs(z));
      expect(Math.abs(z), `ε = ${eps}, α = ${alpha}: ${s.var} vs ${exact}`).toBeLessThan(3);
    }
  });

  it('reports the worst deviation in standard errors', () => {
    report('SGD moments vs chains, worst |z| (SE)', worstZ);
    expect(worstZ).toBeLessThan(3);
  });
});
