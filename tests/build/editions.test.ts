/**
 * The two editions (CONTRIBUTING.md, "Editions"). A small book (tests/fixtures/_editions/: a public
 * solution, two kept for instructors, block, inline and nested instructor notes, each with its own
 * marker string; the leading `_` keeps it out of fixtures.test.ts) is built for real in a throwaway
 * copy of the project with scripts/build.mjs, both ways:
 *
 * - `node scripts/build.mjs` → dist/: no file of the build (HTML, the Pagefind index, JSON, scripts,
 *   the sitemap; Pagefind's gzip files are unpacked) holds a kept-back solution's or a note's text,
 *   and the exercise says its solution is in the instructor edition;
 * - `node scripts/build.mjs --edition instructor` → dist-instructor/ (its own folder by default,
 *   dist/ untouched): every solution and note is there and in its search index, and every page says
 *   "Instructor edition" and is noindex.
 *
 * Neither build prints a warning.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILD_TIMEOUT_MS, FIXTURES, buildEnv, makeProjectCopy, outputOf, printedWarnings, siteMissing } from './project.ts';

const WITHHELD = 'EDITIONS-WITHHELD-MARKER-W9';
const PUBLIC = 'EDITIONS-PUBLIC-MARKER-P2';
const NOTES = ['EDITIONS-NOTE-MARKER-K7', 'EDITIONS-INLINE-NOTE-MARKER-Q4', 'EDITIONS-NESTED-NOTE-MARKER-N3'];
const CHAPTER = join('chapters', 'editions', 'index.html');

let dir = '';
const builds: Record<'default' | 'instructor', { status: number | null; output: string }> = {
  default: { status: null, output: '' },
  instructor: { status: null, output: '' },
};

/** Every file under `folder`, as text (gzip files, such as Pagefind's, unpacked). */
function filesOf(folder: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        let bytes = readFileSync(p);
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
        out.push({ path: relative(folder, p), text: bytes.toString('latin1') });
      }
    }
  };
  walk(folder);
  return out;
}
const holding = (files: { path: string; text: string }[], marker: string) => files.filter((f) => f.text.includes(marker)).map((f) => f.path);

function run(args: string[]) {
  const r = spawnSync(process.execPath, [join('scripts', 'build.mjs'), ...args], { cwd: dir, env: buildEnv(), encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: outputOf(r) };
}

describe.skipIf(siteMissing.length > 0)('editions: solutions kept for instructors stay out of the default build', () => {
  beforeAll(() => {
    dir = makeProjectCopy('editions', [join(FIXTURES, '_editions')]);
    builds.default = run([]);
    builds.instructor = run(['--edition', 'instructor']);
  }, 2 * BUILD_TIMEOUT_MS + 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('both editions build, each into its own folder, without a warning', () => {
    for (const [name, b] of Object.entries(builds)) {
      expect(b.status, `${name} edition:\n${b.output.split('\n').slice(-60).join('\n')}`).toBe(0);
      expect(printedWarnings(b.output).map((w) => w.text), `${name} edition printed warnings`).toEqual([]);
    }
    expect(existsSync(join(dir, 'dist', CHAPTER))).toBe(true);
    expect(existsSync(join(dir, 'dist-instructor', CHAPTER))).toBe(true);
    expect(existsSync(join(dir, 'dist-instructor', 'pagefind', 'pagefind.js'))).toBe(true);
  });

  test('default edition: no file holds a kept-back solution or an instructor note', () => {
    const files = filesOf(join(dir, 'dist'));
    expect(files.some((f) => f.path.startsWith('pagefind'))).toBe(true);
    // The search for markers does reach the search index (the public solution is in it).
    expect(holding(files, PUBLIC)).toContain(CHAPTER);
    expect(holding(files, PUBLIC).some((p) => p.startsWith('pagefind'))).toBe(true);
    expect(holding(files, WITHHELD)).toEqual([]);
    for (const m of NOTES) expect(holding(files, m), m).toEqual([]);
    expect(files.filter((f) => /instructor edition/i.test(f.text) && f.path.startsWith('pagefind')).map((f) => f.path)).toEqual([]);
  });

  test('default edition: a kept-back exercise says where its solution is', () => {
    const html = readFileSync(join(dir, 'dist', CHAPTER), 'utf8');
    const kept = html.slice(html.indexOf('id="ex-kept"'), html.indexOf('id="ex-kept-summary"'));
    expect(kept).toContain('<p class="solution solution-withheld" data-pagefind-ignore><span class="solution-label">Solution:</span> in the instructor edition.</p>');
    expect(kept).not.toContain('<details');
    expect(html).toContain('<span class="solution-label">Answer:</span> in the instructor edition.');
    const pub = html.slice(html.indexOf('id="ex-public"'), html.indexOf('id="ex-kept"'));
    expect(pub).toContain('<details class="solution">');
    expect(html).not.toContain('Instructor edition');
    expect(html).not.toContain('name="robots"');
  });

  test('instructor edition: every solution and note, marked, searchable, noindex', () => {
    const files = filesOf(join(dir, 'dist-instructor'));
    const html = readFileSync(join(dir, 'dist-instructor', CHAPTER), 'utf8');
    for (const m of [PUBLIC, WITHHELD, ...NOTES]) expect(html, m).toContain(m);
    expect(holding(files, WITHHELD).some((p) => p.startsWith('pagefind'))).toBe(true);
    expect(html).toContain('class="solution solution-instructor"');
    expect(html).toContain('<aside class="callout callout-instructor" aria-label="Teaching this" data-instructor-note>');
    for (const f of files.filter((x) => x.path.endsWith('.html'))) {
      expect(f.text, f.path).toContain('<meta name="robots" content="noindex">');
    }
    for (const page of [CHAPTER, 'index.html']) {
      expect(readFileSync(join(dir, 'dist-instructor', page), 'utf8'), page).toContain('<span class="edition-badge" data-edition="instructor">Instructor edition</span>');
    }
  });

  test('an unknown edition stops the build before it starts', () => {
    const r = run(['--edition', 'teacher']);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('Unknown edition "teacher"');
  });
});
