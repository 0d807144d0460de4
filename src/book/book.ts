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
import { chapterSchema } from './schema.ts';

export interface PartInfo {
  id: string;
  title: string;
  summary?: string;
  /** 1-based position of the part. */
  number: number;
}

export interface ChapterInfo {
  /** File name without `NN-` and extension: `estimating-probability`. Used in URLs and prerequisites. */
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
  /** Slugs of the chapters to read first (validated: each exists). */
  prerequisites: string[];
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
 * Reads `content/book.yaml` and the frontmatter of every chapter. Only the fields needed for
 * structure are checked here (part, order, title); the full schema lives in src/content.config.ts.
 */
export function loadBook(root: string, chaptersDir = join(root, 'content', 'chapters')): BookInfo {
  const config = readBookConfig(root);
  const partIndex = new Map(config.parts.map((p) => [p.id, p]));
  const files = existsSync(chaptersDir) ? readdirSync(chaptersDir).filter((f) => /\.mdx?$/.test(f)).sort() : [];
  const raw: ChapterInfo[] = [];
  const slugs = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const name of files) {
    const file = relative(root, join(chaptersDir, name)).split('\\').join('/');
    const slug = slugFromFile(name);
    if (!slug) {
      throw bookError('book/bad-chapter-file-name', { name }, { file });
    }
    if (slugs.has(slug)) {
      throw bookError('book/duplicate-slug', { slug, first: slugs.get(slug)!, second: file }, { file });
    }
    slugs.set(slug, file);
    const text = readFileSync(join(chaptersDir, name), 'utf8');
    let data: Record<string, unknown>;
    try {
      data = frontmatter(text).data;
    } catch (e: any) {
      const line = (e?.linePos?.[0]?.line ?? 0) + 1;
      throw bookError('frontmatter/bad-yaml', { reason: String(e?.message ?? e) }, { file, line });
    }
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
    raw.push({ slug, file, title: fm.title, part, order, draft: fm.draft, number: 0, path: chapterPath(slug), prerequisites: fm.prerequisites });
  }
  const published = raw
    .filter((c) => !c.draft)
    .sort((a, b) => partIndex.get(a.part)!.number - partIndex.get(b.part)!.number || a.order - b.order || a.slug.localeCompare(b.slug));
  published.forEach((c, i) => (c.number = i + 1));
  const bySlug = new Map(raw.map((c) => [c.slug, c]));
  for (const c of raw) {
    const text = texts.get(c.file) ?? '';
    c.prerequisites.forEach((p, i) => {
      const line = lineOf(text, new RegExp(`^\\s*-\\s*['"]?${p}['"]?\\s*$|prerequisites:.*\\b${p}\\b`, 'm')) ?? lineOf(text, /^prerequisites:/m);
      const target = bySlug.get(p);
      if (!target) {
        const slugList = [...slugs.keys()];
        throw bookError('frontmatter/unknown-prerequisite', { kind: 'unknown', prerequisite: p, slugs: slugList, suggestion: closest(p, slugList) }, { file: c.file, line });
      }
      if (p === c.slug) throw bookError('frontmatter/unknown-prerequisite', { kind: 'self', n: i + 1 }, { file: c.file, line: lineOf(text, /^prerequisites:/m) });
      // Drafts are not numbered and not built: the "Read first" list of a published chapter skips them.
      if (c.draft) return;
      if (target.draft) warn('frontmatter/draft-prerequisite', { prerequisite: p, file: target.file }, { file: c.file, line });
      else if (target.number > c.number) warn('frontmatter/later-prerequisite', { prerequisite: p, number: target.number, chapter: c.number }, { file: c.file, line });
    });
  }
  return { ...config, chapters: [...published, ...raw.filter((c) => c.draft)] };
}

function lineOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return text.slice(0, m.index).split('\n').length;
}
