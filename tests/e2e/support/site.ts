/**
 * Shared helpers for the e2e tests: the list of built pages, server URLs from globalSetup,
 * listeners that collect console errors and failed requests, a link checker that fetches targets
 * instead of navigating to them, and a readable way to fail with a list of problems.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { inject } from 'vitest';
export { inject };
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launch } from './chromium.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT/` serving dist/ at base `/`. */
    siteUrl: string;
    /** Absolute path of dist/. */
    siteDir: string;
    /** `http://127.0.0.1:PORT/course/` serving dist-course/, or '' when dist-course/ is missing. */
    courseUrl: string;
    /** Absolute path of dist-course/ (may not exist). */
    courseDir: string;
  }
}

export interface Site {
  /** Ends with the base: `http://127.0.0.1:1234/course/`. */
  url: string;
  origin: string;
  /** `/` or `/course/`. */
  base: string;
  dir: string;
}

export function site(): Site {
  const url = inject('siteUrl');
  const u = new URL(url);
  return { url, origin: u.origin, base: u.pathname, dir: inject('siteDir') };
}

/** The /course/ build, or null when dist-course/ was not built. */
export function courseSite(): Site | null {
  const url = inject('courseUrl');
  if (!url) return null;
  const u = new URL(url);
  return { url, origin: u.origin, base: u.pathname, dir: inject('courseDir') };
}

export interface BuiltPage {
  /** File relative to the site folder, with `/`: `chapters/x/index.html`. */
  file: string;
  /** Path below the base: `chapters/x/` (`` for the home page). For 404.html, a path that does not exist. */
  path: string;
  is404: boolean;
  isChapter: boolean;
}

export const MISSING_PATH = '__e2e_missing__/no-such-page/';

/** Every built HTML page in `dir`, Pagefind's own files left out; 404.html included (visited at a missing URL). */
export function listPages(dir: string): BuiltPage[] {
  if (!existsSync(dir)) return [];
  const out: BuiltPage[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const rel = relative(dir, abs).split(sep).join('/');
      if (e.isDirectory()) {
        if (rel === 'pagefind' || rel === '_astro' || e.name === 'node_modules') continue;
        walk(abs);
      } else if (e.isFile() && e.name.endsWith('.html')) {
        const is404 = rel === '404.html';
        const path = is404 ? MISSING_PATH : rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel;
        out.push({ file: rel, path, is404, isChapter: /^chapters\/[^/]+\/$/.test(path) });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => Number(a.is404) - Number(b.is404) || a.path.localeCompare(b.path));
}

/** A label for messages: `/chapters/x/` or `404.html`. */
export function label(p: BuiltPage): string {
  return p.is404 ? '404.html' : '/' + p.path;
}

// ---------------------------------------------------------------------------------------------
// Problems

export type Problems = string[];

/** Fails with every problem listed, one per line, grouped as given. */
export function assertNoProblems(problems: Problems, what: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 200);
  const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  throw new Error(`${what}: ${problems.length} problem(s)\n  ${shown.join('\n  ')}${more}`);
}

// ---------------------------------------------------------------------------------------------
// Browser pages

/**
 * Records console errors, uncaught exceptions, failed requests and HTTP errors on a page.
 * `where: true` prefixes each problem with the page's path (for tests that move between pages).
 */
