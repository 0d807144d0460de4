/**
 * The site built with base `/course/` (dist-course/, served only under /course/): every page loads
 * with no failed requests and every internal link stays under /course/ and resolves; search
 * results link under /course/ too.
 */
import { describe, expect, test } from 'vitest';
import { assertNoProblems, courseSite, crawlPages, inject, listPages, useBrowser } from './support/site.ts';
import { QUERY, EXPECTED_CHAPTER, searchRun } from './support/search.ts';

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
    const problems = await crawlPages(browser(), s, pages, '/course');
    assertNoProblems(problems, 'Base path /course/');
  });

  test(`search for "${QUERY}" links to /course/${EXPECTED_CHAPTER}`, async () => {
    if (!s) return;
    assertNoProblems(await searchRun(browser(), s.url, s.base), 'Search under /course/');
  });
});
