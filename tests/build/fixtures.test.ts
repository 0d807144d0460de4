/**
 * Broken lessons must stop `astro build` with a precise message.
 *
 * For each folder in tests/fixtures/ (except `_shared`), a throwaway copy of the project is made
 * with content/chapters holding only that folder's chapters (plus tests/fixtures/_shared/ when
 * expected.json says `withTarget`; a references.bib or macros.tex in the folder replaces the
 * project's; notation entries lose their `chapter:` links), and the real site is built there. The build must exit non-zero and print
 * `[code]`, `file:line` and each `contains` string of expected.json. The `valid` folder is the
 * control: it must build with exit code 0.
 *
 * node_modules is shared through per-package symlinks, so Astro's and Vite's caches
 * (node_modules/.astro, node_modules/.vite) stay private to each copy.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FIXTURES = join(ROOT, 'tests', 'fixtures');
const BUILD_TIMEOUT_MS = 240_000;

interface Expected {
  code: string | null;
  file?: string;
  line?: number;
  contains?: string[];
  withTarget?: boolean;
}

const siteMissing = ['astro.config.mjs', 'src/pages', 'src/content.config.ts'].filter((p) => !existsSync(join(ROOT, p)));
const cases = existsSync(FIXTURES)
  ? readdirSync(FIXTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('_') && existsSync(join(FIXTURES, d.name, 'expected.json')))
      .map((d) => d.name)
      .sort((a, b) => (a === 'valid' ? -1 : b === 'valid' ? 1 : a.localeCompare(b)))
  : [];

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function linkNodeModules(target: string) {
  const src = join(ROOT, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(src)) {
    if (entry === '.astro' || entry === '.vite' || entry === '.cache') continue;
    symlinkSync(join(src, entry), join(target, entry), 'dir');
  }
}

function makeProject(name: string, expected: Expected): string {
  const dir = mkdtempSync(join(tmpdir(), `iw-fixture-${name}-`));
  temps.push(dir);
  for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json']) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f));
  }
  for (const d of ['src', 'widgets', 'public', 'content']) {
    if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  }
  const chapters = join(dir, 'content', 'chapters');
  rmSync(chapters, { recursive: true, force: true });
  mkdirSync(chapters, { recursive: true });
  const caseDir = join(FIXTURES, name);
  const sources = [caseDir, ...(expected.withTarget ? [join(FIXTURES, '_shared')] : [])];
  for (const from of sources) {
    for (const f of readdirSync(from)) {
      if (/\.mdx?$/.test(f)) cpSync(join(from, f), join(chapters, f));
      else if (f === 'references.bib' || f === 'macros.tex') cpSync(join(from, f), join(dir, 'content', f));
    }
  }
  // Content that names the real chapters would point nowhere: drop notation entries' chapter links.
  const notation = join(dir, 'content', 'notation.yaml');
  if (existsSync(notation)) writeFileSync(notation, readFileSync(notation, 'utf8').replace(/^\s*chapter:.*$/gm, ''));
  linkNodeModules(join(dir, 'node_modules'));
  return dir;
}

function build(dir: string): { status: number | null; output: string; ms: number } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ASTRO_TELEMETRY_DISABLED: '1', CI: '1' };
  for (const k of ['IW_BASE', 'IW_OUT', 'IW_SITE', 'NODE_OPTIONS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'NODE_ENV']) delete env[k];
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], { cwd: dir, env, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  // Strip any colour codes that slip through.
  const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n[spawn error] ${r.error.message}` : ''}`.replace(/\u001b\[[0-9;]*m/g, '');
  return { status: r.status, output, ms: Date.now() - t0 };
}

describe.skipIf(siteMissing.length > 0)(`fixtures: broken lessons fail the build${siteMissing.length ? ` (skipped: the site is absent — missing ${siteMissing.join(', ')})` : ''}`, () => {
  test.each(cases)('%s', (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
    const dir = makeProject(name, expected);
    const { status, output, ms } = build(dir);
    const tail = output.split('\n').slice(-60).join('\n');
    // IW_FIXTURE_LOGS=/some/dir keeps each build's output for inspection.
    if (process.env.IW_FIXTURE_LOGS) {
      mkdirSync(process.env.IW_FIXTURE_LOGS, { recursive: true });
      writeFileSync(join(process.env.IW_FIXTURE_LOGS, `${name}.log`), `exit ${status} after ${ms} ms\n${output}`);
    }
    if (expected.code == null) {
      expect(status, `the control build failed (${ms} ms):\n${tail}`).toBe(0);
      expect(output).toContain('Complete!');
      return;
    }
    expect(status, `expected the build to fail (${ms} ms):\n${tail}`).not.toBe(0);
    expect(status, `the build timed out:\n${tail}`).not.toBeNull();
    expect(output, tail).toContain(`[${expected.code}]`);
    expect(output, tail).toContain(`${expected.file}:${expected.line}`);
    for (const s of expected.contains ?? []) expect(output, tail).toContain(s);
  }, BUILD_TIMEOUT_MS + 30_000);
});
