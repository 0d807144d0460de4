import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, EnsembleActivation, EnsembleSpec, EnsembleWeights } from '../../../src/compute/index.ts';
import { createEnsemble, createRng, getCompute } from '../../../src/compute/index.ts';
import { testing } from '../../../src/compute/backend.ts';
import { kernelMatrix } from '../../../src/math/index.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

// ---------------------------------------------------------------------------------------------
// A float64 reference network, written from the formula in src/math/README.md, independent of tfjs.

/** erf to ~1e-12: Taylor series below 3, asymptotic erfc above. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const t = 1 / (ax * ax);
  const erfc = (Math.exp(-ax * ax) / (ax * Math.sqrt(Math.PI))) * (1 - t / 2 + (3 * t * t) / 4 - (15 * t ** 3) / 8);
  return Math.sign(x) * (1 - erfc);
}

const PHI: Record<EnsembleActivation, (z: number) => number> = {
  relu: (z) => Math.max(0, z),
  erf,
  tanh: Math.tanh,
  linear: (z) => z,
};

interface RefNet {
  dims: number[];
  /** All parameters of one member, W^1, b^1, W^2, b^2, ... (raw N(0,1) draws). */
  params: Float64Array;
}

function memberParams(w: EnsembleWeights, k: number): RefNet {
  const values: number[] = [];
  const { dims } = w;
  for (let l = 0; l < dims.length - 1; l++) {
    const size = dims[l] * dims[l + 1];
    values.push(...w.W[l].subarray(k * size, (k + 1) * size));
    values.push(...w.b[l].subarray(k * dims[l + 1], (k + 1) * dims[l + 1]));
  }
  return { dims, params: Float64Array.from(values) };
}

function refForward(net: RefNet, spec: EnsembleSpec, x: number[], p = net.params): number {
  const { dims } = net;
  let a = x;
  let o = 0;
  for (let l = 0; l < dims.length - 1; l++) {
    const [nIn, nOut] = [dims[l], dims[l + 1]];
    const c = Math.sqrt(spec.sigmaW2 / nIn);
    const sb = Math.sqrt(spec.sigmaB2);
    const z = new Array(nOut).fill(0);
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let i = 0; i < nIn; i++) s += a[i] * p[o + i * nOut + j];
      z[j] = c * s + sb * p[o + nIn * nOut + j];
    }
    o += nIn * nOut + nOut;
    a = l < dims.length - 2 ? z.map(PHI[spec.activation]) : z;
  }
  return a[0];
}

/** Per-example Jacobian df(x)/dp by float64 central differences. */
function refJacobian(net: RefNet, spec: EnsembleSpec, xs: number[][]): number[][] {
  const h = 1e-6;
  return xs.map((x) => {
    const p = Float64Array.from(net.params);
    return Array.from(p, (v, i) => {
      p[i] = v + h;
      const up = refForward(net, spec, x, p);
      p[i] = v - h;
      const down = refForward(net, spec, x, p);
      p[i] = v;
      return (up - down) / (2 * h);
    });
  });
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const maxAbs = (a: number[][]) => Math.max(...a.flat().map(Math.abs));
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i])));

function points(m: number, d0: number, seed: string): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: m }, () => Array.from({ length: d0 }, () => rng.normal()));
}

// ---------------------------------------------------------------------------------------------

