// `npm run check`: type-check .ts, .astro and .svelte files (astro check runs tsc and the Astro/Svelte
// language tools) with no emitted output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const r = spawnSync(process.execPath, [join('node_modules', 'astro', 'bin', 'astro.mjs'), 'check', '--minimumSeverity', 'warning'], {
  stdio: 'inherit',
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
});
process.exit(r.status ?? 1);
