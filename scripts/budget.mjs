#!/usr/bin/env node
// `npm run budget`: the JavaScript and CSS every built page ships, raw and gzip (level 9).
//
//   node scripts/budget.mjs [--dir dist] [--base /] [--json]
//
// Counted per page: <script src>, inline <script> (JavaScript only), <link rel="modulepreload">,
// <link rel="stylesheet"> (with its @imports), inline <style>, and for each <astro-island> its
// component-url, renderer-url and before-hydration-url, each JS file with the static imports it
// pulls in (import … from "./x.js", import "./x.js", export … from "./x.js"), recursively, within
// the folder. Dynamic import("./x.js") is not followed into the page's total: that code loads only
// when used, and is reported separately as "lazy" (with everything it imports in turn), as are web
// workers started with new Worker(new URL("./w.js", import.meta.url)).
//
// A page is "text-only" when it has no <astro-island>. Exit 1 when a text-only chapter
// (/chapters/<slug>/) ships more than 10 KB of JavaScript, gzip.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
// TypeScript modules, run as they are (Node >= 22.18 strips their types).
import { normalizeBase } from '../src/book/base-path.ts';
import { warn, warningSummary } from '../src/errors/warnings.ts';

/** The limit for text-only chapters: 10 KB of JavaScript, gzip. */
export const TEXT_CHAPTER_JS_LIMIT = 10 * 1024;

const JS_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript', 'text/ecmascript', 'application/ecmascript']);

/** @param {string | Buffer} data */
export function sizes(data) {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return { raw: buf.length, gzip: buf.length === 0 ? 0 : gzipSync(buf, { level: 9 }).length };
}

/**
 * Module specifiers in a JavaScript file: static ones (pulled in with the module) and dynamic
 * `import("…")` ones with a literal string (loaded later, on demand).
 * @param {string} code
 * @returns {{ static: string[], dynamic: string[] }}
 */
