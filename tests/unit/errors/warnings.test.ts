/** The one counted channel for warnings (src/errors/warnings.ts) and the build's own warnings. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { join } from 'node:path';
import { buildWarnings, resetWarnings, warn, warningCount, warnings, warningSummary } from '../../../src/errors/warnings.ts';
import { loadBook } from '../../../src/book/book.ts';
import { chapter, tempProject } from '../markdown/helpers.ts';

let printed: string[];
beforeEach(() => {
  resetWarnings();
  printed = [];
  vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void printed.push(a.map(String).join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  resetWarnings();
});

describe('warn', () => {
  test('prints each distinct warning once, counts them, and can be read and reset', () => {
    const loc = { file: 'dist/chapters/a/index.html' };
    const first = warn('budget/missing-file', { reference: '<script src>: /_astro/gone.js', dir: 'dist' }, loc);
    warn('budget/missing-file', { reference: '<script src>: /_astro/gone.js', dir: 'dist' }, loc);
    warn('budget/missing-file', { reference: '<script src>: /_astro/gone.js', dir: 'dist' }, { file: 'dist/index.html' });
    expect(printed).toHaveLength(2);
    expect(printed[0]).toBe(
      [
        'warning [budget/missing-file] dist/chapters/a/index.html: Refers to <script src>: /_astro/gone.js, which is not in dist/ (so its size is not counted).',
        '  hint: Check the path; files that are not built belong in public/.',
        '  docs: CONTRIBUTING.md#before-you-open-a-pull-request',
      ].join('\n'),
    );
    expect(first.count).toBe(2);
    expect(warningCount()).toBe(2);
    expect(warnings().map((w) => [w.code, w.location?.file, w.count])).toEqual([
      ['budget/missing-file', 'dist/chapters/a/index.html', 2],
      ['budget/missing-file', 'dist/index.html', 1],
    ]);
    expect(warningSummary()).toBe('2 warnings (printed above as "warning [code] …")');
    resetWarnings();
    expect(warningCount()).toBe(0);
    expect(warningSummary()).toBe('');
    warn('budget/missing-file', { reference: '<script src>: /_astro/gone.js', dir: 'dist' }, loc);
    expect(printed).toHaveLength(3);
    expect(warningSummary()).toBe('1 warning (printed above as "warning [code] …")');
  });

  test('refuses an error code', () => {
    expect(() => warn('math/katex' as never, {} as never)).toThrow(/is not a warning/);
    expect(printed).toEqual([]);
  });

  test('one list for every copy of the module (it lives on globalThis)', async () => {
    warn('frontmatter/later-prerequisite', { prerequisite: 'b', number: 2, chapter: 1 }, { file: 'x.mdx', line: 1 });
    vi.resetModules();
    const again = await import('../../../src/errors/warnings.ts');
    expect(again.warningCount).not.toBe(warningCount); // a fresh copy of the module…
    expect(again.warningCount()).toBe(1); // …that sees the same list
  });

  test('the build integration says how many warnings were printed, and nothing when there were none', () => {
    const logger = { warn: vi.fn(), info: vi.fn() };
    const hook = buildWarnings().hooks['astro:build:done'] as unknown as (o: { logger: typeof logger }) => void;
    hook({ logger });
    expect(logger.warn).not.toHaveBeenCalled();
    warn('frontmatter/later-prerequisite', { prerequisite: 'b', number: 2, chapter: 1 }, { file: 'x.mdx', line: 1 });
    hook({ logger });
    expect(logger.warn).toHaveBeenCalledWith('1 warning (printed above as "warning [code] …")');
  });
});

describe('prerequisite warnings (loadBook)', () => {
  test('a draft prerequisite and a later one warn with file:line; earlier published ones do not', () => {
    const p = tempProject({
      'content/chapters/01-one.mdx': chapter('One', 'foundations', 1, 'Body.\n'),
      'content/chapters/02-two.mdx': chapter('Two', 'foundations', 2, 'Body.\n', 'prerequisites:\n  - one\n  - draft-one\n  - three\n'),
      'content/chapters/03-three.mdx': chapter('Three', 'kernels', 1, 'Body.\n'),
      'content/chapters/04-draft-one.mdx': chapter('Draft', 'kernels', 2, 'Body.\n', 'draft: true\nprerequisites: [three]\n'),
    });
    try {
      const book = loadBook(p.root);
      expect(book.chapters.map((c) => [c.slug, c.number])).toEqual([
        ['one', 1],
        ['two', 2],
        ['three', 3],
        ['draft-one', 0],
      ]);
      expect(warnings().map((w) => `${w.code} ${w.location?.file}:${w.location?.line}`)).toEqual([
        'frontmatter/draft-prerequisite content/chapters/02-two.mdx:8',
        'frontmatter/later-prerequisite content/chapters/02-two.mdx:9',
      ]);
      expect(printed[0]).toContain('warning [frontmatter/draft-prerequisite] content/chapters/02-two.mdx:8: Prerequisite "draft-one" is a draft (content/chapters/04-draft-one.mdx)');
      expect(printed[1]).toContain('Prerequisite "three" is chapter 3, which comes after this chapter (2) in reading order.');
      // Loading the book again (every plugin does) prints nothing new.
      loadBook(p.root);
      expect(printed).toHaveLength(2);
      expect(warningCount()).toBe(2);
    } finally {
      p.cleanup();
    }
  });

  test('a book without such prerequisites is silent', () => {
    const p = tempProject({
      'content/chapters/01-one.mdx': chapter('One', 'foundations', 1, 'Body.\n'),
      'content/chapters/02-two.mdx': chapter('Two', 'kernels', 1, 'Body.\n', 'prerequisites: [one]\n'),
    });
    try {
      loadBook(join(p.root));
      expect(printed).toEqual([]);
      expect(warningCount()).toBe(0);
    } finally {
      p.cleanup();
    }
  });
});
