import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TEXT_CHAPTER_JS_LIMIT, analyzeSite, budgetFailures, extractImports, formatTable, warnMissing } from '../../../scripts/budget.mjs';
import { resetWarnings, warnings } from '../../../src/errors/warnings.ts';

const gz = (s: string | Buffer) => gzipSync(s, { level: 9 }).length;

describe('extractImports', () => {
  test('finds static imports in minified and readable code, dynamic ones apart', () => {
    const code = [
      'import{a as b,c}from"./chunk.js";import"./side.js";',
      "import x from './x.js';",
      'import * as ns from "../ns.js"',
      'export{d}from"./re.js";export*from"./all.js";',
      'const l=()=>import("./lazy.js");',
      "const m = () => import( './lazy2.js' );",
      'const s="important from x"; foo.import("./not.js"); import(`${base}pagefind/pagefind.js`);',
      'const w=new Worker(new URL("./worker.js",import.meta.url),{type:"module"});',
    ].join('\n');
    const r = extractImports(code);
    expect(r.static.sort()).toEqual(['../ns.js', './all.js', './chunk.js', './re.js', './side.js', './x.js']);
    expect(r.dynamic.sort()).toEqual(['./lazy.js', './lazy2.js', './worker.js']);
  });
});

describe('analyzeSite', () => {
  let dir: string;
  const big = 'x'.repeat(100) + Array.from({ length: 4000 }, (_, i) => `var v${i}=${(i * 7919) % 10007};`).join('');
  const files: Record<string, string> = {
    '_astro/a.js': 'import{q}from"./shared.js";import"./side.js";const l=()=>import("./lazy.js");',
    '_astro/shared.js': 'export const q=1;',
    '_astro/side.js': 'import{q}from"./shared.js";console.log(q)',
    '_astro/lazy.js': 'import"./lazydep.js";const w=[`/_astro/b-simd.wasm`,"./b.wasm"];export default 1',
    '_astro/lazydep.js': 'export const z=2',
    '_astro/Widget.js': 'import{q}from"./shared.js";export default function W(){}',
    '_astro/client.js': 'export default()=>{}',
    '_astro/pre.js': 'export const p=1',
    '_astro/big.js': big,
    '_astro/site.css': '@import "./extra.css";body{color:red}',
    '_astro/extra.css': 'p{margin:0}',
    '_astro/b-simd.wasm': 'wasm-simd-binary'.repeat(50),
    '_astro/b.wasm': 'wasm-binary',
  };
  const page = (head: string, body = '') => `<!doctype html><html lang="en"><head>${head}</head><body>${body}</body></html>`;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iw-budget-'));
    for (const [f, t] of Object.entries(files)) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), t);
    }
    const write = (f: string, html: string) => {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), html);
    };
    write('index.html', page('<link rel="stylesheet" href="/_astro/site.css"><style>h1{x:y}</style><script type="module" src="/_astro/a.js"></script><script type="application/ld+json">{"a":1}</script>'));
    write('chapters/text/index.html', page('<script>var inline=1</script><link rel="modulepreload" href="/_astro/pre.js"><script type="module" src="/_astro/a.js"></script>'));
    write(
      'chapters/widget/index.html',
      page('<script type="module" src="/_astro/a.js"></script>', '<astro-island uid="1" component-url="/_astro/Widget.js" renderer-url="/_astro/client.js"></astro-island>'),
    );
    write('chapters/heavy/index.html', page('<script type="module" src="/_astro/big.js"></script><script src="https://cdn.example/x.js"></script><script src="/_astro/gone.js"></script>'));
    write('pagefind/ignored.html', page('<script src="/_astro/big.js"></script>'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('counts scripts, their static imports once, inline code, styles, islands; dynamic imports as lazy', () => {
    const a = analyzeSite(dir);
    const by = Object.fromEntries(a.pages.map((p) => [p.page, p]));
    expect(Object.keys(by).sort()).toEqual(['/', '/chapters/heavy/', '/chapters/text/', '/chapters/widget/']);

    const home = by['/'];
    const homeJs = ['_astro/a.js', '_astro/shared.js', '_astro/side.js'].map((f) => files[f]);
    expect(home.js.raw).toBe(homeJs.reduce((n, t) => n + Buffer.byteLength(t), 0));
    expect(home.js.gzip).toBe(homeJs.reduce((n, t) => n + gz(t), 0));
    expect(home.css.raw).toBe(Buffer.byteLength(files['_astro/site.css']) + Buffer.byteLength(files['_astro/extra.css']) + 'h1{x:y}'.length);
    expect(home.lazy.raw).toBe(Buffer.byteLength(files['_astro/lazy.js']) + Buffer.byteLength(files['_astro/lazydep.js']));
    expect(home.lazyFiles.sort()).toEqual(['/_astro/lazy.js', '/_astro/lazydep.js']);
    // The WASM binaries that lazy code refers to: the page may fetch the largest one (a browser fetches one of them).
    expect(home.wasmFiles.sort()).toEqual(['/_astro/b-simd.wasm', '/_astro/b.wasm']);
    expect(home.wasm.raw).toBe(files['_astro/b-simd.wasm'].length);
    expect(a.totals.wasm.raw).toBe(files['_astro/b-simd.wasm'].length + files['_astro/b.wasm'].length);
    expect(formatTable(a)).toMatch(/\/_astro\/b-simd\.wasm: 800 B/);
    expect(home.textOnly).toBe(true);
    expect(home.chapter).toBe(false);

    const text = by['/chapters/text/'];
    expect(text.js.raw).toBe(home.js.raw + Buffer.byteLength(files['_astro/pre.js']) + 'var inline=1'.length);

    const widget = by['/chapters/widget/'];
    expect(widget.textOnly).toBe(false);
    expect(widget.islands).toBe(1);
    expect(widget.js.raw).toBe(home.js.raw + Buffer.byteLength(files['_astro/Widget.js']) + Buffer.byteLength(files['_astro/client.js']));

    const heavy = by['/chapters/heavy/'];
    expect(heavy.js.gzip).toBe(gz(big));
    expect(heavy.missing).toEqual(['<script src>: /_astro/gone.js']);

    // Site totals count each file once.
    const allJs = Object.entries(files).filter(([f]) => f.endsWith('.js') && !f.includes('lazy'));
    expect(by['/chapters/heavy/'].wasm.raw).toBe(0);
    expect(a.totals.js.raw).toBe(allJs.reduce((n, [, t]) => n + Buffer.byteLength(t), 0) + 'var inline=1'.length);
    expect(formatTable(a)).toContain('/chapters/heavy/');
  });

  test('fails text-only chapters over 10 KB of gzip JS, not pages with islands or other pages', () => {
    expect(gz(big)).toBeGreaterThan(TEXT_CHAPTER_JS_LIMIT);
    const a = analyzeSite(dir);
    const f = budgetFailures(a);
    expect(f.map((x) => x.page)).toEqual(['/chapters/heavy/']);
    expect(f[0].message).toContain('/chapters/heavy/');
    expect(f[0].message).toContain(String(gz(big)));
    expect(budgetFailures(a, 1).map((x) => x.page).sort()).toEqual(['/chapters/heavy/', '/chapters/text/']);
  });

  test('files referenced but not in the folder are budget/missing-file warnings, printed once each', () => {
    resetWarnings();
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((m: unknown) => void printed.push(String(m)));
    try {
      const a = analyzeSite(dir);
      expect(warnMissing(a, 'dist')).toBe(1);
      expect(warnMissing(a, 'dist')).toBe(1);
      expect(printed).toEqual([
        [
          'warning [budget/missing-file] dist/chapters/heavy/index.html: Refers to <script src>: /_astro/gone.js, which is not in dist/ (so its size is not counted).',
          '  hint: Check the path; files that are not built belong in public/.',
          '  docs: CONTRIBUTING.md#before-you-open-a-pull-request',
        ].join('\n'),
      ]);
      expect(warnings().map((w) => [w.code, w.count])).toEqual([['budget/missing-file', 2]]);
    } finally {
      spy.mockRestore();
      resetWarnings();
    }
  });

  test('a site built under a base path', () => {
    const d = mkdtempSync(join(tmpdir(), 'iw-budget-base-'));
    try {
      mkdirSync(join(d, '_astro'));
      writeFileSync(join(d, '_astro', 'a.js'), 'import"./b.js"');
      writeFileSync(join(d, '_astro', 'b.js'), 'export{}');
      writeFileSync(join(d, 'index.html'), page('<script type="module" src="/course/_astro/a.js"></script><script src="../outside.js"></script>'));
      const a = analyzeSite(d, { base: '/course/' });
      expect(a.pages[0].js.raw).toBe('import"./b.js"'.length + 'export{}'.length);
      expect(a.pages[0].missing).toEqual(['<script src>: ../outside.js']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
