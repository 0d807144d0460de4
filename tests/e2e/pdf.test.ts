/**
 * The PDF edition (`npm run pdf`, scripts/pdf.mjs): prints the built site's /print/ page with
 * headless Chromium and reads the PDF back with pdf-lib. Checks that every chapter has its pages
 * (an outline entry with its title, its destination, and the contents' link and printed page
 * number to it), that internal links (contents, \eqref, figures, other chapters) are PDF links
 * that land on a page, and that every widget of the book has its live link to the public chapter
 * URL with its state (`?<id>.<param>=…#<id>`, the values its chapter's island starts from) and its
 * QR code (a link as large as the code). Printing takes two passes (~30 s each on 2 cores).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { printBook, readLinks, namedDests, outlineTitles } from '../../scripts/pdf.mjs';
import { listPages, site, useBrowser } from './support/site.ts';
import { widgetBySlug } from '../../widgets/registry.ts';
import { writeQuery, type ParamValue } from '../../widgets/core/params.ts';

const s = site();
// Chapter pages (not the redirect pages of old slugs, which have no chapter title).
const chapters = listPages(s.dir).filter((p) => p.isChapter && readFileSync(join(s.dir, p.file), 'utf8').includes('class="chapter-title"'));
const browser = useBrowser('none');

/** Astro's island props serialisation: [0, value] (objects: each field again), [1, array]. */
function revive(x: unknown): unknown {
  if (!Array.isArray(x)) return x;
  const [t, v] = x as [number, unknown];
  if (t === 1 && Array.isArray(v)) return v.map(revive);
  if (t === 0 && v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, revive(w)]));
  return v;
}

interface ChapterFacts {
  slug: string;
  title: string;
  canonical: string;
  /** The live URL each widget of the chapter should have in print. */
  widgets: { id: string; url: string }[];
}

/** Title, public URL and widgets (with their initial state) of a built chapter page. */
function chapterFacts(file: string, slug: string): ChapterFacts {
  const tree = fromHtml(readFileSync(join(s.dir, file), 'utf8'));
  let title = '';
  let canonical = '';
  const islands: { widget: string; props: any }[] = [];
  visit(tree, 'element', (n: any) => {
    const cls: string[] = n.properties?.className ?? [];
    if (n.tagName === 'span' && cls.includes('chapter-title') && !title) title = n.children.map((c: any) => c.value ?? '').join('');
    if (n.tagName === 'link' && (n.properties?.rel ?? []).includes('canonical')) canonical = String(n.properties.href);
    if (n.tagName === 'div' && cls.includes('iw-island')) islands.push({ widget: String(n.properties.dataWidget), props: null });
    if (n.tagName === 'astro-island' && islands.length && islands[islands.length - 1].props === null) islands[islands.length - 1].props = revive([0, JSON.parse(String(n.properties.props))]);
  });
  const widgets = islands.map(({ widget, props }) => {
    const entry = widgetBySlug(widget)!;
    const id = String(props.id);
    const query = writeQuery(entry.schema.params, props.initial as Record<string, ParamValue>, '', `${id}.`);
    return { id, url: `${canonical}${query}#${id}` };
  });
  return { slug, title, canonical, widgets };
}

