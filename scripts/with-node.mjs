#!/usr/bin/env node
// Runs a command with a Node.js new enough for Astro 7 and Vitest 5 (>= 22.18).
//
// `npm start` and `npm test` must work as written on a machine whose system Node is 20. When the
// running Node is older than MIN, this installs the `node@24` package from the npm registry into a
// cache folder once (it ships a real Node binary) and re-runs the command with that Node first on
// PATH, so every `#!/usr/bin/env node` tool below (astro, vitest, pagefind) uses it.
//
// Written for Node 18+ with no dependencies: it runs before `node_modules` is trusted. .ci/run runs
// its npm commands through it too (`node scripts/with-node.mjs npm install …`): the one copy of this bootstrap.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const MIN = [22, 18]; // 22.18: plain .ts imports without a flag (scripts/serve.mjs, budget.mjs)
const PACKAGE = 'node@24';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node scripts/with-node.mjs <command> [args…]');
  process.exit(2);
}

function newEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

function cacheDir() {
  if (process.env.INFINITE_WIDTH_NODE_CACHE) return process.env.INFINITE_WIDTH_NODE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'infinite-width', 'node24');
}

function ensureNode() {
  const dir = cacheDir();
  const bin = join(dir, 'node_modules', 'node', 'bin');
  const exe = join(bin, 'node');
  if (existsSync(exe)) {
    try {
      const v = execFileSync(exe, ['--version'], { encoding: 'utf8' }).trim();
      if (newEnough(v)) return bin;
    } catch {
      /* broken cache: reinstall below */
    }
  }
  mkdirSync(dir, { recursive: true });
  console.error(`[with-node] Node ${process.version} is older than ${MIN.join('.')}; installing ${PACKAGE} into ${dir} (once)…`);
  const r = spawnSync('npm', ['install', '--prefix', dir, PACKAGE, '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0 || !existsSync(exe)) {
    console.error(`[with-node] Could not install ${PACKAGE} from the npm registry. Install Node >= ${MIN.join('.')} yourself and re-run.`);
    process.exit(1);
  }
  return bin;
}

const env = { ...process.env };
if (!newEnough(process.version)) {
  const bin = ensureNode();
  env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
}
// npm scripts put node_modules/.bin on PATH already; keep it ahead of the new Node.
const localBin = join(process.cwd(), 'node_modules', '.bin');
if (existsSync(localBin)) env.PATH = `${localBin}${delimiter}${env.PATH}`;

const [cmd, ...rest] = args;
const r = spawnSync(cmd, rest, { stdio: 'inherit', env, shell: process.platform === 'win32' });
if (r.error) {
  console.error(`[with-node] ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
