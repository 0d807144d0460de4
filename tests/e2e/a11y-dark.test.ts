/**
 * axe-core on every built page in dark mode: no violations with impact "serious" or "critical".
 * Dark mode is forced both ways the site supports (stored choice iw-theme=dark and prefers-color-scheme: dark), and the page must be in dark mode (html[data-theme="dark"]).
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

test(`axe, dark mode, ${rest.length} pages: no serious or critical violations`, async () => {
  assertNoProblems(await audit(browser(), s, rest, 'dark'), 'axe, dark mode');
}, 600_000);

test.skipIf(book.length === 0)('axe, dark mode, the print edition: no serious or critical violations', async () => {
  assertNoProblems(await audit(browser(), s, book, 'dark'), 'axe, dark mode (print edition)');
}, 600_000);
