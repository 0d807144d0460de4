/**
 * Links that never break: a book whose chapters were renamed and renumbered (the leading `_` keeps
 * the fixture out of fixtures.test.ts: tests/fixtures/_renamed-chapter/) is built for real in a
 * throwaway copy of the project, and its
 * dist/ must hold each chapter at the URL of its `slug` and a redirect page at every old slug
 * (`aliases`): <meta http-equiv="refresh">, a canonical link and a visible link to the chapter.
 * IW_REDIRECTS_DIST=/some/dir keeps a copy of the built site (to run the e2e crawl over it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FIXTURE = join(ROOT, 'tests', 'fixtures', '_renamed-chapter');
const BUILD_TIMEOUT_MS = 240_000;
const siteMissing = ['astro.config.mjs', 'src/pages', 'src/content.config.ts'].some((p) => !existsSync(join(ROOT, p)));

let dir = '';
let build: { status: number | null; output: string } = { status: null, output: '' };
const read = (path: string) => readFileSync(join(dir, 'dist', path), 'utf8');

/** A copy of the project whose content/chapters holds only the fixture's chapters. */
function makeProject(): string {
  const d = mkdtempSync(join(tmpdir(), 'iw-redirects-'));
  for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(d, f));
  for (const sub of ['src', 'widgets', 'public', 'content']) if (existsSync(join(ROOT, sub))) cpSync(join(ROOT, sub), join(d, sub), { recursive: true });
  const chapters = join(d, 'content', 'chapters');
  rmSync(chapters, { recursive: true, force: true });
  mkdirSync(chapters, { recursive: true });
  for (const f of readdirSync(FIXTURE)) if (/\.mdx?$/.test(f)) cpSync(join(FIXTURE, f), join(chapters, f));
  const notation = join(d, 'content', 'notation.yaml');
  if (existsSync(notation)) writeFileSync(notation, readFileSync(notation, 'utf8').replace(/^\s*chapter:.*$/gm, ''));
  mkdirSync(join(d, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry === '.astro' || entry === '.vite' || entry === '.cache') continue;
    symlinkSync(join(ROOT, 'node_modules', entry), join(d, 'node_modules', entry), 'dir');
  }
  return d;
}

describe.skipIf(siteMissing)('a renamed chapter keeps its old URLs', () => {
  beforeAll(() => {
    dir = makeProject();
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ASTRO_TELEMETRY_DISABLED: '1', CI: '1' };
    for (const k of ['IW_BASE', 'IW_OUT', 'IW_SITE', 'NODE_OPTIONS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'NODE_ENV']) delete env[k];
    const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], { cwd: dir, env, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    build = { status: r.status, output: `${r.stdout ?? ''}\n${r.stderr ?? ''}`.replace(/\u001b\[[0-9;]*m/g, '') };
    if (process.env.IW_REDIRECTS_DIST && r.status === 0) {
      rmSync(process.env.IW_REDIRECTS_DIST, { recursive: true, force: true });
      cpSync(join(dir, 'dist'), process.env.IW_REDIRECTS_DIST, { recursive: true });
    }
  }, BUILD_TIMEOUT_MS + 30_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the book builds (its link to an old URL reaches the redirect page)', () => {
    expect(build.status, build.output.split('\n').slice(-40).join('\n')).toBe(0);
  });

  test('each chapter is at its slug, not at its file name', () => {
    expect(existsSync(join(dir, 'dist', 'chapters', 'stochastic-gradients', 'index.html'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'chapters', 'kernels', 'index.html'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'chapters', 'kernels-moved'))).toBe(false);
    expect(read('chapters/kernels/index.html')).toContain('Chapter 3');
    // Its exercises are numbered by its place in the book (3), whatever the file name says.
    expect(read('chapters/kernels/index.html')).toMatch(/Exercise 3\.1</);
    // The prerequisite named by its old slug links to the chapter's current URL.
    expect(read('chapters/kernels/index.html')).toMatch(/<dd><a href="\/chapters\/stochastic-gradients\/">2\. Stochastic gradients<\/a><\/dd>/);
  });

  test.each(['sgd', 'stochastic-gradient-descent'])('/chapters/%s/ is a redirect page that works without JavaScript', (alias) => {
    const html = read(`chapters/${alias}/index.html`);
    expect(html).toMatch(/<meta http-equiv="refresh" content="0; url=\/chapters\/stochastic-gradients\/"/);
    expect(html).toMatch(/<link rel="canonical" href="https:\/\/[^"]+\/chapters\/stochastic-gradients\/"/);
    expect(html).toMatch(/<a href="\/chapters\/stochastic-gradients\/">Chapter 2\. Stochastic gradients<\/a>/);
    expect(html).toContain('<meta name="robots" content="noindex"');
    expect(html).toMatch(/<html lang="[a-z-]+"/);
    expect(html.match(/<h1[\s>]/g)?.length).toBe(1);
    expect(html).toMatch(/<meta name="description" content="[^"]+"/);
    // Not a search result: Pagefind indexes only data-pagefind-body.
    expect(html).not.toContain('data-pagefind-body');
  });

  test('no redirect page for a current slug', () => {
    const pages = readdirSync(join(dir, 'dist', 'chapters')).sort();
    expect(pages).toEqual(['basics', 'kernels', 'sgd', 'stochastic-gradient-descent', 'stochastic-gradients']);
  });

  test('the sitemap lists the chapters at their slugs and no redirect page', () => {
    const map = read('sitemap-0.xml');
    expect(map).toContain('/chapters/stochastic-gradients/</loc>');
    expect(map).toContain('/chapters/kernels/</loc>');
    expect(map).not.toContain('/chapters/sgd/</loc>');
    expect(map).not.toContain('/chapters/stochastic-gradient-descent/</loc>');
  });
});
