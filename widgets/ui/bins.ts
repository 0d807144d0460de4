/**
 * Histogram binning for the Histogram layer and for views that size their y axis to it:
 * d3-array's `bin` over a fixed domain, normalised to a density (area 1 over the values inside).
 */
import { bin } from 'd3-array';

export interface Bar {
  x0: number;
  x1: number;
  y: number;
}

/**
 * `count` equal bins over [lo, hi]; y is the density count / (inside · width), where `inside` is
 * the number of finite values within the domain (values outside, and non-finite ones, are left out).
 */
export function densityBins(values: ArrayLike<number>, domain: readonly [number, number], count: number): Bar[] {
  const [lo, hi] = domain[0] <= domain[1] ? domain : [domain[1], domain[0]];
  const n = Math.max(1, Math.floor(count));
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const width = (hi - lo) / n;
  const thresholds = Array.from({ length: n - 1 }, (_, i) => lo + (i + 1) * width);
  const inside: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v >= lo && v <= hi) inside.push(v);
  }
  const bins = bin<number, number>().domain([lo, hi]).thresholds(thresholds)(inside);
  const total = inside.length;
  return bins.map((b) => ({ x0: b.x0 ?? lo, x1: b.x1 ?? hi, y: total ? b.length / (total * ((b.x1 ?? hi) - (b.x0 ?? lo))) : 0 }));
}
