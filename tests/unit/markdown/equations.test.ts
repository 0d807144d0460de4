import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { getLabelIndex, scanEquations } from '../../../src/markdown/label-index.ts';
import { chapter, columnOf, ids, lineOf, render, renderError, tempProject } from './helpers.ts';

const ONE = 'content/chapters/01-one.mdx';
const TWO = 'content/chapters/02-two.mdx';

const one = chapter(
  'One',
  'foundations',
  1,
  `# Estimating

Forward reference to $\\eqref{eq:second}$ before it is defined.

$$
a = \\R \\label{eq:first}
$$

An unlabelled display equation is not numbered:

$$
c = 1
$$

$$
b = \\norm{x}
\\label{eq:second}
$$

Back to $\\eqref{eq:first}$ and over to $\\eqref{eq:kernel}$.
`,
);

const two = chapter(
  'Two',
  'kernels',
  1,
  `## Kernels

$$
k(x, x') = \\tr(A) \\label{eq:kernel}
$$
`,
);

const project = tempProject({ [ONE]: one, [TWO]: two });
afterAll(() => project.cleanup());

describe('equation numbers and ids', () => {
  test('labelled display equations are numbered C.k in order; unlabelled ones are not', async () => {
    const html = await render(project.root, ONE, one);
    expect(ids(html)).toEqual(['eq-first', 'eq-second']);
    expect(html).toContain('<div class="equation" id="eq-first">');
    expect(html).toContain('<a class="eq-permalink" href="#eq-first" aria-label="Permalink to equation (1.1)">');
    expect(html).toContain('<a class="eq-permalink" href="#eq-second" aria-label="Permalink to equation (1.2)">');
    // Two tags in the text, one in each of the three previews.
    expect(html.match(/<span class="(katex-)?tag">/g)?.length).toBe(2 + 3);
    expect(html).not.toContain('\\label');
    expect(html).not.toContain('katex-error');
    expect(html).not.toContain('math-display');
  });

  test('the chapter number comes from the book order (part, order)', async () => {
    const html = await render(project.root, TWO, two);
    expect(html).toContain('aria-label="Permalink to equation (2.1)"');
    expect(html).toMatch(/<span class="mord">2\.1<\/span>/);
  });

  test('a file outside the book is numbered 1, 2, … without a chapter prefix', async () => {
    const text = '$$\nx \\label{eq:loose}\n$$\n';
    const html = await render(project.root, 'src/pages/about.mdx', text);
    expect(html).toContain('aria-label="Permalink to equation (1)"');
  });
});

describe('\\eqref', () => {
  test('same chapter: #id link, number, and a KaTeX preview (display, label removed)', async () => {
    const html = await render(project.root, ONE, one);
    expect(html).toContain('<span class="eqref-wrap"><a class="eqref" href="#eq-second" aria-describedby="eqref-preview-1">(1.2)</a><span class="eqref-preview" role="tooltip" id="eqref-preview-1"><span class="katex-display">');
    expect(html).toContain('<a class="eqref" href="#eq-first" aria-describedby="eqref-preview-2">(1.1)</a>');
    const preview = html.slice(html.indexOf('id="eqref-preview-1"'), html.indexOf('id="eqref-preview-2"'));
    expect(preview).toContain('katex-display');
    expect(preview).toContain('(1.2)');
    expect(preview).not.toContain('\\label');
    expect(html).toContain('<annotation encoding="application/x-tex">b = \\norm{x}\n\\tag{1.2}</annotation>');
  });

  test('other chapter: link to the chapter page under the base', async () => {
    const html = await render(project.root, ONE, one, '/course/');
    expect(html).toContain('<a class="eqref" href="/course/chapters/two/#eq-kernel" aria-describedby="eqref-preview-3">(2.1)</a>');
    const html2 = await render(project.root, ONE, one, '/');
    expect(html2).toContain('href="/chapters/two/#eq-kernel"');
  });

  test('unknown label: error with file:line and a suggestion', async () => {
    const text = chapter('One', 'foundations', 1, 'See\n$\\eqref{eq:secnd}$ here.\n\n$$\nx \\label{eq:second}\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/unknown-eqref');
    expect(err.message).toContain(`[math/unknown-eqref] ${ONE}:${lineOf(text, '$\\eqref')}:`);
    expect(err.message).toContain('Did you mean "eq:second"?');
  });

  test('\\eqref inside a larger formula is an error with a hint', async () => {
    const text = chapter('One', 'foundations', 1, 'Text $a + \\eqref{eq:first}$.\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/eqref-not-alone');
    expect(err.message).toContain(`${ONE}:${lineOf(text, 'Text $a')}:${columnOf(text, '\\eqref') }`);
    expect(err.message).toContain('hint: Write the reference alone');
  });

  test('\\eqref inside display math is an error', async () => {
    const text = chapter('One', 'foundations', 1, '$$\nx = \\eqref{eq:first}\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/eqref-not-alone');
    expect(err.message).toContain(`${ONE}:${lineOf(text, 'x = ')}:5`);
  });
});

