/**
 * What assistive technology gets of a chapter. Long chapters let the browser skip off-screen prose
 * and the MathML copy of off-screen formulas (content-visibility: auto in global.css). With a
 * screen reader on (Chromium's full accessibility mode, --force-renderer-accessibility) that must
 * hide nothing: every formula's MathML and every piece of text that the fully rendered page
 * exposes is exposed by the page as served, scrolled to the top. (Without that mode Chromium's
 * DevTools tree leaves skipped content out; that is not what a screen reader sees.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch } from './support/chromium.mjs';
import { label, listPages, newContext, site } from './support/site.ts';

const s = site();
const chapters = listPages(s.dir).filter((p) => p.isChapter);

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launch({ webgl: 'none', args: ['--force-renderer-accessibility'] });
});
afterAll(async () => {
  await browser?.close();
});

/** The formulas (non-ignored MathML `math` nodes) and the text (StaticText names) the page exposes. */
async function exposed(page: Page): Promise<{ math: number; texts: Set<string> }> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[] };
  await cdp.detach();
  const texts = new Set<string>();
  let math = 0;
  for (const n of nodes) {
    if (n.ignored) continue;
    if (n.role?.value === 'MathMLMath') math++;
    // NFKC: a laid-out <mi>x</mi> is exposed as the mathematical italic 𝑥 (MathML's automatic
    // italic), a skipped one as x; the same letter.
    const name = n.name?.value?.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (n.role?.value === 'StaticText' && name) texts.add(name);
  }
  return { math, texts };
}

describe(`the accessibility tree of ${chapters.length} chapters, screen reader on`, () => {
  test('there are chapter pages', () => {
    expect(chapters.length, 'no chapters/*/index.html in the build').toBeGreaterThan(0);
  });

  test('off-screen text and formulas are exposed as if everything were rendered', async () => {
    const problems: string[] = [];
    const context = await newContext(browser!);
    try {
      for (const p of chapters) {
        const page = await context.newPage();
        await page.goto(`${s.url}${p.path}`, { waitUntil: 'load' });
        const served = await exposed(page);
        // Everything rendered: an inline !important outranks any stylesheet rule.
        await page.evaluate(() => {
          for (const el of document.querySelectorAll<HTMLElement>('body *')) el.style.setProperty('content-visibility', 'visible', 'important');
          return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        });
        const rendered = await exposed(page);
        await page.close();
        if (rendered.math === 0) problems.push(`${label(p)}: no formula exposed even fully rendered`);
        if (served.math < rendered.math) problems.push(`${label(p)}: ${served.math} formulas exposed as served, ${rendered.math} fully rendered`);
        const lost = [...rendered.texts].filter((t) => !served.texts.has(t));
        if (lost.length) problems.push(`${label(p)}: ${lost.length} text(s) exposed only when rendered, e.g. ${JSON.stringify(lost.slice(0, 3))}`);
      }
    } finally {
      await context.close();
    }
    expect(problems, problems.join('\n')).toEqual([]);
  }, 300_000);
});
