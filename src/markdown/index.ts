/**
 * The book's Markdown pipeline, for `unified({ remarkPlugins, rehypePlugins })` from
 * @astrojs/markdown-remark in astro.config.mjs:
 *
 *   remark: remark-math → smart punctuation (curly quotes, dashes; Astro's own smartypants is
 *           off, see ./remark-smart-punctuation.ts) → equation labels/numbers/\eqref → KaTeX
 *           validation (throwOnError)
 *   rehype: heading ids (Astro's) → citations (+ References heading) → heading permalinks
 *           → rehype-katex (macros, htmlAndMathml) → guard against .katex-error → base for
 *           root-relative links
 *
 * Also: readMacros(root), bibliography(root) for the /bibliography/ page, linkCheck(), the
 * integration that fails the build on broken internal links, and the MDX-only remark plugins that
 * astro.config.mjs adds after these: remarkNumberedBlocks (here) and remarkWidgets
 * (./remark-widgets.ts, which loads the widget registry).
 */
import remarkMath from 'remark-math';
import type { PluggableList } from 'unified';
import rehypeKatex from 'rehype-katex';
import { katexOptions } from './katex.ts';
import { readMacros } from './macros.ts';
import { rehypeKatexGuard } from './rehype-katex-guard.ts';
import { rehypeKatexHtml } from './rehype-katex-html.ts';
import { rehypeBaseLinks } from './rehype-base-links.ts';
import { rehypeCitations } from './rehype-citations.ts';
import { headingPermalinks, rehypeHeadingIds } from './rehype-heading-links.ts';
import { remarkEquationLabels } from './remark-equation-labels.ts';
import { remarkKatexValidate } from './remark-katex-validate.ts';
import { remarkSmartPunctuation } from './remark-smart-punctuation.ts';
import { normalizeBase } from '../book/base-path.ts';
import { toPath } from './util.ts';

export { readMacros, parseMacros } from './macros.ts';
export { bibliography, citationKeys, type BibEntry } from './bibliography.ts';
export { checkLinks, linkCheck, linkFailuresError, formatLinkFailure, type LinkFailure } from './link-check.ts';
export { getLabelIndex, scanEquations, type LabelIndex, type IndexedEquation } from './label-index.ts';
export { remarkEquationLabels } from './remark-equation-labels.ts';
export { remarkKatexValidate } from './remark-katex-validate.ts';
export { remarkSmartPunctuation } from './remark-smart-punctuation.ts';
export { rehypeCitations } from './rehype-citations.ts';
export { rehypeHeadingLinks, headingPermalinks } from './rehype-heading-links.ts';
export { rehypeBaseLinks, withBase } from './rehype-base-links.ts';
export { rehypeKatexGuard } from './rehype-katex-guard.ts';
export { rehypeKatexHtml } from './rehype-katex-html.ts';
export { remarkNumberedBlocks } from './remark-numbered-blocks.ts';

export interface MarkdownConfigOptions {
  /** Project root (the folder holding content/), as a path or file: URL. */
  root: string | URL;
  /** Site base, as in astro.config (`/` or `/course/`). */
  base?: string;
  /**
   * How typeset math enters the tree: 'hast' (rehype-katex: real elements, for any unified
   * pipeline) or 'set-html' (one element per formula carrying Astro's `set:html`: the MDX build
   * uses this, since KaTeX trees dominate build time and memory on large books).
   */
  mathOutput?: 'hast' | 'set-html';
  /** Same-page equation previews: rendered into every reference ('embed') or copied on hover by a script ('clone'). */
  samePagePreviews?: 'embed' | 'clone';
}

/** rehype-katex with the book's macros, re-read per file (edits to macros.tex apply in dev). */
export function rehypeKatexBook(options: { root: string }) {
  return function transform(tree: any, file: any) {
    return (rehypeKatex(katexOptions(readMacros(options.root))) as any)(tree, file);
  };
}

export function markdownConfig(options: MarkdownConfigOptions): { remarkPlugins: PluggableList; rehypePlugins: PluggableList } {
  const root = toPath(options.root).replace(/[\\/]+$/, '') || '/';
  const base = normalizeBase(options.base);
  const mathOutput = options.mathOutput ?? 'hast';
  const math: PluggableList = mathOutput === 'set-html' ? [[rehypeKatexHtml, { root }]] : [[rehypeKatexBook, { root }], [rehypeKatexGuard, { root }]];
  return {
    remarkPlugins: [remarkMath, remarkSmartPunctuation, [remarkEquationLabels, { root, base, mathOutput, samePagePreviews: options.samePagePreviews ?? 'embed' }], [remarkKatexValidate, { root }]],
    rehypePlugins: [rehypeHeadingIds, [rehypeCitations, { root }], headingPermalinks(), ...math, [rehypeBaseLinks, { base }]],
  };
}
