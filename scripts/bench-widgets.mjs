// Frame times of every widget on its embed route, in headless Chromium (part "widgets" of
// `npm run bench`). A widget that animates (a Runner: Play/Pause) is measured while it runs: the
// intervals between 90 animation frames, median and 95th percentile, and the simulation steps it
// got through. A widget that only redraws on input is measured from a slider's key press to the
// frame after its redraw (20 presses). Tensor widgets run on every backend the compute module can
// choose here — WASM SIMD and CPU without WebGL, WebGL on SwiftShader — at their defaults; then, on
// the backend chosen automatically without WebGL, a sweep of their size parameter finds the
// largest setting whose median frame still fits 33 ms.
//
//   import { benchWidgets } from './bench-widgets.mjs';
//   const result = await benchWidgets(serverUrl);   // { rows, largest }; IW_BENCH_WIDGETS=a,b picks widgets
import { launch } from '../tests/e2e/support/chromium.mjs';
import { widgets } from '../widgets/registry.ts';

export const FRAME_BUDGET_MS = 33;

/**
 * Settings beyond the defaults: long horizons, so that a run outlasts the measurement (a finished
 * run's frames are idle ones); the GP widget's finite-width overlay on (at width 0 it draws the
 * kernel alone, without tensors).
 */
const BASE_QUERY = {
  'sgd-variance': 'steps=1000',
  catapult: 'steps=1000',
  'ntk-trajectories': 't=10000',
  'gp-bands': 'kernel=nngp&width=256',
};
/** The size parameter each tensor widget is swept over (the default is measured per backend). */
const SWEEP = {
  'sgd-variance': { param: 'chains', values: [10_000, 30_000, 100_000] },
  catapult: { param: 'width', values: [10_000, 100_000] },
  'ntk-trajectories': { param: 'width', values: [1024, 2048, 4096] },
  'gp-bands': { param: 'width', values: [1024, 4096] },
  'phase-diagram': { param: 'width', values: [1000, 2000] },
};
const BACKENDS = [
  { name: 'wasm', webgl: 'none', query: 'backend=wasm' },
  { name: 'cpu', webgl: 'none', query: 'backend=cpu' },
  { name: 'webgl', webgl: 'swiftshader', query: 'backend=webgl' },
];

/** The q-quantile of a sample (NaN for none): frame-time medians and 95th percentiles. */
export const quantile = (xs, q) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : NaN);

/** Loads one embed route and measures it; returns { mode, medianMs, p95Ms, steps?, backend? } or { error }. */
async function measure(browser, url, tensors) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('#embed').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'), null, { timeout: 60_000 });
    // The phase diagram computes on request: draw its random networks, and measure while it does.
    const draw = page.getByRole('button', { name: 'Draw random networks' });
    const drawing = (await draw.count()) > 0;
    if (drawing) await draw.first().click();
    if (tensors) await page.waitForFunction(() => /Running on/.test(document.querySelector('#embed .iw-backend')?.textContent ?? ''), null, { timeout: 60_000 });
    // A Runner autoplays once its first run is built (its button is disabled until then): wait for
    // Pause; only a run that does not start by itself is started with Play.
    const transport = page.locator('#embed button', { hasText: /^(Play|Pause|Replay)$/ });
    const pause = page.locator('#embed button', { hasText: /^Pause$/ });
    if ((await transport.count()) && !drawing) {
      await pause.first().waitFor({ timeout: 30_000 }).catch(() => {});
      if (!(await pause.count())) await page.locator('#embed button:enabled', { hasText: /^(Play|Replay)$/ }).first().click({ timeout: 60_000 });
    }
    if (!drawing) await page.waitForTimeout(500);
    const backend = tensors ? ((await page.locator('#embed .iw-backend').textContent()) ?? '').replace(/\s+/g, ' ').trim().slice(0, 80) : undefined;
    const animating = (await pause.count()) > 0 || drawing;
    if (animating) {
      const m = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const step = () => {
              const r = window.infiniteWidth?.readout?.('embed') ?? {};
              return r.k ?? r.t ?? r.step ?? 0;
            };
            const t = [];
            const s0 = step();
            const tick = (now) => {
              t.push(now);
              if (t.length < 91) requestAnimationFrame(tick);
              else resolve({ dt: t.slice(1).map((v, i) => v - t[i]), steps: step() - s0 });
            };
            requestAnimationFrame(tick);
          }),
      );
      return { mode: 'running', medianMs: quantile(m.dt, 0.5), p95Ms: quantile(m.dt, 0.95), steps: m.steps, backend };
    }
    const slider = page.locator('#embed input[type="range"]').first();
    if (!(await slider.count())) return { error: 'neither a run nor a slider to measure' };
    await slider.focus();
    await page.evaluate(() => {
      window.__latency = [];
      document.addEventListener('keydown', (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => requestAnimationFrame((t1) => window.__latency.push(t1 - t0)));
      });
    });
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForTimeout(120);
    }
    const lat = await page.evaluate(() => window.__latency);
    return { mode: 'input', medianMs: quantile(lat, 0.5), p95Ms: quantile(lat, 0.95), backend };
  } catch (e) {
    return { error: String(e?.message ?? e).split('\n')[0] };
  } finally {
    await context.close();
  }
}