describe('label errors', () => {
  test('\\label in inline math', async () => {
    const text = chapter('One', 'foundations', 1, 'Inline $x \\label{eq:x}$ is wrong.\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/label-in-inline');
    expect(err.message).toContain(`${ONE}:${lineOf(text, 'Inline')}:${columnOf(text, '\\label')}`);
  });

  test('$$ … $$ on one line is inline math, so a label there is reported with a hint', async () => {
    const text = chapter('One', 'foundations', 1, '$$ x \\label{eq:x} $$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/label-in-inline');
    expect(err.message).toContain('on its own line');
  });

  test('bad label syntax', async () => {
    const text = chapter('One', 'foundations', 1, '$$\nx \\label{Eq:Bad_Name}\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/label-syntax');
    expect(err.message).toContain(`${ONE}:${lineOf(text, 'x \\label')}:3`);
  });

  test('two labels in one block', async () => {
    const text = chapter('One', 'foundations', 1, '$$\nx \\label{eq:a}\n\\label{eq:b}\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/multiple-labels');
    expect(err.message).toContain(`${ONE}:${lineOf(text, '\\label{eq:b}')}:1`);
  });

  test('duplicate label in the same chapter: error at the second, naming the first', async () => {
    const text = chapter('One', 'foundations', 1, '$$\nx \\label{eq:dup}\n$$\n\ntext\n\n$$\ny \\label{eq:dup}\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/duplicate-label');
    expect(err.message).toContain(`[math/duplicate-label] ${ONE}:${lineOf(text, 'y \\label')}:3:`);
    expect(err.message).toContain(`first defined at ${ONE}:${lineOf(text, 'x \\label')}:3`);
  });

  test('duplicate label across chapters: the later chapter fails, naming the earlier', async () => {
    const p = tempProject({
      [ONE]: chapter('One', 'foundations', 1, '$$\nx \\label{eq:shared}\n$$\n'),
      [TWO]: chapter('Two', 'kernels', 1, 'Intro.\n\n$$\ny \\label{eq:shared}\n$$\n'),
    });
    try {
      await expect(render(p.root, ONE, chapter('One', 'foundations', 1, '$$\nx \\label{eq:shared}\n$$\n'))).resolves.toContain('eq-shared');
      const text2 = chapter('Two', 'kernels', 1, 'Intro.\n\n$$\ny \\label{eq:shared}\n$$\n');
      const err = await renderError(p.root, TWO, text2);
      expect(err.code).toBe('math/duplicate-label');
      expect(err.message).toContain(`${TWO}:${lineOf(text2, 'y \\label')}:3`);
      expect(err.message).toContain(`${ONE}:9:3`);
    } finally {
      p.cleanup();
    }
  });
});

