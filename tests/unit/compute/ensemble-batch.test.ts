/**
 * The batched-simulation features of createEnsemble (issue 10): per-member learning rates, the
 * 'per-member' layout (the WASM fast path, run here on the CPU backend), the kept forward pass,
 * asynchronous snapshots, the training history and its replay, and up to 1,024 members.
 *
 * "Bit for bit" below means toEqual on Float32Array values: the same float32 operations on the
 * same float32 inputs (no tolerance).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, EnsembleActivation, EnsembleLayout, EnsembleSpec, EnsembleWeights } from '../../../src/compute/index.ts';
import { createEnsemble, createRng, getCompute } from '../../../src/compute/index.ts';
import { testing } from '../../../src/compute/ensemble.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

function points(m: number, d0: number, seed: string): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: m }, () => Array.from({ length: d0 }, () => rng.normal()));
}

const arrays = (fs: Float32Array[]) => fs.map((f) => Array.from(f));

/** Member k's parameters, all layers, as one array. */
function memberSlice(w: EnsembleWeights, k: number): number[] {
  const out: number[] = [];
  for (let l = 0; l < w.dims.length - 1; l++) {
    const size = w.dims[l] * w.dims[l + 1];
    out.push(...w.W[l].subarray(k * size, (k + 1) * size), ...w.b[l].subarray(k * w.dims[l + 1], (k + 1) * w.dims[l + 1]));
  }
  return out;
}

const x = points(6, 3, 'batch x');
const y = [0.5, -1, 0.25, 1.5, 0, -0.4];
const base: EnsembleSpec = { members: 4, inputDim: 3, depth: 3, width: 24, activation: 'tanh', sigmaW2: 1.8, sigmaB2: 0.1, seed: 'batch' };
const LAYOUTS: EnsembleLayout[] = ['batched', 'per-member'];

describe('per-member learning rates', () => {
  for (const layout of LAYOUTS) {
    it(`${layout}: a run with K different rates reproduces each single-rate run bit for bit`, () => {
      // Why exactly: the rate enters as one elementwise multiply of the residual by kappa eta_k
      // (the same float32 number in both runs), and members never mix (a batched matMul computes
      // each batch index on its own; the per-member layout has separate ops), so member k sees
      // the same float32 operations on the same float32 inputs.
      const etas = [0.01, 0.03, 0.07, 0.2];
      const mixed = createEnsemble(compute, { ...base, layout });
      mixed.train(x, y, { eta: etas, steps: 15 });
      const fMixed = mixed.predict(x);
      const wMixed = mixed.weights();
      etas.forEach((eta, k) => {
        const single = createEnsemble(compute, { ...base, layout });
        single.train(x, y, { eta, steps: 15 });
        expect(Array.from(fMixed[k])).toEqual(Array.from(single.predict(x)[k]));
        expect(memberSlice(wMixed, k)).toEqual(memberSlice(single.weights(), k));
        single.dispose();
      });
      // ... and the rates do differ in effect.
      expect(Array.from(fMixed[0])).not.toEqual(Array.from(fMixed[3]));
      mixed.dispose();
    });
  }

  it('a number is the same as K equal numbers', () => {
    const a = createEnsemble(compute, base);
    const b = createEnsemble(compute, base);
    a.train(x, y, { eta: 0.05, steps: 5 });
    b.train(x, y, { eta: [0.05, 0.05, 0.05, 0.05], steps: 5 });
    expect(arrays(a.predict(x))).toEqual(arrays(b.predict(x)));
    expect(a.history()).toEqual(b.history());
    a.dispose();
    b.dispose();
  });
});

