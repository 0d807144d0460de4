#!/usr/bin/env node
// `npm run pdf`: the whole book as one PDF.
//
//   node scripts/pdf.mjs [out.pdf]        (default: infinite-width.pdf in the repository root)
//
// Serves the built site from $IW_OUT (default dist/, built first if missing; IW_BASE as for the
// build) and prints its print edition, /print/ (src/pages/print/index.astro: title page, contents,
// every chapter), with headless Chromium's page.pdf(): A4, with the page number at the foot of
// every page and an outline (bookmarks) from the headings. Links inside the book (contents,
// \eqref, figures, other chapters) are links inside the PDF; each widget is its static figure
// with a link and a QR code to its live version, with the same state, on the public site.
// The contents' page numbers come from a first print: the page each chapter's link lands on is
// written into the contents, and the book is printed again (the space for them is reserved, so
// nothing moves; this is checked).
//
// Exports, for tests/e2e/pdf.test.ts: printBook() and the PDF readers readLinks(), namedDests(),
// outlineTitles().
import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';

/** Text of a PDF string or name object. @param {unknown} o */
function text(o) {
  if (o instanceof PDFString || o instanceof PDFHexString) return o.decodeText();
  if (o instanceof PDFName) return o.decodeText();
  return undefined;
}

/** @param {PDFDocument} doc */
function pageIndexOf(doc) {
  const refs = doc.getPages().map((p) => p.ref);
  return (/** @type {unknown} */ ref) => (ref instanceof PDFRef ? refs.findIndex((r) => r === ref || (r.objectNumber === ref.objectNumber && r.generationNumber === ref.generationNumber)) : -1);
}

/**
 * Named destinations (the catalog's /Dests dictionary and the /Names /Dests name tree): name → 0-based page.
 * @param {PDFDocument} doc
 * @returns {Map<string, number>}
 */
export function namedDests(doc) {
  const pageOf = pageIndexOf(doc);
  /** @type {Map<string, number>} */
  const out = new Map();
  const destPage = (/** @type {unknown} */ d) => {
    let v = d instanceof PDFRef ? doc.context.lookup(d) : d;
    if (v instanceof PDFDict) v = v.lookup(PDFName.of('D'));
    if (v instanceof PDFArray) return pageOf(v.get(0));
    return -1;
  };
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (dests) for (const [k, v] of dests.entries()) out.set(k.decodeText(), destPage(v));
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const walk = (/** @type {PDFDict | undefined} */ node) => {
    if (!node) return;
    const arr = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    if (arr) for (let i = 0; i + 1 < arr.size(); i += 2) out.set(text(arr.lookup(i)) ?? '', destPage(arr.get(i + 1)));
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) walk(/** @type {PDFDict} */ (kids.lookup(i, PDFDict)));
  };
  walk(names?.lookupMaybe(PDFName.of('Dests'), PDFDict));
  return out;
}

/**
 * @typedef {{ page: number, rect: number[], uri?: string, dest?: string, toPage?: number }} PdfLink
 *   A link annotation: on 0-based `page`, at `rect` ([x1, y1, x2, y2], points); either a `uri`, or
 *   an internal destination (`dest`, its name when it has one) landing on 0-based `toPage` (-1: nowhere).
 */

/**
 * Every link annotation of the document.
 * @param {PDFDocument} doc
 * @returns {PdfLink[]}
 */
export function readLinks(doc) {
  const pageOf = pageIndexOf(doc);
  const dests = namedDests(doc);
  /** @type {PdfLink[]} */
  const out = [];
  doc.getPages().forEach((page, i) => {
    const annots = page.node.Annots();
    if (!annots) return;
    for (let k = 0; k < annots.size(); k++) {
      const a = annots.lookup(k);
      if (!(a instanceof PDFDict) || a.lookup(PDFName.of('Subtype'))?.toString() !== '/Link') continue;
      const rectArr = a.lookupMaybe(PDFName.of('Rect'), PDFArray);
      const rect = rectArr ? rectArr.asArray().map((n) => Number(n.toString())) : [];
      const action = a.lookupMaybe(PDFName.of('A'), PDFDict);
      const uri = action ? text(action.lookup(PDFName.of('URI'))) : undefined;
      if (uri !== undefined) {
        out.push({ page: i, rect, uri });
        continue;
      }
      const d = action ? action.lookup(PDFName.of('D')) : a.lookup(PDFName.of('Dest'));
      const name = text(d);
      if (name !== undefined) out.push({ page: i, rect, dest: name, toPage: dests.get(name) ?? -1 });
      else if (d instanceof PDFArray) out.push({ page: i, rect, toPage: pageOf(d.get(0)) });
    }
  });
  return out;
}

/**
 * The outline (bookmarks), depth first: title, depth (0 = top) and 0-based page (-1: unknown).
 * @param {PDFDocument} doc
 * @returns {{ title: string, depth: number, page: number }[]}
 */
