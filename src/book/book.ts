/**
 * The book's structure, read straight from `content/` with no Astro involved, so that the
 * Markdown plugins (equation numbers, cross-chapter \eqref), the pages and the scripts agree on
 * one numbering. Chapters are numbered 1, 2, … through the whole book in (part, order) order;
 * drafts are left out of the numbering and of the built site.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BookError } from '../errors/index.ts';
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
    throw new BookError({ code: 'book/missing-config', message: 'content/book.yaml is missing.', location: { file: 'content/book.yaml' }, hint: 'Create it with a title and a list of parts.' });
  }
  let raw: any;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e: any) {
    const line = e?.linePos?.[0]?.line;
    throw new BookError({ code: 'book/bad-yaml', message: `content/book.yaml is not valid YAML: ${e?.message ?? e}`, location: { file: 'content/book.yaml', line } });
  }
  if (!raw || typeof raw.title !== 'string' || !Array.isArray(raw.parts) || raw.parts.length === 0) {
    throw new BookError({ code: 'book/bad-config', message: 'content/book.yaml needs a `title` (string) and a non-empty `parts` list.', location: { file: 'content/book.yaml' }, expected: '{ title: string, parts: [{ id, title }] }', received: JSON.stringify(raw)?.slice(0, 200) });
  }
  const seen = new Set<string>();
  const parts: PartInfo[] = raw.parts.map((p: any, i: number) => {
    if (!p || typeof p.id !== 'string' || typeof p.title !== 'string') {
      throw new BookError({ code: 'book/bad-part', message: `Part ${i + 1} in content/book.yaml needs an \`id\` and a \`title\`.`, location: { file: 'content/book.yaml' }, received: JSON.stringify(p) });
    }
    if (seen.has(p.id)) throw new BookError({ code: 'book/duplicate-part', message: `Part id "${p.id}" appears twice in content/book.yaml.`, location: { file: 'content/book.yaml' } });
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
      throw new BookError({ code: 'book/bad-chapter-file-name', message: `Chapter file name "${name}" does not follow NN-slug.mdx.`, location: { file }, expected: 'two digits, a dash, then lowercase words joined by dashes, e.g. 03-gaussian-processes.mdx', received: name });
    }
    if (slugs.has(slug)) {
      throw new BookError({ code: 'book/duplicate-slug', message: `Two chapters share the slug "${slug}": ${slugs.get(slug)} and ${file}.`, location: { file }, hint: 'Rename one of the files.' });
    }
    slugs.set(slug, file);
    const text = readFileSync(join(chaptersDir, name), 'utf8');
    let data: Record<string, unknown>;
    try {
      data = frontmatter(text).data;
    } catch (e: any) {
      const line = (e?.linePos?.[0]?.line ?? 0) + 1;
      throw new BookError({ code: 'frontmatter/bad-yaml', message: `The frontmatter is not valid YAML: ${String(e?.message ?? e).split('\n')[0]}`, location: { file, line } });
    }
    const parsed = chapterSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join('.') || '(frontmatter)';
      const top = String(issue.path[0] ?? '');
      const received = top && top in data ? JSON.stringify(data[top]) : 'nothing';
      throw new BookError({
        code: 'frontmatter/schema',
        message: `Frontmatter field \`${field}\` is invalid: ${issue.message}.`,
        location: { file, line: top ? lineOf(text, new RegExp(`^${top}:`, 'm')) ?? 1 : 1 },
        expected: FIELD_HINTS[top] ?? 'see the frontmatter table in CONTRIBUTING.md',
        received,
        hint: 'Fix the frontmatter at the top of the chapter; CONTRIBUTING.md lists every field.',
      });
    }
    const fm = parsed.data;
    if (!partIndex.has(fm.part)) {
      throw new BookError({ code: 'frontmatter/unknown-part', message: `Chapter names part "${fm.part}", which content/book.yaml does not list.`, location: { file, line: lineOf(text, /^part:/m) }, expected: [...partIndex.keys()].join(' | '), received: fm.part, hint: 'Use one of the part ids from content/book.yaml, or add the part there.' });
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
  for (const c of raw) {
    c.prerequisites.forEach((p, i) => {
      if (!slugs.has(p)) {
        const text = texts.get(c.file) ?? '';
        const known = [...slugs.keys()];
        throw new BookError({
          code: 'frontmatter/unknown-prerequisite',
          message: `Prerequisite "${p}" is not a chapter of this book.`,
          location: { file: c.file, line: lineOf(text, new RegExp(`^\\s*-\\s*['"]?${p}['"]?\\s*$|prerequisites:.*\\b${p}\\b`, 'm')) ?? lineOf(text, /^prerequisites:/m) },
          expected: `a chapter slug (file name without NN- and .mdx): ${known.join(', ') || 'none yet'}`,
          received: p,
          hint: closest(p, known) ? `Did you mean "${closest(p, known)}"?` : 'Prerequisites name chapters by slug.',
        });
      }
      if (p === c.slug) throw new BookError({ code: 'frontmatter/unknown-prerequisite', message: `Chapter lists itself as a prerequisite (item ${i + 1}).`, location: { file: c.file, line: lineOf(texts.get(c.file) ?? '', /^prerequisites:/m) } });
    });
  }
  return { ...config, chapters: [...published, ...raw.filter((c) => c.draft)] };
}

function lineOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return text.slice(0, m.index).split('\n').length;
}

const FIELD_HINTS: Record<string, string> = {
  title: 'a non-empty string',
  part: 'a part id from content/book.yaml',
  order: 'an integer >= 0 (position within the part)',
  summary: 'a non-empty string (one or two sentences)',
  objectives: 'a list of strings',
  prerequisites: 'a list of chapter slugs',
  slides: 'a list of { title, source }',
  draft: 'true or false',
};

/** The candidate within edit distance 3 of `word`, if any (for "did you mean"). */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
