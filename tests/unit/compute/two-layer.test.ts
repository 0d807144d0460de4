/**
 * createTwoLayer: batching over rates and initialisations, several examples, the trajectory
 * read-back, reset and restart. (Against catapultMap: tests/theory/two-layer-catapult.test.ts.)
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Compute, TwoLayerSpec } from '../../../src/compute/index.ts';
import { createTwoLayer, getCompute } from '../../../src/compute/index.ts';
import { testing } from '../../../src/compute/backend.ts';

let compute: Compute;
beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  compute = await getCompute({ backends: ['cpu'] });
});

const base: TwoLayerSpec = { rates: [0.1, 0.4, 0.9], seeds: 2, width: 256, x: [1, -0.5, 2], y: [0.5, 0, -1], seed: 'two-layer' };

/** Float64 GD on (u, v) with the mean loss, from the given float32 start. */
function referenceGd(u0: Float32Array, v0: Float32Array, eta: number, x: number[], y: number[], steps: number) {
  const n = u0.length;
  const m = x.length;
  const u = Float64Array.from(u0);
  const v = Float64Array.from(v0);
  const f: number[][] = [];
  const lambda: number[] = [];
  const xx = x.reduce((s, xi) => s + xi * xi, 0) / m;
  for (let t = 0; t <= steps; t++) {
    let uv = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      uv += u[i] * v[i];
      sq += u[i] * u[i] + v[i] * v[i];
    }
    const w = uv / Math.sqrt(n);
    f.push(x.map((xi) => w * xi));
    lambda.push((sq / n) * xx);
    const g = x.reduce((s, xi, i) => s + (w * xi - y[i]) * xi, 0) / m;
    for (let i = 0; i < n; i++) {
      const du = (eta * g * v[i]) / Math.sqrt(n);
      const dv = (eta * g * u[i]) / Math.sqrt(n);
      u[i] -= du;
      v[i] -= dv;
    }
  }
  return { f, lambda };
}

