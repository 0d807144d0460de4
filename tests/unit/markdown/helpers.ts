/** A throwaway project (book.yaml, chapters, references.bib, macros.tex) and a pipeline runner. */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import { VFile } from 'vfile';
import { markdownConfig } from '../../../src/markdown/index.ts';

export const BOOK_YAML = `title: Test Book
parts:
  - id: foundations
    title: Foundations
  - id: kernels
    title: Kernels
`;

export const BIB = `@article{jacot2018,
  author = {Jacot, Arthur and Gabriel, Franck and Hongler, Cl{\\'e}ment},
  title = {Neural Tangent Kernel: Convergence and Generalization in Neural Networks},
  journal = {Advances in Neural Information Processing Systems},
  volume = {31},
  year = {2018}
}

@book{bishop2006,
  author = {Bishop, Christopher M.},
  title = {Pattern Recognition and Machine Learning},
  publisher = {Springer},
  year = {2006}
}

@article{neal1996,
  author = {Neal, Radford M.},
  title = {Priors for Infinite Networks},
  journal = {Bayesian Learning for Neural Networks},
  year = {1996}
}
`;

export const MACROS = `% book macros
\\newcommand{\\R}{\\mathbb{R}}
\\newcommand{\\norm}[1]{\\left\\lVert #1 \\right\\rVert}
\\DeclareMathOperator{\\tr}{tr}
`;

export function chapter(title: string, part: string, order: number, body: string, extra = ''): string {
  return `---\ntitle: ${title}\npart: ${part}\norder: ${order}\nsummary: A test chapter.\n${extra}---\n\n${body}`;
}

export interface TempProject {
  root: string;
  write(rel: string, text: string): string;
  cleanup(): void;
}

export function tempProject(files: Record<string, string> = {}, opts: { bib?: boolean; macros?: boolean } = {}): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'iw-md-'));
  mkdirSync(join(root, 'content', 'chapters'), { recursive: true });
  const write = (rel: string, text: string) => {
    const abs = join(root, rel);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, text);
    return abs;
  };
  write('content/book.yaml', BOOK_YAML);
  if (opts.bib !== false) write('content/references.bib', BIB);
  if (opts.macros !== false) write('content/macros.tex', MACROS);
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs the full pipeline on `rel` (its text read from `text`, or the file on disk). */
export async function render(root: string, rel: string, text: string, base = '/'): Promise<string> {
  const { remarkPlugins, rehypePlugins } = markdownConfig({ root, base });
  const processor = unified()
    .use(remarkParse)
    .use(remarkPlugins)
    .use(remarkRehype)
    .use(rehypePlugins)
    .use(rehypeStringify);
  // As Astro's MDX integration does: the frontmatter is blanked out, keeping lines and columns.
  const value = text.replace(/^---\r?\n[\s\S]*?\r?\n---/, (fm) => fm.replace(/[^\r\n]/g, ' '));
  const file = new VFile({ path: join(root, rel), value });
  return String(await processor.process(file));
}

/** Runs the pipeline and returns the error it throws (fails if it does not throw). */
export async function renderError(root: string, rel: string, text: string, base = '/'): Promise<Error & { code?: string }> {
  try {
    await render(root, rel, text, base);
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error(`expected ${rel} to fail`);
}

/** 1-based line of the first occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`"${needle}" not found`);
  return text.slice(0, i).split('\n').length;
}

/** 1-based column of the first occurrence of `needle` in `text`. */
export function columnOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  return i - text.lastIndexOf('\n', i - 1);
}

/** The HTML without KaTeX's markup inside `.katex` spans (easier to read in failures). */
export function ids(html: string, prefix = 'eq-'): string[] {
  return [...html.matchAll(new RegExp(`id="(${prefix}[^"]*)"`, 'g'))].map((m) => m[1]);
}
