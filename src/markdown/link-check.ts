/**
 * Build-time link check. After `astro build`, every built HTML page is read; the element ids of
 * each page are collected, and every internal `<a href>` (relative, root-relative under the base,
 * or `#anchor` on the same page) must lead to a built page (dir/index.html, dir.html or a file)
 * and, when it has a fragment, to an element with that id there. External links, `mailto:` and
 * friends, and links into `/pagefind/` are not checked. Failures are listed in one BookError
 * that fails the build; when a page's <main> has `data-source="content/chapters/…mdx"`, each
 * failure names the source file and the line where the link is written.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AstroIntegration } from 'astro';
import { decodeHTMLAttribute } from 'entities';
import { bookError, formatLocation, type BookError, type SourceLocation } from '../errors/index.ts';
import { normalizeBase } from '../book/base-path.ts';
import { toPath } from './util.ts';

export type LinkFailureReason = 'missing-page' | 'missing-anchor' | 'outside-base';

export interface LinkFailure {
  /** The page holding the link, relative to the dist folder: `chapters/sgd/index.html`. */
  page: string;
  /** The link exactly as it appears in the HTML. */
  href: string;
  reason: LinkFailureReason;
  /** One line saying what is missing. */
  message: string;
  /** Where the link is written, when the page names its source file. */
  source?: SourceLocation;
}

export interface PageInfo {
  ids: Set<string>;
  links: string[];
  source?: string;
}

const NON_HTTP = /^[a-z][a-z0-9+.-]*:/i;

function walkHtml(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walkHtml(p, out);
    else if (entry.isFile() && entry.name.endsWith('.html')) out.push(p);
  }
  return out;
}

