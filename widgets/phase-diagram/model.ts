/**
 * The phase-diagram widget's model: pure functions from the parameters to what the view draws —
 * the heat-map grids (grid.ts: q*, χ1, ξc over (σw², σb²), computed in a worker in the browser),
 * the critical line, the selected point's exact mean-field values (src/math meanField), the
 * layer-by-layer theory (meanFieldTrajectory) and the correlation map (correlationMap), and the
 * finite random networks (src/compute sampleRandomNetworks + layerMaps, see `networks`).
 */
import type { MeanFieldActivation } from '../../src/math/index.ts';
import type { Compute } from '../../src/compute/index.ts';
import type { ColorSpec, Grid } from '../ui/color.ts';
import type { Values as ValuesOf } from '../core/params.ts';
import { params } from './params.ts';
import { SB2_RANGE, SW2_RANGE, XI_CAP, criticalLine, type FieldGrid } from './grid.ts';

export type Values = ValuesOf<typeof params>;
export type Field = 'chi1' | 'xic' | 'qstar';
export { SB2_RANGE, SW2_RANGE, XI_CAP };

/** Cells per side of the browser's heat map, and of the server-rendered one. */
export const GRID_N = 200;
export const STATIC_N = 48;
/** Samples of the critical line (σb² = 0, 0.01, …, 0.5). */
export const LINE_SAMPLES = 51;
/** The compute module's deepest network is 64 dense layers, one of them the output. */
export const MAX_NET_DEPTH = 63;
/** Networks behind the empirical cˡ (its standard error is shown), and those drawn as lines. */
export const NETWORKS = 100;
export const NET_LINES = 8;

const act = (v: Pick<Values, 'activation'>): MeanFieldActivation => (v.activation === 'erf' ? 'erf' : 'tanh');

// ---------------------------------------------------------------------------------------------
// The map.

/** The heat map's grid of one field, as the kit's Grid (ξc as log10, capped at XI_CAP). */
export function fieldGrid(g: FieldGrid, field: Field): Grid {
  let values: ArrayLike<number>;
  if (field === 'qstar') values = g.qStar;
  else if (field === 'xic') values = Float64Array.from(g.xiC, (x) => Math.log10(Math.min(XI_CAP, Math.max(x, 1e-3))));
  else values = g.chi1;
  return { nx: g.nx, ny: g.ny, values, x: SW2_RANGE, y: SB2_RANGE };
}

/** ξc over the plane (capped), for the trainable region L < 6ξc. */
export function xiGrid(g: FieldGrid): Grid {
  return { nx: g.nx, ny: g.ny, values: g.xiC, x: SW2_RANGE, y: SB2_RANGE };
}

function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** The colour scale of a field: χ1 diverging about 1, log10 ξc and q* sequential. */
export function colorOf(grid: Grid, field: Field): ColorSpec {
  const [lo, hi] = range(grid.values);
  if (field === 'chi1') return { scheme: 'rdbu', domain: [Math.min(lo, 0.99), 1, Math.max(hi, 1.01)] };
  if (field === 'xic') return { scheme: 'viridis', domain: [Math.min(lo, 0), Math.log10(XI_CAP)] };
  return { scheme: 'viridis', domain: [0, Math.max(hi, 1e-6)] };
}

export function legendLabel(field: Field): string {
  if (field === 'xic') return `log₁₀ ξc (capped at ξc = ${XI_CAP}; ξc = ∞ on the line)`;
  if (field === 'qstar') return 'q* (fixed-point variance per unit)';
  return 'χ₁ (red > 1 chaotic, blue < 1 ordered)';
}

/** The critical line χ1 = 1 as σb² ↦ σw² samples (1-D integrals only: cheap on the main thread). */
const lines = new Map<MeanFieldActivation, { sb2: number; sw2: number }[]>();
export function lineOf(v: Pick<Values, 'activation'>): { sb2: number; sw2: number }[] {
  const a = act(v);
  let l = lines.get(a);
  if (!l) {
    l = criticalLine(a, LINE_SAMPLES);
    lines.set(a, l);
  }
  return l;
}

// The selected point (point.ts: also run in the worker, off the main thread).
export { INPUTS, INPUT_CORR, INPUT_NORM2, MAP_C, SNAP, cobweb, corrMap, firstLayer, pointKey, pointOf, pointResult, theory, type Point, type PointResult, type Theory } from './point.ts';
import type { Point, Theory } from './point.ts';
import { INPUTS } from './point.ts';

// ---------------------------------------------------------------------------------------------
// Finite networks (on demand, through the compute module).

