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
 * Warnings (src/errors/warnings.ts, printed as `warning [code] file:line: …`): a folder named
 * `warn-*` must build, print exactly the warnings its expected.json lists (`warnings`: code, file,
 * line, contains) and their count; every other folder must not print a single warning.
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

interface ExpectedWarning {
  code: string;
  file: string;
  line: number;
  contains?: string[];
}

interface Expected {
  code: string | null;
  file?: string;
  line?: number;
  contains?: string[];
  withTarget?: boolean;
  /** Only for `warn-*` folders: the warnings the build must print (and no others). */
  warnings?: ExpectedWarning[];
}

/** The warnings in a build's output: `warning [code] file:line[:col]: message` and its indented lines. */
function printedWarnings(output: string): { code: string; where: string; text: string }[] {
  const out: { code: string; where: string; text: string }[] = [];
  const lines = output.split('\n');
  lines.forEach((l, i) => {
    const m = /^warning \[([^\]]+)\] (\S+?):(?: |$)/.exec(l);
    if (!m) return;
    let text = l;
    for (let j = i + 1; j < lines.length && lines[j].startsWith('  '); j++) text += '\n' + lines[j];
    out.push({ code: m[1], where: m[2], text });
  });
  return out;
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
    const warned = printedWarnings(output);
    const wanted = expected.warnings ?? [];
    expect(wanted.length > 0, `${name}: a fixture lists warnings if and only if its name starts with warn-`).toBe(name.startsWith('warn-'));
    if (name.startsWith('warn-')) {
      expect(expected.code, `${name}: a warn-* fixture must build`).toBeNull();
      expect(warned.map((w) => w.code).sort(), `the warnings printed:\n${warned.map((w) => w.text).join('\n')}\n${tail}`).toEqual(wanted.map((w) => w.code).sort());
      for (const w of wanted) {
        const hit = warned.find((p) => p.code === w.code && (p.where === `${w.file}:${w.line}` || p.where.startsWith(`${w.file}:${w.line}:`)));
        expect(hit, `no "warning [${w.code}] ${w.file}:${w.line}" in:\n${warned.map((p) => p.text).join('\n')}`).toBeDefined();
        for (const s of w.contains ?? []) expect(hit!.text).toContain(s);
      }
      expect(output).toContain(`${wanted.length} warning${wanted.length === 1 ? '' : 's'} (printed above`);
    } else {
      expect(warned.map((w) => w.text), `${name} must not print warnings (only warn-* fixtures may)`).toEqual([]);
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
