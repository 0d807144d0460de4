/**
 * axe-core on every built page in light mode: no violations with impact "serious" or "critical".
 * Light system setting and stored choice iw-theme=light.
 * (Light and dark are separate files so that they run in parallel.)
 */
import { test } from 'vitest';
import { assertNoProblems, listPages, site, useBrowser } from './support/site.ts';
import { audit } from './support/axe.ts';

const s = site();
const pages = listPages(s.dir);
const browser = useBrowser('swiftshader');

test(`axe, light mode, ${pages.length} pages: no serious or critical violations`, async () => {
  assertNoProblems(await audit(browser(), s, pages, 'light'), 'axe, light mode');
});
