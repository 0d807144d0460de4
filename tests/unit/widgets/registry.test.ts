import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { widgets } from '../../../widgets/registry.ts';
import { checkSchema } from '../../../widgets/core/params.ts';
import { defineWidget } from '../../../widgets/core/entry.ts';
import { islandViewsSource } from '../../../widgets/island-views.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('widget registry', () => {
  it('lists at least one widget', () => {
    expect(widgets.length).toBeGreaterThan(0);
  });

  for (const w of widgets) {
    describe(w.name, () => {
      it('has params, presets, a title, a summary, a README and its files', () => {
        expect(Object.keys(w.schema.params).length).toBeGreaterThan(0);
        expect(Object.keys(w.schema.presets).length).toBeGreaterThan(0);
        expect(w.summary.length).toBeGreaterThan(20);
        expect(w.title.length).toBeGreaterThan(3);
        const readme = join(root, 'widgets', w.slug, 'README.md');
        expect(existsSync(readme), readme).toBe(true);
        const text = readFileSync(readme, 'utf8');
        expect(text).toMatch(/Chapter/);
        // The README documents every public parameter (URL key / MDX prop) and the readout.
        for (const key of Object.keys(w.schema.params)) expect(text, `README lists \`${key}\``).toContain(`\`${key}\``);
        expect(text).toMatch(/readout/i);
        for (const f of ['params.ts', 'model.ts', 'index.ts', `${w.name}.svelte`]) expect(existsSync(join(root, 'widgets', w.slug, f)), f).toBe(true);
      });

      it('has a valid schema whose presets apply cleanly', () => {
        expect(checkSchema(w.name, w.schema)).toEqual([]);
      });

      it('is its folder’s index.ts entry', async () => {
        const mod = (await import(`../../../widgets/${w.slug}/index.ts`)) as { default: unknown };
        expect(mod.default).toBe(w);
      });
    });
  }

  it('the generated island has exactly one import and one hydrated branch per registered widget', () => {
    const src = islandViewsSource();
    for (const w of widgets) {
      expect(src).toContain(`import ${w.name} from '../${w.slug}/${w.name}.svelte';`);
      expect(src).toContain(`{widget === '${w.slug}' && <${w.name} client:visible`);
    }
    expect(src.match(/client:visible/g)?.length).toBe(widgets.length);
  });

  it('defineWidget refuses a bad entry, naming the file', () => {
    const schema = widgets[0].schema;
    expect(() => defineWidget({ ...widgets[0], name: 'not-pascal', schema })).toThrow(/widgets\/beta-binomial\/index.ts: widget name "not-pascal" must be PascalCase/);
    expect(() => defineWidget({ ...widgets[0], slug: 'Bad Slug', schema })).toThrow(/must be kebab-case/);
    expect(() => defineWidget({ ...widgets[0], title: ' ', schema })).toThrow(/needs a title/);
  });

  it('every widget folder is registered', () => {
    const dirs = readdirSync(join(root, 'widgets'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['core', 'ui', '_generated'].includes(d.name))
      .map((d) => d.name);
    expect(dirs.sort()).toEqual(widgets.map((w) => w.slug).sort());
  });
});
