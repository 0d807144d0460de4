import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { checkLinks, linkCheck, linkFailuresError } from '../../../src/markdown/link-check.ts';
import { lineOf, tempProject } from './helpers.ts';

const SOURCE = `---
title: A
part: foundations
order: 1
summary: A.
---

See [the missing page](/chapters/missing/) first.

Then [a missing anchor](/chapters/b/#nope) and [a local one](#local-missing).
`;

const project = tempProject({ 'content/chapters/01-a.mdx': SOURCE });
const dist = join(project.root, 'dist');
const page = (rel: string, body: string, source?: string) => {
  const abs = join(dist, rel);
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, `<!doctype html><html><head><title>t</title></head><body><main${source ? ` data-source="${source}"` : ''}>${body}</main></body></html>`);
};
afterAll(() => project.cleanup());

page(
  'index.html',
  `<a href="chapters/a/">rel</a><a href="/course/chapters/b/#sec">abs</a><a href="#top">top</a><a href="mailto:x@y.z">m</a>
   <a href="https://example.org/">ext</a><a href="/course/pagefind/pagefind-ui.js">pf</a><a href="/course/favicon.svg">file</a><a href="/course/chapters/b">no slash</a>`,
);
page('chapters/b/index.html', '<h2 id="sec">S</h2><a href="../a/#here">back</a><a href="#sec">self</a><a href="/course/">home</a>');
page('chapters/a/index.html', '<p id="here"></p><a href="/course/chapters/missing/">1</a><a href="/course/chapters/b/#nope">2</a><a href="#local-missing">3</a><a href="#here">ok</a>', 'content/chapters/01-a.mdx');
writeFileSync(join(dist, 'favicon.svg'), '<svg/>');

describe('checkLinks', () => {
  test('finds missing pages and anchors, names the source file and line', () => {
    const failures = checkLinks(dist, '/course/', project.root);
    expect(failures).toEqual([
      {
        page: 'chapters/a/index.html',
        href: '/course/chapters/missing/',
        reason: 'missing-page',
        message: 'no page at /course/chapters/missing/',
        source: { file: 'content/chapters/01-a.mdx', line: lineOf(SOURCE, '/chapters/missing/'), column: 24 },
      },
      {
        page: 'chapters/a/index.html',
        href: '/course/chapters/b/#nope',
        reason: 'missing-anchor',
        message: 'no element with id "nope" on /course/chapters/b/',
        source: { file: 'content/chapters/01-a.mdx', line: lineOf(SOURCE, '/chapters/b/#nope'), column: 25 },
      },
      {
        page: 'chapters/a/index.html',
        href: '#local-missing',
        reason: 'missing-anchor',
        message: 'no element with id "local-missing" on this page',
        source: { file: 'content/chapters/01-a.mdx', line: lineOf(SOURCE, '#local-missing'), column: 62 },
      },
    ]);
  });

  test('a link outside the base is a failure; with base "/" the same site has other failures', () => {
    page('extra/index.html', '<a href="/elsewhere/">out</a>');
    try {
      const failures = checkLinks(dist, '/course/', project.root);
      expect(failures.find((f) => f.page === 'extra/index.html')).toMatchObject({ reason: 'outside-base' });
    } finally {
      writeFileSync(join(dist, 'extra/index.html'), '<main></main>');
    }
  });

  test('one BookError lists every failure; its location is the first source line', () => {
    const err = linkFailuresError(checkLinks(dist, '/course/', project.root));
    expect(err.code).toBe('link/broken');
    expect(err.message).toContain(`[link/broken] content/chapters/01-a.mdx:${lineOf(SOURCE, '/chapters/missing/')}:24: 3 broken internal links in the built site:`);
    expect(err.message).toContain('  - chapters/a/index.html: "/course/chapters/b/#nope" → no element with id "nope" on /course/chapters/b/ (content/chapters/01-a.mdx:10:25)');
  });
});

describe('linkCheck integration', () => {
  test('astro:build:done throws the BookError (failing the build)', async () => {
    const integration = linkCheck();
    const hooks = integration.hooks as any;
    await hooks['astro:config:done']({ config: { base: '/course', root: pathToFileURL(project.root + '/') } });
    const logger = { info: () => {}, warn: () => {}, error: () => {} };
    expect(() => hooks['astro:build:done']({ dir: pathToFileURL(dist + '/'), pages: [], logger })).toThrowError(/\[link\/broken\] content\/chapters\/01-a\.mdx:8:24/);
  });

  test('passes quietly on a clean site', async () => {
    const p = tempProject();
    try {
      const d = join(p.root, 'dist');
      mkdirSync(join(d, 'x'), { recursive: true });
      writeFileSync(join(d, 'index.html'), '<a href="x/#a">x</a><a href="/x/">x</a>');
      writeFileSync(join(d, 'x', 'index.html'), '<h1 id="a">A</h1><a href="../">up</a>');
      const hooks = linkCheck().hooks as any;
      await hooks['astro:config:done']({ config: { base: '/', root: pathToFileURL(p.root + '/') } });
      const logged: string[] = [];
      hooks['astro:build:done']({ dir: pathToFileURL(d + '/'), pages: [], logger: { info: (m: string) => logged.push(m) } });
      expect(logged).toEqual(['all internal links resolve']);
    } finally {
      p.cleanup();
    }
  });
});
