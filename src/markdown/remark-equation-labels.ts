/**
 * Equation labels, numbers and references (runs after remark-math, before remark-rehype).
 *
 * - `$$ … \label{eq:name} … $$` (display): the label is removed, `\tag{C.k}` added (C = chapter
 *   number, k = labelled equations so far in the chapter), and the block becomes
 *   `<div class="equation" id="eq-name"><pre><code class="language-math math-display">…</code></pre>
 *    <a class="eq-permalink" href="#eq-name" aria-label="Permalink to equation (C.k)">…</a></div>`
 *   (rehype-katex later replaces the <pre>).
 * - `$\eqref{eq:name}$` alone in inline math becomes
 *   `<span class="eqref-wrap"><a class="eqref" href="…#eq-name">(C.k)</a>
 *    <span class="eqref-preview" role="tooltip">KaTeX of the equation</span></span>`.
 * - Errors: bad label syntax, several labels in one block, \label in inline math or ```math,
 *   \eqref inside a larger formula, unknown label (with a suggestion), duplicate label (naming the
 *   first occurrence), and references from a published chapter into a draft.
 */
import type { Element, ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { positionInSource, renderTex, type TexSource } from './katex.ts';
import { rawHtmlElement } from './rehype-katex-html.ts';
import {
  EQREF_ALONE,
  LABEL_GRAMMAR,
  LABEL_RE,
  blankLabels,
  equationNumber,
  getLabelIndex,
  labelId,
  stripLabels,
  type IndexedEquation,
} from './label-index.ts';
import { readMacros } from './macros.ts';
import { didYouMean, normalizeBase, projectFile, sourceText, bookError } from './util.ts';
import { linkIcon } from './rehype-heading-links.ts';

export interface EquationOptions {
  /** Absolute project root (holds content/). */
  root: string;
  /** Site base, e.g. `/` or `/course/`. */
  base?: string;
  /** 'set-html' puts each equation preview in as an HTML string (Astro's set:html), as rehype-katex-html does. */
  mathOutput?: 'hast' | 'set-html';
  /**
   * Previews of equations on the same page: 'embed' renders a copy into every reference (works
   * without JS); 'clone' leaves a `data-eq` hook for a script that copies the equation on demand.
   */
  samePagePreviews?: 'embed' | 'clone';
}

const LABEL_EXPECTED = 'eq: followed by lowercase letters/digits in dash-separated words, e.g. eq:gauss-kernel';

interface OwnLabel {
  label: string;
  k: number;
  number: string;
  id: string;
  /** TeX as written, labels removed. */
  tex: string;
  line: number;
  column: number;
}

function mathSource(node: any, file: string, text: string, display: boolean): TexSource {
  const p = node.position;
  return {
    file,
    text,
    display,
    start: { line: p?.start?.line ?? 1, column: p?.start?.column ?? 1, offset: p?.start?.offset },
    end: p?.end ? { line: p.end.line, column: p.end.column, offset: p.end.offset } : undefined,
  };
}

function katexHast(html: string): ElementContent[] {
  return fromHtml(html, { fragment: true }).children as ElementContent[];
}

export function remarkEquationLabels(options: EquationOptions) {
  const root = options.root;
  const base = normalizeBase(options.base);
  return function transform(tree: any, vfile: VFile) {
    const file = projectFile(vfile, root);
    const text = sourceText(vfile);
    const index = getLabelIndex(root);
    const chapter = index.byFile.get(file);
    const order = (f: string) => {
      const i = index.chapters.findIndex((c) => c.file === f);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const myOrder = order(file);
    const own = new Map<string, OwnLabel>();
    let k = 0;

    const at = (node: any, value: string, offset: number, display: boolean) => {
      const src = mathSource(node, file, text, display);
      const where = positionInSource(value, offset, src);
      return { file, line: where.line, column: where.column };
    };

    // Pass 1: display math, in document order.
    visit(tree, (node: any) => {
      if (node.type === 'code' && node.lang === 'math' && /\\label\b/.test(node.value ?? '')) {
        throw bookError({
          code: 'math/label-in-code-block',
          message: 'A ```math block cannot carry a \\label; labelled equations are written with $$ fences.',
          location: { file, line: node.position?.start?.line, column: node.position?.start?.column },
          hint: 'Write the equation as $$ on its own line, the TeX with \\label{eq:name}, then $$ on its own line.',
        });
      }
      if (node.type !== 'math') return;
      const value: string = node.value ?? '';
      const eqref = /\\eqref\b/.exec(value);
      if (eqref) {
        throw bookError({
          code: 'math/eqref-not-alone',
          message: '\\eqref is used inside a display formula.',
          location: at(node, value, eqref.index, true),
          expected: 'an equation reference written alone as inline math: $\\eqref{eq:name}$',
          received: value.trim().slice(0, 120),
          hint: 'Move the reference into the surrounding text as $\\eqref{eq:name}$ (nothing else between the dollars).',
        });
      }
      const labels = [...value.matchAll(LABEL_RE)];
      if (labels.length === 0) {
        const loose = /\\label\b/.exec(value);
        if (loose) {
          throw bookError({ code: 'math/label-syntax', message: 'Malformed \\label: it needs one {…} argument.', location: at(node, value, loose.index, true), expected: `\\label{${LABEL_EXPECTED}}`, received: value.slice(loose.index, loose.index + 40) });
        }
        return;
      }
      if (labels.length > 1) {
        throw bookError({
          code: 'math/multiple-labels',
          message: `This display equation has ${labels.length} labels; an equation gets exactly one number.`,
          location: at(node, value, labels[1].index!, true),
          received: labels.map((m) => m[0]).join(', '),
          hint: 'Split it into separate $$ blocks, one label each, or keep one label.',
        });
      }
      const m = labels[0];
      const label = m[1].trim();
      const loc = at(node, value, m.index!, true);
      if (!LABEL_GRAMMAR.test(label)) {
        throw bookError({ code: 'math/label-syntax', message: `Equation label "${label}" does not follow the label grammar.`, location: loc, expected: LABEL_EXPECTED, received: label, hint: 'Use lowercase letters, digits and dashes after eq:, e.g. \\label{eq:ntk-limit}.' });
      }
      const earlier = own.get(label);
      if (earlier) {
        throw bookError({
          code: 'math/duplicate-label',
          message: `Equation label "${label}" is used twice; it was first defined at ${file}:${earlier.line}:${earlier.column}.`,
          location: loc,
          hint: 'Labels must be unique in the whole book; rename one of them.',
        });
      }
      const firstElsewhere = (index.occurrences.get(label) ?? []).find((e) => e.file !== file && order(e.file) < myOrder);
      if (firstElsewhere) {
        throw bookError({
          code: 'math/duplicate-label',
          message: `Equation label "${label}" is already defined in another chapter, at ${firstElsewhere.file}:${firstElsewhere.line}:${firstElsewhere.column} (equation (${firstElsewhere.number})).`,
          location: loc,
          hint: 'Labels must be unique in the whole book; rename this one.',
        });
      }
      k++;
      const number = equationNumber(chapter, k);
      const id = labelId(label);
      own.set(label, { label, k, number, id, tex: stripLabels(value), line: loc.line, column: loc.column });
      // Validated as is (remark-katex-validate): labels blanked so KaTeX's offsets match the file.
      const tex = `${blankLabels(value)}\n\\tag{${number}}`;
      node.data = node.data ?? {};
      node.data.texSource = value;
      node.data.equation = { label, number, id };
      node.value = tex;
      node.data.hName = 'div';
      node.data.hProperties = { className: ['equation'], id };
      node.data.hChildren = [
        {
          type: 'element',
          tagName: 'pre',
          properties: {},
          // What KaTeX typesets (and puts in the MathML annotation): the label removed, not blanked.
          children: [{ type: 'element', tagName: 'code', properties: { className: ['language-math', 'math-display'] }, children: [{ type: 'text', value: `${stripLabels(value)}\n\\tag{${number}}` }] }],
        },
        {
          type: 'element',
          tagName: 'a',
          properties: { className: ['eq-permalink'], href: `#${id}`, ariaLabel: `Permalink to equation (${number})` },
          children: [linkIcon()],
        },
      ] satisfies Element[];
    });

    // Pass 2: inline math (references, and stray labels).
    let refCount = 0;
    const macros = readMacros(root);
    visit(tree, 'inlineMath', (node: any) => {
      const value: string = node.value ?? '';
      const alone = EQREF_ALONE.exec(value);
      if (!alone) {
        const eqref = /\\eqref\b/.exec(value);
        if (eqref) {
          throw bookError({
            code: 'math/eqref-not-alone',
            message: '\\eqref must be the only thing in its inline math.',
            location: at(node, value, eqref.index, false),
            expected: '$\\eqref{eq:name}$',
            received: `$${value}$`,
            hint: 'Write the reference alone, $\\eqref{eq:name}$, and keep the rest of the formula in its own $…$.',
          });
        }
        const lab = /\\label\b/.exec(value);
        if (lab) {
          throw bookError({
            code: 'math/label-in-inline',
            message: '\\label is only allowed in display math.',
            location: at(node, value, lab.index, false),
            received: `$${value}$`,
            hint: 'Put the equation in a display block: $$ on its own line, the TeX with \\label{eq:name}, then $$ on its own line ($$…$$ on one line is inline math).',
          });
        }
        return;
      }
      const label = alone[1].trim();
      const loc = at(node, value, value.indexOf('\\eqref'), false);
      const mine = own.get(label);
      let target: { number: string; id: string; href: string; tex: string; src: TexSource } | undefined;
      if (mine) {
        target = { number: mine.number, id: mine.id, href: `#${mine.id}`, tex: mine.tex, src: { file, text: '', display: true, start: { line: mine.line, column: mine.column } } };
      } else {
        const other: IndexedEquation | undefined = index.labels.get(label);
        if (other && other.file !== file) {
          if (other.chapter.draft && chapter && !chapter.draft) {
            throw bookError({
              code: 'math/eqref-to-draft',
              message: `\\eqref{${label}} points into ${other.file}, a draft chapter that is not published.`,
              location: loc,
              hint: 'Publish that chapter (remove `draft: true`) or remove the reference.',
            });
          }
          target = {
            number: other.number,
            id: other.id,
            href: `${base}${other.chapter.path.replace(/^\//, '')}#${other.id}`,
            tex: other.tex,
            src: { file: other.file, text: '', display: true, start: { line: other.line, column: other.column } },
          };
        }
      }
      if (!target) {
        const known = new Set<string>([...own.keys(), ...[...index.labels.values()].filter((e) => e.file !== file).map((e) => e.label)]);
        const guess = didYouMean(label, known);
        throw bookError({
          code: 'math/unknown-eqref',
          message: `\\eqref{${label}} refers to no labelled equation in the book.${guess ? ` Did you mean "${guess}"?` : ''}`,
          location: loc,
          expected: LABEL_GRAMMAR.test(label) ? 'a label defined with \\label{…} in a display equation of some chapter' : LABEL_EXPECTED,
          received: label,
          hint: guess ? `Did you mean \\eqref{${guess}}?` : 'Label the equation with \\label{eq:name} inside its $$ … $$ block.',
        });
      }
      refCount++;
      const previewId = `eqref-preview-${refCount}`;
      if (mine && options.samePagePreviews === 'clone') {
        // The equation is on this page: the preview is a copy of it made on first hover or focus
        // (src/components/EqrefPreview.astro) instead of a second rendering per reference, which
        // was a third of a chapter's HTML. Without JavaScript the link still goes to the equation.
        node.data = {
          eqref: true,
          hName: 'span',
          hProperties: { className: ['eqref-wrap'] },
          hChildren: [
            { type: 'element', tagName: 'a', properties: { className: ['eqref'], href: target.href, dataEq: target.id }, children: [{ type: 'text', value: `(${target.number})` }] },
          ] satisfies Element[],
        };
        return;
      }
      const html = renderTex(`${target.tex}\n\\tag{${target.number}}`, true, macros, target.src, target.tex);
      const preview: Element =
        options.mathOutput === 'set-html'
          ? (rawHtmlElement('span', 'eqref-preview', html, { role: 'tooltip', id: previewId }) as unknown as Element)
          : { type: 'element', tagName: 'span', properties: { className: ['eqref-preview'], role: 'tooltip', id: previewId }, children: katexHast(html) };
      node.data = {
        eqref: true,
        hName: 'span',
        hProperties: { className: ['eqref-wrap'] },
        hChildren: [
          { type: 'element', tagName: 'a', properties: { className: ['eqref'], href: target.href, ariaDescribedBy: [previewId] }, children: [{ type: 'text', value: `(${target.number})` }] },
          preview,
        ] satisfies Element[],
      };
    });
  };
}
