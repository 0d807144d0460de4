/** Pagefind search in the header, by keyboard: `/`, type, ArrowDown, Enter, Escape. */
import { afterAll, beforeAll, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './support/chromium.mjs';
import { assertNoProblems, collectErrors, newContext, site } from './support/site.ts';
import { QUERY, EXPECTED_CHAPTER, searchProblems } from './support/search.ts';

const s = site();
let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgl: 'none' });
});
afterAll(async () => {
  await browser?.close();
});

test(`searching "${QUERY}" finds /${EXPECTED_CHAPTER}, and the keyboard works`, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors = collectErrors(page, { where: true });
  const problems = await searchProblems(page, s.url, s.base);
  problems.push(...errors.take());
  await context.close();
  assertNoProblems(problems, 'Search');
});
