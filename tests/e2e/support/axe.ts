/**
 * axe-core over every page in one colour mode: violations of impact "serious" or "critical" are
 * problems, and the page must really be in that mode (html[data-theme]).
 */
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { label, newContext, settle, type BuiltPage, type Site } from './site.ts';

const BLOCKING = new Set(['serious', 'critical']);

export async function audit(browser: Browser, s: Site, pages: BuiltPage[], mode: 'light' | 'dark'): Promise<string[]> {
  const problems: string[] = [];
  const context = await newContext(browser, { colorScheme: mode, reducedMotion: 'reduce' });
  await context.addInitScript((m) => {
    try {
      localStorage.setItem('iw-theme', m);
    } catch {}
  }, mode);
  for (const p of pages) {
    const page = await context.newPage();
    const add = (m: string) => problems.push(`${label(p)} [${mode}]: ${m}`);
    try {
      const res = await settle(page, s.url + p.path);
      if (res?.status() !== (p.is404 ? 404 : 200)) throw new Error(`document answered HTTP ${res?.status()}`);
      const theme = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
      if (mode === 'dark' && theme !== 'dark') add(`html[data-theme] is ${JSON.stringify(theme)}, not "dark"`);
      if (mode === 'light' && theme === 'dark') add('html[data-theme] is "dark" in light mode');
      // Only violations come back (passes on a KaTeX-heavy page are tens of thousands of nodes), and
      // legacy mode skips the extra blank page AxeBuilder opens per run: together 2–3× faster.
      const result = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).setLegacyMode(true).analyze();
      for (const v of result.violations) {
        if (!BLOCKING.has(v.impact ?? '')) continue;
        const where = v.nodes
          .slice(0, 4)
          .map((n) => {
            const t = n.target.join(' ');
            const why = n.any?.[0]?.message ?? n.all?.[0]?.message ?? '';
            if (v.id !== 'color-contrast' || !why) return t;
            const m = /contrast of ([\d.]+) \(foreground color: (#\w+), background color: (#\w+)/.exec(why);
            return m ? `${t} (contrast ${m[1]}: ${m[2]} on ${m[3]})` : `${t} (${why.replace(/\s+/g, ' ').slice(0, 120)})`;
          })
          .join('; ');
        const more = v.nodes.length > 4 ? ` … +${v.nodes.length - 4} more` : '';
        add(`axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s): ${where}${more}`);
      }
    } catch (e) {
      add(`could not be checked: ${(e as Error).message.split('\n')[0]}`);
    }
    await page.close();
  }
  await context.close();
  return problems;
}

