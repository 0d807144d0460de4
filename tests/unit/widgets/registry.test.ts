import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { widgets } from '../../../widgets/registry.ts';
import { checkSchema } from '../../../widgets/core/params.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('widget registry', () => {
  it('lists at least one widget', () => {
    expect(widgets.length).toBeGreaterThan(0);
  });

  for (const w of widgets) {
    describe(w.name, () => {
      it('has params, presets, a summary and a README', () => {
        expect(Object.keys(w.schema.params).length).toBeGreaterThan(0);
        expect(Object.keys(w.schema.presets).length).toBeGreaterThan(0);
        expect(w.summary.length).toBeGreaterThan(20);
        const readme = join(root, 'widgets', w.slug, 'README.md');
        expect(existsSync(readme), readme).toBe(true);
        expect(readFileSync(readme, 'utf8')).toMatch(/Chapter/);
        for (const f of ['params.ts', 'model.ts']) expect(existsSync(join(root, 'widgets', w.slug, f)), f).toBe(true);
      });

      it('has a valid schema whose presets apply cleanly', () => {
        expect(checkSchema(w.name, w.schema)).toEqual([]);
      });

      it('is rendered by Island.astro', () => {
        const island = readFileSync(join(root, 'widgets', 'Island.astro'), 'utf8');
        expect(island).toContain(`widget === '${w.slug}'`);
        expect(island).toContain(`'${w.slug}': true`);
      });
    });
  }

  it('every widget folder is registered', () => {
    const dirs = readdirSync(join(root, 'widgets'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['core', 'ui'].includes(d.name))
      .map((d) => d.name);
    expect(dirs.sort()).toEqual(widgets.map((w) => w.slug).sort());
  });
});
