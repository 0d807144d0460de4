import { describe, expect, it } from 'vitest';
import { kernelMatrix } from '../../../src/math/index.ts';
import type { Activation, KernelSpec } from '../../../src/math/index.ts';
import { dualActivation } from '../../../src/math/kernels.ts';
import { erf, expect1D, expect2D, report } from './_support.ts';

const relu = (x: number): number => (x > 0 ? x : 0);
const step = (x: number): number => (x > 0 ? 1 : 0);
const derf = (x: number): number => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
const dtanh = (x: number): number => 1 - Math.tanh(x) ** 2;
const PHI: Record<Activation, [(x: number) => number, (x: number) => number]> = {
  relu: [relu, step],
  erf: [erf, derf],
  tanh: [Math.tanh, dtanh],
};

/** K^L / Θ^L by the contract's recursion, every expectation by the brute-force quadrature. */
function bruteKernel(spec: Extract<KernelSpec, { kind: 'nngp' | 'ntk' }>, x: number[], z: number[]): number {
  const d0 = x.length;
  const dotp = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
  let kxx = (spec.sigmaW2 * dotp(x, x)) / d0 + spec.sigmaB2;
  let kzz = (spec.sigmaW2 * dotp(z, z)) / d0 + spec.sigmaB2;
  let kxz = (spec.sigmaW2 * dotp(x, z)) / d0 + spec.sigmaB2;
  let theta = kxz;
  const [f, df] = PHI[spec.activation];
  for (let l = 2; l <= spec.depth; l++) {
    const ff = expect2D(f, f, kxx, kzz, kxz, 30, 10);
    const dd = expect2D(df, df, kxx, kzz, kxz, 30, 10);
    const nxx = spec.sigmaW2 * expect1D((u) => f(u) ** 2, kxx) + spec.sigmaB2;
    const nzz = spec.sigmaW2 * expect1D((u) => f(u) ** 2, kzz) + spec.sigmaB2;
    const nxz = spec.sigmaW2 * ff + spec.sigmaB2;
    theta = nxz + spec.sigmaW2 * dd * theta;
    [kxx, kzz, kxz] = [nxx, nzz, nxz];
  }
  return spec.kind === 'ntk' ? theta : kxz;
}

describe('dual activations: closed forms vs brute-force 2-D quadrature', () => {
  const cases: [number, number, number][] = [
    [1, 1, 0.3],
    [2, 0.5, -0.7],
    [0.1, 3, 0.95],
    [5, 5, 0.9999],
    [1, 1, -1],
    [4, 9, 1],
    [0.7, 1.3, 0],
  ];
  for (const act of ['relu', 'erf'] as const) {
    it(`${act}: E[φφ] and E[φ'φ'] agree to 1e-9`, () => {
      const [f, df] = PHI[act];
      let worst = 0;
      for (const [q1, q2, r] of cases) {
        const c = r * Math.sqrt(q1 * q2);
        const got = dualActivation(act, q1, q2, c);
        const ff = expect2D(f, f, q1, q2, c);
        const dd = expect2D(df, df, q1, q2, c);
        const scale = Math.sqrt(expect1D((u) => f(u) ** 2, q1) * expect1D((u) => f(u) ** 2, q2));
        const eff = Math.abs(got.ff - ff) / scale;
        const edd = Math.abs(got.dd - dd) / Math.max(Math.abs(dd), 1e-3);
        worst = Math.max(worst, eff, edd);
        expect(eff, `${act} ff at ${[q1, q2, r]}`).toBeLessThan(1e-9);
        expect(edd, `${act} dd at ${[q1, q2, r]}`).toBeLessThan(1e-9);
      }
      report(`closed form ${act} vs 2-D quadrature (rel)`, worst);
    });
  }

  it('relu arguments are clamped: parallel inputs never give NaN', () => {
    const q = 0.1 + 0.2; // 0.30000000000000004
    const d = dualActivation('relu', q, q, q * (1 + 1e-15));
    expect(Number.isFinite(d.ff) && Number.isFinite(d.dd)).toBe(true);
    expect(d.dd).toBe(0.5);
    const e = dualActivation('erf', q, q, -q * (1 + 1e-15));
    expect(Number.isFinite(e.ff) && Number.isFinite(e.dd)).toBe(true);
  });
});

