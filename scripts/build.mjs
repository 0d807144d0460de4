// `npm run build`: the static site (astro build), then its search index (Pagefind), and the time
// each took. IW_BASE and IW_OUT choose the sub-path and output folder (see astro.config.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.env.IW_OUT ?? 'dist';
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const bin = (name) => join('node_modules', '.bin', name);
const extra = process.argv.slice(2);

function run(label, cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n✗ ${label} failed after ${s} s (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
  console.log(`✓ ${label} in ${s} s`);
}

run('astro build', process.execPath, [join('node_modules', 'astro', 'bin', 'astro.mjs'), 'build', ...extra]);
if (!existsSync(join(outDir, 'index.html'))) {
  console.error(`✗ ${outDir}/index.html is missing after the build.`);
  process.exit(1);
}
run('pagefind index', bin('pagefind'), ['--site', outDir, '--silent']);
