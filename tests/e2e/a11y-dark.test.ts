/**
 * axe-core on every built page in dark mode: no violations with impact "serious" or "critical".
 * Dark mode is forced both ways the site supports (stored choice iw-theme=dark and prefers-color-scheme: dark), and the page must be in dark mode (html[data-theme="dark"]).
 * (Light and dark are separate files so that they run in parallel.)
 */
import { afterAll, beforeAll, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './support/chromium.mjs';
import { assertNoProblems, listPages, site } from './support/site.ts';
import { audit } from './support/axe.ts';

const s = site();
const pages = listPages(s.dir);
let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgl: 'swiftshader' });
});
afterAll(async () => {
  await browser?.close();
});

test(`axe, dark mode, ${pages.length} pages: no serious or critical violations`, async () => {
  assertNoProblems(await audit(browser, s, pages, 'dark'), 'axe, dark mode');
});
