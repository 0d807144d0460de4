/**
 * Chapter slugs and aliases (src/book/book.ts): the URL comes from the frontmatter `slug` when there
 * is one, else from the file name; `aliases` are old slugs that redirect; every clash is a build
 * error with file:line.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { chapterRedirects, chapterSlug, loadBook, loadBookCached, resolveChapter } from '../../../src/book/book.ts';
import { BookError } from '../../../src/errors/index.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

const BOOK = 'title: A book\nurl: https://example.org\nparts:\n  - id: one\n    title: One\n';

/** A book with these chapter files (name → extra frontmatter lines). */
function bookWith(chapters: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iw-slugs-'));
  temps.push(root);
  mkdirSync(join(root, 'content', 'chapters'), { recursive: true });
  writeFileSync(join(root, 'content', 'book.yaml'), BOOK);
  let order = 0;
  for (const [name, extra] of Object.entries(chapters)) {
    const fm = `title: ${name}\npart: one\norder: ${order++}\nsummary: About ${name}.\n${extra}`;
    writeFileSync(join(root, 'content', 'chapters', name), `---\n${fm.trimEnd()}\n---\n\nText.\n`);
  }
  return root;
}

/** The BookError loadBook throws for these chapters. */
function failure(chapters: Record<string, string>): BookError {
  try {
    loadBook(bookWith(chapters));
  } catch (e) {
    expect(e).toBeInstanceOf(BookError);
    return e as BookError;
  }
  throw new Error('loadBook did not fail');
}

describe('chapter slugs', () => {
  test('without `slug`, the file name without NN- is the slug and the URL (as before)', () => {
    const b = loadBook(bookWith({ '01-first.mdx': '', '02-second.mdx': '' }));
    expect(b.chapters.map((c) => [c.slug, c.path, c.aliases])).toEqual([
      ['first', '/chapters/first/', []],
      ['second', '/chapters/second/', []],
    ]);
  });

  test('a frontmatter `slug` wins over the file name, so the file can be renamed or renumbered', () => {
    const b = loadBook(bookWith({ '07-whatever-name.mdx': 'slug: kernels', '01-first.mdx': '' }));
    const k = b.chapters.find((c) => c.file.endsWith('07-whatever-name.mdx'))!;
    expect(k.slug).toBe('kernels');
    expect(k.path).toBe('/chapters/kernels/');
    expect(chapterSlug('07-whatever-name.mdx', { slug: 'kernels' })).toBe('kernels');
    expect(chapterSlug('07-whatever-name.mdx', {})).toBe('whatever-name');
    expect(chapterSlug('bad name.mdx', undefined)).toBeNull();
  });

  test('aliases resolve to their chapter and become redirects; prerequisites may name an old slug', () => {
    const b = loadBook(
      bookWith({
        '01-sgd-renamed.mdx': 'slug: stochastic-gradient-descent\naliases:\n  - sgd-renamed\n  - "sgd"',
        '02-later.mdx': 'prerequisites: [sgd]',
      }),
    );
    const sgd = resolveChapter(b, 'sgd')!;
    expect(sgd.slug).toBe('stochastic-gradient-descent');
    expect(resolveChapter(b, 'sgd-renamed')).toBe(sgd);
    expect(resolveChapter(b, 'stochastic-gradient-descent')).toBe(sgd);
    expect(resolveChapter(b, 'nothing')).toBeUndefined();
    expect(chapterRedirects(b.chapters).map((r) => [r.from, r.to.path])).toEqual([
      ['sgd-renamed', '/chapters/stochastic-gradient-descent/'],
      ['sgd', '/chapters/stochastic-gradient-descent/'],
    ]);
    expect(b.chapters.find((c) => c.slug === 'later')!.prerequisites).toEqual(['stochastic-gradient-descent']);
  });

  test('the alias of a file-name slug that a `slug:` replaced is fine (the usual rename)', () => {
    const b = loadBook(bookWith({ '03-sgd.mdx': 'slug: stochastic-gradients\naliases: [sgd]' }));
    expect(chapterRedirects(b.chapters).map((r) => r.from)).toEqual(['sgd']);
  });

  test('a chapter listing itself through an alias is still "self"', () => {
    const e = failure({ '01-a.mdx': 'slug: a-new\naliases: [a-old]\nprerequisites: [a-old]' });
    expect(e.code).toBe('frontmatter/unknown-prerequisite');
  });
});

