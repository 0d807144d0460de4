#!/usr/bin/env node
// `npm run test:reliability`: what breaks a book over time or under bad input, in one command.
//
//   node scripts/reliability.mjs [vitest args for the browser part…]
//
// 1. Fuzz without a browser: every widget's URL state (tests/snapshots/url-fuzz.test.ts), its MDX
//    props (tests/unit/markdown/widget-props-fuzz.test.ts), MDX syntax errors
//    (tests/unit/markdown/mdx-syntax.test.ts) and the broken-lesson build with a stray `{`
//    (tests/fixtures/mdx-syntax). These also run in `npm test`.
// 2. In Chromium over dist/ (built if missing): the soak (tests/reliability/soak.test.ts, IW_SOAK_S
//    seconds per widget, 60 by default: about 13 minutes in all), hostile URLs, faults (no WebGL, no
//    WebAssembly, a lost context) and JavaScript off. The soak is the part `npm test` leaves out.
// 3. `npm audit --omit=dev`: no high or critical advisory in what the site ships. A registry that
//    cannot answer audits (some mirrors return 405) is reported, not counted as a failure.
// Exit code: non-zero when any step failed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDist, requireChromium } from './e2e.mjs';

const node = process.execPath;
const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const results = [];

function step(label, cmd, args, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env } });
  const ok = !r.error && r.status === 0;
  results.push({ label, ok, s: (performance.now() - t0) / 1000 });
  return ok;
}

step('fuzz: URL state, MDX props, MDX syntax (no browser)', node, [vitest, 'run', 'tests/snapshots/url-fuzz.test.ts', 'tests/unit/markdown/widget-props-fuzz.test.ts', 'tests/unit/markdown/mdx-syntax.test.ts']);
step('a lesson with a stray { fails the build with file:line, code and hint', node, [vitest, 'run', 'tests/build/fixtures.test.ts', '-t', '^fixtures.*(valid|mdx-syntax)$']);

const chrome = await requireChromium();
ensureDist('dist');
step('soak, hostile URLs, faults, JavaScript off (Chromium)', node, [vitest, 'run', '-c', 'vitest.reliability.config.ts', ...process.argv.slice(2)], { IW_CHROMIUM_ANNOUNCED: chrome.path });

// npm audit: JSON on stdout whatever the outcome; exit 1 also means "advisories found".
{
  const t0 = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['audit', '--omit=dev', '--json'], { encoding: 'utf8', shell: process.platform === 'win32' });
  let report = null;
  try {
    report = JSON.parse(r.stdout || 'null');
  } catch {
    /* not JSON: the registry did not answer */
  }
  const counts = report?.metadata?.vulnerabilities;
  const s = (performance.now() - t0) / 1000;
  if (counts) {
    const bad = (counts.high ?? 0) + (counts.critical ?? 0);
    console.log(`\nnpm audit --omit=dev: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    results.push({ label: 'npm audit --omit=dev: no high or critical advisory', ok: bad === 0, s });
  } else {
    // `||`: npm fills error.summary with '' when the registry answers 405.
    const why = report?.error?.summary || report?.message || (r.stderr || r.stdout || '').trim().split('\n')[0] || 'no answer';
    console.log(`\nnpm audit --omit=dev: the registry gave no audit report (${why.slice(0, 160)}); not counted.`);
    results.push({ label: 'npm audit --omit=dev (registry gave no report: skipped)', ok: true, s });
  }
}

console.log('');
for (const r of results) console.log(`${r.ok ? '✓' : '✗'} ${r.label} (${r.s.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(failed ? `\n✗ reliability: ${failed} step(s) failed.` : '\n✓ reliability: every step passed.');
process.exit(failed ? 1 : 0);