describe("layout 'per-member' (the WASM path) computes what 'batched' computes", () => {
  const cases: [EnsembleActivation, number, number][] = [
    ['relu', 1, 0.1],
    ['relu', 2, 0.1],
    ['relu', 3, 0],
    ['erf', 3, 0.2],
    ['tanh', 4, 0.1],
    ['linear', 3, 0.05],
  ];
  for (const [activation, depth, sigmaB2] of cases) {
    it(`${activation}, depth ${depth}, sigmaB2 ${sigmaB2}: predictions, NTK, weights and 25 GD steps agree to float32 rounding`, () => {
      const spec: EnsembleSpec = { ...base, activation, depth, sigmaB2, width: 16 };
      const [b, p] = LAYOUTS.map((layout) => createEnsemble(compute, { ...spec, layout }));
      expect(b.layout).toBe('batched');
      expect(p.layout).toBe('per-member');
      // The same initial networks.
      const fb = b.predict(x).flatMap((f) => Array.from(f));
      const fp = p.predict(x).flatMap((f) => Array.from(f));
      const scale = Math.max(...fb.map(Math.abs));
      fp.forEach((v, i) => expect(Math.abs(v - fb[i])).toBeLessThan(1e-5 * scale));
      const nb = b.empiricalNtk(x).flat(2);
      const np = p.empiricalNtk(x).flat(2);
      const ns = Math.max(...nb.map(Math.abs));
      np.forEach((v, i) => expect(Math.abs(v - nb[i])).toBeLessThan(1e-5 * ns));
      const etas = [0.005, 0.01, 0.02, 0.04];
      for (const e of [b, p]) e.train(x, y, { eta: etas, steps: 25 });
      const gb = b.predict(x).flatMap((f) => Array.from(f));
      expect(gb.every(Number.isFinite)).toBe(true);
      const gp = p.predict(x).flatMap((f) => Array.from(f));
      const gs = Math.max(...gb.map(Math.abs));
      let worst = 0;
      gp.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - gb[i]) / gs)));
      expect(worst).toBeLessThan(1e-4);
      const wb = b.weights();
      const wp = p.weights();
      wb.W.forEach((w, l) => {
        const m = Math.max(...Array.from(w, Math.abs));
        wp.W[l].forEach((v, i) => expect(Math.abs(v - w[i])).toBeLessThan(1e-4 * m));
      });
      for (const e of [b, p]) e.dispose();
    });
  }
});

it("per-member: each hidden matrix and its transposed copy stay exact transposes through training", () => {
  // V -= e A^T and Wt -= A e^T multiply the same numbers and add them in the same order.
  const ens = createEnsemble(compute, { ...base, depth: 4, width: 40, layout: 'per-member' });
  ens.train(x, y, { eta: [0.01, 0.02, 0.03, 0.04], steps: 60 });
  expect(testing.transposeGap(ens)).toBe(0);
  ens.dispose();
});

describe('the kept forward pass, snapshots, history and replay', () => {
  const xTest = points(5, 3, 'batch test');

  for (const layout of LAYOUTS) {
    it(`${layout}: reusing the forward pass changes nothing (one call of 12 steps = 12 calls with reads between)`, () => {
      const a = createEnsemble(compute, { ...base, layout });
      const b = createEnsemble(compute, { ...base, layout });
      a.train(x, y, { eta: 0.05, steps: 12 });
      for (let i = 0; i < 12; i++) {
        b.train(x, y, { eta: 0.05 });
        b.predict(x);
        b.loss(x, y);
        b.predict(xTest);
      }
      expect(b.step).toBe(12);
      expect(arrays(b.predict(x))).toEqual(arrays(a.predict(x)));
      expect(b.history()).toEqual([{ x: x.map((p) => p.map(Math.fround)), y: y.map(Math.fround), eta: [0.05, 0.05, 0.05, 0.05], steps: 12 }]);
      a.dispose();
      b.dispose();
    });

    it(`${layout}: trainAndSnapshotAsync = train + loss + predict, read back in one piece`, async () => {
      const a = createEnsemble(compute, { ...base, layout });
      const b = createEnsemble(compute, { ...base, layout });
      const snap = await a.trainAndSnapshotAsync(x, y, { eta: [0.1, 0.05, 0.02, 0.01], steps: 7 }, xTest);
      b.train(x, y, { eta: [0.1, 0.05, 0.02, 0.01], steps: 7 });
      expect(snap.step).toBe(7);
      expect(Array.from(snap.loss)).toEqual(b.loss(x, y).map(Math.fround));
      expect(arrays(snap.train)).toEqual(arrays(b.predict(x)));
      expect(arrays(snap.test)).toEqual(arrays(b.predict(xTest)));
      const again = await a.snapshotAsync(x, y);
      expect(again.step).toBe(7);
      expect(again.test.map((t) => t.length)).toEqual([0, 0, 0, 0]);
      expect(arrays(again.train)).toEqual(arrays(snap.train));
      const none = await a.trainAndSnapshotAsync(x, y, { eta: 0.1, steps: 0 });
      expect(none.step).toBe(7);
      await expect(a.trainAndSnapshotAsync(x, [1], { eta: 0.1 })).rejects.toThrow(/one target per point/);
      a.dispose();
      b.dispose();
    });
  }

  it('history() is run-length merged and replay() reproduces a run bit for bit in a new ensemble', () => {
    const a = createEnsemble(compute, base);
    const x2 = points(3, 3, 'batch x2');
    a.train(x, y, { eta: 0.05, steps: 4 });
    a.train(x, y, { eta: 0.05, steps: 2 });
    a.train(x2, [1, 0, -1], { eta: [0.1, 0.2, 0.3, 0.4], steps: 3 });
    a.train(x, y, { eta: 0.05, steps: 0 }); // not recorded
    const h = a.history();
    expect(h.map((r) => r.steps)).toEqual([6, 3]);
    expect(h[1].eta).toEqual([0.1, 0.2, 0.3, 0.4]);
    const b = createEnsemble(compute, { ...base, layout: 'per-member' });
    b.train(x2, [5, 5, 5], { eta: 1, steps: 1 }); // replay() starts from the seed, whatever b did before
    b.replay(h);
    expect(b.step).toBe(9);
    const c = createEnsemble(compute, base);
    c.replay(h);
    expect(arrays(c.predict(x))).toEqual(arrays(a.predict(x)));
    expect(c.history()).toEqual(h);
    // Across layouts the replay agrees to float32 rounding.
    const fa = a.predict(x).flatMap((f) => Array.from(f));
    b.predict(x)
      .flatMap((f) => Array.from(f))
      .forEach((v, i) => expect(Math.abs(v - fa[i])).toBeLessThan(1e-4 * (1 + Math.abs(fa[i]))));
    expect(() => c.replay([{ x, y, eta: [1, 2], steps: 1 }])).toThrow(/history\[0\].*eta/);
    a.reset();
    expect(a.history()).toEqual([]);
    for (const e of [a, b, c]) e.dispose();
  });
});