export function extractImports(code) {
  const stat = new Set();
  const dyn = new Set();
  // import x from "…", import{a as b}from"…", import * as x from "…", import "…", export {…} from "…", export * from "…"
  const staticRe = /(?<![\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(["'])([^"'\n]+?)\1/g;
  for (const m of code.matchAll(staticRe)) stat.add(m[2]);
  const dynRe = /(?<![\w$.])import\s*\(\s*(["'`])([^"'`\n$]+?)\1\s*\)/g;
  for (const m of code.matchAll(dynRe)) dyn.add(m[2]);
  // Web workers started from a literal URL load later too: new Worker(new URL("./w.js", import.meta.url)).
  const workerRe = /\bnew\s+(?:Shared)?Worker\s*\(\s*new\s+URL\s*\(\s*(["'`])([^"'`\n$]+?)\1\s*,\s*import\.meta\.url/g;
  for (const m of code.matchAll(workerRe)) dyn.add(m[2]);
  return { static: [...stat], dynamic: [...dyn].filter((d) => !stat.has(d)) };
}

/** Every HTML page under `dir`, Pagefind's folder left out. @param {string} dir */
export function listHtml(dir) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const rel = relative(dir, abs).split(sep).join('/');
      if (e.isDirectory()) {
        if (rel !== 'pagefind' && rel !== '_astro') walk(abs);
      } else if (e.isFile() && e.name.endsWith('.html')) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** `chapters/x/index.html` → `/chapters/x/` (below the base). @param {string} rel */
export function pagePath(rel) {
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return '/' + rel.slice(0, -'index.html'.length);
  return '/' + rel;
}

/**
 * @typedef {{ raw: number, gzip: number }} Bytes
 * @typedef {{ kind: 'js' | 'css', source: string, file?: string, raw: number, gzip: number }} Asset
 * @typedef {{ page: string, file: string, textOnly: boolean, chapter: boolean, islands: number,
 *   js: Bytes, css: Bytes, lazy: Bytes, wasm: Bytes, assets: Asset[], lazyFiles: string[], wasmFiles: string[], missing: string[] }} PageBudget
 */

/**
 * Measures every page of a built site.
 * @param {string} dir the build folder (dist)
 * @param {{ base?: string }} [opts] the base path the site was built with
 * @returns {{ dir: string, base: string, pages: PageBudget[], totals: { js: Bytes, css: Bytes, lazy: Bytes, wasm: Bytes }, wasmFiles: ({ file: string } & Bytes)[] }}
 */
export function analyzeSite(dir, opts = {}) {
  const root = resolve(dir);
  const base = normalizeBase(opts.base);
  /** @type {Map<string, { text: string, bytes: Bytes, imports: { static: string[], dynamic: string[] } } | null>} */
  const cache = new Map();
  const ORIGIN = 'http://budget.invalid';

  /** URL (absolute or relative to `from`, a URL path) → file under root, or null when not local. */
  const toFile = (/** @type {string} */ ref, /** @type {string} */ from) => {
    let u;
    try {
      u = new URL(ref, ORIGIN + from);
    } catch {
      return null;
    }
    if (u.origin !== ORIGIN) return null; // another site: not ours to count
    let p = decodeURIComponent(u.pathname);
    if (!p.startsWith(base)) return { urlPath: p, abs: null };
    const abs = resolve(root, '.' + sep + p.slice(base.length));
    if (abs !== root && !abs.startsWith(root + sep)) return { urlPath: p, abs: null };
    return { urlPath: p, abs: existsSync(abs) ? abs : null };
  };
  const read = (/** @type {string} */ abs) => {
    if (!cache.has(abs)) {
      try {
        const buf = readFileSync(abs);
        const text = buf.toString('utf8');
        cache.set(abs, { text, bytes: sizes(buf), imports: abs.endsWith('.css') ? { static: [], dynamic: [] } : extractImports(text) });
      } catch {
        cache.set(abs, null);
      }
    }
    return cache.get(abs);
  };
  const urlOf = (/** @type {string} */ abs) => base + relative(root, abs).split(sep).join('/');

  /** @type {Map<string, Bytes>} */
  const siteFiles = new Map();
  /** @type {Map<string, Bytes>} */
  const siteLazy = new Map();
  /** @type {Map<string, Bytes>} */
  const siteWasm = new Map();
  const inlineTotals = { js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };

  /** @type {PageBudget[]} */
  const pages = [];
  for (const rel of listHtml(root)) {
    const html = readFileSync(join(root, rel), 'utf8');
    const here = base + rel; // URL path of the document, for relative references
    const tree = fromHtml(html);
    /** @type {Asset[]} */
    const assets = [];
    /** @type {string[]} */
    const missing = [];
    const seen = new Set();
    /** @type {string[]} */
    const lazyRoots = [];
    let islands = 0;

    /** Counts a JS or CSS file once; returns what was read, or null if it is missing or seen already. */
    const addFile = (/** @type {'js' | 'css'} */ kind, /** @type {string} */ ref, /** @type {string} */ from, /** @type {string} */ source) => {
      const f = toFile(ref, from);
      if (!f) return null;
      if (!f.abs) {
        missing.push(`${source}: ${ref}`);
        return null;
      }
      if (seen.has(f.abs)) return null;
      seen.add(f.abs);
      const info = read(f.abs);
      if (!info) {
        missing.push(`${source}: ${ref}`);
        return null;
      }
      assets.push({ kind, source, file: f.urlPath, ...info.bytes });
      siteFiles.set(f.abs, info.bytes);
      return { f, info };
    };
    /** Adds a JS file and its static imports, recursively; collects dynamic imports as lazy roots. */
    const addJs = (/** @type {string} */ ref, /** @type {string} */ from, /** @type {string} */ source) => {
      const r = addFile('js', ref, from, source);
      if (!r) return;
      const { f, info } = r;
      for (const s of info.imports.static) if (/^(\.{1,2}\/|\/)/.test(s)) addJs(s, f.urlPath, `import in ${f.urlPath}`);
      for (const s of info.imports.dynamic) if (/^(\.{1,2}\/|\/)/.test(s)) lazyRoots.push(new URL(s, ORIGIN + f.urlPath).pathname);
    };
    const addCss = (/** @type {string} */ ref, /** @type {string} */ from, /** @type {string} */ source) => {
      const r = addFile('css', ref, from, source);
      if (!r) return;
      for (const m of r.info.text.matchAll(/@import\s+(?:url\(\s*)?["']?([^"')\s;]+)["']?\s*\)?/g)) addCss(m[1], r.f.urlPath, `@import in ${r.f.urlPath}`);
    };
    const addInline = (/** @type {'js' | 'css'} */ kind, /** @type {string} */ text, /** @type {string} */ source) => {
      if (!text.trim()) return;
      const b = sizes(text);
      assets.push({ kind, source, ...b });
      inlineTotals[kind].raw += b.raw;
      inlineTotals[kind].gzip += b.gzip;
      if (kind === 'js') for (const s of extractImports(text).static) if (/^(\.{1,2}\/|\/)/.test(s)) addJs(s, here, 'import in inline <script>');
    };
    const textOf = (/** @type {any} */ node) => (node.children ?? []).map((/** @type {any} */ c) => (c.type === 'text' ? c.value : '')).join('');

    visit(tree, 'element', (/** @type {any} */ node) => {
      const p = node.properties ?? {};
      const rels = (Array.isArray(p.rel) ? p.rel : String(p.rel ?? '').split(/\s+/)).map((/** @type {string} */ r) => r.toLowerCase());
      if (node.tagName === 'script') {
        const type = String(p.type ?? '').toLowerCase();
        if (!JS_TYPES.has(type)) return;
        if (typeof p.src === 'string' && p.src) addJs(p.src, here, '<script src>');
        else addInline('js', textOf(node), '<script>');
      } else if (node.tagName === 'link' && typeof p.href === 'string') {
        if (rels.includes('modulepreload')) addJs(p.href, here, '<link rel=modulepreload>');
        else if (rels.includes('stylesheet')) addCss(p.href, here, '<link rel=stylesheet>');
      } else if (node.tagName === 'style') {
        addInline('css', textOf(node), '<style>');
      } else if (node.tagName === 'astro-island') {
        islands++;
        for (const attr of ['component-url', 'renderer-url', 'before-hydration-url']) {
          const camel = attr.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
          const v = p[attr] ?? p[camel];
          if (typeof v === 'string' && v) addJs(v, here, `<astro-island ${attr}>`);
        }
      }
    });

    // Lazy code: dynamic imports reachable from the page's code, and whatever they import, minus
    // what the page already loads up front.
    /** @type {Map<string, Bytes>} */
    const lazy = new Map();
    /** @type {Map<string, Bytes>} WASM binaries the lazy code can fetch (one of them per page at most: the backend picks by feature). */
    const wasm = new Map();
    const queue = [...lazyRoots];
    while (queue.length) {
      const urlPath = /** @type {string} */ (queue.shift());
      const f = toFile(urlPath, '/');
      if (!f?.abs || seen.has(f.abs) || lazy.has(f.abs)) continue;
      const info = read(f.abs);
      if (!info) continue;
      lazy.set(f.abs, info.bytes);
      siteLazy.set(f.abs, info.bytes);
      for (const m of info.text.matchAll(/[`"']((?:\/|\.{1,2}\/)[^`"'\s]*\.wasm)[`"']/g)) {
        const w = toFile(m[1], f.urlPath);
        const bin = w?.abs ? readFileSync(w.abs) : null;
        if (bin && w?.abs) {
          const b = sizes(bin);
          wasm.set(w.abs, b);
          siteWasm.set(w.abs, b);
        }
      }
      for (const s of [...info.imports.static, ...info.imports.dynamic]) if (/^(\.{1,2}\/|\/)/.test(s)) queue.push(new URL(s, ORIGIN + f.urlPath).pathname);
    }

    const sum = (/** @type {Iterable<Bytes>} */ xs) => {
      const t = { raw: 0, gzip: 0 };
      for (const x of xs) {
        t.raw += x.raw;
        t.gzip += x.gzip;
      }
      return t;
    };
    const path = pagePath(rel);
    pages.push({
      page: path,
      file: rel,
      textOnly: islands === 0,
      chapter: /^\/chapters\/[^/]+\/$/.test(path),
      islands,
      js: sum(assets.filter((a) => a.kind === 'js')),
      css: sum(assets.filter((a) => a.kind === 'css')),
      lazy: sum(lazy.values()),
      // The largest binary the page may fetch (each browser fetches one: SIMD, threaded SIMD or plain).
      wasm: [...wasm.values()].reduce((a, b) => (b.gzip > a.gzip ? b : a), { raw: 0, gzip: 0 }),
      wasmFiles: [...wasm.keys()].map(urlOf),
      assets,
      lazyFiles: [...lazy.keys()].map(urlOf),
      missing,
    });
  }

  const sumMap = (/** @type {Map<string, Bytes>} */ m, /** @type {(abs: string) => boolean} */ keep) => {
    const t = { raw: 0, gzip: 0 };
    for (const [k, v] of m) if (keep(k)) (t.raw += v.raw), (t.gzip += v.gzip);
    return t;
  };
  const jsFiles = sumMap(siteFiles, (k) => !k.endsWith('.css'));
  const cssFiles = sumMap(siteFiles, (k) => k.endsWith('.css'));
  return {
    dir: root,
    base,
    pages,
    totals: {
      // Unique files across the site, plus every inline block.
      js: { raw: jsFiles.raw + inlineTotals.js.raw, gzip: jsFiles.gzip + inlineTotals.js.gzip },
      css: { raw: cssFiles.raw + inlineTotals.css.raw, gzip: cssFiles.gzip + inlineTotals.css.gzip },
      lazy: sumMap(siteLazy, () => true),
      wasm: sumMap(siteWasm, () => true),
    },
    wasmFiles: [...siteWasm.entries()].map(([abs, b]) => ({ file: urlOf(abs), ...b })),
  };
}

/**
 * Budget failures: text-only chapters over the JS limit.
 * @param {ReturnType<typeof analyzeSite>} analysis
 */
export function budgetFailures(analysis, limit = TEXT_CHAPTER_JS_LIMIT) {
  return analysis.pages
    .filter((p) => p.chapter && p.textOnly && p.js.gzip > limit)
    .map((p) => ({ page: p.page, jsGzip: p.js.gzip, limit, message: `${p.page} is a text-only chapter but ships ${kb(p.js.gzip)} of JavaScript gzip (limit ${kb(limit)}; ${p.js.gzip} > ${limit} bytes)` }));
}

/**
 * Reports every file a page refers to that is not in the build folder, as `budget/missing-file`
 * warnings (printed once each; its size is not counted). Returns how many there were.
 * @param {ReturnType<typeof analyzeSite>} analysis
 * @param {string} dir the build folder as the user named it (for the message)
 */
export function warnMissing(analysis, dir) {
  let n = 0;
  for (const p of analysis.pages) {
    for (const reference of p.missing) {
      warn('budget/missing-file', { reference, dir }, { file: join(dir, p.file).split(sep).join('/') });
      n++;
    }
  }
  return n;
}

/** @param {number} n */
export function kb(n) {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}

/** The human table. @param {ReturnType<typeof analyzeSite>} a */
export function formatTable(a) {
  const head = ['page', 'kind', 'JS', 'JS gz', 'CSS', 'CSS gz', 'lazy JS gz', 'lazy WASM gz'];
  const rows = a.pages.map((p) => [p.page, p.textOnly ? 'text' : `${p.islands} island${p.islands === 1 ? '' : 's'}`, kb(p.js.raw), kb(p.js.gzip), kb(p.css.raw), kb(p.css.gzip), p.lazy.raw ? kb(p.lazy.gzip) : '–', p.wasm?.raw ? kb(p.wasm.gzip) : '–']);
  const total = ['site total (unique files + inline)', '', kb(a.totals.js.raw), kb(a.totals.js.gzip), kb(a.totals.css.raw), kb(a.totals.css.gzip), kb(a.totals.lazy.gzip), a.totals.wasm?.raw ? kb(a.totals.wasm.gzip) : '–'];
  const all = [head, ...rows, total];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ r) => r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  const rule = w.map((n) => '─'.repeat(n)).join('  ');
  const bins = (a.wasmFiles ?? []).map((w) => `  ${w.file}: ${kb(w.raw)} (${kb(w.gzip)} gzip)`);
  const wasmNote = bins.length ? ['', 'WASM binaries of the compute module (a page fetches at most one, only when a tensor widget starts):', ...bins] : [];
  return [line(head), rule, ...rows.map(line), rule, line(total), ...wasmNote].join('\n');
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const opt = (/** @type {string} */ name, /** @type {string} */ dflt) => {
    const i = args.findIndex((a) => a === name || a.startsWith(name + '='));
    if (i < 0) return dflt;
    return args[i].includes('=') ? args[i].slice(name.length + 1) : (args[i + 1] ?? dflt);
  };
  const dir = opt('--dir', process.env.IW_OUT || 'dist');
  const base = opt('--base', process.env.IW_BASE || '/');
  const json = args.includes('--json');
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`budget: ${dir}/index.html is missing. Build the site first: npm run build`);
    process.exit(2);
  }
  const a = analyzeSite(dir, { base });
  const failures = budgetFailures(a);
  // Warnings go to stderr, so that --json output stays parseable.
  if (warnMissing(a, dir) > 0) console.warn(`${warningSummary()}\n`);
  if (json) {
    console.log(JSON.stringify({ ...a, limit: { textOnlyChapterJsGzip: TEXT_CHAPTER_JS_LIMIT }, failures }, null, 2));
  } else {
    console.log(`JavaScript and CSS per page in ${dir}/ (gzip level 9; "lazy" = loaded on demand through import())\n`);
    console.log(formatTable(a));
    console.log('');
    if (failures.length) for (const f of failures) console.error(`✗ ${f.message}`);
    else console.log(`✓ every text-only chapter ships at most ${kb(TEXT_CHAPTER_JS_LIMIT)} of JavaScript (gzip)`);
  }
  process.exit(failures.length ? 1 : 0);
}
