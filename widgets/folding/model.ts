/**
 * The folding argument (Montúfar, Pascanu, Cho & Bengio 2014) on the line, with no DOM. One
 * layer of two ReLU units computes the tent map t(h) = 2·relu(h) − 4·relu(h − ½), which folds
 * [0, 1] onto itself; L layers compose it, t∘…∘t, a sawtooth with 2^L linear pieces from 2L units.
 * A network with one hidden layer of n ReLU units is piecewise linear with at most n + 1 pieces on
 * the line (each unit adds at most one breakpoint). For the comparison the shallow net with n = 2L
 * units follows the sawtooth as far as its n breakpoints allow, then runs straight to the end.
 */
import type { Values } from '../core/params.ts';
import type { params } from './params.ts';

export type FoldingValues = Values<typeof params>;

const relu = (x: number) => (x > 0 ? x : 0);
/** One folding layer: two ReLU units. */
export const tent = (h: number) => 2 * relu(h) - 4 * relu(h - 0.5);

/** L folds of x. */
export function deepNet(x: number, depth: number): number {
  let h = x;
  for (let l = 0; l < depth; l++) h = tent(h);
  return h;
}

/** The sawtooth's breakpoints k / 2^L and its values there (exact: it is linear in between). */
export function deepPolyline(depth: number): { x: number[]; y: number[] } {
  const n = 2 ** depth;
  const x = Array.from({ length: n + 1 }, (_, k) => k / n);
  return { x, y: x.map((v) => deepNet(v, depth)) };
}

/** Linear pieces of a polyline: maximal runs of equal slope. */
export function countPieces(x: readonly number[], y: readonly number[]): number {
  let pieces = 0;
  let last = Number.NaN;
  for (let i = 1; i < x.length; i++) {
    const s = (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
    if (!(Math.abs(s - last) < 1e-9)) pieces++;
    last = s;
  }
  return pieces;
}

/**
 * The shallow comparison: n = 2L units give n breakpoints, so it can follow the sawtooth through
 * its first n + 1 breakpoints and then needs one straight piece to the end point: n + 1 pieces.
 */
export function shallowPolyline(depth: number): { x: number[]; y: number[]; units: number } {
  const units = 2 * depth;
  const deep = deepPolyline(depth);
  const k = Math.min(units, deep.x.length - 1);
  const x = deep.x.slice(0, k + 1);
  const y = deep.y.slice(0, k + 1);
  if (k < deep.x.length - 1) {
    x.push(1);
    y.push(deep.y[deep.y.length - 1]);
  }
  return { x, y, units };
}

export function folding(v: FoldingValues) {
  const deep = deepPolyline(v.depth);
  const shallow = shallowPolyline(v.depth);
  return { deep, shallow, units: 2 * v.depth, piecesDeep: countPieces(deep.x, deep.y), piecesShallowMax: 2 * v.depth + 1, piecesShallow: countPieces(shallow.x, shallow.y) };
}

export function summarize(v: FoldingValues, m: ReturnType<typeof folding>): string {
  return `${v.depth} folding layer${v.depth === 1 ? '' : 's'} of 2 ReLU units (${m.units} units) give ${m.piecesDeep} linear pieces; one hidden layer of ${m.units} units gives at most ${m.piecesShallowMax}.`;
}

export function readout(v: FoldingValues, m: ReturnType<typeof folding>): Record<string, unknown> {
  return { depth: v.depth, units: m.units, piecesDeep: m.piecesDeep, piecesShallowMax: m.piecesShallowMax, piecesShallow: m.piecesShallow };
}
