/**
 * The book's structure, read straight from `content/` with no Astro involved, so that the
 * Markdown plugins (equation numbers, cross-chapter \eqref), the pages and the scripts agree on
 * one numbering. Chapters are numbered 1, 2, … through the whole book in (part, order) order;
 * drafts are left out of the numbering and of the built site.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { bookError, closest } from '../errors/index.ts';
import { warn } from '../errors/warnings.ts';
import { chapterSchema, SLUG } from './schema.ts';
import { mtimeOf } from '../markdown/util.ts';

export interface PartInfo {
  id: string;
  title: string;
  summary?: string;
  /** 1-based position of the part. */
  number: number;
}

export interface ChapterInfo {
  /**
   * The chapter's URL segment and its name in prerequisites: the frontmatter `slug` when given,
   * else the file name without `NN-` and extension (`estimating-probability`).
   */
  slug: string;
  /** Project-relative path: `content/chapters/01-estimating-probability.mdx`. */
  file: string;
  title: string;
  part: string;
  order: number;
  draft: boolean;
  /** 1-based chapter number through the book (0 for drafts). */
  number: number;
  /** Site path without the base: `/chapters/estimating-probability/`. */
  path: string;
  /** Slugs of the chapters to read first (validated: each exists; an alias is replaced by its chapter's slug). */
  prerequisites: string[];
  /** Old slugs of this chapter (frontmatter `aliases`): each is a redirect page at /chapters/<alias>/. */
  aliases: string[];
}

export interface BookInfo {
  title: string;
  subtitle?: string;
  description?: string;
  authors: string[];
  language: string;
  repository?: string;
  /** The deployed book's public origin, for the sitemap and canonical URLs. */
  url: string;
  parts: PartInfo[];
  /** Published chapters in reading order, then drafts. */
  chapters: ChapterInfo[];
}

const BOOK_FILE = 'content/book.yaml';

export const CHAPTER_FILE = /^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx?$/;

/** `01-estimating-probability.mdx` → `estimating-probability`. */
export function slugFromFile(name: string): string | null {
  const m = CHAPTER_FILE.exec(name);
  return m ? m[2] : null;
}

export function chapterPath(slug: string): string {
  return `/chapters/${slug}/`;
}

/** A chapter's slug: its frontmatter `slug` when that is a string, else the slug of its file name. */
export function chapterSlug(fileName: string, data: Record<string, unknown> | undefined): string | null {
  return typeof data?.slug === 'string' ? data.slug : slugFromFile(fileName);
}

/** The chapter at `/chapters/<slug>/`, or the one that lists `slug` among its `aliases`. */
export function resolveChapter(book: Pick<BookInfo, 'chapters'>, slug: string): ChapterInfo | undefined {
  return book.chapters.find((c) => c.slug === slug) ?? book.chapters.find((c) => c.aliases.includes(slug));
}

export interface Redirect {
  /** The old slug: the page is /chapters/<from>/. */
  from: string;
  /** The chapter it leads to. */
  to: ChapterInfo;
}

/** One redirect per alias of the given chapters (the published ones, or all in `astro dev`). */
export function chapterRedirects(chapters: readonly ChapterInfo[]): Redirect[] {
  return chapters.flatMap((to) => to.aliases.map((from) => ({ from, to })));
}

function frontmatter(text: string): { data: Record<string, unknown>; body: number } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { data: {}, body: 0 };
  const data = parseYaml(m[1]) ?? {};
  return { data: typeof data === 'object' ? (data as Record<string, unknown>) : {}, body: m[0].length };
}

export function readBookConfig(root: string): Omit<BookInfo, 'chapters'> {
  const file = join(root, 'content', 'book.yaml');
  if (!existsSync(file)) {
    throw bookError('book/missing-config', {}, { file: BOOK_FILE });
  }
  let raw: any;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e: any) {
    const line = e?.linePos?.[0]?.line;
    throw bookError('book/bad-yaml', { reason: String(e?.message ?? e) }, { file: BOOK_FILE, line });
  }
  if (!raw || typeof raw.title !== 'string' || !Array.isArray(raw.parts) || raw.parts.length === 0) {
    throw bookError('book/bad-config', { config: raw }, { file: BOOK_FILE });
  }
  const seen = new Set<string>();
  const parts: PartInfo[] = raw.parts.map((p: any, i: number) => {
    if (!p || typeof p.id !== 'string' || typeof p.title !== 'string') {
      throw bookError('book/bad-part', { n: i + 1, part: p }, { file: BOOK_FILE });
    }
    if (seen.has(p.id)) throw bookError('book/duplicate-part', { id: p.id }, { file: BOOK_FILE });
    seen.add(p.id);
    return { id: p.id, title: p.title, summary: p.summary, number: i + 1 };
  });
  return {
    title: raw.title,
    subtitle: raw.subtitle,
    description: raw.description,
    authors: Array.isArray(raw.authors) ? raw.authors.map(String) : [],
    language: typeof raw.language === 'string' ? raw.language : 'en',
    repository: raw.repository,
    url: typeof raw.url === 'string' ? raw.url : 'https://example.org',
    parts,
  };
}

