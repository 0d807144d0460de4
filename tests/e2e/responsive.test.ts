/**
 * At 360 px no page scrolls sideways: the document is no wider than the viewport and <main> does
 * not overflow its own box. Display math and tables may scroll inside their own boxes.
 */
import { test } from 'vitest';
import { assertNoProblems, label, listPages, newContext, settle, site, useBrowser } from './support/site.ts';

const WIDTH = 360;
// <main> may overflow by up to 3 px: KaTeX ends every sub/superscript with an empty 2 px strut
// (.vlist-s, a Safari workaround), which sticks out invisibly when the formula ends a line.
const SLACK = 3;
const s = site();
const pages = listPages(s.dir);
const browser = useBrowser('swiftshader');

test(`no horizontal overflow at ${WIDTH} px on ${pages.length} pages`, async () => {
  const problems: string[] = [];
  const context = await newContext(browser(), { viewport: { width: WIDTH, height: 740 }, deviceScaleFactor: 1, isMobile: false, hasTouch: true });
  for (const p of pages) {
    const page = await context.newPage();
    const add = (m: string) => problems.push(`${label(p)}: ${m}`);
    try {
      await settle(page, s.url + p.path);
      // Lay out every block, including off-screen ones that content-visibility would skip (and clip).
      await page.addStyleTag({ content: '.prose > * { content-visibility: visible !important; }' });
      const r = await page.evaluate((width) => {
        const doc = document.scrollingElement!;
        const main = document.querySelector('main');
        const scrolls = (el: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
        const name = (el: Element) =>
          el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
        /** The outermost elements inside `within` that stick out past `edge`, outside any box that clips or scrolls them. */
        const culprits = (within: Element, edge: number) => {
          const out: string[] = [];
          for (const el of within.querySelectorAll('*')) {
            const rect = el.getBoundingClientRect();
            if (rect.right <= edge + 1 || rect.width === 0) continue;
            let clipped = false;
            let parentSticksOut = false;
            for (let a = el.parentElement; a && a !== within; a = a.parentElement) {
              if (scrolls(a)) clipped = true;
              if (a.getBoundingClientRect().right > edge + 1) parentSticksOut = true;
            }
            if (clipped || parentSticksOut) continue;
            const hidden = getComputedStyle(el).visibility === 'hidden' ? ', invisible' : '';
            out.push(`${name(el)} (right edge at ${Math.round(rect.right)} px${hidden})`);
            if (out.length >= 5) return out;
          }
          // Text that does not wrap (a long URL) overflows its element without widening its box.
          const walk = document.createTreeWalker(within, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(n);
            const rect = range.getBoundingClientRect();
            if (rect.right <= edge + 1 || rect.width === 0) continue;
            let clipped = false;
            for (let a = n.parentElement; a && a !== within.parentElement; a = a.parentElement) if (a !== within && scrolls(a)) clipped = true;
            if (clipped) continue;
            const text = (n.textContent ?? '').trim();
            out.push(`text in ${name(n.parentElement!)} (right edge at ${Math.round(rect.right)} px): "${text.length > 60 ? '…' + text.slice(-60) : text}"`);
            if (out.length >= 5) break;
          }
          return out;
        };
        const docWidth = doc.scrollWidth;
        const m = main ? { scroll: main.scrollWidth, client: main.clientWidth } : null;
        let mainEdge = 0;
        if (main) {
          const rect = main.getBoundingClientRect();
          mainEdge = rect.left + main.clientLeft + main.clientWidth;
        }
        return {
          docWidth,
          main: m,
          docCulprits: docWidth > width + 1 ? culprits(document.body, width) : [],
          mainCulprits: main && m && m.scroll > m.client + 3 ? culprits(main, mainEdge) : [],
        };
      }, WIDTH);
      if (r.docWidth > WIDTH + 1) add(`document is ${r.docWidth} px wide at a ${WIDTH} px viewport${r.docCulprits.length ? '; sticking out: ' + r.docCulprits.join(', ') : ''}`);
      if (r.main && r.main.scroll > r.main.client + SLACK) add(`<main> overflows its box (${r.main.scroll} px of content in ${r.main.client} px)${r.mainCulprits.length ? '; sticking out: ' + r.mainCulprits.join(', ') : ''}`);
    } catch (e) {
      add(`could not be checked: ${(e as Error).message.split('\n')[0]}`);
    }
    await page.close();
  }
  await context.close();
  assertNoProblems(problems, `Responsive (${WIDTH} px)`);
});
