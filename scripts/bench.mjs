// `npm run bench`: one command for the book's performance numbers, one JSON file of results.
//
//   build   the synthetic book (50 and 200 chapters) built by us and by Astro Starlight
//           (scripts/bench-build.mjs): ms/chapter, peak memory, budgets
//   pages   every page in Chromium: JS / CSS / font / WASM / HTML bytes (raw and gzip, from dist/)
//           at load and once every widget on it has been scrolled into view and hydrated, and
//           which pages load tfjs and WASM
//   compute the widgets' compute per backend (below)
//   widgets every widget's frame times on its embed route, per backend for the tensor widgets,
//           and the largest setting of each that fits 33 ms (scripts/bench-widgets.mjs)
//   lighthouse  Lighthouse 12 (mobile preset, simulated throttling, local server only) on the home
//           page, every chapter, and three chapters of a synthetic book (scripts/bench-lighthouse.mjs),
//           the median of IW_LH_RUNS (3) runs per page:
//           the four scores, FCP/LCP/TBT/CLS and the scripts that kept the main thread busy. Budgets:
//           100/100/100/100 and CLS 0 on text chapters, performance ≥ 95 on widget chapters
//
// IW_BENCH_PARTS=build,pages,compute,widgets,lighthouse (default: all) picks the parts; the exit code is 1
// when a budget of the build or Lighthouse part fails.
//
// compute: the widgets' compute in headless Chromium, per backend — WebGL (SwiftShader),
// WASM SIMD and CPU forced with ?backend=, and the automatic choice with WebGL on and off (which
// backend it picks and how long choosing took). For each: the device-check routines (/diagnostics/),
// the SGD widget's frame times at K = 10⁴ and 10⁵ chains (requestAnimationFrame intervals while
// it plays at one step per frame: median and 95th percentile), and the NTK widget's frame times and
// time per GD step + redraw (K = 8, width 512, depth 2 and 3). IW_BENCH_RUNS=automatic,wasm keeps only
// the runs whose name contains one of the words. Prints a table per backend and writes
// everything to bench-results.json (or the path given as the first argument). Serves the site from
// $IW_OUT (default dist/; e.g. IW_OUT=dist-perf for a private build) and builds it first if it is missing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { serve } from './serve.mjs';
import { launch } from '../tests/e2e/support/chromium.mjs';
import { listHtml, pagePath, sizes } from './budget.mjs';
import { benchBuild, buildSyntheticSite } from './bench-build.mjs';
import { benchLighthouse } from './bench-lighthouse.mjs';
import { benchWidgets, FRAME_BUDGET_MS, quantile } from './bench-widgets.mjs';

