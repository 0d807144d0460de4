/** The print edition's rewrite of a chapter's HTML (src/pages/print/_rewrite.ts). */
import { describe, expect, test } from 'vitest';
import katex from 'katex';
import { rewriteChapterHtml, rewriteHref, publicUrl, setAsideMath } from '../../../src/pages/print/_rewrite.ts';

const o = { slug: 'sgd', printed: new Set(['sgd', 'gp']), aliases: new Map([['old-gp', 'gp']]), base: '/', site: 'https://book.example' };

describe('rewriteHref', () => {
  test('same-page anchors get the chapter prefix', () => {
    expect(rewriteHref('#eq-x', o)).toBe('#sgd--eq-x');
    expect(rewriteHref('#top', o)).toBeUndefined();
  });
  test('links to printed chapters stay in the document, old slugs included', () => {
    expect(rewriteHref('/chapters/gp/#fig-a', o)).toBe('#gp--fig-a');
    expect(rewriteHref('/chapters/gp/', o)).toBe('#ch-gp');
    expect(rewriteHref('/chapters/old-gp/#eq-k', o)).toBe('#gp--eq-k');
  });
  test('everything else in the site goes to the public site; external links stay', () => {
    expect(rewriteHref('/widgets/', o)).toBe('https://book.example/widgets/');
    expect(rewriteHref('/chapters/draft/', o)).toBe('https://book.example/chapters/draft/');
    expect(rewriteHref('?sgd.eps=0.1#sgd', o)).toBe('https://book.example/chapters/sgd/?sgd.eps=0.1#sgd');
    expect(rewriteHref('https://arxiv.org/abs/1', o)).toBeUndefined();
  });
  test('under a base path', () => {
    const c = { ...o, base: '/course/' };
    expect(rewriteHref('/course/chapters/gp/#x', c)).toBe('#gp--x');
    expect(rewriteHref('/course/notation/', c)).toBe('https://book.example/course/notation/');
    expect(publicUrl(c, '/chapters/sgd/')).toBe('https://book.example/course/chapters/sgd/');
  });
});

describe('rewriteChapterHtml', () => {
  test('prefixes ids and their references, demotes headings, adds QR codes to live links', async () => {
    const html = await rewriteChapterHtml(
      '<h2 id="a">A</h2><label for="in">x</label><input id="in" aria-describedby="d1 d2"><svg><path fill="url(#g)"/></svg>' +
        '<a class="state-link" href="?sgd.eps=1#sgd" data-state-target="sgd" data-state-values="{}">go</a>' +
        '<a class="print-live-link" href="?sgd.eps=1#sgd">SGD</a>',
      o,
    );
    expect(html).toContain('<h3 id="sgd--a">');
    expect(html).toContain('for="sgd--in"');
    expect(html).toContain('aria-describedby="sgd--d1 sgd--d2"');
    expect(html).toContain('url(#sgd--g)');
    expect(html).not.toContain('data-state-target');
    expect(html).toContain('href="https://book.example/chapters/sgd/?sgd.eps=1#sgd"');
    expect(html).toMatch(/<a class="print-live-link" href="https:\/\/book\.example\/chapters\/sgd\/\?sgd\.eps=1#sgd"><span class="print-qr"><svg class="print-qr-code"/);
    expect(html).toContain('<span class="print-live-url">book.example/chapters/sgd/?sgd.eps=1#sgd</span>');
  });
  test('a widget at its defaults links to the chapter with #id', async () => {
    const html = await rewriteChapterHtml('<a class="print-live-link" href="#coin">Coin</a>', o);
    expect(html).toContain('href="https://book.example/chapters/sgd/#coin"');
  });
  test('KaTeX markup passes through verbatim; formulas with ids or links are still rewritten', async () => {
    const plain = katex.renderToString("\\ell''(\\theta) < 0", { output: 'htmlAndMathml' });
    const display = katex.renderToString('\\sum_i a_i', { displayMode: true, output: 'htmlAndMathml' });
    const linked = katex.renderToString('\\htmlId{k}{x} + \\href{#k}{y}', { trust: true, strict: false, output: 'htmlAndMathml' });
    const html = await rewriteChapterHtml(`<p id="p">A ${plain} b</p>${display}<p>${linked}</p><h2 id="z">Z</h2>`, o);
    expect(html).toContain(plain);
    expect(html).toContain(display);
    expect(html).not.toContain(linked);
    expect(html).toContain('id="sgd--k"');
    expect(html).toContain('href="#sgd--k"');
    expect(html).toContain('<p id="sgd--p">A ');
    expect(html).toContain('<h3 id="sgd--z">');
  });
  test('setAsideMath takes out whole formulas, nested spans and all, and restores them', () => {
    const f = katex.renderToString('\\frac{a}{b}', { output: 'htmlAndMathml' });
    const src = `<span class="note">x</span>${f}<span>y</span>`;
    const { html, restore } = setAsideMath(src);
    expect(html).toBe('<span class="note">x</span><!--iw-print-math:0--><span>y</span>');
    expect(restore(html)).toBe(src);
    // Unbalanced markup is left to the parser.
    expect(setAsideMath('<span class="katex"><span>').html).toBe('<span class="katex"><span>');
  });
});
