// Lighthouse over built pages: the `lighthouse` package (12.2.x, installed into bench/lighthouse/ on
// first use) driving the Chromium the tests use, its default mobile preset with simulated
// throttling, no network beyond the local server. Scores (performance, accessibility, best
// practices, SEO) and the metrics behind performance (FCP, LCP, TBT, CLS) per page. One run's
// performance score swings by ±5 here (the simulated total blocking time is the observed long
// tasks ×4, and a 2-core machine's long tasks vary), so each page is run IW_LH_RUNS times (3 by
// default) and the median run by performance score is the one reported (Lighthouse's own
// computeMedianRun picks by FCP and TTI, which ignores the blocking time that moves the score
// here); the other runs' performance scores are kept in the row.
//
//   import { benchLighthouse } from './bench-lighthouse.mjs';
//   const rows = await benchLighthouse([{ name: '/chapters/sgd/', url }, …]);
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch } from '../tests/e2e/support/chromium.mjs';
import { ensureNpmProject } from './bench-build.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DIR = join(ROOT, 'bench', 'lighthouse');
export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const RUNS = Math.max(1, Number(process.env.IW_LH_RUNS || 3));

const ensureLighthouse = () => ensureNpmProject(DIR, join('lighthouse', 'package.json'), 'Lighthouse');

/**
 * @param {{ name: string, url: string, kind?: string }[]} pages
 * @returns {Promise<{ name: string, kind?: string, scores: Record<string, number>, fcpMs: number, lcpMs: number, tbtMs: number, cls: number, blocking: string[] }[]>}
 */
export async function benchLighthouse(pages) {
  ensureLighthouse();
  const { default: lighthouse } = await import(pathToFileURL(join(DIR, 'node_modules', 'lighthouse', 'core', 'index.js')).href);
  const port = 9300 + Math.floor(Math.random() * 500);
  const browser = await launch({ webgl: 'none', args: [`--remote-debugging-port=${port}`] });
  const rows = [];
  try {
    for (const p of pages) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push((await lighthouse(p.url, { port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES })).lhr);
      const perf = (l) => l.categories.performance?.score ?? 0;
      const lhr = runs.slice().sort((a, b) => perf(a) - perf(b))[Math.floor(runs.length / 2)];
      const perfRuns = runs.map((l) => Math.round(perf(l) * 100));
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
      const num = (id) => lhr.audits[id]?.numericValue ?? NaN;
      // What kept the main thread busy longest (the bootup-time audit's top scripts).
      const blocking = (lhr.audits['bootup-time']?.details?.items ?? []).slice(0, 3).map((i) => `${String(i.url).replace(/^https?:\/\/[^/]+/, '')} ${Math.round(i.total)} ms`);
      const failed = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric'].includes(a.scoreDisplayMode) && lhr.categories.accessibility.auditRefs.concat(lhr.categories['best-practices'].auditRefs, lhr.categories.seo.auditRefs).some((ref) => ref.id === a.id && ref.weight > 0))
        .map((a) => a.id);
      const row = { name: p.name, kind: p.kind, scores, perfRuns, fcpMs: num('first-contentful-paint'), lcpMs: num('largest-contentful-paint'), tbtMs: num('total-blocking-time'), cls: num('cumulative-layout-shift'), blocking, failed };
      rows.push(row);
      console.log(`  ${p.name.padEnd(52)} ${CATEGORIES.map((c) => String(scores[c]).padStart(4)).join('')}  FCP ${(row.fcpMs / 1000).toFixed(1)} s, LCP ${(row.lcpMs / 1000).toFixed(1)} s, TBT ${row.tbtMs.toFixed(0)} ms, CLS ${row.cls.toFixed(3)}${RUNS > 1 ? `  (runs: ${perfRuns.join(', ')})` : ''}${failed.length ? `  failing: ${failed.join(', ')}` : ''}`);
    }
  } finally {
    await browser.close();
  }
  return rows;
}
