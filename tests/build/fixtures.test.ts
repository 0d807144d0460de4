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
 * (node_modules/.astro, node_modules/.vite) stay private to each copy (./project.ts, shared with
 * the other build tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BUILD_TIMEOUT_MS, FIXTURES, buildEnv, makeProjectCopy, outputOf, printedWarnings, siteMissing } from './project.ts';

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

function makeProject(name: string, expected: Expected): string {
  const dir = makeProjectCopy(`fixture-${name}`, [join(FIXTURES, name), ...(expected.withTarget ? [join(FIXTURES, '_shared')] : [])]);
  temps.push(dir);
  return dir;
}

function build(dir: string): { status: number | null; output: string; ms: number } {
  const env = buildEnv();
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], { cwd: dir, env, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const output = outputOf(r); // colour codes stripped
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