export function outlineTitles(doc) {
  const pageOf = pageIndexOf(doc);
  const dests = namedDests(doc);
  /** @type {{ title: string, depth: number, page: number }[]} */
  const out = [];
  const root = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  const visit = (/** @type {PDFDict | undefined} */ item, /** @type {number} */ depth) => {
    for (let n = 0; item && n < 10_000; n++) {
      let page = -1;
      const d = item.lookup(PDFName.of('Dest')) ?? item.lookupMaybe(PDFName.of('A'), PDFDict)?.lookup(PDFName.of('D'));
      if (d instanceof PDFArray) page = pageOf(d.get(0));
      else if (text(d) !== undefined) page = dests.get(/** @type {string} */ (text(d))) ?? -1;
      out.push({ title: text(item.lookup(PDFName.of('Title'))) ?? '', depth, page });
      visit(item.lookupMaybe(PDFName.of('First'), PDFDict), depth + 1);
      item = item.lookupMaybe(PDFName.of('Next'), PDFDict);
    }
  };
  visit(root?.lookupMaybe(PDFName.of('First'), PDFDict), 0);
  return out;
}

const FOOTER = `<div style="width:100%;font:9px system-ui,sans-serif;color:#555;text-align:center;"><span class="pageNumber"></span></div>`;

/**
 * Prints the print edition at `url` (the site's /print/ page) with `browser` (a playwright-core
 * Browser). Returns the PDF and what was found in it.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ log?: (m: string) => void }} [opts]
 * @returns {Promise<{ bytes: Uint8Array, pages: number, chapterPages: Record<string, number>, passes: number, ms: number }>}
 */
export async function printBook(browser, url, opts = {}) {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 }, colorScheme: 'light', reducedMotion: 'reduce' });
  await context.addInitScript(() => {
    try {
      localStorage.setItem('iw-theme', 'light');
    } catch {}
  });
  const page = await context.newPage();
  try {
    const res = await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    if (!res || res.status() !== 200) throw new Error(`pdf: ${url} answered HTTP ${res?.status()}`);
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const anchors = await page.evaluate(async () => {
      await document.fonts?.ready;
      // Solutions print open (as in the browser's print dialog, see Base.astro).
      for (const d of document.querySelectorAll('details')) d.open = true;
      return [...document.querySelectorAll('[data-page-for]')].map((e) => e.getAttribute('data-page-for') ?? '');
    });
    if (anchors.length === 0) throw new Error(`pdf: ${url} has no contents ([data-page-for]); is it the print edition?`);
    log(`loaded ${url} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${anchors.length} chapters)`);
    /** @type {Record<string, number>} */
    let numbers = {};
    let bytes = new Uint8Array();
    let passes = 0;
    for (; passes < 3; ) {
      const t = performance.now();
      bytes = await page.pdf({
        format: 'A4',
        preferCSSPageSize: true,
        printBackground: true,
        outline: true,
        tagged: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: FOOTER,
      });
      passes++;
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      const dests = namedDests(doc);
      const links = readLinks(doc);
      /** @type {Record<string, number>} */
      const found = {};
      for (const a of anchors) {
        const p = dests.get(a) ?? links.find((l) => l.dest === a)?.toPage ?? -1;
        found[a] = p + 1;
      }
      log(`pass ${passes}: ${doc.getPageCount()} pages, ${(bytes.length / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const missing = anchors.filter((a) => found[a] < 1);
      if (missing.length) throw new Error(`pdf: no page found for ${missing.join(', ')} (the contents' links did not become PDF destinations)`);
      if (anchors.every((a) => numbers[a] === found[a])) break;
      numbers = found;
      await page.evaluate((n) => {
        for (const e of document.querySelectorAll('[data-page-for]')) e.textContent = String(n[e.getAttribute('data-page-for') ?? ''] ?? '');
      }, numbers);
    }
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const chapterPages = numbers;
    return { bytes, pages: doc.getPageCount(), chapterPages, passes, ms: performance.now() - t0 };
  } finally {
    await context.close();
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  if (args.some((a) => a === '-h' || a === '--help')) {
    console.log('usage: node scripts/pdf.mjs [out.pdf]   (IW_OUT: the built site, default dist/; IW_BASE: its base path)');
    process.exit(0);
  }
  const out = args[0] ?? 'infinite-width.pdf';
  const dir = process.env.IW_OUT || 'dist';
  const base = process.env.IW_BASE || '/';
  const t0 = performance.now();
  if (!existsSync(`${dir}/index.html`)) {
    console.log(`${dir}/ is missing: building it first.`);
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', env: { ...process.env, IW_OUT: dir, IW_BASE: base } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  if (!existsSync(`${dir}/print/index.html`)) {
    console.error(`✗ ${dir}/print/index.html is missing: ${dir}/ was built before the print edition existed. Rebuild it (npm run build).`);
    process.exit(1);
  }
  const { serve } = await import('./serve.mjs');
  const { launch } = await import('../tests/e2e/support/chromium.mjs');
  const server = await serve({ dir, base, port: 0, quiet: true });
  let browser;
  try {
    browser = await launch({ webgl: 'none' });
    const r = await printBook(browser, `${server.url}print/`, { log: (m) => console.log(`  ${m}`) });
    writeFileSync(out, r.bytes);
    console.log(`✓ wrote ${out}: ${r.pages} pages, ${(r.bytes.length / 1e6).toFixed(1)} MB, ${r.passes} passes, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`✗ ${/** @type {Error} */ (e).message}`);
    process.exitCode = 1;
  } finally {
    await browser?.close();
    await server.close();
  }
}
