/**
 * The print edition puts every chapter into one document (/print/), so each chapter's HTML is
 * rewritten before it is placed there (build time, on the rendered chapter):
 *
 * - every id gets the chapter's prefix (`coin` → `estimating-probability--coin`), and so does
 *   every reference to an id (`for`, `aria-labelledby`/`-describedby`/`-controls`/…, `headers`,
 *   `href="#…"`, SVG `url(#…)`): figures, exercises, headings and widgets repeat across chapters;
 * - a link to a chapter of the book (`/chapters/<slug>/#frag`) becomes a link inside the document
 *   (`#<slug>--frag`, or `#ch-<slug>` for the chapter itself), so it still works in the PDF;
 * - every other link into the site (`/widgets/`, `/notation/`, a StateLink's `?coin.heads=81#coin`)
 *   becomes an absolute link to the public site (book.yaml `url` or IW_SITE, with the base);
 * - headings go one level down (the chapter title is the <h2> of its part of the document);
 * - each widget's live link (`a.print-live-link`, from _PrintIsland.astro) gets its public URL as
 *   text and a QR code (SVG, the `qrcode` package) next to it.
 *
 * Pure: tested in tests/unit/print/rewrite.test.ts.
 */
import { fromHtml } from 'hast-util-from-html';
// hast-util-to-html is what @astrojs/markdown-remark (a dependency) serialises Markdown with.
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';
import QRCode from 'qrcode';

export interface RewriteOptions {
  /** The chapter being rewritten. */
  slug: string;
  /** Slugs of every chapter in the document: links to them stay inside it. */
  printed: ReadonlySet<string>;
  /** Old slugs (frontmatter `aliases`) → the chapter's slug, so links to an old URL stay inside too. */
  aliases?: ReadonlyMap<string, string>;
  /** The site's base path (`/` or `/course/`). */
  base: string;
  /** The public origin of the book, e.g. `https://infinite-width.github.io` (no base). */
  site: string;
}

/** Attributes that hold one id or a space-separated list of ids. */
const ID_LIST_ATTRS = ['htmlFor', 'ariaLabelledBy', 'ariaDescribedBy', 'ariaControls', 'ariaOwns', 'ariaActiveDescendant', 'ariaDetails', 'ariaErrorMessage', 'ariaFlowTo', 'headers', 'list', 'form'];

/** The id an element of chapter `slug` gets in the print document. */
export function printId(slug: string, id: string): string {
  return `${slug}--${id}`;
}

/** The id of a chapter's section in the print document. */
export function chapterAnchor(slug: string): string {
  return `ch-${slug}`;
}