const fmt = (r) => (r.error ? `failed: ${r.error}` : `median ${r.medianMs.toFixed(1).padStart(6)} ms, p95 ${r.p95Ms.toFixed(1).padStart(6)} ms${r.mode === 'input' ? ' (key press → redrawn frame)' : `, ${r.steps} steps in 90 frames`}`);

/** @param {string} base the served site's URL, ending in / */
export async function benchWidgets(base) {
  const rows = [];
  const largest = {};
  const browsers = {};
  const browser = async (webgl) => (browsers[webgl] ??= await launch({ webgl }));
  try {
    // IW_BENCH_WIDGETS=gp-bands,catapult: only these widgets.
    const only = (process.env.IW_BENCH_WIDGETS ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    for (const w of widgets.filter((w) => !only.length || only.includes(w.slug))) {
      const long = BASE_QUERY[w.slug] ? `${BASE_QUERY[w.slug]}&` : '';
      const url = (q) => `${base}embed/${w.slug}/?${long}${q}`;
      if (!w.usesTensors) {
        const r = await measure(await browser('none'), url(''), false);
        rows.push({ widget: w.slug, backend: 'none', ...r });
        console.log(`  ${w.slug.padEnd(18)} ${'(no tensors)'.padEnd(8)} ${fmt(r)}`);
        continue;
      }
      for (const b of BACKENDS) {
        const r = await measure(await browser(b.webgl), url(b.query), true);
        rows.push({ widget: w.slug, backend: b.name, ...r });
        console.log(`  ${w.slug.padEnd(18)} ${b.name.padEnd(8)} ${fmt(r)}`);
      }
      const sweep = SWEEP[w.slug];
      if (!sweep) continue;
      const def = Number(new URLSearchParams(BASE_QUERY[w.slug] ?? '').get(sweep.param) ?? w.schema?.params?.[sweep.param]?.default);
      const fits = rows.filter((r) => r.widget === w.slug && r.backend === 'wasm' && !r.error && r.medianMs <= FRAME_BUDGET_MS);
      largest[w.slug] = { param: sweep.param, value: fits.length ? def : null, backend: 'automatic, no WebGL' };
      for (const v of sweep.values) {
        const r = await measure(await browser('none'), url(`${sweep.param}=${v}`), true);
        rows.push({ widget: w.slug, backend: 'automatic', [sweep.param]: v, ...r });
        console.log(`  ${w.slug.padEnd(18)} ${`${sweep.param}=${v}`.padEnd(8)} ${fmt(r)}${r.backend ? ` · ${r.backend}` : ''}`);
        if (!r.error && r.medianMs <= FRAME_BUDGET_MS) largest[w.slug].value = v;
        else break;
      }
      console.log(`  ${w.slug.padEnd(18)} largest ${sweep.param} within ${FRAME_BUDGET_MS} ms: ${largest[w.slug].value ?? `none (the default ${def} does not fit)`}`);
    }
  } finally {
    for (const b of Object.values(browsers)) await b.close();
  }
  return { rows, largest };
}
