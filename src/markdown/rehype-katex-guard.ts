/**
 * Runs after rehype-katex: a `.katex-error` element in the output (rehype-katex's fallback when
 * KaTeX throws) stops the build with `math/katex` instead of shipping red TeX. remark-katex-validate
 * normally reports the error first, with an exact position; this is the safety net.
 */
import type { Element as HastElement, Root } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { projectFile } from './util.ts';
import { bookError } from '../errors/index.ts';

export function rehypeKatexGuard(options: { root: string }) {
  return function transform(tree: Root, vfile: VFile) {
    visit(tree, 'element', (node: HastElement) => {
      const c = node.properties?.className;
      if (!(Array.isArray(c) ? c.includes('katex-error') : c === 'katex-error')) return;
      const reason = vfile.messages.find((m) => m.source === 'rehype-katex');
      throw bookError(
        'math/katex',
        { kind: 'output', reason: String(node.properties?.title ?? reason?.reason ?? 'unknown error'), tex: hastToString(node) },
        { file: projectFile(vfile, options.root), line: reason?.line ?? node.position?.start.line, column: reason?.column ?? node.position?.start.column },
      );
    });
  };
}
