/**
 * Visits every built page (404.html at a missing URL): no console or page errors, no failed
 * requests, no KaTeX errors, one <h1>, <title>, <html lang>, meta description, and every internal
 * link and #anchor resolves (checked by fetching each target once). The server sends the build's
 * Content-Security-Policy (scripts/csp.mjs): a blocked inline script would be a console error here.
 */
import { describe, expect, test } from 'vitest';
import { readPolicy } from '../../scripts/csp.mjs';
import { assertNoProblems, crawlPages, listPages, site, useBrowser } from './support/site.ts';

const s = site();
const pages = listPages(s.dir);
const browser = useBrowser('swiftshader');

describe(`crawl of ${pages.length} built pages`, () => {
  test('the build has pages, a home page and a 404 page', () => {
    expect(pages.length, `no HTML pages in ${s.dir}`).toBeGreaterThan(0);
    expect(pages.some((p) => p.file === 'index.html'), 'no index.html').toBe(true);
    expect(pages.some((p) => p.is404), 'no 404.html').toBe(true);
  });

  test('every page is served with the build\'s strict script policy (_headers), so this crawl and every other test run under it', async () => {
    const csp = readPolicy(s.dir);
    expect(csp, `${s.dir}/_headers has no Content-Security-Policy`).toMatch(/^script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+; object-src 'none'; base-uri 'self'$/);
    for (const p of pages.filter((x) => !x.is404).slice(0, 5)) {
      const res = await fetch(new URL(p.path, s.url));
      expect(res.headers.get('content-security-policy'), p.path).toBe(csp);
    }
  });

  test('every page loads cleanly, has the required head and structure, and its links resolve', async () => {
    const problems = await crawlPages(browser(), s, pages, '', async (page, add) => {
      const facts = await page.evaluate(() => {
        const meta = document.querySelector('meta[name="description"]');
        return {
          h1: document.querySelectorAll('h1').length,
          title: document.title.trim(),
          lang: document.documentElement.getAttribute('lang')?.trim() ?? '',
          description: meta?.getAttribute('content')?.trim() ?? null,
          katexErrors: [...document.querySelectorAll('.katex-error')].map((e) => (e.getAttribute('title') || e.textContent || '').slice(0, 100)),
        };
    });
    if (facts.h1 !== 1) add(`has ${facts.h1} <h1> elements (expected exactly 1)`);
    if (!facts.title) add('has no (or an empty) <title>');
    if (!facts.lang) add('has no <html lang>');
    if (facts.description === null) add('has no <meta name="description">');
    else if (!facts.description) add('has an empty meta description');
    for (const k of facts.katexErrors) add(`.katex-error: ${k}`);
    });
    assertNoProblems(problems, 'Crawl');
  });
});
