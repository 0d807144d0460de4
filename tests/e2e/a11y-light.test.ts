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

// The print edition (/print/) holds the whole book on one page and takes minutes alone: its own test.
const [book, rest] = [pages.filter((p) => p.path === 'print/'), pages.filter((p) => p.path !== 'print/')];

test(`axe, light mode, ${rest.length} pages: no serious or critical violations`, async () => {
  assertNoProblems(await audit(browser(), s, rest, 'light'), 'axe, light mode');
}, 600_000);

test.skipIf(book.length === 0)('axe, light mode, the print edition: no serious or critical violations', async () => {
  assertNoProblems(await audit(browser(), s, book, 'light'), 'axe, light mode (print edition)');
}, 600_000);
