/**
 * Throwaway copies of the project for build tests (tests/build/*.test.ts): the site's sources with
 * content/chapters replaced by a fixture's chapters, node_modules shared through per-package
 * symlinks (so Astro's and Vite's caches, node_modules/.astro and .vite, stay private to each copy),
 * and a clean environment for `astro build` / scripts/build.mjs.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FIXTURES = join(ROOT, 'tests', 'fixtures');
export const BUILD_TIMEOUT_MS = 240_000;

/** The site's files that a build test needs; when one is missing the build tests are skipped. */
export const siteMissing = ['astro.config.mjs', 'src/pages', 'src/content.config.ts'].filter((p) => !existsSync(join(ROOT, p)));

export function linkNodeModules(target: string) {
  const src = join(ROOT, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(src)) {
    if (entry === '.astro' || entry === '.vite' || entry === '.cache') continue;
    symlinkSync(join(src, entry), join(target, entry), 'dir');
  }
}

/**
 * A copy of the project in a new temporary folder whose content/chapters holds only the chapters
 * (`.md`/`.mdx`) of `sources`; a references.bib or macros.tex there replaces the project's, and
 * notation entries lose their `chapter:` links (they would name the real chapters).
 */
export function makeProjectCopy(prefix: string, sources: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `iw-${prefix}-`));
  for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json']) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f));
  }
  for (const d of ['src', 'widgets', 'public', 'content', 'scripts']) {
    if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  }
  const chapters = join(dir, 'content', 'chapters');
  rmSync(chapters, { recursive: true, force: true });
  mkdirSync(chapters, { recursive: true });
  for (const from of sources) {
    for (const f of readdirSync(from)) {
      if (/\.mdx?$/.test(f)) cpSync(join(from, f), join(chapters, f));
      else if (f === 'references.bib' || f === 'macros.tex') cpSync(join(from, f), join(dir, 'content', f));
    }
  }
  const notation = join(dir, 'content', 'notation.yaml');
  if (existsSync(notation)) writeFileSync(notation, readFileSync(notation, 'utf8').replace(/^\s*chapter:.*$/gm, ''));
  linkNodeModules(join(dir, 'node_modules'));
  return dir;
}

/** The environment of a test build: no colours, no telemetry, none of the caller's IW_* or Vitest settings. */
export function buildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ASTRO_TELEMETRY_DISABLED: '1', CI: '1' };
  for (const k of ['IW_BASE', 'IW_OUT', 'IW_SITE', 'IW_EDITION', 'NODE_OPTIONS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'NODE_ENV']) delete env[k];
  return { ...env, ...extra };
}

/** A build's stdout and stderr together, without colour codes. */
export function outputOf(r: { stdout?: string | null; stderr?: string | null; error?: Error }): string {
  return `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n[spawn error] ${r.error.message}` : ''}`.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The warnings in a build's output: `warning [code] file:line[:col]: message` and its indented lines. */
export function printedWarnings(output: string): { code: string; where: string; text: string }[] {
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
