/**
 * The site built with base `/course/` (dist-course/, served only under /course/): every page loads
 * with no failed requests and every internal link stays under /course/ and resolves; search
 * results link under /course/ too.
 */
import { describe, expect, test } from 'vitest';
import { LinkChecker, anchors, pageIds, assertNoProblems, collectErrors, courseSite, inject, label, listPages, newContext, settle, useBrowser } from './support/site.ts';
import { QUERY, EXPECTED_CHAPTER, searchProblems } from './support/search.ts';

const s = courseSite();
const pages = s ? listPages(s.dir) : [];
const browser = useBrowser('none');

describe('base path /course/', () => {
  test('dist-course/ was built', () => {
    expect(s, `${inject('courseDir')}/index.html is missing: build it with IW_BASE=/course/ IW_OUT=dist-course node scripts/build.mjs (npm run test:e2e does this)`).not.toBeNull();
    expect(pages.length).toBeGreaterThan(0);
  });

  test('every page loads with no failed requests and its internal links resolve under /course/', async () => {
    if (!s) return;
    const problems: string[] = [];
    const links = new LinkChecker(s);
    const context = await newContext(browser());
    for (const p of pages) {
      const page = await context.newPage();
      const errors = collectErrors(page, { expect404Document: p.is404 });
      const add = (m: string) => problems.push(`/course${label(p).startsWith('/') ? '' : '/'}${label(p)}: ${m}`);
      try {
        const res = await settle(page, s.url + p.path);
        const want = p.is404 ? 404 : 200;
        if (res?.status() !== want) {
          // Nothing else on this page is worth checking (and each check would only repeat this).
          add(`document answered HTTP ${res?.status()} (expected ${want})${want === 200 ? ` — is ${p.file} missing from the build?` : ''}`);
          errors.take();
          await page.close();
          continue;
        }
        for (const l of await links.check(page.url(), await anchors(page), await pageIds(page))) add(l);
      } catch (e) {
        add(`could not be checked: ${(e as Error).message.split('\n')[0]}`);
      }
      for (const e of errors.take()) add(e);
      await page.close();
    }
    await context.close();
    assertNoProblems(problems, 'Base path /course/');
  });

  test(`search for "${QUERY}" links to /course/${EXPECTED_CHAPTER}`, async () => {
    if (!s) return;
    const context = await newContext(browser());
    const page = await context.newPage();
    const errors = collectErrors(page, { where: true });
    const problems = await searchProblems(page, s.url, s.base);
    problems.push(...errors.take());
    await context.close();
    assertNoProblems(problems, 'Search under /course/');
  });
});