describe('createEnsemble: exact gradients on tiny nets (K = 2, width 4) against a float64 reference', () => {
  const activations: EnsembleActivation[] = ['relu', 'erf', 'tanh', 'linear'];
  for (const activation of activations) {
    for (const depth of [1, 2, 3, 4]) {
      it(`${activation}, depth ${depth}: predict, empirical NTK and one GD step`, () => {
        const spec: EnsembleSpec = {
          members: 2,
          inputDim: 3,
          depth,
          width: 4,
          activation,
          sigmaW2: 1.5,
          sigmaB2: 0.2,
          seed: `tiny ${activation} ${depth}`,
        };
        const x = points(3, 3, 'tiny x');
        const y = [0.5, -1, 0.25];
        const ens = createEnsemble(compute, spec);
        const w0 = ens.weights();
        const f = ens.predict(x);
        const ntk = ens.empiricalNtk(x);
        const eta = 0.05;
        ens.train(x, y, { eta, steps: 1 });
        expect(ens.step).toBe(1);
        const w1 = ens.weights();
        for (let k = 0; k < 2; k++) {
          const net = memberParams(w0, k);
          const fRef = x.map((xi) => refForward(net, spec, xi));
          f[k].forEach((v, i) => expect(v).toBeCloseTo(fRef[i], 5));
          const J = refJacobian(net, spec, x);
          const theta = J.map((ji) => J.map((jj) => dot(ji, jj)));
          expect(maxDiff(ntk[k], theta)).toBeLessThan(1e-4 * maxAbs(theta));
          // One step moves the parameters by -eta J^T (f - y).
          const r = fRef.map((v, i) => v - y[i]);
          const dRef = Array.from(net.params, (_, p) => -eta * J.reduce((s, ji, i) => s + ji[p] * r[i], 0));
          const d = Array.from(memberParams(w1, k).params, (v, p) => v - net.params[p]);
          expect(maxDiff([d], [dRef])).toBeLessThan(1e-4 * Math.max(...dRef.map(Math.abs)) + 1e-6);
        }
        ens.dispose();
      });
    }
  }
});

describe('createEnsemble: training follows the empirical NTK for a small step', () => {
  for (const [activation, depth] of [
    ['relu', 2],
    ['tanh', 3],
    ['erf', 2],
  ] as const) {
    it(`${activation}, depth ${depth}, width 256: f_new - f = -eta Theta (f - y) to first order`, () => {
      const ens = createEnsemble(compute, {
        members: 2,
        inputDim: 4,
        depth,
        width: 256,
        activation,
        sigmaW2: 2,
        sigmaB2: 0.1,
        seed: 11,
      });
      const x = points(5, 4, 'gd x');
      const y = [1, -1, 0.5, 0, 2];
      const f0 = ens.predict(x);
      const ntk = ens.empiricalNtk(x);
      // eta * largest eigenvalue ~ 0.01 (the trace bounds it).
      const trace = Math.max(...ntk.map((t) => t.reduce((s, row, i) => s + row[i], 0)));
      const eta = 0.01 / trace;
      ens.train(x, y, { eta });
      const f1 = ens.predict(x);
      let worst = 0;
      for (let k = 0; k < 2; k++) {
        const r = Array.from(f0[k], (v, i) => v - y[i]);
        const predicted = ntk[k].map((row) => -eta * dot(row, r));
        const actual = Array.from(f1[k], (v, i) => v - f0[k][i]);
        const err = Math.hypot(...actual.map((v, i) => v - predicted[i])) / Math.hypot(...predicted);
        expect(err).toBeLessThan(0.01);
        worst = Math.max(worst, err);
      }
      console.log(`[gd step] ${activation}, depth ${depth}: |df - (-eta Theta r)| / |eta Theta r| <= ${worst.toExponential(2)}`);
      ens.dispose();
    });
  }
});

