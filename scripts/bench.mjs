// `npm run bench`: the widgets' compute in headless Chromium, per backend — WebGL (SwiftShader),
// WASM SIMD and CPU forced with ?backend=, and the automatic choice with WebGL on and off (which
// backend it picks and how long choosing took). For each: the device-check routines (/diagnostics/),
// the SGD widget's frame times at K = 10⁴ and 10⁵ chains (requestAnimationFrame intervals while
// it plays at one step per frame: median and 95th percentile), and the NTK widget's frame times and
// time per GD step + redraw (K = 8, width 512, depth 2 and 3). IW_BENCH_RUNS=automatic,wasm keeps only
// the runs whose name contains one of the words. Prints a table per backend and writes
// everything to bench-results.json (or the path given as the first argument). Serves the site from
// $IW_OUT (default dist/; e.g. IW_OUT=dist-perf for a private build) and builds it first if it is missing.
import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { serve } from './serve.mjs';
import { launch } from '../tests/e2e/support/chromium.mjs';

const out = process.argv[2] ?? 'bench-results.json';
const dir = process.env.IW_OUT || 'dist';
if (!existsSync(`${dir}/index.html`)) {
  // build.mjs reads IW_OUT itself; the base must be / for the URLs below.
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', env: { ...process.env, IW_OUT: dir, IW_BASE: '/' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = await serve({ dir, base: '/', port: 0, quiet: true });
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

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
const results = { date: new Date().toISOString(), runs: [] };

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
} finally {
  await server.close();
}
writeFileSync(out, JSON.stringify(results, null, 2));
console.log(`\nwrote ${out}`);
