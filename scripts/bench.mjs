// `npm run bench`: the widgets' compute in headless Chromium, on WebGL (SwiftShader) and on CPU.
// Prints the device-check numbers (/diagnostics/) and the SGD widget's frame times at K = 10⁴ and
// 10⁵ chains (requestAnimationFrame intervals while it plays at one step per frame, median and 95th
// percentile). Builds dist/ first if it is missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { serve } from './serve.mjs';
import { launch } from '../tests/e2e/support/chromium.mjs';

if (!existsSync('dist/index.html')) {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = await serve({ dir: 'dist', base: '/', port: 0, quiet: true });
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

try {
  for (const webgl of ['swiftshader', 'none']) {
    const browser = await launch({ webgl });
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    await page.goto(`${server.url}diagnostics/`);
    await page.click('#diag-run');
    await page.waitForFunction(() => window.diagnostics, null, { timeout: 300_000 });
    const d = await page.evaluate(() => window.diagnostics);
    console.log(`\n## Chromium, WebGL preset "${webgl}": backend ${d.backend}${d.reason ? ` (${d.reason})` : ''}`);
    for (const r of d.rows) console.log(`  ${r.name.padEnd(66)} ${r.ms.toFixed(2).padStart(9)} ms   ${r.rate}`);
    for (const K of [10_000, 100_000]) {
      await page.goto(`${server.url}embed/sgd-variance/?chains=${K}&steps=1000`);
      await page.waitForFunction(() => /GPU|CPU/.test(document.querySelector('.iw-backend')?.textContent ?? ''), null, { timeout: 120_000 });
      await page.waitForTimeout(1000);
      const frames = await page.evaluate(
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
      const k = await page.evaluate(() => document.querySelector('.iw-summary')?.textContent?.match(/After (\d+) step/)?.[1]);
      console.log(`  SGD widget, K = ${K.toLocaleString('en')}: frame median ${quantile(frames, 0.5).toFixed(1)} ms, p95 ${quantile(frames, 0.95).toFixed(1)} ms (at step ${k})`);
    }
    await browser.close();
  }
} finally {
  await server.close();
}