export interface Networks {
  key: string;
  width: number;
  networks: number;
  /** Layers 1..depth (depth = min(L, MAX_NET_DEPTH)). */
  layers: number[];
  /** Empirical cˡ (ratio of means over the networks) and its standard error (delta method). */
  c: number[];
  seC: number[];
  q: number[];
  /** cˡ of the first NET_LINES networks, one line each. */
  lines: number[][];
}

export function networksKey(v: Values, p: Point): string {
  return JSON.stringify({ a: act(v), w: p.sw2, b: p.sb2, n: v.width, L: Math.min(v.depth, MAX_NET_DEPTH), s: v.seed });
}

/** Runs the finite networks for `key` (networksKey's JSON): NETWORKS networks of depth L + 1 (the last is the scalar output). */
export async function networks(compute: Compute, key: string, count = NETWORKS): Promise<Networks> {
  const k = JSON.parse(key) as { a: MeanFieldActivation; w: number; b: number; n: number; L: number; s: number };
  const { sampleRandomNetworks, layerMaps } = await import('../../src/compute/index.ts');
  const sample = await sampleRandomNetworks(compute, { networks: count, inputDim: 2, depth: k.L + 1, width: k.n, activation: k.a, sigmaW2: k.w, sigmaB2: k.b, seed: `${k.s}:phase` }, INPUTS, { layers: true });
  const maps = layerMaps(sample, 0, 1);
  const grams = (sample.layers ?? []).slice(0, k.L);
  const lines = Array.from({ length: Math.min(NET_LINES, count) }, (_, s) =>
    grams.map((g) => {
      const o = s * 4;
      const den = Math.sqrt(g[o] * g[o + 3]);
      return den > 0 ? g[o + 1] / den : Number.NaN;
    }),
  );
  const finite = (xs: number[]) => xs.slice(0, k.L).map((x) => (Number.isFinite(x) ? x : Number.NaN));
  return { key, width: k.n, networks: count, layers: grams.map((_, i) => i + 1), c: finite(maps.c), seC: finite(maps.seC), q: finite(maps.q1), lines };
}

// ---------------------------------------------------------------------------------------------
// Text and readout.

const f3 = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1000 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(3));

export function trainableText(v: Values, p: Point): string {
  if (p.xiC === null) return `On the critical line ξc is infinite: depth ${v.depth} (any depth) is within 6ξc.`;
  const limit = 6 * p.xiC;
  return v.depth < limit ? `Depth ${v.depth} is below 6ξc = ${f3(limit)}: trainable by this criterion.` : `Depth ${v.depth} exceeds 6ξc = ${f3(limit)}: too deep to train by this criterion.`;
}

export function summarize(v: Values, p: Point, t: Theory, net: Networks | null, gridState: string): string {
  const phase = p.phase === 'critical' ? 'on the critical line χ₁ = 1' : p.phase === 'ordered' ? 'in the ordered phase (χ₁ < 1)' : 'in the chaotic phase (χ₁ > 1)';
  const parts = [
    `${v.activation} network at σw² = ${f3(p.sw2)}, σb² = ${f3(p.sb2)}: ${phase}, χ₁ = ${p.chi1.toFixed(4)}, q* = ${f3(p.qStar)}, c* = ${f3(p.cStar)}, ξc = ${p.xiC === null ? 'infinite' : f3(p.xiC)}.`,
    `Over ${v.depth} layers qˡ goes from ${f3(t.q[0])} to ${f3(t.q[t.q.length - 1])} and cˡ from ${f3(t.c[0])} to ${f3(t.c[t.c.length - 1])}.`,
    trainableText(v, p),
  ];
  if (net) {
    const l = net.layers.length;
    parts.push(`${net.networks} random networks of width ${net.width}: empirical c at layer ${l} is ${f3(net.c[l - 1])} ± ${f3(net.seC[l - 1])} (theory ${f3(t.c[l - 1])}).`);
  }
  if (gridState) parts.push(gridState);
  return parts.join(' ');
}

const num = (x: number | null | undefined) => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);

/** The readout; the point's fields are null while its answer is pending. */
export function readout(v: Values, pr: { point: Point; theory: Theory } | null, net: Networks | null, gridMs: number | null) {
  const p = pr?.point;
  const t = pr?.theory;
  return {
    activation: v.activation,
    field: v.field,
    sw2: v.sw2,
    sb2: v.sb2,
    qStar: num(p?.qStar),
    chi1: num(p?.chi1),
    cStar: num(p?.cStar),
    xiC: num(p?.xiC),
    phase: p?.phase ?? null,
    criticalLine: lineOf(v).map((s) => ({ sb2: s.sb2, sw2: s.sw2 })),
    qTrajectory: t ? t.q.map(num) : null,
    cTrajectory: t ? t.c.map(num) : null,
    empiricalC: net ? net.c.map(num) : null,
    gridMs: num(gridMs),
  };
}
