/**
 * The MDX build's math path: each formula becomes ONE MDX JSX element carrying set:html (so the
 * tree stays small and mdx({ optimize }) cannot print set:html as an attribute), the output is the
 * same KaTeX markup rehype-katex would produce, and equation previews use the same path.
 */
import { describe, it, expect } from 'vitest';
import katex from 'katex';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMath from 'remark-math';
import remarkRehype from 'remark-rehype';
import { VFile } from 'vfile';
import { rehypeKatexHtml, rawHtmlElement } from '../../../src/markdown/rehype-katex-html.ts';

async function tree(md: string) {
  const root = process.cwd();
  const proc = unified().use(remarkParse).use(remarkMath).use(remarkRehype).use(rehypeKatexHtml, { root });
  const file = new VFile({ path: `${root}/content/chapters/01-x.mdx`, value: md });
  return (await proc.run(proc.parse(file), file)) as any;
}

function jsxNodes(node: any, out: any[] = []): any[] {
  if (node.type === 'mdxJsxTextElement' || node.type === 'mdxJsxFlowElement') out.push(node);
  for (const c of node.children ?? []) jsxNodes(c, out);
  return out;
}

describe('rehype-katex-html', () => {
  it('turns inline and display math into one JSX element each, with KaTeX HTML in set:html', async () => {
    const t = await tree('A coin $\\theta^2$ lands.\n\n$$\n\\frac{a}{b}\n$$\n');
    const nodes = jsxNodes(t);
    expect(nodes.map((n) => [n.type, n.name])).toEqual([
      ['mdxJsxTextElement', 'span'],
      ['mdxJsxFlowElement', 'div'],
    ]);
    const attr = (n: any, name: string) => n.attributes.find((a: any) => a.name === name)?.value;
    expect(attr(nodes[0], 'class')).toBe('math-inline');
    expect(attr(nodes[1], 'class')).toBe('math-display');
    expect(attr(nodes[0], 'set:html')).toBe(katex.renderToString('\\theta^2', { output: 'htmlAndMathml', throwOnError: true, strict: 'ignore' }));
    expect(attr(nodes[1], 'set:html')).toContain('class="katex-display"');
    // No <pre>/<code> is left behind, and nothing else is in the tree but the prose.
    const json = JSON.stringify(t);
    expect(json).not.toContain('"tagName":"pre"');
    expect(json).not.toContain('language-math');
  });

  it('rawHtmlElement puts set:html last, after class and extra attributes', () => {
    const n = rawHtmlElement('span', 'eqref-preview', '<b>x</b>', { role: 'tooltip', id: 'p1' });
    expect(n.attributes.map((a) => a.name)).toEqual(['class', 'role', 'id', 'set:html']);
    expect(n.children).toEqual([]);
  });
});