describe('createEnsemble: the empirical NTK converges to the analytic NTK as width grows', () => {
  // Four inputs of different norms and angles.
  const x = [
    [1, 0, 0],
    [0.6, 0.8, 0],
    [-0.5, 1, 1.5],
    [0.2, -0.3, 0.1],
  ];
  const K = 64;

  function stats(ntks: number[][][]) {
    const m = ntks[0].length;
    const mean = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => ntks.reduce((s, t) => s + t[i][j], 0) / K));
    const sd = mean.map((row, i) =>
      row.map((mu, j) => Math.sqrt(ntks.reduce((s, t) => s + (t[i][j] - mu) ** 2, 0) / (K - 1))),
    );
    return { mean, sd };
  }

  const rms = (a: number[][]) => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0) / a.flat().length);

  for (const [activation, sigmaW2] of [
    ['relu', 2],
    ['erf', 1.5],
  ] as const) {
    it(`${activation}, depth 2: mean over ${K} members at width 1024 within 4 standard errors; spread ~ 1/sqrt(width)`, () => {
      const spec = { depth: 2, sigmaW2, sigmaB2: 0.1 };
      const analytic = kernelMatrix({ kind: 'ntk', activation, ...spec }, x, x);
      const run = (width: number) => {
        const ens = createEnsemble(compute, { members: K, inputDim: 3, width, activation, seed: `ntk ${width}`, ...spec });
        const out = stats(ens.empiricalNtk(x));
        ens.dispose();
        return out;
      };
      const narrow = run(64);
      const wide = run(1024);
      // For depth 2 the finite-width mean is exactly the analytic kernel (only the readout and
      // the first layer's Gaussian pre-activations enter), so the gap is Monte Carlo error.
      let worst = 0;
      wide.mean.forEach((row, i) =>
        row.forEach((mu, j) => {
          const se = wide.sd[i][j] / Math.sqrt(K);
          worst = Math.max(worst, Math.abs(mu - analytic[i][j]) / (se + 1e-6 * Math.abs(analytic[i][j])));
          expect(Math.abs(mu - analytic[i][j])).toBeLessThan(4 * se + 1e-5 * Math.abs(analytic[i][j]));
        }),
      );
      const relErr = maxDiff(wide.mean, analytic) / maxAbs(analytic);
      const ratio = rms(narrow.sd) / rms(wide.sd);
      console.log(`[ntk ${activation}] width 1024: max |mean - analytic| / max|analytic| = ${relErr.toExponential(2)}, worst gap ${worst.toFixed(2)} SE; rms sd 64 -> 1024 shrinks by ${ratio.toFixed(2)} (sqrt(16) = 4)`);
      expect(ratio).toBeGreaterThan(4 / 1.4);
      expect(ratio).toBeLessThan(4 * 1.4);
      // The spread itself is already small at width 1024.
      expect(rms(wide.sd) / rms(analytic)).toBeLessThan(0.1);
    });
  }

  it('relu, depth 3, width 512: mean over 16 members within 4 standard errors (plus O(1/n) bias)', () => {
    const spec = { depth: 3, sigmaW2: 2, sigmaB2: 0.1 };
    const analytic = kernelMatrix({ kind: 'ntk', activation: 'relu', ...spec }, x, x);
    const ens = createEnsemble(compute, { members: 16, inputDim: 3, width: 512, activation: 'relu', seed: 'deep', ...spec });
    const ntks = ens.empiricalNtk(x);
    ens.dispose();
    const mean = analytic.map((row, i) => row.map((_, j) => ntks.reduce((s, t) => s + t[i][j], 0) / 16));
    mean.forEach((row, i) =>
      row.forEach((mu, j) => {
        const sd = Math.sqrt(ntks.reduce((s, t) => s + (t[i][j] - mu) ** 2, 0) / 15);
        expect(Math.abs(mu - analytic[i][j])).toBeLessThan(4 * (sd / 4) + (2 / 512) * Math.abs(analytic[i][j]));
      }),
    );
  });
});

