/**
 * Server-rendered widget figures as SVG — what a reader sees with JavaScript off, what a slide
 * shows before hydration, and a gallery (tests/snapshots/*.svg). Each widget is rendered at its
 * default state and at each preset; numbers are rounded to one decimal so the files change only
 * when the figure does. A changed figure fails here: look at the new SVG, and if it is right,
 * update with `npm run test:unit -- tests/snapshots -u`.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { render } from 'svelte/server';
import type { Component } from 'svelte';
import { widgets } from '../../widgets/registry.ts';
import { applyValues, defaults } from '../../widgets/core/params.ts';

/** A registered widget's view, by the registry's naming rule (widgets/<slug>/<Name>.svelte). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each view has its own props type
async function viewOf(w: { slug: string; name: string }): Promise<Component<any>> {
  return ((await import(`../../widgets/${w.slug}/${w.name}.svelte`)) as { default: Component<any> }).default;
}

// The book's light-theme colours and the widgets' stylesheet, so each snapshot opens as a picture.
const STYLE = `:root{--iw-bg:#fbfaf7;--iw-bg-raised:#fff;--iw-text:#1d1f24;--iw-text-muted:#535862;--iw-border:#dedbd2;--iw-accent:#1f5fa8;--iw-accent-2:#b4462b;--iw-accent-3:#2f7d4f;--iw-sans:system-ui,sans-serif}
${readFileSync(new URL('../../widgets/ui/widgets.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')}`;

/**
 * The widget's <svg> figures stacked into one standalone SVG file: numbers rounded to one decimal,
 * Svelte's hydration comments removed, one element per line (readable diffs).
 */
function figures(html: string): string {
  // Legend keys are tiny SVGs of their own: not figures.
  const svgs = (html.match(/<svg[\s\S]*?<\/svg>/g) ?? []).filter((svg) => !/^<svg[^>]*class="iw-key"/.test(svg));
  let y = 0;
  let width = 0;
  const parts = svgs.map((svg) => {
    const [, , w, h] = (/viewBox="([^"]+)"/.exec(svg)?.[1] ?? '0 0 640 300').split(/\s+/).map(Number);
    const part = svg.replace('<svg', `<svg x="0" y="${y}" width="${w}" height="${h}"`);
    y += h + 12;
    width = Math.max(width, w);
    return part;
  });
  const doc = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${Math.max(0, y - 12)}" width="${width}" height="${Math.max(0, y - 12)}" font-family="system-ui, sans-serif"><style>${STYLE}</style><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
  return doc
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/-?\d+\.\d+(e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 10) / 10;
      return String(Object.is(r, -0) ? 0 : r);
    })
    .replace(/></g, '>\n<');
}

describe('server-rendered widget figures', () => {

  for (const w of widgets) {
    const states: [string, Record<string, unknown>][] = [['default', {}], ...Object.entries(w.schema.presets).map(([k, p]) => [k, p.values] as [string, Record<string, unknown>])];
    for (const [name, values] of states) {
      it(`${w.slug} — ${name}`, async () => {
        const { values: initial } = applyValues(w.schema.params, defaults(w.schema.params), Object.entries(values));
        const { body } = render(await viewOf(w), { props: { id: 'snapshot', initial } });
        const svg = figures(body);
        expect(svg).toContain('<svg');
        expect(svg).not.toMatch(/NaN|Infinity|undefined/);
        await expect(svg).toMatchFileSnapshot(`./${w.slug}/${name}.svg`);
      });
    }
  }
});
