/**
 * The plot frame's shared state (LayerCake's pattern): PlotFrame computes the scales once from
 * the domains and its size and hands them to every layer through Svelte context; layers only map
 * data through them. Pure helpers here (no DOM), so they are unit-tested in Node.
 */
import { getContext, setContext } from 'svelte';
import { scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from 'd3-scale';
import { line } from 'd3-shape';
import simplify from 'simplify-js';

export type Scale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** One axis of a frame: its domain and how to map it. */
export interface ScaleSpec {
  domain: readonly [number, number];
  type?: 'linear' | 'log';
  /** Extend the domain to round ticks (d3's nice), optionally with a tick count. */
  nice?: boolean | number;
}

export interface Frame {
  /** The viewBox size. */
  readonly width: number;
  readonly height: number;
  readonly margin: Margin;
  readonly x: Scale;
  readonly y: Scale;
  /** The inner plot rectangle, in viewBox units. */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  /** A value clamped into the x (y) domain, so marks never leave the frame. */
  clampX(v: number): number;
  clampY(v: number): number;
}

export const DEFAULT_MARGIN: Margin = { top: 12, right: 14, bottom: 38, left: 48 };

const KEY = Symbol('iw-frame');

/** A d3 scale from a spec and a pixel range. A log scale keeps only a positive domain. */
export function makeScale(spec: ScaleSpec, range: [number, number]): Scale {
  let [a, b] = spec.domain;
  if (!Number.isFinite(a) || !Number.isFinite(b)) [a, b] = [0, 1];
  if (spec.type === 'log') {
    a = a > 0 ? a : 1e-12;
    b = b > a ? b : a * 10;
    const s = scaleLog().domain([a, b]).range(range);
    return spec.nice ? s.nice() : s;
  }
  if (a === b) [a, b] = [a - 0.5, b + 0.5];
  const s = scaleLinear().domain([a, b]).range(range);
  return spec.nice ? s.nice(typeof spec.nice === 'number' ? spec.nice : undefined) : s;
}

/** The frame's geometry and scales (PlotFrame calls this; tests too). */
export function makeFrame(width: number, height: number, margin: Margin, x: ScaleSpec, y: ScaleSpec): Frame {
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const xs = makeScale(x, [left, right]);
  const ys = makeScale(y, [bottom, top]);
  const clampTo = (s: Scale) => {
    const [lo, hi] = s.domain();
    const [min, max] = lo <= hi ? [lo, hi] : [hi, lo];
    return (v: number) => (v < min ? min : v > max ? max : v);
  };
  return { width, height, margin, x: xs, y: ys, left, right, top, bottom, clampX: clampTo(xs), clampY: clampTo(ys) };
}

/** PlotFrame: make `get()` the frame of every layer inside. */
export function provideFrame(get: () => Frame): void {
  setContext(KEY, get);
}

/** A layer: the frame it is drawn in (throws a clear error outside a PlotFrame). */
export function useFrame(part: string): () => Frame {
  const get = getContext<(() => Frame) | undefined>(KEY);
  if (!get) throw new Error(`widgets/ui/${part}.svelte must be placed inside a <PlotFrame>.`);
  return get;
}

/**
 * How far (px) a drawn path may stray from the data's polyline: points closer than this to the
 * line through their kept neighbours are dropped (Douglas–Peucker, simplify-js). A GP band of 400
 * test points keeps a few dozen; the widget chapters' HTML is 15–27 % smaller gzipped, and the
 * browser strokes fewer segments on every redraw. Well below a device pixel at the figures' sizes.
 */
export const PATH_TOLERANCE_PX = 0.2;

type Pt = { x: number; y: number };

/** The runs of consecutive indices < n where `ok(i)`: d3-shape's `defined`, by hand. */
function runs(n: number, ok: (i: number) => boolean): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ok(i)) run.push(i);
    else if (run.length) {
      out.push(run);
      run = [];
    }
  }
  if (run.length) out.push(run);
  return out;
}

const pathOf = line<Pt>()
  .x((p) => p.x)
  .y((p) => p.y)
  .digits(2);

/**
 * An SVG path through (xs[i], ys[i]) in the frame, y clamped into the domain, broken where a
 * value is not finite, simplified to PATH_TOLERANCE_PX. '' when nothing is drawable.
 */
export function linePath(frame: Frame, xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  const n = Math.min(xs.length, ys.length);
  return runs(n, (i) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]))
    .map((run) => pathOf(simplify(run.map((i) => ({ x: frame.x(frame.clampX(xs[i])), y: frame.y(frame.clampY(ys[i])) })), PATH_TOLERANCE_PX, true)) ?? '')
    .join('');
}

/**
 * An SVG area between lo[i] and hi[i] over xs[i], clamped to the frame, broken where a value is
 * not finite: for each unbroken run, the upper edge forwards and the lower edge back, closed (what
 * d3-shape's area draws), each edge simplified to PATH_TOLERANCE_PX.
 */
export function bandPath(frame: Frame, xs: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): string {
  const n = Math.min(xs.length, lo.length, hi.length);
  return runs(n, (i) => Number.isFinite(xs[i]) && Number.isFinite(lo[i]) && Number.isFinite(hi[i]))
    .map((run) => {
      const x = run.map((i) => frame.x(frame.clampX(xs[i])));
      const top = simplify(run.map((i, k) => ({ x: x[k], y: frame.y(frame.clampY(hi[i])) })), PATH_TOLERANCE_PX, true);
      const bottom = simplify(run.map((i, k) => ({ x: x[k], y: frame.y(frame.clampY(lo[i])) })), PATH_TOLERANCE_PX, true);
      return `${pathOf([...top, ...bottom.reverse()]) ?? ''}Z`;
    })
    .join('');
}

/** Reads a CSS custom property (a theme colour) from `el`, with a fallback. */
export function cssColor(el: Element | null | undefined, name: string, fallback = '#888'): string {
  if (!el || typeof getComputedStyle === 'undefined') return fallback;
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** One entry of a Legend: the label and the class its marks carry. */
export interface Series {
  label: string;
  /** The CSS class of the series' marks (e.g. 'iw-curve iw-posterior'): the key is drawn with it. */
  class: string;
  /** The mark the key draws (line). */
  kind?: 'line' | 'band' | 'rule' | 'bar' | 'dot';
}