describe('KaTeX errors fail the build', () => {
  test('display math: math/katex at the offending line and column, with the snippet', async () => {
    const text = chapter('One', 'foundations', 1, 'Intro.\n\n$$\na = b \\\\\n  c = \\fracc{1}{2}\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/katex');
    expect(err.message).toContain(`[math/katex] ${ONE}:${lineOf(text, '  c = ')}:${columnOf(text, '\\fracc')}: KaTeX cannot render this display formula: Undefined control sequence: \\fracc`);
    expect(err.message).toContain('received: ');
    expect(err.message).toContain('»\\fracc«');
    expect(err.message).toContain('hint: ');
  });

  test('inline math: position inside the line', async () => {
    const text = chapter('One', 'foundations', 1, 'Some words and $x^{2$ more.\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/katex');
    expect(err.message).toContain(`${ONE}:${lineOf(text, 'Some words')}:`);
    expect(err.message).toContain("Expected '}'");
  });

  test('labelled equation: the label does not shift the reported column', async () => {
    const text = chapter('One', 'foundations', 1, '$$\n\\label{eq:z} z = \\undefinedthing\n$$\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/katex');
    expect(err.message).toContain(`${ONE}:${lineOf(text, '\\label{eq:z}')}:${columnOf(text, '\\undefinedthing')}`);
  });

  test('```math blocks are checked too', async () => {
    const text = chapter('One', 'foundations', 1, '```math\n\\oops\n```\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('math/katex');
  });
});

describe('label index', () => {
  test('the scanner finds what remark-math finds, in the same order', async () => {
    const body = [
      'Text before',
      '$$',
      'a \\label{eq:after-paragraph}',
      '$$',
      '',
      '> $$',
      '> q \\label{eq:quoted}',
      '> $$',
      '',
      '```tex',
      '$$',
      'not \\label{eq:in-code}',
      '$$',
      '```',
      '',
      '- item',
      '',
      '  $$',
      '  l \\label{eq:in-list}',
      '  $$',
      '',
      'Inline $$ x $$ is not display.',
      '',
      '$$$',
      'u \\label{eq:three-dollars}',
      '$$$',
      '',
      '$$',
      'unlabelled',
      '$$',
      '',
      '$$',
      'last \\label{eq:last}',
      '$$',
    ].join('\n');
    const text = chapter('One', 'foundations', 1, body);
    const scanned = scanEquations(text);
    expect(scanned.map((e) => e.label)).toEqual(['eq:after-paragraph', 'eq:quoted', 'eq:in-list', 'eq:three-dollars', 'eq:last']);
    expect(scanned.map((e) => e.k)).toEqual([1, 2, 3, 4, 5]);
    expect(scanned[1]).toMatchObject({ line: lineOf(text, 'q \\label'), column: 5, tex: 'q' });
    const p = tempProject({ [ONE]: text });
    try {
      const html = await render(p.root, ONE, text);
      expect(ids(html)).toEqual(scanned.map((e) => e.label.replace(':', '-')));
      scanned.forEach((e) => expect(html).toContain(`Permalink to equation (1.${e.k})`));
    } finally {
      p.cleanup();
    }
  });

  test('is cached, and rebuilt when a chapter file changes', async () => {
    const p = tempProject({ [ONE]: chapter('One', 'foundations', 1, '$$\nx \\label{eq:old}\n$$\n') });
    try {
      const a = getLabelIndex(p.root);
      expect(getLabelIndex(p.root)).toBe(a);
      expect([...a.labels.keys()]).toEqual(['eq:old']);
      const file = join(p.root, ONE);
      writeFileSync(file, chapter('One', 'foundations', 1, '$$\nx \\label{eq:new}\n$$\n'));
      const later = new Date(Date.now() + 5000);
      utimesSync(file, later, later);
      const b = getLabelIndex(p.root);
      expect(b).not.toBe(a);
      expect([...b.labels.keys()]).toEqual(['eq:new']);
      expect(b.labels.get('eq:new')).toMatchObject({ number: '1.1', id: 'eq-new', file: ONE, line: 9, column: 3 });
    } finally {
      p.cleanup();
    }
  });
});
