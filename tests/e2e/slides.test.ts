/**
 * The decks (/slides/<slug>/, src/pages/slides/[slug].astro): every chapter has one; it loads with
 * no console error, the arrow keys move between slides, a widget on a slide hydrates with the
 * state in the URL (preset included), \eqref on a slide opens the book at the equation, the book
 * pages never download reveal.js, the deck passes the crawl and axe checks of every page, and
 * ?print-pdf prints one PDF page per slide with the widgets' static figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { assertNoProblems, collectErrors, crawlPages, listPages, newContext, site, useBrowser } from './support/site.ts';
import { audit } from './support/axe.ts';

const s = site();
const pages = listPages(s.dir);
const chapters = pages.filter((p) => p.isChapter).map((p) => p.path.split('/')[1]);
const decks = pages.filter((p) => /^slides\/[^/]+\/$/.test(p.path));
const browser = useBrowser('swiftshader');

async function openDeck(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => document.documentElement.dataset.deck === 'ready', null, { timeout: 20_000 });
}
const indices = (page: Page) => page.evaluate(() => (window as any).infiniteWidthDeck.getIndices() as { h: number; v: number });
const readout = (page: Page, id: string) => page.evaluate((i) => (window as any).infiniteWidth?.readout?.(i) ?? null, id);

describe(`decks (${decks.length})`, () => {
  test('every chapter has a deck, linked from its chapter page, the home page and back', async () => {
    expect(chapters.length).toBeGreaterThan(0);
    expect(decks.map((d) => d.path.split('/')[1]).sort()).toEqual([...chapters].sort());
    const home = readFileSync(join(s.dir, 'index.html'), 'utf8');
    for (const slug of chapters) {
      expect(home, `home page links to /slides/${slug}/`).toContain(`href="${s.base}slides/${slug}/"`);
      expect(readFileSync(join(s.dir, 'chapters', slug, 'index.html'), 'utf8')).toContain(`href="${s.base}slides/${slug}/"`);
      expect(readFileSync(join(s.dir, 'slides', slug, 'index.html'), 'utf8')).toContain(`href="${s.base}chapters/${slug}/"`);
    }
  });

  test('each deck loads without errors, and → / ← move between slides', async () => {
    const context = await newContext(browser());
    const problems: string[] = [];
    for (const d of decks) {
      const page = await context.newPage();
      const errors = collectErrors(page);
      try {
        await openDeck(page, s.url + d.path);
        const total = await page.evaluate(() => (window as any).infiniteWidthDeck.getTotalSlides() as number);
        if (total < 3) problems.push(`/${d.path}: only ${total} slides`);
        expect((await indices(page)).h).toBe(0);
        await page.keyboard.press('ArrowRight');
        await expect.poll(async () => (await indices(page)).h).toBe(1);
        await page.keyboard.press('ArrowRight');
        await expect.poll(async () => (await indices(page)).h).toBe(2);
        await page.keyboard.press('ArrowLeft');
        await expect.poll(async () => (await indices(page)).h).toBe(1);
        await expect.poll(() => page.evaluate(() => location.hash), { timeout: 5_000 }).toBe('#/1'); // reveal writes it at most once a second
      } catch (e) {
        problems.push(`/${d.path}: ${(e as Error).message.split('\n')[0]}`);
      }
      for (const e of errors.take()) problems.push(`/${d.path}: ${e}`);
      await page.close();
    }
    await context.close();
    assertNoProblems(problems, 'Decks');
  });

  test('a widget on a slide hydrates with its URL state (preset too), at #/<n> and at #<id>', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    const errors = collectErrors(page, { where: true });
    const deck = `${s.url}slides/backpropagation/`;
    // #<id> opens the slide that holds the widget (what Share on a slide gives).
    await openDeck(page, `${deck}?backprop-chain.step=3#backprop-chain`);
    const h = await page.evaluate(() => (window as any).infiniteWidthDeck.getIndices(document.getElementById('backprop-chain')!.closest('.slides > section')).h as number);
    expect(h).toBeGreaterThan(0);
    expect((await indices(page)).h).toBe(h);
    await expect.poll(() => readout(page, 'backprop-chain'), { timeout: 20_000 }).not.toBeNull();
    expect((await readout(page, 'backprop-chain')).step).toBe(3);
    // The link an instructor prepares: a preset and a step, on slide n.
    await openDeck(page, `${deck}?backprop-chain.preset=product&backprop-chain.step=2#/${h}`);
    expect((await indices(page)).h).toBe(h);
    await expect.poll(() => readout(page, 'backprop-chain'), { timeout: 20_000 }).not.toBeNull();
    const r = await readout(page, 'backprop-chain');
    expect(r.expr).toBe('x*y');
    expect(r.step).toBe(2);
    const size = await page.evaluate(() => {
      const el = document.querySelector('#backprop-chain .iw-widget') as HTMLElement;
      return { hydrated: el.dataset.hydrated, fontPx: parseFloat(getComputedStyle(el).fontSize) };
    });
    expect(size.hydrated).toBe('true');
    expect(size.fontPx).toBeGreaterThanOrEqual(20); // large type on the 1600 × 900 frame
    assertNoProblems(errors.take(), 'Widget on a slide');
    await context.close();
  });

  test('\\eqref on a slide links to the book at that equation', async () => {
    const html = readFileSync(join(s.dir, 'slides', 'backpropagation', 'index.html'), 'utf8');
    const hrefs = [...html.matchAll(/<a class="eqref" href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(new RegExp(`^${s.base}chapters/[a-z0-9-]+/#eq-[a-z0-9-]+$`));
    expect(hrefs).toContain(`${s.base}chapters/backpropagation/#eq-bp-chain-jacobian`);
    // Numbers are the book's own.
    const book = readFileSync(join(s.dir, 'chapters', 'backpropagation', 'index.html'), 'utf8');
    const num = (h: string) => /id="eq-bp-chain-jacobian"[\s\S]*?\\tag\{([\d.]+)\}/.exec(h)?.[1];
    expect(num(html)).toBeDefined();
    expect(num(html)).toBe(num(book));
    // And the link works in the browser.
    const context = await newContext(browser());
    const page = await context.newPage();
    await openDeck(page, `${s.url}slides/backpropagation/`);
    const link = page.locator(`a.eqref[href="${s.base}chapters/backpropagation/#eq-bp-chain-jacobian"]`).first();
    await page.evaluate((href) => {
      const a = document.querySelector(`a.eqref[href="${href}"]`)!;
      (window as any).infiniteWidthDeck.slide((window as any).infiniteWidthDeck.getIndices(a.closest('.slides > section')).h);
    }, `${s.base}chapters/backpropagation/#eq-bp-chain-jacobian`);
    await link.waitFor({ state: 'visible' });
    await Promise.all([page.waitForURL(/\/chapters\/backpropagation\/#eq-bp-chain-jacobian$/), link.click()]);
    expect(await page.locator('#eq-bp-chain-jacobian').isVisible()).toBe(true);
    await context.close();
  });

  test('book pages never download reveal.js', async () => {
    const assets = join(s.dir, '_astro');
    const revealChunks = readdirSync(assets).filter((f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('reveal-full-page'));
    expect(revealChunks.length, 'no bundled reveal.js in _astro/').toBeGreaterThan(0);
    const context = await newContext(browser());
    for (const path of ['', 'chapters/backpropagation/', 'widgets/']) {
      const page = await context.newPage();
      const loaded: string[] = [];
      page.on('request', (r) => loaded.push(r.url()));
      await page.goto(s.url + path, { waitUntil: 'load' });
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
      expect(loaded.filter((u) => revealChunks.some((c) => u.endsWith(c))), `/${path}`).toEqual([]);
      expect(loaded.filter((u) => /reveal/.test(u)), `/${path}`).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  // Ten decks of ~50 slides each: one test per check, each with room for a loaded CI machine.
  test('the decks pass the crawl checks', async () => {
    const problems = await crawlPages(browser(), s, decks, '', async (page, add) => {
      await page.waitForFunction(() => document.documentElement.dataset.deck === 'ready', null, { timeout: 20_000 }).catch(() => add('reveal.js did not start'));
      const h1 = await page.evaluate(() => document.querySelectorAll('h1').length);
      if (h1 !== 1) add(`has ${h1} <h1> elements`);
    });
    assertNoProblems(problems, 'Decks');
  }, 600_000);

  for (const theme of ['light', 'dark'] as const) {
    test(`the decks pass axe in the ${theme} theme`, async () => {
      assertNoProblems(await audit(browser(), s, decks, theme), `Decks (${theme})`);
    }, 600_000);
  }

  test('?print-pdf prints one page per slide, with the static figures of the widgets', async () => {
    const context = await newContext(browser(), { viewport: { width: 1600, height: 900 } });
    const problems: string[] = [];
    for (const d of decks) {
      const page = await context.newPage();
      const errors = collectErrors(page);
      try {
        await openDeck(page, `${s.url}${d.path}`);
        const slides = await page.evaluate(() => (window as any).infiniteWidthDeck.getTotalSlides() as number);
        await page.goto(`${s.url}${d.path}?print-pdf`, { waitUntil: 'load' });
        await page.waitForFunction(() => document.documentElement.dataset.deck === 'pdf-ready', null, { timeout: 30_000 });
        const facts = await page.evaluate(() => ({
          pages: document.querySelectorAll('.pdf-page').length,
          islands: document.querySelectorAll('astro-island').length,
          widgets: document.querySelectorAll('.iw-widget').length,
          hydrated: document.querySelectorAll('.iw-widget[data-hydrated]').length,
          figures: document.querySelectorAll('.iw-widget svg, .iw-widget canvas').length,
        }));
        if (facts.pages !== slides) problems.push(`/${d.path}: ${facts.pages} print pages for ${slides} slides`);
        if (facts.islands > 0 || facts.hydrated > 0) problems.push(`/${d.path}: ${facts.islands} islands / ${facts.hydrated} hydrated widgets in print`);
        if (facts.widgets > 0 && facts.figures === 0) problems.push(`/${d.path}: widgets without their static figure`);
        await page.emulateMedia({ media: 'print' });
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        const count = (await PDFDocument.load(pdf)).getPageCount();
        if (count !== slides) problems.push(`/${d.path}: the PDF has ${count} pages for ${slides} slides`);
      } catch (e) {
        problems.push(`/${d.path}: ${(e as Error).message.split('\n')[0]}`);
      }
      for (const e of errors.take()) problems.push(`/${d.path}: ${e}`);
      await page.close();
    }
    await context.close();
    assertNoProblems(problems, 'Print');
  }, 600_000);
});
