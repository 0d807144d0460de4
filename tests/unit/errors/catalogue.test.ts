/**
 * The catalogue of errors and warnings (src/errors/catalogue.ts): every entry rendered with sample
 * arguments into a file snapshot (so a changed text fails here, deliberately: accept it with
 * `npm run test:unit -- tests/unit/errors -u`), CONTRIBUTING.md's tables generated from it, and
 * every code the fixtures and the sources name known to it.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { BookError, bookError, catalogue, codes, formatReport, render, type ArgsOf, type Code } from '../../../src/errors/index.ts';
import { END, START, headingAnchors, renderTables, updateContributing } from '../../../src/errors/docs.ts';
import { closest, didYouMean, editDistance } from '../../../src/errors/suggest.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const CONTRIBUTING = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');

const at = { file: 'content/chapters/01-sample.mdx', line: 12, column: 5 };

/** Sample arguments for every entry, one per variant. The type makes a new entry need samples. */
const samples: { [C in Code]: ArgsOf<C>[] } = {
  'book/missing-config': [{}],
  'book/bad-yaml': [{ reason: 'Nested mappings are not allowed in compact mappings at line 3, column 8' }],
  'book/bad-config': [{ config: { title: 'A book' } }, { config: undefined }],
  'book/bad-part': [{ n: 2, part: { id: 'kernels' } }],
  'book/duplicate-part': [{ id: 'kernels' }],
  'book/bad-chapter-file-name': [{ name: 'Gaussian Processes.mdx' }],
  'book/duplicate-slug': [{ slug: 'sgd', first: 'content/chapters/02-sgd.mdx', second: 'content/chapters/05-sgd.mdx' }],
  'frontmatter/bad-yaml': [{ reason: 'Map keys must be unique at line 4, column 1:\n\ntitle: again\n^' }],
  'frontmatter/schema': [
    { field: 'order', key: 'order', issue: 'Invalid input: expected number, received string', given: true, value: 'first' },
    { field: 'summary', key: 'summary', issue: 'Invalid input: expected string, received undefined', given: false },
    { field: '(frontmatter)', key: '', issue: 'Unrecognized key: "sumary"', given: false },
  ],
  'frontmatter/unknown-part': [{ part: 'kernel', parts: ['foundations', 'kernels'] }],
  'frontmatter/bad-slug': [
    { field: 'slug', value: 'Gaussian_Processes' },
    { field: 'aliases', value: 'sgd' },
    { field: 'aliases', value: '/chapters/old/', n: 2 },
  ],
  'frontmatter/duplicate-slug': [{ slug: 'kernels', first: 'content/chapters/01-kernels.mdx' }],
  'frontmatter/duplicate-alias': [{ alias: 'sgd', first: 'content/chapters/03-sgd.mdx' }],
  'frontmatter/alias-is-slug': [
    { alias: 'kernels', chapter: 'content/chapters/04-kernels.mdx', own: false },
    { alias: 'sample', chapter: 'content/chapters/01-sample.mdx', own: true },
  ],
  'frontmatter/unknown-prerequisite': [
    { kind: 'unknown', prerequisite: 'gaussian-processess', slugs: ['gaussian-processes', 'sgd'], suggestion: 'gaussian-processes' },
    { kind: 'unknown', prerequisite: 'kernels', slugs: [] },
    { kind: 'self', n: 2 },
  ],
  'mdx/syntax': [
    { kind: 'expression', reason: 'Could not parse expression with acorn', excerpt: 'The set »{«x_1, ..., x_n}' },
    { kind: 'jsx', reason: 'Expected a closing tag for `<Figure>` (5:1-5:9) before the end of `paragraph`', excerpt: '»<«Figure>' },
    { kind: 'other', reason: 'Unexpected character', excerpt: '»!«', url: 'https://mdxjs.com/docs/troubleshooting-mdx/' },
  ],
  'math/katex': [
    { kind: 'formula', display: true, reason: 'Undefined control sequence: \\fracc', excerpt: 'c = »\\fracc«{1}{2}' },
    { kind: 'formula', display: false, reason: "Expected '}', got 'EOF' at end of input: \\frac{1}{2", excerpt: '\\frac{1}{2»«' },
    { kind: 'formula', display: true, reason: 'Multiple \\tag', excerpt: '»\\tag{1}«' },
    { kind: 'formula', display: false, reason: '\\label is not supported here', excerpt: 'x »\\label«{eq:x}' },
    { kind: 'formula', display: false, reason: '\\ref is not supported', excerpt: '»\\ref«{eq:x}' },
    { kind: 'formula', display: false, reason: 'Something else', excerpt: '»x«' },
    { kind: 'output', reason: "ParseError: KaTeX parse error: Undefined control sequence: \\foo at position 1: \\foo", tex: '\\foo' },
    { kind: 'notation', n: 3, symbol: '\\Rr', reason: 'KaTeX parse error: Undefined control sequence: \\Rr at position 1: \\Rr' },
  ],
  'math/unknown-eqref': [
    { label: 'eq:coin-mel', suggestion: 'eq:coin-mle', wellFormed: true },
    { label: 'eq:nothing-like-it', wellFormed: true },
    { label: 'Eq_Bad', wellFormed: false },
  ],
  'math/duplicate-label': [
    { kind: 'same-chapter', label: 'eq:loss', first: { file: 'content/chapters/01-sample.mdx', line: 9, column: 3 } },
    { kind: 'other-chapter', label: 'eq:loss', first: { file: 'content/chapters/01-first.mdx', line: 11, column: 3 }, number: '1.2' },
  ],
  'math/eqref-not-alone': [
    { kind: 'display', tex: '\n  a = b \\eqref{eq:x}\n' },
    { kind: 'inline', tex: 'a + \\eqref{eq:x}' },
  ],
  'math/label-in-inline': [{ tex: 'x \\label{eq:x}' }],
  'math/label-in-code-block': [{}],
  'math/label-syntax': [
    { kind: 'malformed', tex: 'x = 1 \\label eq:x', at: 6 },
    { kind: 'grammar', label: 'eq:Bad_Label' },
  ],
  'math/multiple-labels': [{ labels: ['\\label{eq:a}', '\\label{eq:b}'] }],
  'math/eqref-to-draft': [{ label: 'eq:later', file: 'content/chapters/09-later.mdx' }],
  'macros/bad-definition': [{ reason: 'optional arguments ([default]) are not supported', line: '  \\newcommand{\\x}[1][0]{#1}  ' }],
  'cite/unknown-key': [
    { key: 'jacot2019', citation: '[@jacot2019, p. 2]', suggestion: 'jacot2018' },
    { key: 'rasmussen2006', citation: '[@rasmussen2006]' },
  ],
  'cite/no-bibliography': [{ key: 'jacot2018', citation: '[@jacot2018]' }],
  'cite/bad-bibliography': [{ reason: 'Unexpected token at line 6' }],
  'cite/references-heading': [{}],
  'link/missing-page': [{ failures: ['chapters/a/index.html: "/chapters/missing/" → no page at /chapters/missing/ (content/chapters/01-a.mdx:8:24)'] }],
  'link/missing-anchor': [
    {
      failures: [
        'chapters/a/index.html: "/chapters/b/#nope" → no element with id "nope" on /chapters/b/ (content/chapters/01-a.mdx:10:25)',
        'chapters/a/index.html: "#gone" → no element with id "gone" on this page (content/chapters/01-a.mdx:11:3)',
      ],
    },
  ],
  'link/outside-base': [{ failures: ['chapters/a/index.html: "/elsewhere/" → points outside the site base /course/'] }],
  'link/broken': [{ failures: ['index.html: "/x/" → no page at /x/', 'index.html: "#y" → no element with id "y" on this page'] }],
  'component/unknown': [
    { name: 'Excercise', known: ['Figure', 'Exercise', 'Solution', 'Aside', 'StateLink', 'Fragment', 'BetaBinomial'], suggestion: 'Exercise' },
    { name: 'Plot', known: ['Figure', 'Exercise'] },
  ],
  'component/bad-id': [
    { component: 'Figure', prefix: 'fig-', id: 'Fig 1' },
    { component: 'Exercise', prefix: 'ex-' },
  ],
  'component/duplicate-id': [{ id: 'fig-posterior', firstLine: 14 }],
  'component/bad-solution': [{ kind: 'public-value', attribute: 'public="no"' }, { kind: 'reserved', attribute: 'withheld' }],
  'component/numbered-in-withheld': [{ tag: 'Solution', what: 'a labelled equation' }, { tag: 'InstructorNote', what: 'a <Figure>' }],
  'widget/bad-prop': [
    { kind: 'spread', widget: 'BetaBinomial' },
    { kind: 'not-literal', widget: 'BetaBinomial', prop: 'heads' },
    { kind: 'invalid', widget: 'BetaBinomial', id: 'coin', problems: ['Prior α: 0 is below the minimum 0.1.'], params: ['heads', 'tails', 'alpha', 'beta'], slug: 'beta-binomial' },
  ],
  'widget/bad-id': [{ widget: 'BetaBinomial', id: 'Coin' }, { widget: 'BetaBinomial' }],
  'widget/duplicate-id': [{ id: 'coin' }],
  'widget/unknown': [{ slug: 'beta-binomal' }],
  'widget/no-view': [{ slug: 'new-widget', name: 'NewWidget' }],
  'slides/misplaced': [{ tag: 'Slide', kind: 'nested' }, { tag: 'Slide', kind: 'children' }, { tag: 'SlideOnly', kind: 'numbered-in-slide-only', what: 'a heading' }],
  'statelink/unknown-target': [
    { target: 'cion', ids: ['coin'] },
    { ids: [] },
  ],
  'statelink/bad-set': [{ kind: 'not-literal' }, { kind: 'not-object' }, { kind: 'invalid', target: 'coin', problems: ['heads: -1 is below the minimum 0.'], slug: 'beta-binomial' }],
  'notation/bad-file': [{}],
  'notation/bad-entry': [{ n: 4, entry: { symbol: '\\theta' } }],
  'notation/unknown-chapter': [{ symbol: '\\theta', chapter: 'estimating-probabilty' }],
  'frontmatter/draft-prerequisite': [{ prerequisite: 'gaussian-processes', file: 'content/chapters/03-gaussian-processes.mdx' }],
  'frontmatter/later-prerequisite': [{ prerequisite: 'kernels', number: 4, chapter: 2 }],
  'budget/missing-file': [{ reference: '<script src>: /_astro/gone.js', dir: 'dist' }],
};

