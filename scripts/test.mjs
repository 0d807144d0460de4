// `npm test`: everything, in the order a failure is cheapest to find — types, unit and theory tests,
// the build (which itself fails on any broken lesson), the page budget, then the browser tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// Each Vitest run also writes a JSON report, so the last line can count every test.
const REPORTS = 'test-results';
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });
const json = (name) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(REPORTS, `${name}.json`)}`];

const node = process.execPath;
const steps = [
  ['type check', [node, 'scripts/check.mjs']],
  ['unit and theory tests', [node, join('node_modules', 'vitest', 'vitest.mjs'), 'run', ...json('unit')]],
  ['build', [node, 'scripts/build.mjs']],
  ['budget', [node, 'scripts/budget.mjs']],
  ['end-to-end tests', [node, 'scripts/e2e.mjs', ...json('e2e')]],
];
/** "N passed, N failed" over the Vitest reports written so far (the plain line CI reads). */
function tally() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const name of ['unit', 'e2e']) {
    const f = join(REPORTS, `${name}.json`);
    if (!existsSync(f)) continue;
    try {
      const r = JSON.parse(readFileSync(f, 'utf8'));
      passed += r.numPassedTests ?? 0;
      failed += r.numFailedTests ?? 0;
      skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    } catch {
      /* a run that died before writing its report counts through its exit code */
    }
  }
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

const only = process.argv.slice(2);
const results = [];
for (const [label, [cmd, ...args]] of steps) {
  if (only.length && !only.some((o) => label.includes(o))) continue;
  console.log(`\n━━ ${label} ━━`);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  results.push(`${r.status === 0 ? '✓' : '✗'} ${label} (${secs} s)`);
  if (r.status !== 0) {
    console.log(`\n${results.join('\n')}\n\n✗ npm test stopped: ${label} failed.\n${tally()}`);
    process.exit(r.status || 1);
  }
}
console.log(`\n${results.join('\n')}\n\n✓ all checks passed\n${tally()}`);
