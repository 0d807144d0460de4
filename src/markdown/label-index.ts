/**
 * The book-wide index of equation labels, for \eqref across chapters and for duplicate labels.
 *
 * Every chapter file is scanned with a line scanner that follows remark-math's rules for display
 * math: a fence of two or more `$` that opens a line (after indentation, `>` and list markers),
 * whose rest holds no `$`; it closes at a line holding only as many (or more) `$`. Fenced code
 * and the frontmatter are skipped. Labelled blocks are numbered k = 1, 2, … in order. Each file's
 * scan is cached until its mtime changes; the index is rebuilt when any chapter file, the chapter
 * list or content/book.yaml changes (the dev server re-runs the plugins per file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookSignature, loadBookCached, type ChapterInfo } from '../book/book.ts';
import { mtimeCache } from './util.ts';

/** `eq:name` with lowercase words joined by dashes. */
export const LABEL_GRAMMAR = /^eq:[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A `\label{…}` in TeX (global; the argument is group 1). */
export const LABEL_RE = /\\label\s*\{([^{}]*)\}/g;
/** A math value that is exactly one `\eqref{…}`. */
export const EQREF_ALONE = /^\s*\\eqref\s*\{([^{}]*)\}\s*$/;

/** `eq:gauss-kernel` → `eq-gauss-kernel`. */
export function labelId(label: string): string {
  return label.replace(/:/g, '-');
}

/** The display-math TeX with every `\label{…}` replaced by spaces (offsets are kept). */
export function blankLabels(tex: string): string {
  return tex.replace(LABEL_RE, (m) => ' '.repeat(m.length));
}

/** The display-math TeX with its labels removed (for previews). */
export function stripLabels(tex: string): string {
  return tex.replace(LABEL_RE, '').trim();
}

export interface ScannedEquation {
  label: string;
  /** 1-based position among this file's labelled display equations. */
  k: number;
  /** Line and column of the `\label` in the file. */
  line: number;
  column: number;
  /** The block's TeX, labels removed. */
  tex: string;
}

const FENCE_CODE = /^(`{3,}|~{3,})(.*)$/;
const FENCE_MATH_OPEN = /^(\${2,})([^$]*)$/;

/** Strips `>` blockquote markers and indentation (and, if `list`, one list marker). */
function stripContainer(line: string, list: boolean): { rest: string; cut: number } {
  let m = /^(?:[ \t]*>)*[ \t]*/.exec(line)!;
  let cut = m[0].length;
  if (list) {
    const l = /^(?:[-*+]|\d{1,9}[.)])[ \t]+/.exec(line.slice(cut));
    if (l) cut += l[0].length;
  }
  return { rest: line.slice(cut), cut };
}

/** Finds the labelled display equations of one chapter's text (MDX or Markdown). */
export function scanEquations(text: string): ScannedEquation[] {
  const lines = text.split(/\r?\n/);
  const out: ScannedEquation[] = [];
  let i = 0;
  if (/^---\s*$/.test(lines[0] ?? '')) {
    for (i = 1; i < lines.length && !/^---\s*$/.test(lines[i]); i++);
    i++;
  }
  let k = 0;
  let code: { ch: string; n: number } | null = null;
  let math: { n: number; start: number; body: { text: string; line: number; cut: number }[] } | null = null;
  const closeMath = () => {
    if (!math) return;
    const body = math.body.map((b) => b.text).join('\n');
    LABEL_RE.lastIndex = 0;
    const first = LABEL_RE.exec(body);
    if (first) {
      k++;
      // Locate the label's line and column in the file.
      let acc = 0;
      let where = { line: math.start + 1, column: 1 };
      for (const b of math.body) {
        if (first.index <= acc + b.text.length) {
          where = { line: b.line + 1, column: b.cut + first.index - acc + 1 };
          break;
        }
        acc += b.text.length + 1;
      }
      out.push({ label: first[1].trim(), k, line: where.line, column: where.column, tex: stripLabels(body) });
    }
    math = null;
  };
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (code) {
      const { rest } = stripContainer(line, false);
      const m = /^(`{3,}|~{3,})\s*$/.exec(rest);
      if (m && m[1][0] === code.ch && m[1].length >= code.n) code = null;
      continue;
    }
    if (math) {
      const { rest, cut } = stripContainer(line, false);
      const m = /^(\${2,})\s*$/.exec(rest);
      if (m && m[1].length >= math.n) {
        closeMath();
        continue;
      }
      math.body.push({ text: rest, line: i, cut });
      continue;
    }
    const { rest } = stripContainer(line, true);
    const c = FENCE_CODE.exec(rest);
    if (c && !(c[1][0] === '`' && c[2].includes('`'))) {
      code = { ch: c[1][0], n: c[1].length };
      continue;
    }
    const mo = FENCE_MATH_OPEN.exec(rest);
    if (mo) math = { n: mo[1].length, start: i, body: [] };
  }
  closeMath();
  return out;
}

export interface IndexedEquation extends ScannedEquation {
  /** Project-relative chapter file. */
  file: string;
  chapter: ChapterInfo;
  /** The printed number: `3.2` (chapter 3, second labelled equation). */
  number: string;
  id: string;
}

export interface LabelIndex {
  chapters: ChapterInfo[];
  /** First occurrence of each label, in book order. */
  labels: Map<string, IndexedEquation>;
  /** Every occurrence of each label, in book order (length > 1 means a duplicate). */
  occurrences: Map<string, IndexedEquation[]>;
  /** Chapter by project-relative file. */
  byFile: Map<string, ChapterInfo>;
}

/** `3.2`, or `2` for a file outside the numbered chapters (drafts, pages). */
export function equationNumber(chapter: ChapterInfo | undefined, k: number): string {
  return chapter && chapter.number > 0 ? `${chapter.number}.${k}` : String(k);
}

const scanFile = mtimeCache((path: string) => {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [] as ScannedEquation[];
  }
  return scanEquations(text);
});

const indexCache = new Map<string, { signature: string; index: LabelIndex }>();

/** The label index of the book at `root` (cached; rebuilt when a chapter file changes). */
export function getLabelIndex(root: string): LabelIndex {
  const signature = bookSignature(root);
  const hit = indexCache.get(root);
  if (hit && hit.signature === signature) return hit.index;
  const book = loadBookCached(root);
  const labels = new Map<string, IndexedEquation>();
  const occurrences = new Map<string, IndexedEquation[]>();
  const byFile = new Map<string, ChapterInfo>();
  for (const chapter of book.chapters) {
    byFile.set(chapter.file, chapter);
    for (const eq of scanFile(join(root, chapter.file))) {
      const entry: IndexedEquation = { ...eq, file: chapter.file, chapter, number: equationNumber(chapter, eq.k), id: labelId(eq.label) };
      if (!labels.has(eq.label)) labels.set(eq.label, entry);
      const list = occurrences.get(eq.label) ?? [];
      list.push(entry);
      occurrences.set(eq.label, list);
    }
  }
  const index: LabelIndex = { chapters: book.chapters, labels, occurrences, byFile };
  indexCache.set(root, { signature, index });
  return index;
}
