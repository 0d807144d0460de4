/**
 * KaTeX at build time: the options every formula is rendered with, and a renderer that turns
 * KaTeX's ParseError into a BookError pointing at the formula in the chapter file.
 */
import katex from 'katex';
import { excerpt, lineColumn } from './util.ts';
import { bookError } from '../errors/index.ts';

export interface KatexSettings {
  macros: Record<string, string>;
}

export function katexOptions(macros: Record<string, string>) {
  return {
    output: 'htmlAndMathml' as const,
    macros,
    throwOnError: true,
    strict: 'ignore' as const,
  };
}

/** Where a formula's TeX lives in its source file, so offsets in the TeX map to file:line:col. */
export interface TexSource {
  file: string;
  /** The whole source text the positions refer to ('' if unknown). */
  text: string;
  /** Start of the math node (its opening `$` / `$$`). */
  start: { line: number; column: number; offset?: number };
  end?: { line: number; column: number; offset?: number };
  display: boolean;
}

/**
 * File position of offset `at` in `tex` (the node's value). Display math starts on the line after
 * its `$$` fence; each value line is found again in its source line so indentation and `>`
 * prefixes are accounted for. Falls back to the node's start.
 */
export function positionInSource(tex: string, at: number, src: TexSource): { line: number; column: number } {
  const fallback = { line: src.start.line, column: src.start.column };
  if (!src.text) return fallback;
  const clamped = Math.max(0, Math.min(at, tex.length));
  if (!src.display) {
    if (src.start.offset == null || src.end?.offset == null) return fallback;
    const raw = src.text.slice(src.start.offset, src.end.offset);
    const idx = raw.indexOf(tex);
    return idx >= 0 ? lineColumn(src.text, src.start.offset + idx + clamped) : fallback;
  }
  const before = tex.slice(0, clamped);
  const lineInTex = before.split('\n').length - 1;
  const colInTex = clamped - (before.lastIndexOf('\n') + 1);
  const line = src.start.line + 1 + lineInTex;
  const srcLine = src.text.split('\n')[line - 1];
  if (srcLine == null) return fallback;
  const texLine = tex.split('\n')[lineInTex] ?? '';
  const found = texLine.trim() ? srcLine.indexOf(texLine) : -1;
  const base = found >= 0 ? found : srcLine.length - srcLine.trimStart().length;
  return { line, column: base + 1 + colInTex };
}

/**
 * Renders `tex` with KaTeX (throwOnError) and returns the HTML; a parse error becomes a
 * `math/katex` BookError at the offending position. `shown` is the TeX as the author wrote it
 * (used for the snippet; defaults to `tex`).
 */
export function renderTex(tex: string, displayMode: boolean, macros: Record<string, string>, src: TexSource, shown = tex): string {
  try {
    return katex.renderToString(tex, { ...katexOptions({ ...macros }), displayMode });
  } catch (e: any) {
    const raw: string = e?.rawMessage ?? String(e?.message ?? e).replace(/^KaTeX parse error: /, '');
    const pos: number | undefined = typeof e?.position === 'number' ? e.position : undefined;
    const len: number = typeof e?.length === 'number' ? e.length : 0;
    const where = pos != null && pos <= shown.length ? positionInSource(shown, pos, src) : { line: src.start.line, column: src.start.column };
    const excerptOf = pos != null && pos <= shown.length ? excerpt(shown, pos, pos + len) : shown.replace(/\s*\n\s*/g, ' ').slice(0, 120);
    throw bookError('math/katex', { kind: 'formula', display: displayMode, reason: raw, excerpt: excerptOf }, { file: src.file, line: where.line, column: where.column });
  }
}

/**
 * Formulas already rendered for this file, keyed by mode and TeX: remark-katex-validate renders
 * every formula once to check it, and rehype-katex-html reuses that HTML instead of rendering again.
 */
export function renderedFormulas(vfile: { data: Record<string, unknown> }): Map<string, string> {
  return ((vfile.data.katexRendered as Map<string, string> | undefined) ??= new Map());
}

export function formulaKey(tex: string, display: boolean): string {
  return `${display ? 'D' : 'I'}\u0000${tex}`;
}
