/** The widget kit's pure parts: frame scales and paths, histogram bins, colour scales, the keyboard filter, readouts. */
import { describe, it, expect, afterEach } from 'vitest';
import { makeFrame, makeScale, linePath, bandPath, DEFAULT_MARGIN, PATH_TOLERANCE_PX } from '../../../widgets/ui/frame.ts';
import { densityBins } from '../../../widgets/ui/bins.ts';
import { coarsen, colorScale, gridPixels, rgbOf } from '../../../widgets/ui/color.ts';
import { handleShortcut, isShortcut } from '../../../widgets/core/keys.ts';
import { publishReadout } from '../../../widgets/core/readout.ts';
import { Rng } from '../math/_support.ts';

const frame = makeFrame(640, 250, DEFAULT_MARGIN, { domain: [0, 10] }, { domain: [-1, 1] });

describe('plot frame', () => {
  it('maps the domain onto the inner rectangle (y upwards) and clamps values into it', () => {
    expect(frame.x(0)).toBe(DEFAULT_MARGIN.left);
    expect(frame.x(10)).toBe(640 - DEFAULT_MARGIN.right);
    expect(frame.y(-1)).toBe(250 - DEFAULT_MARGIN.bottom);
    expect(frame.y(1)).toBe(DEFAULT_MARGIN.top);
    expect(frame.clampY(7)).toBe(1);
    expect(frame.clampX(-3)).toBe(0);
  });

  it('survives degenerate and non-finite domains, and keeps log scales positive', () => {
    expect(makeScale({ domain: [2, 2] }, [0, 100]).domain()).toEqual([1.5, 2.5]);
    expect(makeScale({ domain: [Number.NaN, 1] }, [0, 100]).domain()).toEqual([0, 1]);
    const log = makeScale({ domain: [0, -5], type: 'log' }, [0, 100]);
    expect(log.domain()[0]).toBeGreaterThan(0);
    expect(log.domain()[1]).toBeGreaterThan(log.domain()[0]);
    expect(makeScale({ domain: [0.13, 9.7], nice: true }, [0, 1]).domain()).toEqual([0, 10]);
  });

  it('draws lines clamped to the frame and broken at non-finite values', () => {
    const d = linePath(frame, [0, 5, 10], [0, 100, 0]);
    // The middle point is clamped to the top of the frame, never drawn outside it.
    expect(d).toBe(`M${frame.x(0)},${frame.y(0)}L${frame.x(5)},${frame.y(1)}L${frame.x(10)},${frame.y(0)}`);
    const broken = linePath(frame, [0, 1, 2, 3, 4], [0, 0.5, Number.NaN, 0.5, 0]);
    expect(broken.match(/M/g)?.length).toBe(2);
    expect(broken).not.toMatch(/NaN/);
    expect(linePath(frame, [], [])).toBe('');
  });

  it('draws bands between lo and hi, clamped, skipping non-finite points', () => {
    const d = bandPath(frame, [0, 5, 10], [-5, -0.5, Number.NaN], [5, 0.5, 1]);
    expect(d).not.toMatch(/NaN|Infinity/);
    expect(d.startsWith('M')).toBe(true);
    // Both edges start clamped at the frame's bottom and top.
    expect(d).toContain(`${frame.y(1)}`);
    expect(d).toContain(`${frame.y(-1)}`);
  });
});

/** The vertices of an M/L path (one polyline per M, a trailing Z dropped). */
function polylines(d: string): [number, number][][] {
  return d
    .split('M')
    .filter(Boolean)
    .map((seg) => seg.replace(/Z$/, '').split('L').map((p) => p.split(',').map(Number) as [number, number]));
}
/** Distance from point p to the polyline `pl`. */
function distance(p: [number, number], pl: [number, number][]): number {
  let best = Infinity;
  for (let i = 1; i < pl.length; i++) {
    const [ax, ay] = pl[i - 1];
    const [bx, by] = pl[i];
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy));
  }
  return best;
}

