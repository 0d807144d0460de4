/**
 * The kit gallery: every plot part of widgets/ui rendered on the server on fixed sample data, as
 * standalone SVGs in tests/snapshots/kit/ (a page of examples for contributors, and a regression
 * test: a changed part fails here; accept a deliberate change with `-u`).
 */
import { describe, it, expect } from 'vitest';
import { render } from 'svelte/server';
import Gallery from './kit/Gallery.svelte';
import { figures, legendFigure } from './figures.ts';

const PARTS = ['axis', 'line', 'band', 'rule', 'dots', 'bars', 'histogram', 'contour', 'legend', 'canvas-lines', 'canvas-points', 'heatmap', 'points-editor-1d', 'points-editor-2d', 'dag'];

describe('kit gallery (server-rendered parts)', () => {
  for (const part of PARTS) {
    it(part, async () => {
      const { body } = render(Gallery, { props: { part } });
      const svg = part === 'legend' ? legendFigure(body) : figures(body);
      expect(svg).toMatch(/<(path|rect|circle|line|text)\b/);
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
      await expect(svg).toMatchFileSnapshot(`./kit/${part}.svg`);
    });
  }

  it('a layer outside a PlotFrame says where it belongs', async () => {
    const Line = (await import('../../widgets/ui/Line.svelte')).default;
    expect(() => render(Line, { props: { x: [0, 1], y: [0, 1] } }).body).toThrow(/widgets\/ui\/Line.svelte must be placed inside a <PlotFrame>/);
  });
});
