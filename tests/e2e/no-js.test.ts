/**
 * With JavaScript disabled every chapter still shows its text and its math: `.katex` is present
 * and styled by KaTeX's CSS, and the visible text of <main> is within 5% of the JS-on page's.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, label, listPages, newContext, settle, site, useBrowser } from './support/site.ts';

const s = site();
const chapters = listPages(s.dir).filter((p) => p.isChapter);
const browser = useBrowser('swiftshader');

async function measure(page: Page) {
  return page.evaluate(() => {
    // Off-screen paragraphs skip rendering (content-visibility: auto), and innerText of skipped
    // content depends on what happened to be laid out: render everything before counting.
    const full = document.createElement('style');
    full.textContent = '.prose > * { content-visibility: visible !important; }';
    document.head.append(full);
    const main = document.querySelector('main');
    // The first formula of the text (hover previews of \eqref targets are hidden until focused).
    const k = [...document.querySelectorAll('.katex')].find((e) => !e.closest('.eqref-preview'));
    const kr = k?.getBoundingClientRect();
    return {
      text: main ? main.innerText.replace(/\s+/g, ' ').trim().length : -1,
      katex: document.querySelectorAll('.katex').length,
      katexFont: k ? getComputedStyle(k).fontFamily : '',
      katexVisible: !!kr && kr.width > 0 && kr.height > 0,
    };
  });
}

describe(`JavaScript off, ${chapters.length} chapters`, () => {
  test('there are chapter pages', () => {
    expect(chapters.length, 'no chapters/*/index.html in the build').toBeGreaterThan(0);
  });

  test('every chapter shows its text and math without JavaScript', async () => {
    const problems: string[] = [];
    const on = await newContext(browser());
    const off = await newContext(browser(), { javaScriptEnabled: false });
    for (const p of chapters) {
      const add = (m: string) => problems.push(`${label(p)}: ${m}`);
      try {
        const a = await on.newPage();
        await settle(a, s.url + p.path);
        const js = await measure(a);
        await a.close();
        const b = await off.newPage();
        await b.goto(s.url + p.path, { waitUntil: 'load' });
        await b.evaluate(() => document.fonts?.ready).catch(() => {});
        const nojs = await measure(b);
        await b.close();
        if (nojs.text < 0) {
          add('no <main> element');
          continue;
        }
        if (nojs.katex === 0) add('no .katex element without JavaScript (math not rendered at build time?)');
        else {
          if (!/KaTeX_Main/i.test(nojs.katexFont)) add(`.katex is not styled by KaTeX's CSS without JavaScript (font-family: ${nojs.katexFont})`);
          if (!nojs.katexVisible) add('the first .katex has no visible box without JavaScript');
        }
        const diff = js.text > 0 ? Math.abs(nojs.text - js.text) / js.text : 0;
        if (diff > 0.05) add(`visible text of <main> is ${nojs.text} characters without JavaScript vs ${js.text} with it (${(diff * 100).toFixed(1)}% apart, limit 5%)`);
      } catch (e) {
        add(`could not be checked: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    await on.close();
    await off.close();
    assertNoProblems(problems, 'No-JavaScript');
  });
});
