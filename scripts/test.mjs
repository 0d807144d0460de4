// `npm test`: everything, in the order a failure is cheapest to find — types, unit and theory tests,
// the build (which itself fails on any broken lesson), the page budget, then the browser tests.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const node = process.execPath;
const steps = [
  ['type check', [node, 'scripts/check.mjs']],
  ['unit and theory tests', [node, join('node_modules', 'vitest', 'vitest.mjs'), 'run']],
  ['build', [node, 'scripts/build.mjs']],
  ['budget', [node, 'scripts/budget.mjs']],
  ['end-to-end tests', [node, 'scripts/e2e.mjs']],
];
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
    console.log(`\n${results.join('\n')}\n\n✗ npm test stopped: ${label} failed.`);
    process.exit(r.status || 1);
  }
}
console.log(`\n${results.join('\n')}\n\n✓ all checks passed`);
