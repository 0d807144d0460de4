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
import type { Element as HastElement, ElementContent } from 'hast';
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
import { projectFile, sourceText } from './util.ts';
import { bookError, didYouMean } from '../errors/index.ts';
import { normalizeBase } from '../book/base-path.ts';
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
        throw bookError('math/label-in-code-block', {}, { file, line: node.position?.start?.line, column: node.position?.start?.column });
      }
      if (node.type !== 'math') return;
      const value: string = node.value ?? '';
      const eqref = /\\eqref\b/.exec(value);
      if (eqref) {
        throw bookError('math/eqref-not-alone', { kind: 'display', tex: value }, at(node, value, eqref.index, true));
      }
      const labels = [...value.matchAll(LABEL_RE)];
      if (labels.length === 0) {
        const loose = /\\label\b/.exec(value);
        if (loose) {
          throw bookError('math/label-syntax', { kind: 'malformed', tex: value, at: loose.index }, at(node, value, loose.index, true));
        }
        return;
      }
      if (labels.length > 1) {
        throw bookError('math/multiple-labels', { labels: labels.map((m) => m[0]) }, at(node, value, labels[1].index!, true));
      }
      const m = labels[0];
      const label = m[1].trim();
      const loc = at(node, value, m.index!, true);
      if (!LABEL_GRAMMAR.test(label)) {
        throw bookError('math/label-syntax', { kind: 'grammar', label }, loc);
      }
      const earlier = own.get(label);
      if (earlier) {
        throw bookError('math/duplicate-label', { kind: 'same-chapter', label, first: { file, line: earlier.line, column: earlier.column } }, loc);
      }
      const firstElsewhere = (index.occurrences.get(label) ?? []).find((e) => e.file !== file && order(e.file) < myOrder);
      if (firstElsewhere) {
        const first = { file: firstElsewhere.file, line: firstElsewhere.line, column: firstElsewhere.column };
        throw bookError('math/duplicate-label', { kind: 'other-chapter', label, first, number: firstElsewhere.number }, loc);
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
      ] satisfies HastElement[];
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
          throw bookError('math/eqref-not-alone', { kind: 'inline', tex: value }, at(node, value, eqref.index, false));
        }
        const lab = /\\label\b/.exec(value);
        if (lab) {
          throw bookError('math/label-in-inline', { tex: value }, at(node, value, lab.index, false));
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
            throw bookError('math/eqref-to-draft', { label, file: other.file }, loc);
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
        throw bookError('math/unknown-eqref', { label, suggestion: didYouMean(label, known), wellFormed: LABEL_GRAMMAR.test(label) }, loc);
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
          ] satisfies HastElement[],
        };
        return;
      }
      const html = renderTex(`${target.tex}\n\\tag{${target.number}}`, true, macros, target.src, target.tex);
      const preview: HastElement =
        options.mathOutput === 'set-html'
          ? (rawHtmlElement('span', 'eqref-preview', html, { role: 'tooltip', id: previewId }) as unknown as HastElement)
          : { type: 'element', tagName: 'span', properties: { className: ['eqref-preview'], role: 'tooltip', id: previewId }, children: katexHast(html) };
      node.data = {
        eqref: true,
        hName: 'span',
        hProperties: { className: ['eqref-wrap'] },
        hChildren: [
          { type: 'element', tagName: 'a', properties: { className: ['eqref'], href: target.href, ariaDescribedBy: [previewId] }, children: [{ type: 'text', value: `(${target.number})` }] },
          preview,
        ] satisfies HastElement[],
      };
    });
  };
}
