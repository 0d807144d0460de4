import { describe, expect, it } from 'vitest';
import {
  catapultMap,
  gpPosterior,
  kernelMatrix,
  meanField,
  ntkGp,
  ntkPrediction,
  sgdMoments,
} from '../../../src/math/index.ts';
import type { KernelSpec } from '../../../src/math/index.ts';
import { Rng } from './_support.ts';

const rbf: KernelSpec = { kind: 'rbf', lengthScale: 1, variance: 1 };

describe('bad input throws a TypeError/RangeError naming the parameter', () => {
  it('kernelMatrix', () => {
    expect(() => kernelMatrix(rbf, 'x' as never, [[1]])).toThrow(TypeError);
    expect(() => kernelMatrix(rbf, 'x' as never, [[1]])).toThrow(/kernelMatrix: a /);
    expect(() => kernelMatrix(null as never, [[1]], [[1]])).toThrow(/spec/);
    expect(() => kernelMatrix(rbf, [[1, '2' as never]], [[1, 2]])).toThrow(/a\[0\]\[1\]/);
    expect(() => kernelMatrix(rbf, [[1, 2]], [[1]])).toThrow(RangeError);
    expect(() => kernelMatrix(rbf, [[1, 2]], [[1]])).toThrow(/\bb\b/);
    expect(() => kernelMatrix({ kind: 'poly' } as never, [[1]], [[1]])).toThrow(/spec\.kind/);
    expect(() => kernelMatrix({ kind: 'ntk', activation: 'gelu', depth: 2, sigmaW2: 1, sigmaB2: 0 } as never, [[1]], [[1]])).toThrow(
      /spec\.activation/,
    );
    expect(() => kernelMatrix({ kind: 'ntk', activation: 'relu', depth: 2.5, sigmaW2: 1, sigmaB2: 0 }, [[1]], [[1]])).toThrow(/spec\.depth/);
    expect(() => kernelMatrix({ kind: 'ntk', activation: 'relu', depth: 2, sigmaW2: 1, sigmaB2: -1 }, [[1]], [[1]])).toThrow(/spec\.sigmaB2/);
    expect(() => kernelMatrix({ kind: 'rbf', lengthScale: 1, variance: -1 }, [[1]], [[1]])).toThrow(/spec\.variance/);
    expect(() => kernelMatrix({ kind: 'nngp', activation: 'relu', depth: 2, sigmaW2: 1, sigmaB2: 0 }, [[]], [[]])).toThrow(/a\[0\]/);
  });

  it('options bags must be objects', () => {
    for (const f of [gpPosterior, ntkPrediction, ntkGp, catapultMap, sgdMoments, meanField] as ((o: unknown) => unknown)[]) {
      expect(() => f(undefined)).toThrow(TypeError);
      expect(() => f(undefined)).toThrow(/options/);
    }
  });
});

describe('valid input never yields NaN', () => {
  it('kernelMatrix over random specs, including extreme scales and zero inputs', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 60; t++) {
      const scale = [0, 1e-3, 1, 30, 1e3][rng.int(5)];
      const pts = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => scale * rng.normal()));
      const activation = (['relu', 'erf', 'tanh'] as const)[rng.int(3)];
      const spec: KernelSpec = {
        kind: rng.uniform() < 0.5 ? 'nngp' : 'ntk',
        activation,
        depth: 1 + rng.int(5),
        sigmaW2: [0, 0.5, 2, 10][rng.int(4)],
        sigmaB2: [0.01, 0.5, 2][rng.int(3)],
      };
      const K = kernelMatrix(spec, pts, pts);
      for (const row of K) for (const v of row) expect(Number.isFinite(v), JSON.stringify({ spec, scale })).toBe(true);
    }
  });

  it('gpPosterior over random problems, including near-duplicate inputs and zero noise', () => {
    const rng = new Rng(12);
    for (let t = 0; t < 20; t++) {
      const n = 2 + rng.int(20);
      const xTrain = Array.from({ length: n }, () => [rng.int(4) * 0.5, rng.uniform() < 0.5 ? 0 : 1e-9 * rng.normal()]);
      const yTrain = xTrain.map(() => rng.normal());
      const r = gpPosterior({
        xTrain,
        yTrain,
        xTest: [[0.25, 0], [3, 3]],
        kernel: rng.uniform() < 0.5 ? { kind: 'rbf', lengthScale: 0.3 + rng.uniform(), variance: 1 } : { kind: 'ntk', activation: 'erf', depth: 3, sigmaW2: 2, sigmaB2: 0.1 },
        noise: rng.uniform() < 0.5 ? 0 : 0.1,
      });
      for (const v of [...r.mean, ...r.variance, r.logMarginalLikelihood]) expect(Number.isFinite(v)).toBe(true);
      for (const v of r.variance) expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});