describe('many members and the checks', () => {
  it('K = 1024 small networks train in one batched computation, each at its own rate', () => {
    const K = 1024;
    const ens = createEnsemble(compute, { members: K, inputDim: 1, depth: 2, width: 8, activation: 'tanh', sigmaW2: 1.5, sigmaB2: 0.1, seed: 'many' });
    expect(ens.layout).toBe('batched');
    const xs = [[-1], [-0.3], [0.4], [1]];
    const ys = [0.5, -0.2, 0.3, -0.6];
    const etas = Array.from({ length: K }, (_, k) => 0.001 + (0.2 * k) / K);
    const l0 = ens.loss(xs, ys);
    ens.train(xs, ys, { eta: etas, steps: 30 });
    const l1 = ens.loss(xs, ys);
    expect(l1.length).toBe(K);
    // Small rates barely move; larger (still stable) rates reduce the loss more.
    const drop = l1.map((l, k) => l0[k] - l);
    const low = drop.slice(0, 64).reduce((s, v) => s + v, 0);
    const high = drop.slice(K - 64).reduce((s, v) => s + v, 0);
    expect(high).toBeGreaterThan(low);
    expect(l1.every(Number.isFinite)).toBe(true);
    ens.dispose();
  });

  it('rejects bad rates, steps and layouts, naming them', () => {
    expect(() => createEnsemble(compute, { ...base, layout: 'columns' as never })).toThrow(/layout must be one of auto, batched, per-member/);
    expect(() => createEnsemble(compute, { ...base, members: 0 })).toThrow(/members must be an integer in 1..1024, received 0/);
    expect(() => createEnsemble(compute, { ...base, members: 1024, width: 256 })).toThrow(/parameters/);
    expect(() => createEnsemble(compute, { ...base, sigmaW2: '1' as never })).toThrow(TypeError);
    expect(() => createEnsemble(compute, null as never)).toThrow(/spec must be an object/);
    const ens = createEnsemble(compute, base);
    expect(() => ens.train(x, y, { eta: [0.1, 0.2] })).toThrow(/ensemble.train: eta must be a number or an array of 4 numbers/);
    expect(() => ens.train(x, y, { eta: [0.1, 0.2, -1, 0.1] })).toThrow(/eta\[2\] must be a finite number > 0, received -1/);
    expect(() => ens.train(x, y, { eta: 0.1, steps: -1 })).toThrow(/steps must be an integer >= 0/);
    expect(() => ens.train(x, y, { eta: 0.1, steps: 1.5 })).toThrow(/steps/);
    expect(() => ens.train(x, y, null as never)).toThrow(/options must be an object/);
    expect(() => ens.predict([])).toThrow(/x must be a non-empty array of points/);
    expect(() => ens.empiricalNtk(x, [[1, 2]])).toThrow(/x2\[0\] must have length inputDim = 3/);
    expect(() => ens.reset(Number.NaN)).toThrow(/seed/);
    expect(ens.step).toBe(0);
    ens.dispose();
  });
});