describe('simplified paths', () => {
  const f = makeFrame(600, 300, DEFAULT_MARGIN, { domain: [-5, 5] }, { domain: [-3, 3] });
  const xs = Array.from({ length: 400 }, (_, i) => -5 + (10 * i) / 399);
  const mean = xs.map((x) => Math.sin(x) + 0.3 * Math.cos(3 * x));

  it('a smooth curve of 400 points keeps far fewer, every data point within the tolerance (+ rounding)', () => {
    const [pl, ...rest] = polylines(linePath(f, xs, mean));
    expect(rest).toHaveLength(0);
    expect(pl.length).toBeLessThan(120);
    expect(pl[0]).toEqual([f.x(-5), Number(f.y(mean[0]).toFixed(2))]);
    for (let i = 0; i < xs.length; i++) expect(distance([f.x(xs[i]), f.y(mean[i])], pl)).toBeLessThanOrEqual(PATH_TOLERANCE_PX + 0.01);
  });

  it('a band keeps both edges within the tolerance; a straight band is four corners', () => {
    const lo = mean.map((m, i) => m - 0.5 - 0.2 * Math.abs(xs[i]));
    const hi = mean.map((m, i) => m + 0.5 + 0.2 * Math.abs(xs[i]));
    const [pl] = polylines(bandPath(f, xs, lo, hi));
    expect(pl.length).toBeLessThan(240);
    for (let i = 0; i < xs.length; i++) {
      expect(distance([f.x(xs[i]), f.y(hi[i])], pl)).toBeLessThanOrEqual(PATH_TOLERANCE_PX + 0.01);
      expect(distance([f.x(xs[i]), f.y(lo[i])], pl)).toBeLessThanOrEqual(PATH_TOLERANCE_PX + 0.01);
    }
    const flat = bandPath(f, xs, xs.map(() => -1), xs.map(() => 1));
    const r = (v: number) => Number(v.toFixed(2));
    expect(flat).toBe(`M${r(f.x(-5))},${r(f.y(1))}L${r(f.x(5))},${r(f.y(1))}L${r(f.x(5))},${r(f.y(-1))}L${r(f.x(-5))},${r(f.y(-1))}Z`);
  });

  it('breaks stay breaks: each finite run is its own subpath', () => {
    const gappy = mean.map((m, i) => (i % 100 === 50 ? Number.NaN : m));
    expect(polylines(linePath(f, xs, gappy))).toHaveLength(5);
    expect(polylines(bandPath(f, xs, gappy.map((m) => m - 1), gappy.map((m) => m + 1)))).toHaveLength(5);
  });
});

describe('histogram bins', () => {
  it('are a density: the bars’ area is 1 over the values inside the domain, counts match a direct count', () => {
    const rng = new Rng(7);
    const values = Float64Array.from({ length: 5000 }, () => rng.normal());
    const bars = densityBins(values, [-3, 3], 30);
    expect(bars).toHaveLength(30);
    const inside = values.filter((v) => v >= -3 && v <= 3).length;
    const area = bars.reduce((a, b) => a + b.y * (b.x1 - b.x0), 0);
    expect(area).toBeCloseTo(1, 12);
    // Bin 15 is [0, 0.2): its density is its count / (inside × 0.2).
    const count = values.filter((v) => v >= 0 && v < 0.2).length;
    expect(bars[15].x0).toBeCloseTo(0, 12);
    expect(bars[15].y).toBeCloseTo(count / (inside * 0.2), 12);
  });

  it('ignore non-finite values and refuse an empty domain', () => {
    expect(densityBins([Number.NaN, Infinity, 0.5], [0, 1], 2).map((b) => b.y)).toEqual([0, 2]);
    expect(densityBins([1, 2], [1, 1], 4)).toEqual([]);
  });
});

