/** Pagefind search in the header, by keyboard: `/`, type, ArrowDown, Enter, Escape. */
import { test } from 'vitest';
import { assertNoProblems, site, useBrowser } from './support/site.ts';
import { QUERY, EXPECTED_CHAPTER, searchRun } from './support/search.ts';

const s = site();
const browser = useBrowser('none');

test(`searching "${QUERY}" finds /${EXPECTED_CHAPTER}, and the keyboard works`, async () => {
  assertNoProblems(await searchRun(browser(), s.url, s.base), 'Search');
});