describe('the PDF edition (npm run pdf)', () => {
  test(`prints ${chapters.length} chapters into one PDF with working links, page numbers and live widget links`, async () => {
    expect(chapters.length, 'no chapters built').toBeGreaterThan(0);
    const facts = chapters.map((p) => chapterFacts(p.file, p.path.split('/')[1]));
    const r = await printBook(browser(), `${s.url}print/`, { log: (m) => console.log(`[pdf] ${m}`) });
    console.log(`[pdf] ${r.pages} pages, ${(r.bytes.length / 1e6).toFixed(1)} MB, ${r.passes} passes, ${(r.ms / 1000).toFixed(1)} s`);
    const doc = await PDFDocument.load(r.bytes);
    const pageCount = doc.getPageCount();
    const dests = namedDests(doc);
    const links = readLinks(doc);
    const outline = outlineTitles(doc);
    const problems: string[] = [];
    const flat = (t: string) => t.replace(/\s+/g, '');

    // A title page and the contents, then the chapters in order, each on pages of its own.
    expect(pageCount).toBeGreaterThan(chapters.length + 2);
    let last = 1;
    const ordered = [...facts].sort((a, b) => (dests.get(`ch-${a.slug}`) ?? 0) - (dests.get(`ch-${b.slug}`) ?? 0));
    for (const c of ordered) {
      const at = dests.get(`ch-${c.slug}`);
      if (at === undefined || at < 0) {
        problems.push(`${c.slug}: no PDF destination ch-${c.slug}`);
        continue;
      }
      if (at <= last) problems.push(`${c.slug}: starts on page ${at + 1}, not after the previous chapter (page ${last + 1})`);
      last = at;
      if (r.chapterPages[`ch-${c.slug}`] !== at + 1) problems.push(`${c.slug}: the contents say page ${r.chapterPages[`ch-${c.slug}`]}, the chapter is on page ${at + 1}`);
      if (!links.some((l) => l.page <= 2 && l.toPage === at && l.dest === `ch-${c.slug}`)) problems.push(`${c.slug}: no link from the contents to page ${at + 1}`);
      const o = outline.find((x) => flat(x.title).includes(flat(c.title)));
      if (!o) problems.push(`${c.slug}: no outline entry with the title "${c.title}"`);
      else if (o.page !== at) problems.push(`${c.slug}: the outline entry "${o.title}" goes to page ${o.page + 1}, not ${at + 1}`);
    }

    // Internal links: all land on a page; equations and other chapters are among them.
    const internal = links.filter((l) => l.uri === undefined);
    const nowhere = internal.filter((l) => (l.toPage ?? -1) < 0);
    if (nowhere.length) problems.push(`${nowhere.length} internal link(s) land nowhere, e.g. ${nowhere.slice(0, 5).map((l) => `page ${l.page + 1} → ${l.dest}`).join(', ')}`);
    const eqrefs = internal.filter((l) => /--eq-/.test(l.dest ?? ''));
    if (eqrefs.length < chapters.length) problems.push(`only ${eqrefs.length} \\eqref links in the PDF`);
    const chapterOfPage = (p: number) => ordered.filter((c) => (dests.get(`ch-${c.slug}`) ?? Infinity) <= p).at(-1)?.slug;
    const across = internal.filter((l) => l.dest && l.page > 1 && !l.dest.startsWith(`${chapterOfPage(l.page)}--`) && !l.dest.startsWith('ch-'));
    if (across.length === 0) problems.push('no link from one chapter to an anchor in another');
    // No link may point at the test server: everything outside the PDF goes to the public site.
    const local = links.filter((l) => l.uri?.startsWith(s.origin));
    if (local.length) problems.push(`${local.length} link(s) to the local server, e.g. ${local[0].uri}`);

    // Every widget: its live URL with its state, and its QR code (the link over the code is ≥ 1.5 cm).
    let widgetCount = 0;
    for (const c of facts) {
      for (const w of c.widgets) {
        widgetCount++;
        const hits = links.filter((l) => l.uri === w.url);
        if (hits.length === 0) problems.push(`${c.slug}#${w.id}: no link to ${w.url}`);
        else if (!hits.some((l) => l.rect[3] - l.rect[1] >= 42 && l.rect[2] - l.rect[0] >= 42)) problems.push(`${c.slug}#${w.id}: no QR-code-sized link to ${w.url}`);
      }
    }
    expect(widgetCount, 'the book has no widgets to check').toBeGreaterThan(0);

    if (problems.length) throw new Error(`PDF: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
    // Two print passes over ~160 pages: about 2 minutes here, up to 4 on a loaded CI machine.
  }, 600_000);
});