describe('slug and alias errors, with file:line', () => {
  test('bad slug syntax', () => {
    const e = failure({ '01-a.mdx': 'slug: Not_A_Slug' });
    expect(e.code).toBe('frontmatter/bad-slug');
    expect(e.location).toEqual({ file: 'content/chapters/01-a.mdx', line: 6 });
    expect(e.message).toContain('"Not_A_Slug"');
  });

  test('bad alias syntax points at the alias line', () => {
    const e = failure({ '01-a.mdx': 'aliases:\n  - fine\n  - /chapters/old/' });
    expect(e.code).toBe('frontmatter/bad-slug');
    expect(e.location).toEqual({ file: 'content/chapters/01-a.mdx', line: 8 });
    expect(failure({ '01-a.mdx': 'aliases: old' }).code).toBe('frontmatter/bad-slug');
    expect(failure({ '01-a.mdx': 'slug: 3' }).code).toBe('frontmatter/bad-slug');
  });

  test('two chapters with the same slug (one from `slug:`)', () => {
    const e = failure({ '01-kernels.mdx': '', '05-other.mdx': 'slug: kernels' });
    expect(e.code).toBe('frontmatter/duplicate-slug');
    expect(e.location).toEqual({ file: 'content/chapters/05-other.mdx', line: 6 });
    expect(e.message).toContain('content/chapters/01-kernels.mdx');
    // The `slug:` line is reported even when it is in the earlier file.
    const f = failure({ '01-other.mdx': 'slug: kernels', '05-kernels.mdx': '' });
    expect(f.code).toBe('frontmatter/duplicate-slug');
    expect(f.location).toEqual({ file: 'content/chapters/01-other.mdx', line: 6 });
    // Two file names alone keep the old code.
    expect(failure({ '01-same.mdx': '', '02-same.mdx': '' }).code).toBe('book/duplicate-slug');
  });

  test('the same alias twice, in two chapters or in one', () => {
    const e = failure({ '01-a.mdx': 'aliases: [old]', '02-b.mdx': 'aliases:\n  - other\n  - old' });
    expect(e.code).toBe('frontmatter/duplicate-alias');
    expect(e.location).toEqual({ file: 'content/chapters/02-b.mdx', line: 8 });
    expect(e.message).toContain('content/chapters/01-a.mdx');
    expect(failure({ '01-a.mdx': 'aliases: [old, old]' }).code).toBe('frontmatter/duplicate-alias');
  });

  test("an alias that is a chapter's current slug (another's or its own)", () => {
    const e = failure({ '01-a.mdx': '', '02-b.mdx': 'aliases:\n  - a' });
    expect(e.code).toBe('frontmatter/alias-is-slug');
    expect(e.location).toEqual({ file: 'content/chapters/02-b.mdx', line: 7 });
    expect(e.message).toContain('content/chapters/01-a.mdx');
    const own = failure({ '01-a.mdx': 'aliases: [a]' });
    expect(own.code).toBe('frontmatter/alias-is-slug');
    expect(own.message).toContain("this chapter's own slug");
  });
});

describe('loadBookCached', () => {
  test('reads the book once, and again when a chapter is added, edited or removed', () => {
    const root = bookWith({ '01-a.mdx': '', '02-b.mdx': '' });
    const first = loadBookCached(root);
    expect(first.chapters.map((c) => c.slug)).toEqual(['a', 'b']);
    expect(loadBookCached(root)).toBe(first);
    const dir = join(root, 'content', 'chapters');
    writeFileSync(join(dir, '03-c.mdx'), '---\ntitle: C\npart: one\norder: 5\nsummary: C.\n---\n');
    const added = loadBookCached(root);
    expect(added.chapters.map((c) => c.slug)).toEqual(['a', 'b', 'c']);
    writeFileSync(join(dir, '03-c.mdx'), '---\ntitle: C edited\npart: one\norder: 5\nsummary: C.\n---\n');
    // An edit in the same millisecond as the write before would keep the mtime: move it on.
    utimesSync(join(dir, '03-c.mdx'), new Date(), new Date(Date.now() + 5000));
    expect(loadBookCached(root).chapters.find((c) => c.slug === 'c')?.title).toBe('C edited');
    rmSync(join(dir, '02-b.mdx'));
    expect(loadBookCached(root).chapters.map((c) => c.slug)).toEqual(['a', 'c']);
  });

  test('a production build looks at the chapter files once: the same book however often it asks', () => {
    const root = bookWith({ '01-a.mdx': '' });
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(loadBookCached(root).chapters.map((c) => c.slug)).toEqual(['a']);
      writeFileSync(join(root, 'content', 'chapters', '02-b.mdx'), '---\ntitle: B\npart: one\norder: 5\nsummary: B.\n---\n');
      expect(loadBookCached(root).chapters.map((c) => c.slug)).toEqual(['a']);
    } finally {
      process.env.NODE_ENV = env;
    }
    // Out of production (dev, tests) it looks again.
    expect(loadBookCached(root).chapters.map((c) => c.slug)).toEqual(['a', 'b']);
  });
});
