import type { Browser, Page } from 'playwright-core';
import { collectErrors, newContext } from './site.ts';

export const QUERY = 'posterior';
export const EXPECTED_CHAPTER = 'chapters/estimating-probability/';

/** Waits until #search-results holds a visible link whose path is `path`; returns the links' paths. */
export async function waitForResult(page: Page, path: string, timeout = 15_000): Promise<string[]> {
  try {
    await page.waitForFunction(
      (path) =>
        [...document.querySelectorAll<HTMLAnchorElement>('#search-results a[href]')].some(
          (a) => new URL(a.href).pathname === path && a.getClientRects().length > 0,
        ),
      path,
      { timeout },
    );
  } catch {
    /* report what is there instead */
  }
  return page.$$eval('#search-results a[href]', (as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname + new URL((a as HTMLAnchorElement).href).hash));
}

export async function visibleResultCount(page: Page): Promise<number> {
  return page.$$eval('#search-results a[href]', (as) => as.filter((a) => a.getClientRects().length > 0 && getComputedStyle(a).visibility !== 'hidden').length);
}

/**
 * The whole keyboard flow on `homeUrl`: `/` focuses #search-input, typing QUERY lists the chapter,
 * ArrowDown focuses the first result, Enter follows it; then Escape clears/closes the results.
 * `base` is the site's base path (`/` or `/course/`).
 */
export async function searchProblems(page: Page, homeUrl: string, base: string): Promise<string[]> {
  const problems: string[] = [];
  const want = base + EXPECTED_CHAPTER;
  await page.goto(homeUrl, { waitUntil: 'load' });
  const input = page.locator('input#search-input');
  if ((await input.count()) !== 1) return [`expected one <input id="search-input">, found ${await input.count()}`];
  const type = await input.getAttribute('type');
  if (type !== 'search') problems.push(`#search-input has type=${JSON.stringify(type)} (expected "search")`);
  if ((await page.locator('#search-results').count()) !== 1) problems.push('no #search-results element in the page');

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await page.keyboard.press('/');
  const focused = await page.evaluate(() => document.activeElement?.id ?? null);
  if (focused !== 'search-input') {
    problems.push(`pressing "/" focused ${JSON.stringify(focused)}, not #search-input`);
    await input.focus();
  }
  await page.keyboard.type(QUERY, { delay: 20 });
  const value = await input.inputValue();
  if (value !== QUERY) problems.push(`after typing, #search-input holds ${JSON.stringify(value)} (the "/" should not be typed into it)`);
  const results = await waitForResult(page, want);
  if (!results.some((r) => r.split('#')[0] === want)) {
    problems.push(`typing "${QUERY}" did not list a link to ${want}; links in #search-results: ${JSON.stringify(results.slice(0, 8))}`);
    return problems;
  }
  for (const r of results) if (!r.startsWith(base)) problems.push(`search result ${r} is outside the base ${base}`);

  await page.keyboard.press('ArrowDown');
  const first = await page.evaluate(() => {
    const a = document.querySelector<HTMLAnchorElement>('#search-results a[href]');
    return { isFirst: !!a && document.activeElement === a, href: a?.href ?? null, active: document.activeElement?.outerHTML.slice(0, 80) ?? null };
  });
  if (!first.isFirst) problems.push(`ArrowDown in the search box did not focus the first result (focus is on ${first.active})`);
  else {
    await Promise.all([page.waitForURL(first.href!, { timeout: 10_000 }).catch(() => {}), page.keyboard.press('Enter')]);
    const at = new URL(page.url());
    const to = new URL(first.href!);
    if (at.pathname + at.hash !== to.pathname + to.hash) problems.push(`Enter on the first result went to ${at.pathname}${at.hash}, not ${to.pathname}${to.hash}`);
  }

  // Escape.
  await page.goto(homeUrl, { waitUntil: 'load' });
  await input.focus();
  await page.keyboard.type(QUERY, { delay: 20 });
  await waitForResult(page, want);
  if ((await visibleResultCount(page)) === 0) problems.push('second search (for the Escape check) showed no results');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  const afterEsc = { value: await input.inputValue(), visible: await visibleResultCount(page) };
  if (afterEsc.visible > 0) problems.push(`Escape left ${afterEsc.visible} result link(s) visible (input value ${JSON.stringify(afterEsc.value)})`);
  return problems;
}

/** searchProblems in a fresh context on site `homeUrl`, plus any console errors or failed requests. */
export async function searchRun(browser: Browser, homeUrl: string, base: string): Promise<string[]> {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors = collectErrors(page, { where: true });
  const problems = await searchProblems(page, homeUrl, base);
  problems.push(...errors.take());
  await context.close();
  return problems;
}
