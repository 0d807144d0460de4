#!/usr/bin/env node
// `npm run test:e2e`: the browser tests over the built site.
//
//   node scripts/e2e.mjs [--reuse] [vitest args…]
//
// 1. Picks the Chromium and prints which and why: $CHROMIUM_PATH, else a system one, else the one in
//    the npm package @sparticuz/chromium, unpacked on first use (tests/e2e/support/chromium.mjs).
// 2. Builds dist/ if it is missing (`npm test` builds it just before; `npm run test:e2e` alone may not).
// 3. Builds dist-course/, the same site under the base path /course/ (IW_BASE=/course/ IW_OUT=dist-course),
//    every time (with --reuse: only when it is missing), with its Pagefind index.
// 4. Runs `vitest run -c vitest.e2e.config.ts`. The exit code is Vitest's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveChromium } from '../tests/e2e/support/chromium.mjs';

const node = process.execPath;

/** Runs a command with inherited stdio; exits the process on failure. */
function run(/** @type {string} */ label, /** @type {string} */ cmd, /** @type {string[]} */ args, /** @type {Record<string, string>} */ env = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env } });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.error || r.status !== 0) {
    console.error(`\n✗ ${label} failed after ${s} s (${r.error?.message ?? `exit ${r.status ?? r.signal}`}).`);
    process.exit(r.status || 1);
  }
  console.log(`✓ ${label} in ${s} s`);
}

/**
 * Builds the site into `outDir` with base `base`: scripts/build.mjs (astro build + Pagefind) when it
 * exists, else astro build and Pagefind here. Adds the Pagefind index if the build left none.
 * @param {{ outDir: string, base: string, label?: string }} o
 */
export function buildSite({ outDir, base, label = outDir }) {
  const env = { IW_OUT: outDir, IW_BASE: base };
  if (existsSync(join('scripts', 'build.mjs'))) run(`build ${label}/ (base ${base})`, node, [join('scripts', 'build.mjs')], env);
  else run(`astro build ${label}/ (base ${base})`, node, [join('node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], env);
  if (!existsSync(join(outDir, 'index.html'))) {
    console.error(`✗ ${outDir}/index.html is missing after the build.`);
    process.exit(1);
  }
  if (!existsSync(join(outDir, 'pagefind', 'pagefind.js'))) run(`pagefind index of ${label}/`, join('node_modules', '.bin', 'pagefind'), ['--site', outDir, '--silent']);
}

/** Builds dist/ (base /) unless it is there. */
export function ensureDist(outDir = 'dist') {
  if (existsSync(join(outDir, 'index.html'))) {
    if (!existsSync(join(outDir, 'pagefind', 'pagefind.js'))) run(`pagefind index of ${outDir}/`, join('node_modules', '.bin', 'pagefind'), ['--site', outDir, '--silent']);
    return;
  }
  console.log(`${outDir}/ is missing: building it first.`);
  buildSite({ outDir, base: '/' });
}

/**
 * The Chromium the browser tests use (unpacking the packaged one if that is it); prints which and
 * why. Exits with a clear message when there is none.
 * @returns {Promise<import('../tests/e2e/support/chromium.mjs').ChromiumChoice>}
 */
export async function requireChromium() {
  try {
    return await resolveChromium();
  } catch (e) {
    console.error(`\n✗ The browser tests need Chromium.\n\n${/** @type {Error} */ (e).message}\n`);
    process.exit(1);
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const reuse = args.includes('--reuse');
  const vitestArgs = args.filter((a) => a !== '--reuse');
  const t0 = performance.now();
  const chrome = await requireChromium();
  ensureDist('dist');
  if (reuse && existsSync(join('dist-course', 'index.html'))) console.log('Reusing dist-course/ (--reuse).');
  else buildSite({ outDir: 'dist-course', base: '/course/' });
  const r = spawnSync(node, [join('node_modules', 'vitest', 'vitest.mjs'), 'run', '-c', 'vitest.e2e.config.ts', ...vitestArgs], {
    stdio: 'inherit',
    // The test files make the same choice; this keeps them from printing it again.
    env: { ...process.env, IW_CHROMIUM_ANNOUNCED: chrome.path },
  });
  console.log(`\ne2e: ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  process.exit(r.status ?? 1);
}