describe('createEnsemble: behaviour', () => {
  const base: EnsembleSpec = {
    members: 3,
    inputDim: 2,
    depth: 3,
    width: 16,
    activation: 'tanh',
    sigmaW2: 1,
    sigmaB2: 0.05,
    seed: 'behaviour',
  };
  const x = [
    [0.5, -1],
    [1, 1],
  ];

  it('is seeded: the same seed gives the same nets, and member k does not depend on K', () => {
    const a = createEnsemble(compute, base);
    const b = createEnsemble(compute, { ...base, members: 5 });
    const c = createEnsemble(compute, { ...base, seed: 'other' });
    const fa = a.predict(x);
    const fb = b.predict(x);
    expect(fb.length).toBe(5);
    fa.forEach((f, k) => expect(Array.from(f)).toEqual(Array.from(fb[k])));
    expect(Array.from(c.predict(x)[0])).not.toEqual(Array.from(fa[0]));
    expect(fa[0]).not.toEqual(fa[1]);
    for (const e of [a, b, c]) e.dispose();
  });

  it('trains towards the targets; loss() is 1/2 sum (f - y)^2; reset() restores the initial nets', () => {
    const ens = createEnsemble(compute, base);
    const y = [0.3, -0.7];
    const f0 = ens.predict(x);
    const l0 = ens.loss(x, y);
    l0.forEach((l, k) => expect(l).toBeCloseTo(0.5 * f0[k].reduce((s, v, i) => s + (v - y[i]) ** 2, 0), 5));
    ens.train(x, y, { eta: 0.1, steps: 200 });
    expect(ens.step).toBe(200);
    ens.loss(x, y).forEach((l, k) => expect(l).toBeLessThan(1e-3 * l0[k] + 1e-6));
    ens.reset();
    expect(ens.step).toBe(0);
    ens.predict(x).forEach((f, k) => expect(Array.from(f)).toEqual(Array.from(f0[k])));
    ens.reset('new seed');
    expect(ens.spec.seed).toBe('new seed');
    expect(Array.from(ens.predict(x)[0])).not.toEqual(Array.from(f0[0]));
    const t = ens.predictTensor(x);
    expect(t.shape).toEqual([3, 2]);
    t.dispose();
    ens.train(x, y, { eta: 0.1, steps: 0 });
    expect(ens.step).toBe(0);
    ens.dispose();
    ens.dispose();
    expect(() => ens.predict(x)).toThrow(/after dispose/);
  });

  it('the empirical NTK is symmetric, and takes a second set of points', () => {
    const ens = createEnsemble(compute, base);
    const [t] = ens.empiricalNtk(x);
    expect(t[0][1]).toBeCloseTo(t[1][0], 5);
    const cross = ens.empiricalNtk(x, [[0, 2]]);
    expect(cross.length).toBe(3);
    expect(cross[0].length).toBe(2);
    expect(cross[0][0].length).toBe(1);
    ens.dispose();
  });

  it('rejects bad specs and inputs with errors that name the parameter', () => {
    expect(() => createEnsemble(compute, { ...base, members: 1025 })).toThrow(/members must be an integer in 1..1024/);
    expect(() => createEnsemble(compute, { ...base, depth: 0 })).toThrow(/depth/);
    expect(() => createEnsemble(compute, { ...base, width: 5000 })).toThrow(/width/);
    expect(() => createEnsemble(compute, { ...base, activation: 'gelu' as never })).toThrow(/activation/);
    expect(() => createEnsemble(compute, { ...base, sigmaW2: 0 })).toThrow(/sigmaW2/);
    expect(() => createEnsemble(compute, { ...base, sigmaB2: Number.NaN })).toThrow(/sigmaB2/);
    expect(() => createEnsemble(compute, { ...base, members: 64, depth: 4, width: 4096 })).toThrow(/parameters/);
    const ens = createEnsemble(compute, base);
    expect(() => ens.predict([[1, 2, 3]])).toThrow(/x\[0\] must have length inputDim = 2/);
    expect(() => ens.predict([[1, Number.NaN]])).toThrow(RangeError);
    expect(() => ens.train(x, [1], { eta: 0.1 })).toThrow(/one target per point/);
    expect(() => ens.train(x, [1, 2], { eta: -1 })).toThrow(/eta/);
    ens.dispose();
  });

  it('rebuilds itself after a backend restart such as a lost WebGL context: from its seed, replaying its training calls (bit for bit on the same backend)', async () => {
    const ens = createEnsemble(compute, base);
    const f0 = ens.predict(x);
    ens.train(x, [0, 0], { eta: 0.1, steps: 5 });
    ens.train(x, [0, 0], { eta: [0.1, 0.05, 0.2], steps: 3 });
    const f8 = ens.predict(x);
    await testing.restart('test');
    expect(ens.step).toBe(8);
    expect(ens.predict(x).map((f) => Array.from(f))).toEqual(f8.map((f) => Array.from(f)));
    expect(ens.history().map((r) => r.steps)).toEqual([5, 3]);
    // reset() after a restart starts over without replaying.
    await testing.restart('test again');
    ens.reset();
    expect(ens.step).toBe(0);
    expect(ens.predict(x).map((f) => Array.from(f))).toEqual(f0.map((f) => Array.from(f)));
    ens.dispose();
    expect(compute.liveTensors()).toBe(0);
  });
});