describe('kernelMatrix', () => {
  const pts = [
    [1, 0.5],
    [-0.3, 0.8],
    [0.2, -1.1],
  ];

  it('rbf follows variance·exp(−|x−z|²/2ℓ²)', () => {
    const K = kernelMatrix({ kind: 'rbf', lengthScale: 0.7, variance: 2 }, pts, [[0, 0]]);
    for (let i = 0; i < 3; i++) {
      const d2 = pts[i][0] ** 2 + pts[i][1] ** 2;
      expect(K[i][0]).toBeCloseTo(2 * Math.exp(-d2 / (2 * 0.49)), 14);
    }
  });

  it('depth 1 is the linear kernel for both nngp and ntk', () => {
    for (const kind of ['nngp', 'ntk'] as const) {
      const K = kernelMatrix({ kind, activation: 'tanh', depth: 1, sigmaW2: 1.7, sigmaB2: 0.2 }, pts, pts);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const lin = (1.7 * (pts[i][0] * pts[j][0] + pts[i][1] * pts[j][1])) / 2 + 0.2;
          expect(K[i][j]).toBeCloseTo(lin, 14);
        }
      }
    }
  });

  it('relu depth 2 on the diagonal: K = σw²·K¹/2 + σb², Θ = K + σw²·½·K¹', () => {
    const x = [[0.6, -0.8]];
    const k1 = (2 * 1) / 2 + 0.1;
    const spec = { activation: 'relu', depth: 2, sigmaW2: 2, sigmaB2: 0.1 } as const;
    const K = kernelMatrix({ kind: 'nngp', ...spec }, x, x)[0][0];
    const T = kernelMatrix({ kind: 'ntk', ...spec }, x, x)[0][0];
    expect(K).toBeCloseTo((2 * k1) / 2 + 0.1, 14);
    expect(T).toBeCloseTo(K + 2 * 0.5 * k1, 14);
  });

  for (const act of ['relu', 'erf', 'tanh'] as const) {
    it(`${act} depth 3 nngp and ntk match the recursion with brute-force quadrature`, () => {
      let worst = 0;
      for (const kind of ['nngp', 'ntk'] as const) {
        const spec = { kind, activation: act, depth: 3, sigmaW2: 1.6, sigmaB2: 0.2 } as const;
        const K = kernelMatrix(spec, pts, pts);
        for (const [i, j] of [
          [0, 1],
          [1, 2],
          [2, 2],
        ]) {
          const ref = bruteKernel(spec, pts[i], pts[j]);
          const err = Math.abs(K[i][j] - ref) / Math.abs(ref);
          worst = Math.max(worst, err);
          expect(err, `${kind} ${act} (${i},${j})`).toBeLessThan(1e-7);
        }
      }
      report(`kernelMatrix ${act} depth 3 vs brute recursion (rel)`, worst);
    });
  }

  it('k(x, x) takes the exact diagonal recursion, also for equal points in different arrays', () => {
    const x = [0.3, -1.2, 0.5];
    const spec = { kind: 'ntk', activation: 'relu', depth: 4, sigmaW2: 2, sigmaB2: 0.1 } as const;
    let q = (2 * (0.09 + 1.44 + 0.25)) / 3 + 0.1;
    let T = q;
    for (let l = 2; l <= 4; l++) {
      const qn = (2 * q) / 2 + 0.1;
      T = qn + 2 * 0.5 * T;
      q = qn;
    }
    const K = kernelMatrix(spec, [x, [1, 1, 1]], [[...x]]);
    expect(Math.abs(K[0][0] - T) / T).toBeLessThan(4e-16 * 8);
  });

  it('K(X, X) is exactly symmetric and positive semi-definite', () => {
    const X = Array.from({ length: 12 }, (_, i) => [Math.cos(i), Math.sin(2 * i), 0.1 * i]);
    for (const spec of [
      { kind: 'ntk', activation: 'relu', depth: 4, sigmaW2: 2, sigmaB2: 0.05 },
      { kind: 'nngp', activation: 'erf', depth: 3, sigmaW2: 3, sigmaB2: 0.1 },
    ] as const) {
      const K = kernelMatrix(spec, X, X);
      for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) expect(K[i][j]).toBe(K[j][i]);
      // x K x >= 0 for a few deterministic directions
      for (let t = 0; t < 5; t++) {
        const v = X.map((_, i) => Math.sin(3.1 * i + t));
        let s = 0;
        for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) s += v[i] * K[i][j] * v[j];
        expect(s).toBeGreaterThan(-1e-10);
      }
    }
  });

  it('relu NTK with a zero-variance pre-activation is a RangeError; the NNGP is fine', () => {
    const spec = { activation: 'relu', depth: 3, sigmaW2: 2, sigmaB2: 0 } as const;
    expect(() => kernelMatrix({ kind: 'ntk', ...spec }, [[0, 0]], [[1, 1]])).toThrow(RangeError);
    expect(() => kernelMatrix({ kind: 'ntk', ...spec }, [[0, 0]], [[1, 1]])).toThrow(/sigmaB2/);
    expect(kernelMatrix({ kind: 'nngp', ...spec }, [[0, 0]], [[1, 1]])[0][0]).toBe(0);
    // tanh and erf have φ'(0) defined: no error
    expect(Number.isFinite(kernelMatrix({ kind: 'ntk', ...spec, activation: 'tanh' }, [[0, 0]], [[1, 1]])[0][0])).toBe(true);
  });

  it('empty point sets give empty matrices', () => {
    const spec = { kind: 'rbf', lengthScale: 1, variance: 1 } as const;
    expect(kernelMatrix(spec, [], [[1]])).toEqual([]);
    expect(kernelMatrix(spec, [[1]], [])).toEqual([[]]);
  });
});
