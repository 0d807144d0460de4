/**
 * The GP bands widget's model against independent computations: the posterior against a dense
 * inverse (Gauss–Jordan, float64, written here), the draws' spread against the posterior
 * variance, fitting against the log marginal likelihood it climbs, and the finite-network overlay
 * against the NNGP kernel (CPU backend).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { defaults, presetValues } from '../../../widgets/core/params.ts';
import { schema } from '../../../widgets/gp-bands/params.ts';
import { covarianceInputs, fitStep, kernelOf, logMarginal, overlay, overlayKey, posterior, readout, samples, startFit, summarize, trainKernel, X_SAMPLE, X_TEST, type Values } from '../../../widgets/gp-bands/model.ts';
import { kernelMatrix } from '../../../src/math/index.ts';
import { getCompute, type Compute } from '../../../src/compute/index.ts';

const base = defaults(schema.params) as Values;
const withPreset = (name: string, extra: Partial<Values> = {}): Values => ({ ...base, ...(presetValues(schema, name) as Partial<Values>), ...extra });

/** (A)⁻¹ by Gauss–Jordan with partial pivoting. */
function inverse(A: number[][]): number[][] {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const d = M[c][c];
    for (let j = 0; j < 2 * n; j++) M[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row) => row.slice(n));
}