describe('createTwoLayer', () => {
  it('several examples: float32 GD follows float64 GD on (u, v) from the same start (mean loss, lambda = (|u|^2+|v|^2)|x|^2/(nm))', async () => {
    const net = createTwoLayer(compute, base);
    expect(net.runs).toBe(6);
    const { u, v } = net.parameters();
    const n = 256;
    const traj = await net.run(30);
    let worst = 0;
    for (let b = 0; b < 6; b++) {
      const ref = referenceGd(u.subarray(b * n, (b + 1) * n), v.subarray(b * n, (b + 1) * n), net.rateOf(b), base.x, base.y, 30);
      for (let t = 0; t <= 30; t++) {
        for (let i = 0; i < 3; i++) {
          const got = traj.f[(t * 6 + b) * 3 + i];
          worst = Math.max(worst, Math.abs(got - ref.f[t][i]) / (1 + Math.abs(ref.f[t][i])));
        }
        expect(Math.abs(traj.lambda[t * 6 + b] - ref.lambda[t]) / ref.lambda[t]).toBeLessThan(1e-5);
        const f = [0, 1, 2].map((i) => traj.f[(t * 6 + b) * 3 + i]);
        const loss = f.reduce((s, fi, i) => s + (fi - base.y[i]) ** 2, 0) / 6;
        expect(traj.loss[t * 6 + b]).toBeCloseTo(loss, 10);
      }
    }
    expect(worst).toBeLessThan(1e-5);
    net.dispose();
  });

  it('per-run rates reproduce single-rate runs bit for bit; initialisation s is shared by every rate', async () => {
    // Why exactly: runs never mix (a batched matMul computes each batch index on its own, the
    // other ops are elementwise), and run (r, s) starts from initialisation s whatever the rates.
    const all = createTwoLayer(compute, base);
    const ta = await all.run(25);
    const pa = all.parameters();
    for (let r = 0; r < 3; r++) {
      const one = createTwoLayer(compute, { ...base, rates: [base.rates[r]] });
      const t1 = await one.run(25);
      const p1 = one.parameters();
      for (let s = 0; s < 2; s++) {
        const b = r * 2 + s;
        for (let t = 0; t <= 25; t++) {
          expect(ta.f.subarray((t * 6 + b) * 3, (t * 6 + b + 1) * 3)).toEqual(t1.f.subarray((t * 2 + s) * 3, (t * 2 + s + 1) * 3));
          expect(ta.lambda[t * 6 + b]).toBe(t1.lambda[t * 2 + s]);
        }
        expect(pa.u.subarray(b * 256, (b + 1) * 256)).toEqual(p1.u.subarray(s * 256, (s + 1) * 256));
      }
      one.dispose();
    }
    // Same start for every rate: row 0 of the trajectory agrees across r.
    for (let r = 1; r < 3; r++) expect(ta.f[r * 2 * 3]).toBe(ta.f[0]);
    expect(ta.f[0]).not.toBe(ta.f[3]); // the two initialisations differ
    all.dispose();
  });

  it('run() calls continue where the last stopped; snapshotAsync, reset and reset(seed)', async () => {
    const a = createTwoLayer(compute, base);
    const b = createTwoLayer(compute, base);
    const long = await a.run(12);
    const first = await b.run(5);
    const second = await b.run(7);
    expect(first.to).toBe(5);
    expect([second.from, second.to]).toEqual([5, 12]);
    expect(second.f.subarray(0, 18)).toEqual(first.f.subarray(5 * 18, 6 * 18));
    expect(second.f.subarray(7 * 18)).toEqual(long.f.subarray(12 * 18));
    const snap = await b.snapshotAsync();
    expect([snap.from, snap.to]).toEqual([12, 12]);
    expect(snap.f).toEqual(long.f.subarray(12 * 18));
    const zero = await b.run(0);
    expect(zero.f).toEqual(snap.f);
    b.reset();
    expect(b.step).toBe(0);
    expect((await b.snapshotAsync()).f).toEqual(long.f.subarray(0, 18));
    b.reset('another seed');
    expect(b.spec.seed).toBe('another seed');
    expect((await b.snapshotAsync()).f).not.toEqual(long.f.subarray(0, 18));
    a.dispose();
    b.dispose();
    await expect(b.run(1)).rejects.toThrow(/after dispose/);
  });

  it('after a backend restart it replays its steps (bit for bit on the same backend), keeping divergence flags', async () => {
    const net = createTwoLayer(compute, { ...base, rates: [0.1, 3] });
    const before = await net.run(15);
    expect(before.divergedAt[2]).toBeGreaterThan(0); // rate 3 diverges
    await testing.restart('test');
    const after = await net.snapshotAsync();
    expect(net.step).toBe(15);
    expect(after.f).toEqual(before.f.subarray(15 * 12));
    expect(Array.from(after.divergedAt)).toEqual(Array.from(before.divergedAt));
    net.dispose();
  });

  it('rejects bad specs, naming the parameter', async () => {
    expect(() => createTwoLayer(compute, { ...base, rates: [] })).toThrow(/createTwoLayer: rates must be an array of 1..4096 finite numbers/);
    expect(() => createTwoLayer(compute, { ...base, rates: [0.1, -1] })).toThrow(/rates\[1\] must be a finite number >= 0/);
    expect(() => createTwoLayer(compute, { ...base, y: [1] })).toThrow(/y must be an array of 3 finite numbers/);
    expect(() => createTwoLayer(compute, { ...base, x: [0, 0, 0] })).toThrow(/x must not be all 0/);
    expect(() => createTwoLayer(compute, { ...base, width: 0 })).toThrow(/width/);
    expect(() => createTwoLayer(compute, { ...base, seeds: 1.5 })).toThrow(/seeds/);
    expect(() => createTwoLayer(compute, { ...base, rates: new Array(4096).fill(0.1), width: 8192 })).toThrow(/rates x seeds x width/);
    const net = createTwoLayer(compute, base);
    expect(() => net.rateOf(6)).toThrow(/b must be an integer in 0..5/);
    await expect(net.run(-1)).rejects.toThrow(/steps/);
    net.dispose();
  });
});
