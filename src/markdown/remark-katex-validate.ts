/**
 * Renders every formula once with KaTeX (`throwOnError: true`, the book's macros) before
 * rehype-katex does, while the Markdown positions are exact, so that a parse error stops the build
 * with `math/katex` at file:line:col instead of rehype-katex's red `.katex-error` span.
 * Runs after remark-equation-labels.
 */
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { formulaKey, renderedFormulas, renderTex, type TexSource } from './katex.ts';
import { readMacros } from './macros.ts';
import { projectFile, sourceText } from './util.ts';

export interface KatexValidateOptions {
  root: string;
}

export function remarkKatexValidate(options: KatexValidateOptions) {
  const root = options.root;
  return function transform(tree: any, vfile: VFile) {
    const file = projectFile(vfile, root);
    const text = sourceText(vfile);
    const macros = readMacros(root);
    const rendered = renderedFormulas(vfile as unknown as { data: Record<string, unknown> });
    visit(tree, (node: any) => {
      const display = node.type === 'math' || (node.type === 'code' && node.lang === 'math');
      if (!display && node.type !== 'inlineMath') return;
      if (node.data?.eqref) return;
      const p = node.position;
      const src: TexSource = {
        file,
        text,
        display,
        start: { line: p?.start?.line ?? 1, column: p?.start?.column ?? 1, offset: p?.start?.offset },
        end: p?.end ? { line: p.end.line, column: p.end.column, offset: p.end.offset } : undefined,
      };
      const value: string = node.value ?? '';
      // Labelled equations carry the TeX as written in data.texSource; their value has the
      // labels blanked (same offsets) and a \tag appended.
      rendered.set(formulaKey(value, display), renderTex(value, display, macros, src, node.data?.texSource ?? value));
    });
  };
}
