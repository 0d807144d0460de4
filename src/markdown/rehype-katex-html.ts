/**
 * KaTeX for the MDX build, as HTML strings instead of trees. rehype-katex parses every rendered
 * formula back into a hast tree (parse5), and every later plugin and MDX's JSX compiler then walk
 * thousands of KaTeX spans per equation: on a 40-chapter book that was most of the build time and
 * 6 GB of memory. Here each formula becomes one element carrying `set:html` (Astro's raw-HTML
 * directive, the same one `mdx({ optimize })` emits), so the tree stays the size of the prose.
 *
 * Output matches rehype-katex: inline math becomes `<span class="math-inline">KaTeX</span>`, display
 * math `<div class="math-display">KaTeX display</div>` in place of its `<pre>`. Formulas were
 * already checked by remark-katex-validate (with file:line), so a throw here is a bug, not a typo.
 * Only for Astro/MDX: a plain unified pipeline would print `set:html` as an attribute, so
 * markdownConfig uses rehype-katex unless asked for `mathOutput: 'set-html'`.
 */
import katex from 'katex';
import type { Element as HastElement, ElementContent, Root } from 'hast';
import { toText } from 'hast-util-to-text';
import { SKIP, visitParents } from 'unist-util-visit-parents';
import type { VFile } from 'vfile';
import { formulaKey, katexOptions, renderedFormulas } from './katex.ts';
import { readMacros } from './macros.ts';
import { projectFile } from './util.ts';
import { bookError } from '../errors/index.ts';

function classes(el: HastElement): string[] {
  const c: unknown = el.properties?.className;
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? c.split(/\s+/) : [];
}

/**
 * An MDX JSX element `<tag class="…" set:html="…"/>`. A JSX node (not a hast element) on purpose:
 * mdx({ optimize }) serialises static hast subtrees with hast-util-to-html, which would print a
 * `set:html` property as an attribute, while JSX nodes are left to Astro's runtime, which inserts
 * the HTML.
 */
export function rawHtmlElement(tag: 'span' | 'div', className: string, html: string, extra: Record<string, string> = {}) {
  return {
    type: tag === 'div' ? 'mdxJsxFlowElement' : 'mdxJsxTextElement',
    name: tag,
    attributes: [
      { type: 'mdxJsxAttribute', name: 'class', value: className },
      ...Object.entries(extra).map(([name, value]) => ({ type: 'mdxJsxAttribute', name, value })),
      { type: 'mdxJsxAttribute', name: 'set:html', value: html },
    ],
    children: [],
  };
}

export function rehypeKatexHtml(options: { root: string }) {
  return function transform(tree: Root, vfile: VFile) {
    // Macros are re-read per file (edits to content/macros.tex apply in dev); \gdef may not leak
    // between formulas, so each render gets its own copy.
    const macros = readMacros(options.root);
    const rendered = renderedFormulas(vfile as unknown as { data: Record<string, unknown> });
    visitParents(tree, 'element', (element: HastElement, parents) => {
      const cls = classes(element);
      if (!cls.includes('language-math') && !cls.includes('math-inline') && !cls.includes('math-display')) return;
      let scope: HastElement = element;
      let parent = parents[parents.length - 1] as HastElement | Root | undefined;
      let display = cls.includes('math-display');
      if (element.tagName === 'code' && parent && parent.type === 'element' && parent.tagName === 'pre') {
        scope = parent;
        parent = parents[parents.length - 2] as HastElement | Root | undefined;
        display = true;
      }
      if (!parent) return;
      const tex = toText(scope, { whitespace: 'pre' });
      let html = rendered.get(formulaKey(tex, display));
      if (html === undefined) {
        try {
          html = katex.renderToString(tex, { ...katexOptions({ ...macros }), displayMode: display });
        } catch (error) {
          throw bookError(
            'math/katex',
            { kind: 'output', reason: (error as Error).message, tex },
            { file: projectFile(vfile, options.root), line: element.position?.start.line, column: element.position?.start.column },
          );
        }
      }
      const replacement = rawHtmlElement(display ? 'div' : 'span', display ? 'math-display' : 'math-inline', html) as unknown as ElementContent;
      const siblings = parent.children as ElementContent[];
      siblings.splice(siblings.indexOf(scope as ElementContent), 1, replacement);
      return SKIP;
    });
  };
}