describe('colour scales and grids', () => {
  it('map the domain onto the scheme, clamp outside it and leave non-finite values blank', () => {
    const f = colorScale({ scheme: 'viridis', domain: [0, 1] });
    expect(rgbOf(f(0))).toEqual([68, 1, 84]); // viridis starts at #440154
    expect(f(-5)).toBe(f(0));
    expect(f(Number.NaN)).toBe('transparent');
    const div = colorScale({ scheme: 'rdbu', domain: [-1, 0, 1] });
    const [r, g, b] = rgbOf(div(0));
    expect(Math.abs(r - g) + Math.abs(g - b)).toBeLessThan(40); // near-neutral at the midpoint
  });

  it('turn a grid into RGBA pixels with row 0 at the bottom', () => {
    const grid = { nx: 2, ny: 2, values: [0, 1, 1, Number.NaN], x: [0, 1] as const, y: [0, 1] as const };
    const px = gridPixels(grid, { domain: [0, 1] });
    // Image row 0 is the grid's top row (j = 1): values 1, NaN.
    expect(Array.from(px.slice(4, 8))).toEqual([0, 0, 0, 0]);
    expect(px[3]).toBe(255);
    expect(Array.from(px.slice(8, 11))).toEqual(rgbOf(colorScale({ domain: [0, 1] })(0)));
  });

  it('coarsen averages blocks of cells, keeping the extent', () => {
    const grid = { nx: 4, ny: 2, values: [1, 3, 5, 7, 1, 3, 5, 7], x: [0, 4] as const, y: [0, 2] as const };
    const c = coarsen(grid, 2);
    expect(c.nx).toBe(2);
    expect(c.ny).toBe(2);
    expect(Array.from(c.values)).toEqual([2, 6, 2, 6]);
    expect(c.x).toEqual([0, 4]);
  });
});

describe('keyboard filter', () => {
  const key = (k: string, target: Partial<HTMLElement> & { tagName: string }, mods = {}) => ({ key: k, target: target as unknown as EventTarget, metaKey: false, ctrlKey: false, altKey: false, ...mods });
  const el = (tagName: string, role?: string) => ({ tagName, getAttribute: (a: string) => (a === 'role' ? (role ?? null) : null) });

  it('lets shortcuts through on the widget and its buttons, but not while typing, on sliders, or with modifiers', () => {
    expect(isShortcut(key('h', el('DIV')))).toBe(true);
    expect(isShortcut(key('t', el('BUTTON')))).toBe(true);
    expect(isShortcut(key(' ', el('BUTTON')))).toBe(false); // Space presses the button
    expect(isShortcut(key('h', el('INPUT')))).toBe(false);
    expect(isShortcut(key('ArrowRight', el('g', 'slider')))).toBe(false);
    expect(isShortcut(key('h', el('DIV'), { ctrlKey: true }))).toBe(false);
  });

  it('runs the matching action, either case for letters, and prevents the default', () => {
    let hits = 0;
    let prevented = 0;
    const e = { key: 'H', target: el('DIV'), metaKey: false, ctrlKey: false, altKey: false, preventDefault: () => prevented++ } as unknown as KeyboardEvent;
    expect(handleShortcut(e, { h: () => hits++ })).toBe(true);
    expect(handleShortcut({ ...e, key: 'x' } as unknown as KeyboardEvent, { h: () => hits++ })).toBe(false);
    expect([hits, prevented]).toEqual([1, 1]);
  });
});

describe('readouts', () => {
  const g = globalThis as unknown as { window?: unknown; infiniteWidth?: { readout: (id: string) => unknown; readouts: () => string[] } };
  afterEach(() => {
    delete g.window;
    delete g.infiniteWidth;
  });

  it('are JSON-safe copies (typed arrays as arrays, non-finite numbers as null), null for unknown ids, withdrawn on unmount', () => {
    g.window = g;
    (g as { infiniteWidth?: unknown }).infiniteWidth = { compute: 'kept' };
    const withdraw = publishReadout('fig', () => ({ k: 3, values: new Float32Array([1, 2]), limit: Infinity }));
    expect(g.infiniteWidth!.readout('fig')).toEqual({ k: 3, values: [1, 2], limit: null });
    expect(g.infiniteWidth!.readout('other')).toBeNull();
    expect(g.infiniteWidth!.readouts()).toEqual(['fig']);
    expect((g.infiniteWidth as unknown as { compute: string }).compute).toBe('kept');
    withdraw();
    expect(g.infiniteWidth!.readout('fig')).toBeNull();
  });
});