/**
 * What loadBook(root) reads, as a string that changes when it may: book.yaml's mtime and each
 * chapter file's name and mtime (a file added, removed, renamed or edited).
 */
export function bookSignature(root: string, chaptersDir = join(root, 'content', 'chapters')): string {
  // A production build (astro build sets NODE_ENV) reads sources that do not change under it, and
  // asks for the signature once per chapter per plugin: one stat of every chapter each time would
  // grow with the square of the book. Dev and tests look every time.
  if (process.env.NODE_ENV !== 'production') return readSignature(root, chaptersDir);
  const key = `${root}\0${chaptersDir}`;
  let signature = buildSignatures.get(key);
  if (signature === undefined) {
    signature = readSignature(root, chaptersDir);
    buildSignatures.set(key, signature);
  }
  return signature;
}
const buildSignatures = new Map<string, string>();

function readSignature(root: string, chaptersDir: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(chaptersDir).filter((f) => /\.mdx?$/.test(f)).sort();
  } catch {
    names = [];
  }
  return [String(mtimeOf(join(root, 'content', 'book.yaml'))), ...names.map((n) => `${n}@${mtimeOf(join(chaptersDir, n))}`)].join('|');
}

const bookCache = new Map<string, { signature: string; book: BookInfo }>();

/**
 * loadBook(root), read again only when bookSignature(root) changes. The remark plugins ask for
 * the book once per chapter; reading every chapter's frontmatter each time made the build
 * quadratic in the number of chapters (0.5 s of a 50-chapter book, ~8 s of a 200-chapter one).
 */
export function loadBookCached(root: string): BookInfo {
  const signature = bookSignature(root);
  const hit = bookCache.get(root);
  if (hit && hit.signature === signature) return hit.book;
  const book = loadBook(root);
  bookCache.set(root, { signature, book });
  return book;
}

/**
 * Reads `content/book.yaml` and the frontmatter of every chapter. Only the fields needed for
 * structure are checked here (part, order, title); the full schema lives in src/content.config.ts.
 */
