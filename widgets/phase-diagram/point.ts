/**
 * The phase diagram's selected point: its exact mean-field values (src/math meanField), the
 * layer-by-layer theory (meanFieldTrajectory) and the correlation map (correlationMap). Pure; the
 * browser runs it in the grid worker (a tanh point deep in the chaotic phase costs 0.1–0.4 s here:
 * every layer and every map sample is a 2-D quadrature), the server render and the tests directly.
 */
import { correlationMap, meanField, meanFieldTrajectory, type MeanFieldActivation, type MeanFieldPhase } from '../../src/math/index.ts';
import type { Values as ValuesOf } from '../core/params.ts';
import { params } from './params.ts';
import { criticalSw2 } from './grid.ts';

type Values = ValuesOf<typeof params>;
const act = (v: Pick<Values, 'activation'>): MeanFieldActivation => (v.activation === 'erf' ? 'erf' : 'tanh');
/** A σw² within half a step of the critical line is taken as on it (presets, typed values). */
export const SNAP = params.sw2.step / 2;


export interface Point {
  /** σw² the values are for: the parameter, or the line's σw² when within SNAP of it. */
  sw2: number;
  sb2: number;
  onLine: boolean;
  qStar: number;
  chi1: number;
  cStar: number;
  /** null where infinite (on the critical line). */
  xiC: number | null;
  phase: MeanFieldPhase;
}

export function pointOf(v: Pick<Values, 'activation' | 'sw2' | 'sb2'>): Point {
  const a = act(v);
  const line = criticalSw2(a, v.sb2);
  const onLine = Math.abs(v.sw2 - line) <= SNAP;
  const sw2 = onLine ? line : v.sw2;
  const r = meanField({ activation: a, sigmaW2: sw2, sigmaB2: v.sb2 });
  if (onLine) return { sw2, sb2: v.sb2, onLine, qStar: r.qStar, chi1: r.chi1, cStar: 1, xiC: null, phase: 'critical' };
  return { sw2, sb2: v.sb2, onLine, qStar: r.qStar, chi1: r.chi1, cStar: r.cStar, xiC: Number.isFinite(r.xiC) ? r.xiC : null, phase: r.phase };
}

/** The two inputs every panel follows: |x|²/d0 = 2 and correlation 0.2, in d0 = 2 dimensions. */
export const INPUT_NORM2 = 2;
export const INPUT_CORR = 0.2;
export const INPUTS: number[][] = [
  [2, 0],
  [2 * INPUT_CORR, 2 * Math.sqrt(1 - INPUT_CORR * INPUT_CORR)],
];

/** Layer 1's variance and correlation for these inputs: q¹ = σw²|x|²/d0 + σb², c¹ = (σw² ρ|x|²/d0 + σb²)/q¹. */
export function firstLayer(sw2: number, sb2: number): { q: number; c: number } {
  const q = sw2 * INPUT_NORM2 + sb2;
  return { q, c: q > 0 ? (sw2 * INPUT_CORR * INPUT_NORM2 + sb2) / q : 1 };
}

export interface Theory {
  /** Layers 1..L. */
  layers: number[];
  q: number[];
  c: number[];
}

/** qˡ and cˡ for l = 1..L (meanFieldTrajectory from layer 1). */
export function theory(v: Pick<Values, 'activation' | 'depth'>, p: Point): Theory {
  const a = act(v);
  const first = firstLayer(p.sw2, p.sb2);
  const L = v.depth;
  const t = L > 1 ? meanFieldTrajectory({ activation: a, sigmaW2: p.sw2, sigmaB2: p.sb2, q0: first.q, c0: first.c, depth: L - 1 }) : { q: [first.q], c: [first.c] };
  return { layers: t.q.map((_, i) => i + 1), q: t.q, c: t.c };
}

/** The correlation map c ↦ C(c) at q = q*, on [−1, 1]. */
export const MAP_C: number[] = Array.from({ length: 61 }, (_, i) => -1 + (2 * i) / 60);
export function corrMap(v: Pick<Values, 'activation'>, p: Point): number[] {
  const a = act(v);
  return MAP_C.map((c) => correlationMap({ activation: a, sigmaW2: p.sw2, sigmaB2: p.sb2, q: p.qStar, c }));
}

/** The cobweb of the theory's cˡ on the map: (c¹, c¹) → (c¹, c²) → (c², c²) → … (first 30 layers). */
export function cobweb(t: Theory): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  const n = Math.min(t.c.length - 1, 30);
  if (n < 1) return { x, y };
  x.push(t.c[0]);
  y.push(t.c[0]);
  for (let l = 0; l < n; l++) {
    x.push(t.c[l], t.c[l + 1]);
    y.push(t.c[l + 1], t.c[l + 1]);
  }
  return { x, y };
}

export interface PointResult {
  /** pointKey of the values it was computed for. */
  key: string;
  point: Point;
  theory: Theory;
  map: number[];
}

/** What the point's panels need depends on these values only. */
export function pointKey(v: Pick<Values, 'activation' | 'sw2' | 'sb2' | 'depth'>): string {
  return JSON.stringify([act(v), v.sw2, v.sb2, v.depth]);
}

export function pointResult(v: Pick<Values, 'activation' | 'sw2' | 'sb2' | 'depth'>): PointResult {
  const point = pointOf(v);
  return { key: pointKey(v), point, theory: theory(v, point), map: corrMap(v, point) };
}
