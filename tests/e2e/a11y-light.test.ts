/**
 * axe-core on every built page in light mode: no violations with impact "serious" or "critical".
 * Light system setting and stored choice iw-theme=light.
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

test(`axe, light mode, ${pages.length} pages: no serious or critical violations`, async () => {
  assertNoProblems(await audit(browser, s, pages, 'light'), 'axe, light mode');
});