describe('GP bands model', () => {
  it('the posterior matches a dense-inverse reference for every classical kernel', () => {
    for (const kernel of ['rbf', 'linear', 'polynomial', 'periodic', 'nngp', 'ntk']) {
      const v = withPreset('gap', { kernel, noise: 0.05 });
      const X = v.points.map((p) => [p[0]]);
      const y = v.points.map((p) => p[1]);
      const spec = kernelOf(v);
      const Kxx = kernelMatrix(spec, X, X).map((row, i) => row.map((k, j) => k + (i === j ? v.noise : 0)));
      const Ainv = inverse(Kxx);
      const post = posterior(v);
      for (const i of [0, 57, 200, 311, 399]) {
        const ks = kernelMatrix(spec, [[X_TEST[i]]], X)[0];
        const kss = kernelMatrix(spec, [[X_TEST[i]]], [[X_TEST[i]]])[0][0];
        const w = Ainv.map((row) => row.reduce((s, a, j) => s + a * ks[j], 0));
        const mean = w.reduce((s, wi, j) => s + wi * y[j], 0);
        const variance = kss - w.reduce((s, wi, j) => s + wi * ks[j], 0);
        expect(post.mean[i], `${kernel} mean at ${X_TEST[i]}`).toBeCloseTo(mean, 8);
        expect(post.sd[i] ** 2, `${kernel} variance at ${X_TEST[i]}`).toBeCloseTo(Math.max(0, variance), 8);
      }
      expect(post.error).toBe('');
    }
  });

  it('the prior mode ignores the data: mean 0, sd = sqrt(k(x, x))', () => {
    const v = withPreset('few', { prior: true, kernel: 'rbf', variance: 2.5 });
    const post = posterior(v);
    expect(post.mean.every((m) => m === 0)).toBe(true);
    for (const s of post.sd) expect(s).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(post.lml).toBeNull();
  });

  it('a new point shrinks the band there, and noise-free data are interpolated', () => {
    const v = withPreset('gap', { noise: 0.01 });
    const at = X_TEST.findIndex((x) => x >= 0);
    const before = posterior(v).sd[at];
    const after = posterior({ ...v, points: [...v.points, [X_TEST[at], 0.3]] }).sd[at];
    expect(after).toBeLessThan(before / 3);
    const exact = posterior({ ...v, noise: 0, points: [[X_TEST[at], 0.3]] });
    expect(exact.mean[at]).toBeCloseTo(0.3, 6);
    expect(exact.sd[at]).toBeLessThan(1e-4);
  });

  it('posterior draws are seeded and spread as the posterior variance says (4000 draws, 4 SE)', () => {
    const v = withPreset('few', { samples: 20, noise: 0.05 });
    expect(samples(v)).toEqual(samples(v));
    expect(samples({ ...v, seed: 2 })[0]).not.toEqual(samples(v)[0]);
    const many = samples({ ...v, samples: 4000 });
    const post = posterior(v);
    for (const j of [0, 20, 50, 73, 100]) {
      const i = X_TEST.findIndex((x) => Math.abs(x - X_SAMPLE[j]) < 0.013);
      const vals = many.map((f) => f[j]);
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      const s2 = vals.reduce((a, b) => a + (b - m) ** 2, 0) / (vals.length - 1);
      const sd = post.sd[i];
      // X_SAMPLE and X_TEST differ by < 0.013 here: compare with a tolerance for that and 4 SE.
      expect(Math.abs(m - post.mean[i])).toBeLessThan(4 * sd / Math.sqrt(4000) + 0.02);
      expect(Math.abs(s2 - sd * sd)).toBeLessThan(4 * sd * sd * Math.sqrt(2 / 4000) + 0.01);
    }
  });

  it('fitting increases the log marginal likelihood from every preset, and stays on the sliders', () => {
    const gains: string[] = [];
    for (const name of Object.keys(schema.presets)) {
      for (const kernel of name === 'periodic' ? ['periodic'] : ['rbf', 'nngp']) {
        let v = withPreset(name, { kernel });
        let s = startFit(v);
        const from = s.lml;
        for (let k = 0; k < 150 && !s.done; k++) {
          const next = fitStep(v, s);
          if (next.done) break;
          const before = s.lml;
          v = { ...v, ...next.values };
          s = next;
          expect(s.lml).toBeGreaterThan(before);
          expect(logMarginal(v)).toBeCloseTo(s.lml, 9);
        }
        for (const key of ['lengthscale', 'variance', 'period', 'offset', 'sw2', 'sb2', 'noise'] as const) {
          const spec = schema.params[key];
          expect(v[key]).toBeGreaterThanOrEqual(spec.min);
          expect(v[key]).toBeLessThanOrEqual(spec.max);
          expect(Math.abs((v[key] - spec.min) / spec.step - Math.round((v[key] - spec.min) / spec.step))).toBeLessThan(1e-6);
        }
        expect(s.lml, `${name}/${kernel}`).toBeGreaterThan(from + 0.01);
        gains.push(`${name}/${kernel}: ${from.toFixed(2)} → ${s.lml.toFixed(2)}`);
      }
    }
    console.info(`fit gains: ${gains.join('; ')}`);
  });

  it('bad kernels become text, never an exception or NaN', () => {
    const v = withPreset('few', { kernel: 'ntk', activation: 'relu', sb2: 0, points: [[0, 1], [1, 0]] });
    const post = posterior(v);
    expect(post.error).toMatch(/./);
    expect(summarize(v, post, null, '')).toMatch(/could not be used/);
    const r = readout(v, post, null);
    expect(r.mean).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('the readout has the public fields', () => {
    const v = withPreset('few');
    const r = readout(v, posterior(v), null);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['kernel', 'hyper', 'noise', 'points', 'xTest', 'mean', 'sd', 'logMarginalLikelihood', 'width', 'covarianceError']));
    expect(r.hyper).toEqual({ lengthscale: 1, variance: 1 });
    expect(r.xTest).toHaveLength(400);
    expect(trainKernel(v)).toHaveLength(6);
  });

  it('the overlay is off (no key, no tensors) unless the kernel is a network kernel with a width', () => {
    expect(overlayKey(withPreset('few', { width: 64 }))).toBeNull();
    expect(overlayKey(withPreset('few', { kernel: 'nngp' }))).toBeNull();
    expect(overlayKey(withPreset('few', { kernel: 'nngp', width: 64 }))).toMatch(/"n":64/);
    expect(covarianceInputs(withPreset('few', { points: Array.from({ length: 40 }, (_, i) => [i / 8 - 2.5, 0]) }))).toHaveLength(12);
  });
});

describe('finite networks against the NNGP kernel (CPU backend, 2000 networks)', () => {
  let compute: Compute;
  beforeAll(async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    compute = await getCompute({ backends: ['cpu'] });
  });

  it('width 1024: within the Monte-Carlo floor (+ the O(1/n) bias); width 16 is visibly off at depth 3', async () => {
    const v = withPreset('few', { kernel: 'nngp', activation: 'relu', depth: 3 });
    const wide = await overlay(compute, overlayKey({ ...v, width: 1024 })!);
    const narrow = await overlay(compute, overlayKey({ ...v, width: 16 })!);
    // The relative Frobenius error of an unbiased estimator is about its floor; allow 2.5× plus 2/n.
    expect(wide.relError).toBeLessThan(2.5 * wide.mcFloor + 2 / 1024);
    expect(narrow.relError).toBeGreaterThan(wide.relError);
    expect(wide.lines).toHaveLength(24);
    expect(wide.lines.every((l) => l.every(Number.isFinite))).toBe(true);
  }, 120_000);
});