describe('the catalogue', () => {
  test('every entry, rendered with sample arguments (file snapshot)', async () => {
    const blocks: string[] = [];
    for (const code of codes()) {
      const list = samples[code] as ArgsOf<Code>[] | undefined;
      expect(list?.length, `tests/unit/errors/catalogue.test.ts needs sample arguments for ${code}`).toBeGreaterThan(0);
      for (const args of list ?? []) {
        const r = render(code, args);
        blocks.push(`# ${code} (${r.severity}) ${JSON.stringify(args)}\n${formatReport({ ...r, location: at }, r.severity === 'warning' ? 'warning ' : '')}`);
      }
    }
    expect(Object.keys(samples).sort()).toEqual([...codes()].sort());
    await expect(blocks.join('\n\n') + '\n').toMatchFileSnapshot('./__snapshots__/errors.txt');
  });

  test('codes are area/kebab-case words; every entry has a summary, a section and a message', () => {
    for (const code of codes()) {
      expect(code).toMatch(/^[a-z]+\/[a-z]+(?:-[a-z]+)*$/);
      const e = catalogue[code];
      expect(e.summary.length, code).toBeGreaterThan(10);
      expect(e.summary, code).not.toMatch(/\|/);
      expect(['error', 'warning']).toContain(e.severity);
    }
  });

  test('every section it links to is a heading of CONTRIBUTING.md', () => {
    const anchors = headingAnchors(CONTRIBUTING);
    for (const code of codes()) expect(anchors.has(catalogue[code].section), `${code} → CONTRIBUTING.md#${catalogue[code].section}`).toBe(true);
  });

  test("CONTRIBUTING.md's tables are generated from it (run `node src/errors/docs.ts` to update them)", () => {
    expect(CONTRIBUTING).toContain(START);
    expect(CONTRIBUTING).toContain(END);
    const inFile = CONTRIBUTING.slice(CONTRIBUTING.indexOf(START) + START.length, CONTRIBUTING.indexOf(END)).trim();
    expect(inFile, 'CONTRIBUTING.md is out of date: run `node scripts/with-node.mjs node src/errors/docs.ts`').toBe(renderTables(CONTRIBUTING));
    expect(updateContributing(CONTRIBUTING)).toBe(CONTRIBUTING);
    // Each code in its own row, and no row for a code that does not exist.
    const rows = [...inFile.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...codes()].sort());
  });

  test('every code a fixture expects is in it, with the right severity', () => {
    const dir = join(ROOT, 'tests', 'fixtures');
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'expected.json');
      if (!existsSync(file)) continue;
      const expected = JSON.parse(readFileSync(file, 'utf8')) as { code: string | null; warnings?: { code: string }[] };
      if (expected.code) expect(catalogue[expected.code as Code]?.severity, `${name}: ${expected.code}`).toBe('error');
      for (const w of expected.warnings ?? []) expect(catalogue[w.code as Code]?.severity, `${name}: ${w.code}`).toBe('warning');
    }
  });

  test('no source outside src/errors writes an error code or builds a BookError by hand', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|mjs|js|astro|svelte)$/.test(e.name)) {
          const text = readFileSync(p, 'utf8');
          const rel = relative(ROOT, p).split('\\').join('/');
          if (rel.startsWith('src/errors/')) continue;
          if (/\bcode:\s*['"`][a-z]+\/[a-z-]+/.test(text)) offenders.push(`${rel}: an inline code: '…/…'`);
          if (/new BookError\(/.test(text)) offenders.push(`${rel}: new BookError(…)`);
        }
      }
    };
    for (const d of ['src', 'scripts']) walk(join(ROOT, d));
    expect(offenders, 'use bookError(code, args, location) / warn(code, args, location) with a catalogue entry').toEqual([]);
  });
});

