import { afterAll, describe, expect, test } from 'vitest';
import { bibliography, citationKeys } from '../../../src/markdown/bibliography.ts';
import { findCitations } from '../../../src/markdown/rehype-citations.ts';
import { chapter, lineOf, columnOf, render, renderError, tempProject } from './helpers.ts';

const ONE = 'content/chapters/01-one.mdx';
const project = tempProject();
afterAll(() => project.cleanup());

describe('citations', () => {
  test('[@key], [@key, p. 3] and [@a; @b] become author–year links to #bib-<key>', async () => {
    const text = chapter('One', 'foundations', 1, 'Kernels [@jacot2018]. A page [@bishop2006, p. 3]. Two at once [@neal1996; @jacot2018].\n');
    const html = await render(project.root, ONE, text);
    expect(html).toContain('(<a href="#bib-jacot2018">Jacot et al., 2018</a>)');
    expect(html).toContain('(<a href="#bib-bishop2006">Bishop, 2006, p. 3</a>)');
    expect(html).toMatch(/<a href="#bib-jacot2018">Jacot et al., 2018<\/a>; <a href="#bib-neal1996">Neal, 1996<\/a>|<a href="#bib-neal1996">Neal, 1996<\/a>; <a href="#bib-jacot2018">Jacot et al., 2018<\/a>/);
    expect(html).not.toContain('[@');
  });

  test('a cited chapter ends with a References section (heading id "references") listing what it cites', async () => {
    const text = chapter('One', 'foundations', 1, '## Intro\n\nSee [@jacot2018].\n\n## Outro\n\nDone.\n');
    const html = await render(project.root, ONE, text);
    const refs = html.indexOf('<h2 id="references">References');
    expect(refs).toBeGreaterThan(html.indexOf('id="outro"'));
    expect(html).toContain('aria-label="Permalink to References"');
    const list = html.slice(refs);
    expect(list).toContain('<div id="refs" class="references csl-bib-body">');
    expect(list).toContain('<div class="csl-entry" id="bib-jacot2018">Jacot, A., Gabriel, F., &#x26; Hongler, C. (2018).');
    expect(list).not.toContain('bib-bishop2006');
  });

  test('an authored "References" heading clashes with the generated section', async () => {
    const text = chapter('One', 'foundations', 1, 'See [@jacot2018].\n\n## References\n\nMine.\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('cite/references-heading');
    expect(err.message).toContain(`${ONE}:${lineOf(text, '## References')}:1`);
  });

  test('no citations, no References section', async () => {
    const text = chapter('One', 'foundations', 1, '## Intro\n\nAn e-mail like someone@example.com is not a citation.\n');
    const html = await render(project.root, ONE, text);
    expect(html).not.toContain('id="references"');
    expect(html).not.toContain('csl-bib-body');
  });

  test('citations inside code are left alone', async () => {
    const text = chapter('One', 'foundations', 1, 'Write `[@nokey]` to cite.\n');
    const html = await render(project.root, ONE, text);
    expect(html).toContain('<code>[@nokey]</code>');
  });

  test('unknown key: cite/unknown-key at file:line:column with a suggestion', async () => {
    const text = chapter('One', 'foundations', 1, 'Intro.\n\nAs shown by\nthe kernel paper [@jacot2019, p. 2].\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('cite/unknown-key');
    expect(err.message).toContain(`[cite/unknown-key] ${ONE}:${lineOf(text, 'the kernel')}:${columnOf(text, '[@jacot2019')}: Citation key "jacot2019" is not in content/references.bib. Did you mean "jacot2018"?`);
    expect(err.message).toContain('received: [@jacot2019, p. 2]');
  });

  test('unknown key among several', async () => {
    const text = chapter('One', 'foundations', 1, 'Both [@neal1996; @rasmussen2006].\n');
    const err = await renderError(project.root, ONE, text);
    expect(err.code).toBe('cite/unknown-key');
    expect(err.message).toContain('"rasmussen2006"');
  });

  test('citing without content/references.bib', async () => {
    const p = tempProject({}, { bib: false });
    try {
      const err = await renderError(p.root, ONE, chapter('One', 'foundations', 1, 'See [@x2020].\n'));
      expect(err.code).toBe('cite/no-bibliography');
    } finally {
      p.cleanup();
    }
  });

  test('findCitations parses the bracket forms', () => {
    expect(findCitations('a [@k1] b [see @k2, p. 4; @k3] c [mail me@x.org] [-@k4]').map((c) => c.key)).toEqual(['k1', 'k2', 'k3', 'k4']);
  });
});

describe('bibliography(root)', () => {
  test('every entry, sorted by author, as HTML, with its id bib-<key>', () => {
    const entries = bibliography(project.root);
    expect(entries.map((e) => e.key)).toEqual(['bishop2006', 'jacot2018', 'neal1996']);
    expect(entries[0]).toEqual({
      key: 'bishop2006',
      id: 'bib-bishop2006',
      html: '<div class="csl-entry">Bishop, C. M. (2006). <i>Pattern Recognition and Machine Learning</i>. Springer.</div>',
    });
    expect([...citationKeys(project.root)].sort()).toEqual(['bishop2006', 'jacot2018', 'neal1996']);
  });

  test('a broken .bib file is reported with its line', () => {
    const p = tempProject({}, { bib: false });
    try {
      p.write('content/references.bib', '@book{good2000,\n  title = {Fine},\n  year = {2000}\n}\n\n@article{broken\n  title = {x\n');
      expect(() => bibliography(p.root)).toThrowError(/\[cite\/bad-bibliography\] content\/references\.bib:6:/);
    } finally {
      p.cleanup();
    }
  });
});
