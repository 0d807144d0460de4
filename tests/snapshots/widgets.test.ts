/**
 * Server-rendered widget figures as SVG — what a reader sees with JavaScript off, what a slide
 * shows before hydration, and a gallery (tests/snapshots/*.svg). Each widget is rendered at its
 * default state and at each preset; numbers are rounded to one decimal so the files change only
 * when the figure does. A changed figure fails here: look at the new SVG, and if it is right,
 * update with `npm run test:unit -- tests/snapshots -u`.
 */
import { describe, it, expect } from 'vitest';
import { render } from 'svelte/server';
import type { Component } from 'svelte';
import { widgets } from '../../widgets/registry.ts';
import { applyInput, defaults } from '../../widgets/core/params.ts';
import { figures } from './figures.ts';

/** A registered widget's view, by the registry's naming rule (widgets/<slug>/<Name>.svelte). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each view has its own props type
async function viewOf(w: { slug: string; name: string }): Promise<Component<any>> {
  return ((await import(`../../widgets/${w.slug}/${w.name}.svelte`)) as { default: Component<any> }).default;
}

describe('server-rendered widget figures', () => {

  for (const w of widgets) {
    const states: [string, Record<string, unknown>][] = [['default', {}], ...Object.entries(w.schema.presets).map(([k, p]) => [k, p.values] as [string, Record<string, unknown>])];
    for (const [name, values] of states) {
      it(`${w.slug} — ${name}`, async () => {
        const { values: initial } = applyInput(w.schema, defaults(w.schema.params), Object.entries(values));
        const { body } = render(await viewOf(w), { props: { id: 'snapshot', initial } });
        const svg = figures(body);
        expect(svg).toContain('<svg');
        expect(svg).not.toMatch(/NaN|Infinity|undefined/);
        await expect(svg).toMatchFileSnapshot(`./${w.slug}/${name}.svg`);
      });
    }
  }
});
