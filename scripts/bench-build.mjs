// The build benchmark: a synthetic math-heavy book (scripts/synthetic-book.mjs) of 50 and 200
// chapters built by this project (scripts/build.mjs in a throwaway copy: astro build, Pagefind, the
// CSP) and by Astro Starlight with remark-math + rehype-katex (bench/starlight/, installed there on
// first use), in the same run, interleaved, so the noisy machine affects both alike. For each:
// wall time, ms per chapter and peak resident memory of the whole process tree (Linux /proc,
// sampled every 50 ms). Budgets: ours ≤ 0.6 × Starlight's ms/chapter, peak RSS ≤ 1 GB at N = 200,
// and ms/chapter at 200 no more than 1.25 × that at 50 (it must not grow with N).
//
//   node scripts/bench-build.mjs [out.json]        IW_BENCH_BOOK_SIZES=50,200 (default)
//
// Used by scripts/bench.mjs (`npm run bench`), which puts the result into its JSON file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticBook } from './synthetic-book.mjs';
import { buildEnv, makeProjectCopy } from '../tests/build/project.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const STARLIGHT = join(ROOT, 'bench', 'starlight');
export const BUDGET = { ratio: 0.6, peakRssMB: 1024, growth: 1.25 };

/** Resident memory (KB) of `pid` and all its descendants, from /proc; 0 where /proc is absent. */
function treeRssKB(pid) {
  if (!existsSync('/proc')) return 0;
  const children = new Map();
  const rss = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(d), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      /* the process ended while we looked */
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Runs a command, timing it and sampling its process tree's memory; rejects on a non-zero exit. */
function measure(label, cmd, args, opts) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out = (out + d).slice(-20_000)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-20_000)));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRssKB(child.pid))), 50);
    child.on('close', (code) => {
      clearInterval(timer);
      const ms = performance.now() - t0;
      if (code !== 0) rej(new Error(`${label}: exit ${code}\n${out.split('\n').slice(-30).join('\n')}`));
      else res({ ms, peakRssMB: peak / 1024 });
    });
  });
}

/**
 * Installs the npm project in `dir` (one of bench/'s yardsticks) when `probe`, a path under its
 * node_modules, is missing: `npm install`, not `npm ci` (see README).
 */
export function ensureNpmProject(dir, probe, label) {
  if (existsSync(join(dir, 'node_modules', probe))) return;
  console.log(`bench: installing ${label} into ${relative(ROOT, dir)}/ (first run only)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`bench: npm install in ${dir} failed`);
}
const ensureStarlight = () => ensureNpmProject(STARLIGHT, join('@astrojs', 'starlight'), 'Astro Starlight');

async function buildOurs(n, { keep = false } = {}) {
  const src = mkdtempSync(join(tmpdir(), `iw-synth-${n}-`));
  const stats = writeSyntheticBook(src, n, 'ours');
  const dir = makeProjectCopy(`bench-${n}`, [src]);
  const cleanup = () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(src, { recursive: true, force: true });
  };
  try {
    const m = await measure(`ours, N = ${n}`, process.execPath, ['scripts/build.mjs'], { cwd: dir, env: buildEnv() });
    if (keep) return { ...m, stats, dist: join(dir, 'dist'), cleanup };
    return { ...m, stats };
  } finally {
    if (!keep) cleanup();
  }
}

/**
 * Builds a synthetic book of `n` chapters with our generator and keeps the site (for Lighthouse):
 * `{ dist, chapters, cleanup }`, chapters being the site paths of its chapter pages.
 */
export async function buildSyntheticSite(n) {
  const r = await buildOurs(n, { keep: true });
  const chapters = readdirSync(join(r.dist, 'chapters'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(r.dist, 'chapters', d.name, 'index.html')))
    .map((d) => `/chapters/${d.name}/`)
    .sort();
  return { dist: r.dist, chapters, cleanup: r.cleanup };
}

async function buildStarlight(n) {
  const docs = join(STARLIGHT, 'src', 'content', 'docs');
  rmSync(docs, { recursive: true, force: true });
  writeSyntheticBook(docs, n, 'starlight');
  writeFileSync(join(docs, 'index.mdx'), '---\ntitle: Synthetic book\ndescription: The synthetic book of the build benchmark.\n---\n\nThe chapters are in the sidebar.\n');
  rmSync(join(STARLIGHT, 'dist'), { recursive: true, force: true });
  rmSync(join(STARLIGHT, 'node_modules', '.astro'), { recursive: true, force: true });
  return measure(`Starlight, N = ${n}`, process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], { cwd: STARLIGHT, env: buildEnv() });
}

/** Runs the benchmark, prints its table, returns the results (with `budgets`: name → pass). */
export async function benchBuild(sizes = (process.env.IW_BENCH_BOOK_SIZES || '50,200').split(',').map(Number)) {
  ensureStarlight();
  const rows = [];
  for (const n of sizes) {
    const ours = await buildOurs(n);
    const starlight = await buildStarlight(n);
    const row = { chapters: n, words: ours.stats.words, formulas: ours.stats.formulas, ours: { ms: ours.ms, msPerChapter: ours.ms / n, peakRssMB: ours.peakRssMB }, starlight: { ms: starlight.ms, msPerChapter: starlight.ms / n, peakRssMB: starlight.peakRssMB } };
    row.ratio = row.ours.msPerChapter / row.starlight.msPerChapter;
    rows.push(row);
    console.log(`  N = ${String(n).padStart(3)}: ours ${(ours.ms / 1000).toFixed(1)} s (${row.ours.msPerChapter.toFixed(0)} ms/chapter, peak ${row.ours.peakRssMB.toFixed(0)} MB) · Starlight ${(starlight.ms / 1000).toFixed(1)} s (${row.starlight.msPerChapter.toFixed(0)} ms/chapter, peak ${row.starlight.peakRssMB.toFixed(0)} MB) · ratio ${row.ratio.toFixed(2)}`);
  }
  const big = rows.find((r) => r.chapters === Math.max(...sizes));
  const small = rows.find((r) => r.chapters === Math.min(...sizes));
  const growth = big && small && big !== small ? big.ours.msPerChapter / small.ours.msPerChapter : null;
  const budgets = {
    [`ms/chapter ≤ ${BUDGET.ratio} × Starlight's (N = ${big.chapters})`]: big.ratio <= BUDGET.ratio,
    [`peak RSS ≤ ${BUDGET.peakRssMB} MB (N = ${big.chapters})`]: big.ours.peakRssMB <= BUDGET.peakRssMB,
    ...(growth === null ? {} : { [`ms/chapter at N = ${big.chapters} ≤ ${BUDGET.growth} × at N = ${small.chapters}`]: growth <= BUDGET.growth }),
  };
  if (growth !== null) console.log(`  ms/chapter, N = ${big.chapters} over N = ${small.chapters}: ${growth.toFixed(2)}`);
  for (const [name, ok] of Object.entries(budgets)) console.log(`  ${ok ? '✓' : '✗'} ${name}`);
  return { rows, growth, budgets };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  console.log('## Build: the synthetic book, ours and Astro Starlight');
  const r = await benchBuild();
  if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(r, null, 2));
  process.exit(Object.values(r.budgets).every(Boolean) ? 0 : 1);
}
