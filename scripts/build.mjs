// `npm run build`: the static site (astro build), then its search index (Pagefind), and the time
// each took. IW_BASE and IW_OUT choose the sub-path and output folder (see astro.config.mjs).
// `npm run build -- --edition instructor` (or IW_EDITION=instructor) builds the instructor edition,
// into dist-instructor/ unless IW_OUT says otherwise (src/lib/edition.ts; CONTRIBUTING.md, "Editions").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseEdition, defaultOutDir } from '../src/lib/edition.ts';
import { normalizeBase } from '../src/book/base-path.ts';
import { writePolicy } from './csp.mjs';

// `--edition X` / `--edition=X` is ours (astro build does not know it): it becomes IW_EDITION.
const extra = [];
let editionArg;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--edition') editionArg = process.argv[++i] ?? '';
  else if (a.startsWith('--edition=')) editionArg = a.slice('--edition='.length);
  else extra.push(a);
}
let edition;
try {
  edition = parseEdition(editionArg ?? process.env.IW_EDITION);
} catch (e) {
  console.error(`✗ ${e instanceof Error ? e.message : e}`);
  process.exit(2);
}
const outDir = process.env.IW_OUT ?? defaultOutDir(edition);
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', IW_EDITION: edition };
const bin = (name) => join('node_modules', '.bin', name);
if (edition !== 'default') console.log(`Building the ${edition} edition into ${outDir}/`);

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
try {
  const t0 = performance.now();
  const { hashes } = writePolicy(outDir, normalizeBase(process.env.IW_BASE ?? '/'));
  console.log(`✓ Content-Security-Policy (${hashes.length} inline script hashes) in _headers and csp-nginx.conf in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`✗ ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