/** The public URL of a site path (`/chapters/x/` → `https://…/base/chapters/x/`). */
export function publicUrl(o: Pick<RewriteOptions, 'base' | 'site'>, pathBelowBase: string): string {
  const base = o.base.endsWith('/') ? o.base : o.base + '/';
  return new URL(base + pathBelowBase.replace(/^\//, ''), o.site).href;
}

/** A URL as it is shown in print: without `https://`. */
export function shortUrl(href: string): string {
  return href.replace(/^https?:\/\//, '');
}

function prefixList(value: unknown, slug: string): unknown {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' && v ? printId(slug, v) : v));
  if (typeof value === 'string' && value) return value.split(/\s+/).filter(Boolean).map((v) => printId(slug, v)).join(' ');
  return value;
}

function decode(frag: string): string {
  try {
    return decodeURIComponent(frag);
  } catch {
    return frag;
  }
}

/**
 * Where a link of chapter `o.slug` points in the print document.
 * Returns the new href, or undefined to leave it alone (external links, mailto:, …).
 */
export function rewriteHref(href: string, o: RewriteOptions): string | undefined {
  if (href.startsWith('#')) {
    const frag = decode(href.slice(1));
    if (!frag || frag === 'top') return undefined;
    return '#' + printId(o.slug, frag);
  }
  // A StateLink or a live link: `?coin.heads=81#coin` on the chapter's own page.
  if (href.startsWith('?')) return publicUrl(o, `/chapters/${o.slug}/`) + href;
  if (!href.startsWith('/') || href.startsWith('//')) return undefined;
  const base = o.base.endsWith('/') ? o.base : o.base + '/';
  let path = href;
  if (base !== '/') {
    if (!(href + '/').startsWith(base)) return undefined;
    path = '/' + href.slice(base.length);
  }
  const m = /^\/chapters\/([a-z0-9-]+)\/?(?:#(.*))?$/.exec(path);
  const target = m ? (o.printed.has(m[1]) ? m[1] : o.aliases?.get(m[1])) : undefined;
  if (m && target && o.printed.has(target)) {
    const frag = m[2] ? decode(m[2]) : '';
    return '#' + (frag && frag !== 'top' ? printId(target, frag) : chapterAnchor(target));
  }
  return publicUrl(o, path);
}

const URL_REF = /url\(\s*(['"]?)#([^'")\s]+)\1\s*\)/g;

const MATH_START = /<span class="katex(?:-display)?[" ]/g;
const SPAN_TAG = /<span\b|<\/span>/g;
const MATH_MARK = /<!--iw-print-math:(\d+)-->/g;

/**
 * Takes each formula's KaTeX markup (`<span class="katex">` or `katex-display`, to its matching
 * `</span>`) out of `html`, leaving a comment in its place, unless it holds an id, a link or a
 * `url(#…)` (`\htmlId`, `\href`), which the rewrite must see. KaTeX markup is most of a chapter's
 * HTML and has nothing to rewrite: parsing and serialising it was most of the print page's build
 * time. Its text is escaped, so counting `<span` and `</span>` finds the end.
 */
export function setAsideMath(html: string): { html: string; restore: (out: string) => string } {
  const kept: string[] = [];
  let out = '';
  let from = 0;
  MATH_START.lastIndex = 0;
  for (let m = MATH_START.exec(html); m; m = MATH_START.exec(html)) {
    let depth = 0;
    let end = -1;
    SPAN_TAG.lastIndex = m.index;
    for (let t = SPAN_TAG.exec(html); t; t = SPAN_TAG.exec(html)) {
      depth += t[0] === '<span' ? 1 : -1;
      if (depth === 0) {
        end = SPAN_TAG.lastIndex;
        break;
      }
    }
    if (end < 0) break; // unbalanced: leave the rest to the parser
    const block = html.slice(m.index, end);
    MATH_START.lastIndex = end;
    if (/\sid=|\shref=|url\(/.test(block)) continue;
    out += html.slice(from, m.index) + `<!--iw-print-math:${kept.length}-->`;
    kept.push(block);
    from = end;
  }
  out += html.slice(from);
  return { html: out, restore: (s) => s.replace(MATH_MARK, (all, i) => kept[Number(i)] ?? all) };
}

/** Rewrites one chapter's rendered HTML for the print document (see the top of this file). */
export async function rewriteChapterHtml(html: string, o: RewriteOptions): Promise<string> {
  const math = setAsideMath(html);
  const tree = fromHtml(math.html, { fragment: true });
  const live: any[] = [];
  visit(tree, 'element', (node: any) => {
    const p = node.properties ?? (node.properties = {});
    if (typeof p.id === 'string' && p.id) p.id = printId(o.slug, p.id);
    if (typeof p.name === 'string' && p.name && node.tagName === 'a') p.name = printId(o.slug, p.name);
    for (const a of ID_LIST_ATTRS) if (a in p) p[a] = prefixList(p[a], o.slug);
    const cls = Array.isArray(p.className) ? p.className : [];
    // A widget's live link (`?coin.heads=81#coin`, or `#coin` at the defaults): the chapter on the public site.
    if (node.tagName === 'a' && cls.includes('print-live-link') && typeof p.href === 'string') {
      p.href = publicUrl(o, `/chapters/${o.slug}/`) + p.href;
      live.push(node);
    }
    for (const a of ['href', 'xLinkHref']) {
      const v = p[a];
      if (typeof v !== 'string') continue;
      if (node.tagName === 'a') {
        const to = rewriteHref(v, o);
        if (to !== undefined) p[a] = to;
      } else if (v.startsWith('#')) p[a] = '#' + printId(o.slug, v.slice(1)); // SVG <use href="#…">
    }
    for (const [k, v] of Object.entries(p)) {
      if (typeof v === 'string' && v.includes('url(')) p[k] = v.replace(URL_REF, (_all, q, id) => `url(${q}#${printId(o.slug, id)}${q})`);
    }
    // StateLink's click handler looks for its widget by the old id; in print it is a plain link.
    delete p.dataStateTarget;
    delete p.dataStateValues;
    const level = /^h([1-6])$/.exec(node.tagName);
    if (level) node.tagName = `h${Math.min(6, Number(level[1]) + 1)}`;
  });
  for (const a of live) {
    const href = String(a.properties.href);
    a.children = [{ type: 'text', value: shortUrl(href) }];
    const svg = await QRCode.toString(href, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
    const qr = fromHtml(svg.replace('<svg ', '<svg class="print-qr-code" aria-hidden="true" focusable="false" '), { fragment: true, space: 'svg' });
    // The QR code is the live link too (scanned on paper, clicked in the PDF).
    a.qr = qr.children;
  }
  // Put each QR code in front of its link's text, inside the link.
  for (const a of live) {
    a.children = [{ type: 'element', tagName: 'span', properties: { className: ['print-qr'] }, children: a.qr }, { type: 'element', tagName: 'span', properties: { className: ['print-live-url'] }, children: a.children }];
    delete a.qr;
  }
  return math.restore(toHtml(tree, { allowDangerousHtml: true }));
}