export function collectErrors(page: Page, opts: { expect404Document?: boolean; where?: boolean } = {}) {
  const found: string[] = [];
  const httpErrors = new Set<string>();
  const consoleLoadErrors: { url: string; text: string }[] = [];
  const at = () => (opts.where ? `on ${shortUrl(page.url())}: ` : '');
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location().url;
    if (/^Failed to load resource/.test(text)) {
      // Chromium logs the 404 status of the 404 page's own document as a console error.
      if (opts.expect404Document && /404/.test(text) && url === page.url()) return;
      // Usually the same failure as an HTTP error below: reported once, in take().
      consoleLoadErrors.push({ url, text: at() + text });
      return;
    }
    const loc = url ? ` (${shortUrl(url)}:${msg.location().lineNumber})` : '';
    found.push(`${at()}console error: ${text}${loc}`);
  });
  page.on('pageerror', (err) => found.push(`${at()}page error: ${err.message.split('\n')[0]}`));
  page.on('requestfailed', (req) => {
    const f = req.failure()?.errorText ?? 'failed';
    // Requests cut off by a navigation (the tests move on quickly) are not the site's fault.
    if (f === 'net::ERR_ABORTED') return;
    found.push(`${at()}request failed: ${req.method()} ${shortUrl(req.url())} (${f})`);
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    if (opts.expect404Document && res.request().isNavigationRequest() && res.request().frame() === page.mainFrame() && res.status() === 404) return;
    httpErrors.add(res.url());
    found.push(`${at()}HTTP ${res.status()}: ${res.request().method()} ${shortUrl(res.url())}`);
  });
  return {
    /** Problems seen so far; clears the list. */
    take(): string[] {
      for (const c of consoleLoadErrors.splice(0)) {
        if (httpErrors.has(c.url)) continue;
        const hint = /\/favicon\.ico$/.test(c.url) ? ' (the browser asked for /favicon.ico: the page declares no <link rel="icon">)' : '';
        found.push(`console error: ${c.text} (${shortUrl(c.url)})${hint}`);
      }
      return found.splice(0);
    },
  };
}

function shortUrl(u: string): string {
  try {
    const x = new URL(u);
    return x.protocol.startsWith('http') ? x.pathname + x.search + x.hash : u.slice(0, 120);
  } catch {
    return u.slice(0, 120);
  }
}

/** Loads a page and lets it settle: `load`, scroll to the end (for client:visible islands), fonts, network idle. */
export async function settle(page: Page, url: string) {
  const res = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.evaluate(async () => {
    window.scrollTo(0, document.scrollingElement?.scrollHeight ?? 0);
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    window.scrollTo(0, 0);
    await document.fonts?.ready;
  });
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
  return res;
}

export async function newContext(browser: Browser, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
}

/** Ids and `<a name>`s in the loaded page. */
export async function pageIds(page: Page): Promise<Set<string>> {
  return new Set(await page.$$eval('[id], a[name]', (els) => els.flatMap((e) => [e.id, e.tagName === 'A' ? (e.getAttribute('name') ?? '') : ''].filter(Boolean))));
}

/** hrefs of all `<a href>` elements, as written and as resolved by the browser. */
export async function anchors(page: Page): Promise<{ raw: string; href: string }[]> {
  return page.$$eval('a[href]', (as) => as.map((a) => ({ raw: a.getAttribute('href') ?? '', href: (a as HTMLAnchorElement).href })));
}

// ---------------------------------------------------------------------------------------------
// Links

interface Target {
  status: number;
  finalUrl: string;
  ids: Set<string> | null;
}

/** Ids (and `<a name>`s) in an HTML document, as written in the file. */
export function idsOf(html: string): Set<string> {
  const ids = new Set<string>();
  visit(fromHtml(html), 'element', (node: any) => {
    const p = node.properties ?? {};
    if (typeof p.id === 'string' && p.id) ids.add(p.id);
    if (node.tagName === 'a' && typeof p.name === 'string' && p.name) ids.add(p.name);
  });
  return ids;
}

/**
 * Checks links by fetching their targets from the test server (each once), not by navigating.
 * A link is internal when it resolves to the server's origin; it must then be under the base,
 * answer 200 (after redirects), and have its `#fragment` as an id on the target page.
 */
export class LinkChecker {
  private cache = new Map<string, Promise<Target>>();
  constructor(private s: Site) {}

  private target(pathAndQuery: string): Promise<Target> {
    let t = this.cache.get(pathAndQuery);
    if (!t) {
      t = (async () => {
        const res = await fetch(this.s.origin + pathAndQuery, { redirect: 'follow' });
        const type = res.headers.get('content-type') ?? '';
        const ids = res.ok && type.startsWith('text/html') ? idsOf(await res.text()) : (await res.arrayBuffer(), null);
        return { status: res.status, finalUrl: res.url, ids };
      })();
      this.cache.set(pathAndQuery, t);
    }
    return t;
  }

