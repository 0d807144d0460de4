import { afterAll, describe, expect, test } from 'vitest';
import { compile } from '@mdx-js/mdx';
import { VFile } from 'vfile';
import { join } from 'node:path';
import { markdownConfig, parseMacros, readMacros, withBase } from '../../../src/markdown/index.ts';
import { rehypeKatexGuard } from '../../../src/markdown/rehype-katex-guard.ts';
import { joinBase, normalizeBase } from '../../../src/book/base-path.ts';
import { chapter, render, tempProject } from './helpers.ts';

const ONE = 'content/chapters/01-one.mdx';
const project = tempProject();
afterAll(() => project.cleanup());

describe('site base for root-relative links', () => {
  const text = chapter('One', 'foundations', 1, '[a](/chapters/sgd/#x) [b](../other/) [c](https://example.org/x) [d](#local) [e](/course/already/) ![img](/images/p.png)\n');

  test('root-relative links get the base; others are untouched', async () => {
    const html = await render(project.root, ONE, text, '/course/');
    expect(html).toContain('<a href="/course/chapters/sgd/#x">a</a>');
    expect(html).toContain('<a href="../other/">b</a>');
    expect(html).toContain('<a href="https://example.org/x">c</a>');
    expect(html).toContain('<a href="#local">d</a>');
    expect(html).toContain('<a href="/course/already/">e</a>');
    expect(html).toContain('src="/course/images/p.png"');
  });

  test('base "/" changes nothing', async () => {
    const html = await render(project.root, ONE, text, '/');
    expect(html).toContain('<a href="/chapters/sgd/#x">a</a>');
  });

  test('withBase', () => {
    expect(withBase('/a/b/', '/course')).toBe('/course/a/b/');
    expect(withBase('//cdn.example.org/x', '/course/')).toBe('//cdn.example.org/x');
    expect(withBase('/course', '/course/')).toBe('/course');
  });

  test('joinBase and normalizeBase: the one copy (src/book/base-path.ts) the pages and scripts use too', () => {
    expect(joinBase('/chapters/sgd/', '/course')).toBe('/course/chapters/sgd/');
    expect(joinBase('notation/', 'course/')).toBe('/course/notation/');
    expect(joinBase('/', '/')).toBe('/');
    // Unlike withBase, a site path is always put under the base, even one that looks based already.
    expect(joinBase('/course/x/', '/course/')).toBe('/course/course/x/');
    expect(normalizeBase(undefined)).toBe('/');
    expect(normalizeBase(' /a//b ')).toBe('/a/b/');
  });
});

describe('heading ids and permalinks', () => {
  test('github-slugger ids (as Astro makes them) and an appended permalink with an accessible name', async () => {
    const text = chapter('One', 'foundations', 1, '## Gaussian processes\n\n## Gaussian processes\n\n### The $x^2$ law\n');
    const html = await render(project.root, ONE, text);
    expect(html).toContain(
      '<h2 id="gaussian-processes">Gaussian processes<a class="heading-permalink" aria-label="Permalink to Gaussian processes" href="#gaussian-processes"><svg class="permalink-icon"',
    );
    expect(html).toContain('<h2 id="gaussian-processes-1">');
    expect(html).toContain('<h3 id="the-x2-law">');
    expect(html).toContain('aria-label="Permalink to The x^2 law"');
    expect(html).toMatch(/<svg class="permalink-icon"[^>]*aria-hidden="true"/);
  });
});

describe('macros', () => {
  test('readMacros reads content/macros.tex; formulas can use the macros', async () => {
    expect(readMacros(project.root)).toEqual({ '\\R': '\\mathbb{R}', '\\norm': '\\left\\lVert #1 \\right\\rVert', '\\tr': '\\operatorname{tr}' });
    const html = await render(project.root, ONE, chapter('One', 'foundations', 1, '$x \\in \\R$ and $\\norm{v}$\n'));
    expect(html).toContain('mathbb');
    expect(html).not.toContain('katex-error');
  });

  test('parseMacros accepts the usual forms and reports a bad line', () => {
    expect(parseMacros('\\newcommand\\E{\\mathbb{E}}\n\\DeclareMathOperator*{\\argmax}{arg\\,max} % c\n\\def\\eps{\\varepsilon}\n\\renewcommand{\\b}[2]{#1 #2}')).toEqual({
      '\\E': '\\mathbb{E}',
      '\\argmax': '\\operatorname*{arg\\,max}',
      '\\eps': '\\varepsilon',
      '\\b': '#1 #2',
    });
    expect(() => parseMacros('\\newcommand{\\R}{\\mathbb{R}}\n\\newcommand{\\bad}{\\mathbb{R}')).toThrowError(/\[macros\/bad-definition\] content\/macros\.tex:2:/);
  });
});

describe('MDX', () => {
  test('the pipeline runs under @mdx-js/mdx too (math with braces, JSX around equations)', async () => {
    const { remarkPlugins, rehypePlugins } = markdownConfig({ root: project.root, base: '/' });
    const body = 'import X from "./x.js";\n\n<X>\n\n$$\n\\frac{a}{b} \\label{eq:mdx}\n$$\n\n</X>\n\nSee $\\eqref{eq:mdx}$ and $\\{x\\}$ [@neal1996].\n';
    const file = new VFile({ path: join(project.root, ONE), value: body });
    const out = String(await compile(file, { remarkPlugins, rehypePlugins }));
    expect(out).toContain('"eq-mdx"');
    expect(out).toContain('"#eq-mdx"');
    expect(out).toContain('"#bib-neal1996"');
  });
});

describe('katex guard', () => {
  test('a .katex-error in the output fails with math/katex', () => {
    const tree: any = { type: 'root', children: [{ type: 'element', tagName: 'span', properties: { className: ['katex-error'], title: 'ParseError: KaTeX parse error: Undefined control sequence: \\x' }, children: [{ type: 'text', value: '\\x' }], position: { start: { line: 3, column: 2 }, end: { line: 3, column: 5 } } }] };
    const file = new VFile({ path: join(project.root, ONE), value: '' });
    expect(() => rehypeKatexGuard({ root: project.root })(tree, file)).toThrowError(`[math/katex] ${ONE}:3:2: KaTeX cannot render this formula: Undefined control sequence: \\x`);
  });
});
