/**
 * Every registered widget's embed route with hostile values for each of its parameters, one
 * parameter at a time (as a reviewer would load them; each parameter with a different value first): the widget still hydrates and publishes a
 * readout, shows a notice naming the refused value, draws no NaN, injects nothing, and the page
 * logs no console error.
 */
import { describe, expect, test } from 'vitest';
import { widgets } from '../../widgets/registry.ts';
import { assertNoProblems, collectErrors, newContext, site, useBrowser } from './support/site.ts';

const s = site();
const nogl = useBrowser('none');
const HOSTILE = ['NaN', '-Infinity', '1e999', '', '<img src=x onerror=alert(1)>', '__proto__', '%00', '😀'.repeat(50), '9'.repeat(400), ',;,;=,', '1e308', 'x'.repeat(5000)];

describe('hostile URL values, every widget, every parameter', () => {
  for (const w of widgets) {
    test(`${w.slug}: ${Object.keys(w.schema.params).length} parameters × ${HOSTILE.length} values`, async () => {
      const context = await newContext(nogl());
      const page = await context.newPage();
      const errors = collectErrors(page);
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      for (const [i, key] of [...Object.keys(w.schema.params), 'preset'].entries()) {
        const q = new URLSearchParams();
        // Repeated keys: the first is used, the rest noted. Each parameter gets a different value
        // first (tests/snapshots/url-fuzz.test.ts reads every value of every parameter, without a browser).
        const first = i % HOSTILE.length;
        for (const v of [...HOSTILE.slice(first), ...HOSTILE.slice(0, first)]) q.append(key, v);
        await page.goto(`${s.url}embed/${w.slug}/?${q}`, { waitUntil: 'load' });
        await page.locator('#embed').scrollIntoViewIfNeeded();
        await page.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'), null, { timeout: 20_000 });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const r = await page.evaluate(() => (window as any).infiniteWidth?.readout?.('embed') ?? null);
        expect(r, `${w.slug} ${key}: readout`).not.toBeNull();
        expect(await page.locator('#embed .iw-notices').count(), `${w.slug} ${key}: a notice`).toBe(1);
        const paths = await page.locator('#embed path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
        expect(paths.filter((d) => /NaN|Infinity|undefined/.test(d)), `${w.slug} ${key}: NaN in a path`).toEqual([]);
        expect(await page.locator('#embed img, #embed [onerror]').count()).toBe(0);
        expect(await page.evaluate(() => 'polluted' in Object.prototype)).toBe(false);
      }
      expect(dialogs).toBe(0);
      assertNoProblems(errors.take(), `${w.slug} with hostile URLs`);
      await context.close();
    });
  }
});
