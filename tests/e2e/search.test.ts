/** Pagefind search in the header, by keyboard: `/`, type, ArrowDown, Enter, Escape. */
import { test } from 'vitest';
import { assertNoProblems, collectErrors, newContext, site, useBrowser } from './support/site.ts';
import { QUERY, EXPECTED_CHAPTER, searchProblems } from './support/search.ts';

const s = site();
const browser = useBrowser('none');

test(`searching "${QUERY}" finds /${EXPECTED_CHAPTER}, and the keyboard works`, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  const errors = collectErrors(page, { where: true });
  const problems = await searchProblems(page, s.url, s.base);
  problems.push(...errors.take());
  await context.close();
  assertNoProblems(problems, 'Search');
});