  /**
   * Problems with the links found on `pageUrl`. Links to the same document (`#x`, or the page's own
   * URL with a fragment) are checked against `selfIds`, the ids in the loaded page: the 404 page is
   * shown at a URL that answers 404, and its own anchors must still work.
   */
  async check(pageUrl: string, links: { raw: string; href: string }[], selfIds?: Set<string>): Promise<string[]> {
    const self = new URL(pageUrl);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const { raw, href } of links) {
      if (seen.has(href)) continue;
      seen.add(href);
      let u: URL;
      try {
        u = new URL(href, pageUrl);
      } catch {
        problems.push(`link "${raw}" is not a valid URL`);
        continue;
      }
      if (!/^https?:$/.test(u.protocol) || u.origin !== this.s.origin) continue;
      if (!u.pathname.startsWith(this.s.base)) {
        problems.push(`link "${raw}" points outside the base ${this.s.base} (${u.pathname})`);
        continue;
      }
      const sameDocument = selfIds && u.pathname === self.pathname && u.search === self.search;
      const t: Target = sameDocument ? { status: 200, finalUrl: pageUrl, ids: selfIds } : await this.target(u.pathname + u.search);
      if (t.status !== 200) {
        problems.push(`link "${raw}" → HTTP ${t.status}`);
        continue;
      }
      const frag = u.hash.slice(1);
      if (!frag || frag === 'top') continue;
      let id = frag;
      try {
        id = decodeURIComponent(frag);
      } catch {
        /* keep it raw */
      }
      if (!t.ids) problems.push(`link "${raw}" has a #fragment but the target is not HTML`);
      else if (!t.ids.has(id)) problems.push(`link "${raw}" → no element with id="${id}" on ${new URL(t.finalUrl).pathname}`);
    }
    return problems;
  }
}

/**
 * One Chromium for the calling test file: launched before its tests, closed after them. Returns a
 * getter, since the browser exists only once beforeAll has run.
 */
export function useBrowser(webgl: 'swiftshader' | 'none' = 'swiftshader'): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch({ webgl });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('useBrowser: the browser is not running (use it inside a test)');
    return browser;
  };
}

/**
 * Visits `pages` of site `s` in one context: each must answer 200 (the 404 page: 404), show no
 * console/page errors or failed requests, pass `check` (extra per-page assertions) and have every
 * internal link and #anchor resolve. Returns the problems, each prefixed with `prefix` + the page.
 */
export async function crawlPages(
  browser: Browser,
  s: Site,
  pages: BuiltPage[],
  prefix = '',
  check?: (page: Page, add: (m: string) => void) => Promise<void>,
): Promise<string[]> {
  const problems: string[] = [];
  const links = new LinkChecker(s);
  const context = await newContext(browser);
  for (const p of pages) {
    const page = await context.newPage();
    const errors = collectErrors(page, { expect404Document: p.is404 });
    const where = prefix ? `${prefix}${label(p).startsWith('/') ? '' : '/'}${label(p)}` : label(p);
    const add = (m: string) => problems.push(`${where}: ${m}`);
    try {
      const res = await settle(page, s.url + p.path);
      const want = p.is404 ? 404 : 200;
      if (res?.status() !== want) {
        // Nothing else on this page is worth checking (and each check would only repeat this).
        add(`document answered HTTP ${res?.status()} (expected ${want})${want === 200 ? ` — is ${p.file} missing from the build?` : ''}`);
        errors.take();
        await page.close();
        continue;
      }
      await check?.(page, add);
      for (const l of await links.check(page.url(), await anchors(page), await pageIds(page))) add(l);
    } catch (e) {
      add(`could not be checked: ${(e as Error).message.split('\n')[0]}`);
    }
    for (const e of errors.take()) add(e);
    await page.close();
  }
  await context.close();
  return problems;
}
