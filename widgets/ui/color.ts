/**
 * Colour scales for heat maps (d3-scale-chromatic, perceptually uniform by default) and the grid
 * a heat map draws: nx × ny cells covering [x0, x1] × [y0, y1], values row by row from the bottom
 * row (y0) up. Pure, Node-safe.
 */
import { scaleSequential, scaleDiverging } from 'd3-scale';
import { interpolateCividis, interpolateMagma, interpolatePlasma, interpolateViridis, interpolateRdBu, interpolatePuOr } from 'd3-scale-chromatic';
import { indexedPngUri } from './png.ts';

export interface Grid {
  nx: number;
  ny: number;
  /** nx·ny values, index i + nx·j for column i, row j (row 0 at y0). Non-finite cells are left blank. */
  values: ArrayLike<number>;
  x: readonly [number, number];
  y: readonly [number, number];
}

const sequential = { viridis: interpolateViridis, magma: interpolateMagma, plasma: interpolatePlasma, cividis: interpolateCividis } as const;
const diverging = { rdbu: (t: number) => interpolateRdBu(1 - t), puor: interpolatePuOr } as const;
export type SchemeName = keyof typeof sequential | keyof typeof diverging;

export interface ColorSpec {
  scheme?: SchemeName;
  /** [lo, hi] for sequential schemes; [lo, mid, hi] for diverging ones (mid gets the neutral colour). */
  domain: readonly number[];
}

/** value → CSS colour ('transparent' for non-finite values); values outside the domain get the end colours. */
export function colorScale(spec: ColorSpec): (v: number) => string {
  const name = spec.scheme ?? 'viridis';
  let f: (v: number) => string;
  if (name in diverging) {
    const [lo, mid, hi] = spec.domain.length >= 3 ? spec.domain : [spec.domain[0], (spec.domain[0] + spec.domain[1]) / 2, spec.domain[1]];
    f = scaleDiverging(diverging[name as keyof typeof diverging]).domain([lo, mid, hi]).clamp(true);
  } else {
    const [lo, hi] = spec.domain;
    f = scaleSequential(sequential[name as keyof typeof sequential]).domain([lo, hi === lo ? lo + 1 : hi]).clamp(true);
  }
  return (v: number) => (Number.isFinite(v) ? f(v) : 'transparent');
}

/** A coarser grid (averaging blocks of cells) with at most `max` cells per side: the static figure's SVG rectangles. */
export function coarsen(grid: Grid, max: number): Grid {
  const fx = Math.max(1, Math.ceil(grid.nx / max));
  const fy = Math.max(1, Math.ceil(grid.ny / max));
  if (fx === 1 && fy === 1) return grid;
  const nx = Math.ceil(grid.nx / fx);
  const ny = Math.ceil(grid.ny / fy);
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let sum = 0;
      let count = 0;
      for (let b = j * fy; b < Math.min(grid.ny, (j + 1) * fy); b++) {
        for (let a = i * fx; a < Math.min(grid.nx, (i + 1) * fx); a++) {
          const v = grid.values[a + grid.nx * b];
          if (Number.isFinite(v)) {
            sum += v;
            count++;
          }
        }
      }
      values[i + nx * j] = count ? sum / count : Number.NaN;
    }
  }
  // Blocks at the right and top edges may be partial: the coarse grid then reaches past the
  // original extent by less than one block; the layer clips it to the original.
  const dx = (grid.x[1] - grid.x[0]) / grid.nx;
  const dy = (grid.y[1] - grid.y[0]) / grid.ny;
  return { nx, ny, values, x: [grid.x[0], grid.x[0] + nx * fx * dx], y: [grid.y[0], grid.y[0] + ny * fy * dy] };
}

/** [r, g, b] (0–255) of a CSS colour as d3 writes them: '#rrggbb' or 'rgb(r, g, b)'. */
export function rgbOf(css: string): [number, number, number] {
  if (css.startsWith('#') && css.length === 7) return [parseInt(css.slice(1, 3), 16), parseInt(css.slice(3, 5), 16), parseInt(css.slice(5, 7), 16)];
  const m = /rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/**
 * A grid through a colour table of `levels` entries: the table and, per pixel (rows top to bottom,
 * as images want), the entry's index, or -1 where the value is not finite.
 */
function gridLevels(grid: Grid, spec: ColorSpec, levels: number): { table: [number, number, number][]; index: Int16Array } {
  const f = colorScale(spec);
  const lo = Math.min(...spec.domain);
  const hi = Math.max(...spec.domain);
  const n = levels - 1;
  const table = Array.from({ length: levels }, (_, i) => rgbOf(f(lo + ((hi - lo) * i) / n)));
  const index = new Int16Array(grid.nx * grid.ny).fill(-1);
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      const v = grid.values[i + grid.nx * j];
      if (!Number.isFinite(v)) continue;
      index[i + grid.nx * (grid.ny - 1 - j)] = hi > lo ? Math.round(((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * n) : 0;
    }
  }
  return { table, index };
}

/** A grid as RGBA pixels (rows top to bottom, as ImageData wants), through a 256-entry colour table. */
export function gridPixels(grid: Grid, spec: ColorSpec): Uint8ClampedArray {
  const { table, index } = gridLevels(grid, spec, 256);
  const out = new Uint8ClampedArray(4 * grid.nx * grid.ny);
  index.forEach((t, p) => {
    if (t < 0) return;
    out.set(table[t], 4 * p);
    out[4 * p + 3] = 255;
  });
  return out;
}

/**
 * A grid as a PNG data: URI, one pixel per cell (255 colour levels; cells that are not finite
 * transparent): the static heat map, a few KB for 48 × 48 cells.
 */
export function gridImage(grid: Grid, spec: ColorSpec): string {
  const { table, index } = gridLevels(grid, spec, 255);
  const palette: [number, number, number][] = [[0, 0, 0], ...table];
  return indexedPngUri(grid.nx, grid.ny, Array.from(index, (t) => t + 1), palette, [0, ...table.map(() => 255)]);
}