export function loadBook(root: string, chaptersDir = join(root, 'content', 'chapters')): BookInfo {
  const config = readBookConfig(root);
  const partIndex = new Map(config.parts.map((p) => [p.id, p]));
  const files = existsSync(chaptersDir) ? readdirSync(chaptersDir).filter((f) => /\.mdx?$/.test(f)).sort() : [];
  const raw: ChapterInfo[] = [];
  /** slug → the file that has it, and whether it came from a `slug:` field. */
  const slugs = new Map<string, { file: string; explicit: boolean }>();
  const texts = new Map<string, string>();
  for (const name of files) {
    const file = relative(root, join(chaptersDir, name)).split('\\').join('/');
    const fileSlug = slugFromFile(name);
    if (!fileSlug) {
      throw bookError('book/bad-chapter-file-name', { name }, { file });
    }
    const text = readFileSync(join(chaptersDir, name), 'utf8');
    let data: Record<string, unknown>;
    try {
      data = frontmatter(text).data;
    } catch (e: any) {
      const line = (e?.linePos?.[0]?.line ?? 0) + 1;
      throw bookError('frontmatter/bad-yaml', { reason: String(e?.message ?? e) }, { file, line });
    }
    checkSlugSyntax(data, text, file);
    const explicit = typeof data.slug === 'string';
    const slug = explicit ? (data.slug as string) : fileSlug;
    const taken = slugs.get(slug);
    if (taken) {
      if (!explicit && !taken.explicit) throw bookError('book/duplicate-slug', { slug, first: taken.file, second: file }, { file });
      // Point at the `slug:` line that makes the clash (this chapter's, else the earlier one's).
      const [at, other] = explicit ? [file, taken.file] : [taken.file, file];
      throw bookError('frontmatter/duplicate-slug', { slug, first: other }, { file: at, line: frontmatterLine(explicit ? text : texts.get(taken.file) ?? '', /^slug:/m) ?? 1 });
    }
    slugs.set(slug, { file, explicit });
    const parsed = chapterSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join('.') || '(frontmatter)';
      const top = String(issue.path[0] ?? '');
      const given = Boolean(top) && top in data;
      throw bookError('frontmatter/schema', { field, key: top, issue: issue.message, given, value: given ? data[top] : undefined }, { file, line: top ? lineOf(text, new RegExp(`^${top}:`, 'm')) ?? 1 : 1 });
    }
    const fm = parsed.data;
    if (!partIndex.has(fm.part)) {
      throw bookError('frontmatter/unknown-part', { part: fm.part, parts: [...partIndex.keys()] }, { file, line: lineOf(text, /^part:/m) });
    }
    const part = fm.part;
    const order = fm.order;
    texts.set(file, text);
    raw.push({ slug, file, title: fm.title, part, order, draft: fm.draft, number: 0, path: chapterPath(slug), prerequisites: fm.prerequisites, aliases: fm.aliases });
  }
  // Aliases: each old slug leads to exactly one chapter and is nobody's current slug.
  const aliasOwner = new Map<string, string>();
  for (const c of raw) {
    const text = texts.get(c.file) ?? '';
    for (const alias of c.aliases) {
      const line = itemLine(text, 'aliases', alias);
      const holder = slugs.get(alias);
      if (holder) throw bookError('frontmatter/alias-is-slug', { alias, chapter: holder.file, own: holder.file === c.file }, { file: c.file, line });
      const first = aliasOwner.get(alias);
      if (first) throw bookError('frontmatter/duplicate-alias', { alias, first }, { file: c.file, line });
      aliasOwner.set(alias, c.file);
    }
  }
  const published = raw
    .filter((c) => !c.draft)
    .sort((a, b) => partIndex.get(a.part)!.number - partIndex.get(b.part)!.number || a.order - b.order || a.slug.localeCompare(b.slug));
  published.forEach((c, i) => (c.number = i + 1));
  const bySlug = new Map(raw.map((c) => [c.slug, c]));
  for (const c of raw) for (const a of c.aliases) bySlug.set(a, c);
  for (const c of raw) {
    const text = texts.get(c.file) ?? '';
    c.prerequisites.forEach((p, i) => {
      const line = lineOf(text, new RegExp(`^\\s*-\\s*['"]?${p}['"]?\\s*$|prerequisites:.*\\b${p}\\b`, 'm')) ?? lineOf(text, /^prerequisites:/m);
      const target = bySlug.get(p);
      if (!target) {
        const slugList = [...slugs.keys()];
        throw bookError('frontmatter/unknown-prerequisite', { kind: 'unknown', prerequisite: p, slugs: slugList, suggestion: closest(p, slugList) }, { file: c.file, line });
      }
      if (target === c) throw bookError('frontmatter/unknown-prerequisite', { kind: 'self', n: i + 1 }, { file: c.file, line: lineOf(text, /^prerequisites:/m) });
      // Drafts are not numbered and not built: the "Read first" list of a published chapter skips them.
      if (c.draft) return;
      if (target.draft) warn('frontmatter/draft-prerequisite', { prerequisite: p, file: target.file }, { file: c.file, line });
      else if (target.number > c.number) warn('frontmatter/later-prerequisite', { prerequisite: p, number: target.number, chapter: c.number }, { file: c.file, line });
    });
  }
  // An old slug in `prerequisites` names its chapter: store the current slug.
  for (const c of raw) c.prerequisites = c.prerequisites.map((p) => bySlug.get(p)?.slug ?? p);
  return { ...config, chapters: [...published, ...raw.filter((c) => c.draft)] };
}

function lineOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return text.slice(0, m.index).split('\n').length;
}

/** The line of `re` inside the frontmatter block only (so that the lesson's text never matches). */
function frontmatterLine(text: string, re: RegExp): number | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  return m ? lineOf(m[0], re) : undefined;
}

/** The line of `value` in the frontmatter list `key` (block or inline form); the `key:` line when not found. */
function itemLine(text: string, key: string, value: string): number | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!m) return undefined;
  const lines = m[0].split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(`${key}:`));
  if (start < 0) return undefined;
  const quoted = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2');
  const inline = /^[^:]+:\s*\[(.*)\]\s*$/.exec(lines[start]);
  if (inline) return start + 1;
  for (let i = start + 1; i < lines.length; i++) {
    const item = /^\s*-\s*(.*?)\s*$/.exec(lines[i]);
    if (!item) {
      if (/^\S/.test(lines[i])) break;
      continue;
    }
    if (quoted(item[1]) === value) return i + 1;
  }
  return start + 1;
}

/** `slug` and `aliases` checked before the schema, for a message that says what a slug looks like. */
function checkSlugSyntax(data: Record<string, unknown>, text: string, file: string): void {
  if ('slug' in data && (typeof data.slug !== 'string' || !SLUG.test(data.slug))) {
    throw bookError('frontmatter/bad-slug', { field: 'slug', value: data.slug }, { file, line: frontmatterLine(text, /^slug:/m) ?? 1 });
  }
  if (!('aliases' in data) || data.aliases === null) return;
  if (!Array.isArray(data.aliases)) {
    throw bookError('frontmatter/bad-slug', { field: 'aliases', value: data.aliases }, { file, line: frontmatterLine(text, /^aliases:/m) ?? 1 });
  }
  data.aliases.forEach((a, i) => {
    if (typeof a !== 'string' || !SLUG.test(a)) {
      throw bookError('frontmatter/bad-slug', { field: 'aliases', value: a, n: i + 1 }, { file, line: itemLine(text, 'aliases', String(a)) ?? 1 });
    }
  });
}