/** Elements whose content the HTML parser reads as text, up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'textarea', 'title']);
/** A comment, or a start tag: its name, and its attributes as written (quoted values may hold `>`). */
const TAG = /<!--[\s\S]*?(?:-->|$)|<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
/** One attribute: name, and its value double-quoted, single-quoted or bare. */
const ATTR = /([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/**
 * The ids, `<a name>`s and `<a href>`s of a page, and its `<main data-source>`, read from the start
 * tags with two regular expressions, skipping comments and the text of script/style/textarea/title
 * elements; attribute names lower-cased, the first of repeated attributes kept, and values decoded
 * as a browser does (entities' decodeHTMLAttribute). A chapter is ~1 MB of KaTeX markup and the
 * print edition holds every chapter: a full parse of each page was a fifth of the build (4.4 s of a
 * 50-chapter book), parse5's tokenizer 1.4 s, this 0.2 s. tests/markdown/link-check.test.ts checks
 * it against parse5 on the built book and on hand-made hard cases.
 */
export function scanPage(html: string): PageInfo {
  const ids = new Set<string>();
  const links: string[] = [];
  let source: string | undefined;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const rawName = m[1];
    if (rawName === undefined) continue;
    const name = rawName.toLowerCase();
    const attrs = m[2];
    if (attrs.includes('=')) {
      const seen = new Set<string>();
      ATTR.lastIndex = 0;
      for (let a = ATTR.exec(attrs); a; a = ATTR.exec(attrs)) {
        const attr = a[1].toLowerCase();
        if (seen.has(attr)) continue;
        seen.add(attr);
        const wanted = attr === 'id' || (name === 'a' && (attr === 'name' || attr === 'href')) || (name === 'main' && attr === 'data-source');
        if (!wanted) continue;
        const raw = a[2] ?? a[3] ?? a[4] ?? '';
        const value = raw.includes('&') ? decodeHTMLAttribute(raw) : raw;
        if (attr === 'id') {
          if (value) ids.add(value);
        } else if (attr === 'name') ids.add(value);
        else if (attr === 'href') links.push(value);
        else if (source === undefined) source = value;
      }
    }
    if (RAW_TEXT.has(name)) {
      const close = indexOfEndTag(html, name, TAG.lastIndex);
      if (close < 0) break;
      TAG.lastIndex = close;
    }
    if (name === 'plaintext') break;
  }
  return { ids, links, source };
}

/** The end tag of each raw-text element: `</name` in any case, then a space, `/` or `>`. */
const END_TAG = new Map([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}[\\s/>]`, 'gi')]));

/** Where the end tag of raw-text element `name` starts at or after `from`, or -1. */
function indexOfEndTag(html: string, name: string, from: number): number {
  const re = END_TAG.get(name)!;
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? m.index : -1;
}

function readPage(path: string): PageInfo {
  return scanPage(readFileSync(path, 'utf8'));
}

/** `chapters/sgd/index.html` → `/course/chapters/sgd/` (the URL the page is served at). */
function pageUrl(relPath: string, base: string): string {
  const p = relPath.split(sep).join('/');
  if (p === 'index.html') return base;
  if (p.endsWith('/index.html')) return base + p.slice(0, -'index.html'.length);
  return base + p;
}

/** Which built file serves `pathname` (already without the base), or null. */
function resolveTarget(distDir: string, pathname: string): string | null {
  const rel = pathname.replace(/^\/+/, '');
  const candidates = rel === '' || rel.endsWith('/') ? [join(rel, 'index.html')] : [rel, join(rel, 'index.html'), `${rel}.html`];
  for (const c of candidates) {
    const abs = join(distDir, c);
    try {
      if (statSync(abs).isFile()) return abs;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Line and column in `root/source` where the link (or its path, or its #fragment) is written. */
function findInSource(root: string, source: string, href: string, base: string): SourceLocation {
  const loc: SourceLocation = { file: source };
  let text: string;
  try {
    text = readFileSync(join(root, source), 'utf8');
  } catch {
    return loc;
  }
  // [text to find, offset of the link inside it]
  const needles: [string, number][] = [[href, 0]];
  if (href.startsWith(base) && base !== '/') needles.push(['/' + href.slice(base.length), 0]);
  const noHash = href.split('#')[0];
  if (noHash) {
    needles.push([noHash, 0]);
    if (noHash.startsWith(base) && base !== '/') needles.push(['/' + noHash.slice(base.length), 0]);
  }
  const hash = href.includes('#') ? href.slice(href.indexOf('#')) : '';
  if (hash) needles.push([`(${hash})`, 1], [`"${hash}"`, 1], [hash, 0]);
  for (const [needle, shift] of needles) {
    const i = text.indexOf(needle);
    if (i >= 0) {
      const at = i + shift;
      const before = text.slice(0, at);
      loc.line = before.split('\n').length;
      loc.column = at - before.lastIndexOf('\n');
      return loc;
    }
  }
  return loc;
}

/**
 * Checks every internal link of the built site in `distDir` (served under `base`). `root` is the
 * project root, used to find the source line of a link. Returns the failures (empty when all is
 * well), ordered by page.
 */
export function checkLinks(distDir: string | URL, base = '/', root: string | URL = process.cwd()): LinkFailure[] {
  const dist = toPath(distDir);
  const rootDir = toPath(root);
  const b = normalizeBase(base);
  if (!existsSync(dist)) return [];
  const files = walkHtml(dist).sort();
  const pages = new Map<string, PageInfo>();
  const load = (abs: string) => {
    let info = pages.get(abs);
    if (!info) {
      info = readPage(abs);
      pages.set(abs, info);
    }
    return info;
  };
  // Every page links to the same few hundred targets (the navigation): resolve each path once.
  const targets = new Map<string, string | null>();
  const resolve = (inSite: string) => {
    let t = targets.get(inSite);
    if (t === undefined) {
      t = resolveTarget(dist, inSite);
      targets.set(inSite, t);
    }
    return t;
  };
  const failures: LinkFailure[] = [];
  const origin = 'http://link-check.invalid';
  for (const abs of files) {
    const rel = relative(dist, abs).split(sep).join('/');
    const info = load(abs);
    const here = new URL(pageUrl(rel, b), origin);
    const seen = new Set<string>();
    for (const href of info.links) {
      const h = href.trim();
      if (!h || seen.has(h)) continue;
      seen.add(h);
      if (h.startsWith('//') || NON_HTTP.test(h)) continue;
      let url: URL;
      try {
        url = new URL(h, here);
      } catch {
        continue;
      }
      if (url.origin !== origin) continue;
      const fail = (reason: LinkFailureReason, message: string) =>
        failures.push({ page: rel, href: h, reason, message, source: info.source ? findInSource(rootDir, info.source, h, b) : undefined });
      let pathname: string;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        pathname = url.pathname;
      }
      if (!(pathname + '/').startsWith(b)) {
        fail('outside-base', `points outside the site base ${b}`);
        continue;
      }
      const inSite = '/' + pathname.slice(b.length);
      if (inSite.startsWith('/pagefind/') || inSite === '/pagefind') continue;
      const target = inSite === '/' + rel || pathname === here.pathname ? abs : resolve(inSite);
      if (!target) {
        fail('missing-page', `no page at ${pathname}`);
        continue;
      }
      let fragment = url.hash.slice(1);
      if (!fragment) continue;
      try {
        fragment = decodeURIComponent(fragment);
      } catch {
        /* keep */
      }
      if (!target.endsWith('.html')) continue;
      if (fragment === 'top') continue;
      const targetInfo = load(target);
      if (!targetInfo.ids.has(fragment)) {
        const where = target === abs ? 'on this page' : `on ${pathname}`;
        fail('missing-anchor', `no element with id "${fragment}" ${where}`);
      }
    }
  }
  return failures;
}

/** One line per failure: `chapters/a/index.html: "/x/#y" → no page at /x/ (content/chapters/01-a.mdx:12:5)`. */
export function formatLinkFailure(f: LinkFailure): string {
  return `${f.page}: "${f.href}" → ${f.message}${f.source ? ` (${formatLocation(f.source)})` : ''}`;
}

/** The code for a set of failures: `link/<reason>` when they share one reason, else `link/broken`. */
export function linkErrorCode(failures: LinkFailure[]): `link/${LinkFailureReason}` | 'link/broken' {
  const reasons = new Set(failures.map((f) => f.reason));
  return reasons.size === 1 ? `link/${[...reasons][0]}` : 'link/broken';
}

export function linkFailuresError(failures: LinkFailure[], root?: string | URL): BookError {
  const first = failures.find((f) => f.source?.line != null) ?? failures.find((f) => f.source);
  return bookError(linkErrorCode(failures), { failures: failures.map(formatLinkFailure) }, first?.source, root ? toPath(root) : undefined);
}

/** Astro integration: fails `astro build` when an internal link is broken. */
export function linkCheck(options: { root?: string | URL } = {}): AstroIntegration {
  let base = '/';
  let root: string | URL = options.root ?? process.cwd();
  return {
    name: 'infinite-width:link-check',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base ?? '/';
        if (!options.root) root = config.root;
      },
      'astro:build:done': ({ dir, logger }) => {
        const failures = checkLinks(dir, base, root);
        if (failures.length > 0) throw linkFailuresError(failures, root);
        logger.info('all internal links resolve');
      },
    },
  };
}