describe('bookError', () => {
  test('renders the entry: [code] file:line:col: message, then expected, received, hint and docs', () => {
    const err = bookError('math/unknown-eqref', { label: 'eq:coin-mel', suggestion: 'eq:coin-mle', wellFormed: true }, at);
    expect(err).toBeInstanceOf(BookError);
    expect(err.code).toBe('math/unknown-eqref');
    expect(err.message).toBe(
      [
        '[math/unknown-eqref] content/chapters/01-sample.mdx:12:5: \\eqref{eq:coin-mel} refers to no labelled equation in the book. Did you mean "eq:coin-mle"?',
        '  expected: a label defined with \\label{…} in a display equation of some chapter',
        '  received: eq:coin-mel',
        '  hint: Did you mean \\eqref{eq:coin-mle}?',
        '  docs: CONTRIBUTING.md#numbered-equations',
      ].join('\n'),
    );
    expect(err.hint).toBe('Did you mean \\eqref{eq:coin-mle}?');
    expect(err.docs).toBe('CONTRIBUTING.md#numbered-equations');
    expect(err.location).toEqual(at);
  });

  test('carries line, column and loc for Astro and Vite (resolved against the root when given)', () => {
    const err = bookError('book/duplicate-part', { id: 'x' }, { file: 'content/book.yaml', line: 3 }, '/project/') as BookError & { line?: number; column?: number; loc?: unknown };
    expect(err.line).toBe(3);
    expect(err.column).toBe(1);
    expect(err.loc).toEqual({ file: '/project/content/book.yaml', line: 3, column: 1 });
    const noLine = bookError('book/missing-config', {}, { file: 'content/book.yaml' }) as BookError & { loc?: unknown };
    expect(noLine.loc).toBeUndefined();
    expect(noLine.message).toBe('[book/missing-config] content/book.yaml: content/book.yaml is missing.\n  hint: Create it with a title and a list of parts.\n  docs: CONTRIBUTING.md#a-new-lesson');
  });

  test('refuses a warning code', () => {
    expect(() => bookError('budget/missing-file' as never, { reference: 'x', dir: 'dist' } as never)).toThrow(/is not an error/);
  });
});

describe('did you mean', () => {
  test('one edit distance for both kinds of suggestion', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    // Labels and keys: within a third of the length (at least 2).
    expect(didYouMean('eq:coin-mel', ['eq:coin-mle', 'eq:coin-map'])).toBe('eq:coin-mle');
    expect(didYouMean('ab', ['xyz'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
    // Slugs and tags: within 3 edits, the first of equals.
    expect(closest('Excercise', ['Figure', 'Exercise'])).toBe('Exercise');
    expect(closest('gaussian-processess', ['gaussian-processes', 'sgd'])).toBe('gaussian-processes');
    expect(closest('abcdef', ['uvwxyz'])).toBeUndefined();
    expect(closest('ab', ['ax', 'ay'])).toBe('ax');
  });
});