const out = process.argv[2] ?? 'bench-results.json';
const dir = process.env.IW_OUT || 'dist';
if (!existsSync(`${dir}/index.html`)) {
  // build.mjs reads IW_OUT itself; the base must be / for the URLs below.
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', env: { ...process.env, IW_OUT: dir, IW_BASE: '/' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const parts = (process.env.IW_BENCH_PARTS || 'build,pages,compute,widgets,lighthouse').split(',').map((w) => w.trim());
const results = { date: new Date().toISOString(), runs: [] };
let budgetsOk = true;

if (parts.includes('build')) {
  console.log('## Build: the synthetic book, ours and Astro Starlight (same run)');
  results.build = await benchBuild();
  budgetsOk &&= Object.values(results.build.budgets).every(Boolean);
}

const server = await serve({ dir, base: '/', port: 0, quiet: true });

/** The resource's kind by its path. */
const kindOf = (path) => (/\.m?js$/.test(path) ? 'js' : /\.css$/.test(path) ? 'css' : /\.(woff2?|ttf|otf)$/.test(path) ? 'font' : /\.wasm$/.test(path) ? 'wasm' : /\.html$|\/$/.test(path) ? 'html' : 'other');
const fileSizes = new Map();
/** raw and gzip bytes of the file a same-origin URL serves (from dist/). */
function bytesOf(url) {
  const u = new URL(url);
  let path = decodeURIComponent(u.pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = join(dir, path);
  if (!fileSizes.has(file)) fileSizes.set(file, existsSync(file) ? sizes(readFileSync(file)) : { raw: 0, gzip: 0 });
  return fileSizes.get(file);
}
function tally(urls) {
  const t = {};
  for (const url of new Set(urls)) {
    if (!url.startsWith(server.url)) continue;
    const k = kindOf(new URL(url).pathname);
    const b = bytesOf(url);
    t[k] ??= { raw: 0, gzip: 0, files: 0 };
    t[k].raw += b.raw;
    t[k].gzip += b.gzip;
    t[k].files++;
  }
  return t;
}

if (parts.includes('pages')) {
  console.log('\n## Pages: bytes at load and with every widget visible (gzip, KB; raw in the JSON)');
  const browser = await launch({ webgl: 'none' });
  const pages = listHtml(dir)
    .map((f) => pagePath(f))
    .filter((p) => p === '/' || /^\/chapters\/[^/]+\/$/.test(p) || p === '/widgets/' || p === '/print/');
  results.pages = [];
  const fmt = (t, k) => ((t[k]?.gzip ?? 0) / 1024).toFixed(1).padStart(7);
  console.log(`  ${'page'.padEnd(52)} ${'html'.padStart(7)} ${'js'.padStart(7)} ${'css'.padStart(7)} ${'font'.padStart(7)} | visible: ${'js'.padStart(7)} ${'wasm'.padStart(7)} ${'font'.padStart(7)}  tfjs`);
  for (const p of pages) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const urls = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${server.url}${p.slice(1)}`, { waitUntil: 'load' });
    await page.waitForTimeout(500);
    const atLoad = tally(urls);
    // Scroll every island into view, wait for it to hydrate (and its compute module to load).
    // (An island inside a closed <details>, such as a solution, stays unhydrated, as for a reader.)
    const islands = await page.evaluate(async () => {
      // An island is display: contents: its first element is what takes up room on the page.
      const all = [...document.querySelectorAll('astro-island')].map((el) => el.firstElementChild ?? el);
      for (const el of all) {
        el.scrollIntoView({ block: 'center' });
        await new Promise((r) => setTimeout(r, 200));
      }
      return all.filter((el) => el.getClientRects().length > 0).length;
    });
    if (islands) await page.waitForFunction((n) => document.querySelectorAll('[data-hydrated="true"]').length >= n, islands, { timeout: 60_000 }).catch(() => {});
    await page.waitForTimeout(islands ? 3000 : 300);
    const visible = tally(urls);
    const tfjs = urls.some((u) => /engine\.|tfjs|compute\.[\w-]+\.js/.test(u));
    results.pages.push({ page: p, islands, atLoad, visible, tfjs, wasm: urls.filter((u) => /\.wasm$/.test(u)).map((u) => new URL(u).pathname) });
    console.log(`  ${p.padEnd(52)} ${fmt(atLoad, 'html')} ${fmt(atLoad, 'js')} ${fmt(atLoad, 'css')} ${fmt(atLoad, 'font')} | visible: ${fmt(visible, 'js')} ${fmt(visible, 'wasm')} ${fmt(visible, 'font')}  ${tfjs ? 'yes' : 'no'}`);
    await context.close();
  }
  await browser.close();
}

const runs = [
  { name: 'automatic, WebGL on (SwiftShader)', webgl: 'swiftshader', query: '' },
  { name: 'automatic, WebGL off', webgl: 'none', query: '' },
  { name: 'WebGL (SwiftShader), forced', webgl: 'swiftshader', query: '?backend=webgl' },
  { name: 'WASM, forced', webgl: 'none', query: '?backend=wasm' },
  { name: 'CPU, forced', webgl: 'none', query: '?backend=cpu' },
];
// IW_BENCH_RUNS=wasm,automatic: only the runs whose name contains one of these words (case-insensitive).
const only = (process.env.IW_BENCH_RUNS ?? '').split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
if (only.length) runs.splice(0, runs.length, ...runs.filter((r) => only.some((w) => r.name.toLowerCase().includes(w))));
if (!parts.includes('compute')) runs.splice(0, runs.length);

try {
  for (const run of runs) {
    const browser = await launch({ webgl: run.webgl });
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    await page.goto(`${server.url}diagnostics/${run.query}`);
    await page.click('#diag-run');
    await page.waitForFunction(() => window.diagnostics, null, { timeout: 300_000 });
    const d = await page.evaluate(() => window.diagnostics);
    console.log(`\n## ${run.name}: ${d.label} (${d.how}${d.how === 'measured' ? ` in ${d.chooseMs.toFixed(0)} ms` : ''})${d.reason ? ` — ${d.reason}` : ''}`);
    for (const m of d.measured) console.log(`  chooser: ${m.backend.padEnd(6)} ${m.ms !== undefined ? `${m.ms.toFixed(2).padStart(8)} ms` : `  ${m.failure}`}${m.initMs !== undefined ? ` (started in ${m.initMs.toFixed(0)} ms${m.spentMs !== undefined ? `, measuring it took ${m.spentMs.toFixed(0)} ms` : ''})` : ''}`);
    for (const r of d.rows) console.log(`  ${r.name.padEnd(78)} ${r.ms.toFixed(2).padStart(9)} ms   ${r.rate}`);
    const frames = [];
    for (const K of [10_000, 100_000]) {
      await page.goto(`${server.url}embed/sgd-variance/?chains=${K}&steps=1000${run.query.replace('?', '&')}`);
      await page.waitForFunction(() => /Running on/.test(document.querySelector('.iw-backend')?.textContent ?? ''), null, { timeout: 120_000 });
      await page.waitForTimeout(1000);
      const dt = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const t = [];
            const tick = (now) => {
              t.push(now);
              if (t.length < 120) requestAnimationFrame(tick);
              else resolve(t.slice(1).map((v, i) => v - t[i]));
            };
            requestAnimationFrame(tick);
          }),
      );
      const k = await page.evaluate(() => window.infiniteWidth?.readout?.('embed')?.k);
      const row = { chains: K, medianMs: quantile(dt, 0.5), p95Ms: quantile(dt, 0.95), step: k };
      frames.push(row);
      console.log(`  SGD widget, K = ${K.toLocaleString('en')}: frame median ${row.medianMs.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms (at step ${k})`);
    }
    // The NTK widget training K = 8 networks of width 512 towards t = 10,000 (the Runner fits as many
    // GD steps into a frame as its budget allows): frame intervals, and the time per step + redraw.
    const ntkFrames = [];
    for (const depth of [2, 3]) {
      await page.goto(`${server.url}embed/ntk-trajectories/?members=8&width=512&depth=${depth}&activation=relu&t=10000${run.query.replace('?', '&')}`);
      await page.waitForFunction(() => /Running on/.test(document.querySelector('.iw-backend')?.textContent ?? ''), null, { timeout: 120_000 });
      // Until the first snapshot arrives the readout's t is the target (10,000), not the run's step.
      await page.waitForFunction(() => (window.infiniteWidth?.readout?.('embed')?.t ?? 10_000) < 10_000, null, { timeout: 120_000 });
      await page.waitForTimeout(1000);
      const m = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const step = () => window.infiniteWidth?.readout?.('embed')?.t ?? 0;
            const t = [];
            const k0 = step();
            const tick = (now) => {
              t.push(now);
              if (t.length < 90) requestAnimationFrame(tick);
              else resolve({ dt: t.slice(1).map((v, i) => v - t[i]), steps: step() - k0, ms: t.at(-1) - t[0] });
            };
            requestAnimationFrame(tick);
          }),
      );
      const row = { depth, members: 8, width: 512, medianMs: quantile(m.dt, 0.5), p95Ms: quantile(m.dt, 0.95), steps: m.steps, msPerStep: m.steps > 0 ? m.ms / m.steps : null };
      ntkFrames.push(row);
      console.log(`  NTK widget, K = 8, width 512, depth ${depth}: frame median ${row.medianMs.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms; ${m.steps} GD steps in ${m.ms.toFixed(0)} ms (${row.msPerStep === null ? '—' : row.msPerStep.toFixed(1)} ms per step + redraw)`);
    }
    results.runs.push({ ...run, backend: d.backend, label: d.label, how: d.how, chooseMs: d.chooseMs, reason: d.reason, measured: d.measured, routines: d.rows, sgdFrames: frames, ntkFrames });
    await browser.close();
  }
  if (parts.includes('widgets')) {
    console.log(`\n## Widgets: frame times on the embed routes (a run: intervals between frames; no run: key press to redrawn frame); largest setting within ${FRAME_BUDGET_MS} ms`);
    results.widgets = await benchWidgets(server.url);
  }
  if (parts.includes('lighthouse')) {
    console.log(`\n## Lighthouse (mobile, simulated throttling): ${['perf', 'a11y', 'bp', 'seo'].map((c) => c.padStart(4)).join('')}`);
    // A chapter with an island on it is a widget chapter; the others are text.
    const kind = (p) => (readFileSync(join(dir, p, 'index.html'), 'utf8').includes('<astro-island') ? 'widget' : 'text');
    const ours = listHtml(dir)
      .map((f) => pagePath(f))
      .filter((p) => p === '/' || /^\/chapters\/[^/]+\/$/.test(p))
      .map((p) => ({ name: p, url: `${server.url}${p.slice(1)}`, kind: p === '/' ? 'text' : kind(p) }));
    const lh = await benchLighthouse(ours);
    console.log('  (synthetic book, 3 chapters)');
    const synth = await buildSyntheticSite(3);
    const synthServer = await serve({ dir: synth.dist, base: '/', port: 0, quiet: true });
    try {
      lh.push(...(await benchLighthouse(synth.chapters.map((p) => ({ name: `synthetic ${p}`, url: `${synthServer.url}${p.slice(1)}`, kind: 'text' })))));
    } finally {
      await synthServer.close();
      synth.cleanup();
    }
    const misses = lh.filter((r) =>
      r.kind === 'widget'
        ? r.scores.performance < 95 || ['accessibility', 'best-practices', 'seo'].some((c) => r.scores[c] < 100)
        : Object.values(r.scores).some((v) => v < 100) || r.cls > 0,
    );
    for (const r of misses) console.log(`  ✗ ${r.name} (${r.kind}): ${Object.entries(r.scores).map(([c, v]) => `${c} ${v}`).join(', ')}, CLS ${r.cls.toFixed(3)}, TBT ${r.tbtMs.toFixed(0)} ms`);
    if (!misses.length) console.log('  ✓ every page within its Lighthouse budget');
    results.lighthouse = { rows: lh, misses: misses.map((r) => r.name) };
    budgetsOk &&= misses.length === 0;
  }
} finally {
  await server.close();
}
writeFileSync(out, JSON.stringify(results, null, 2));
console.log(`\nwrote ${out}`);
if (!budgetsOk) {
  console.log('✗ a budget failed (see the tables above)');
  process.exit(1);
}
