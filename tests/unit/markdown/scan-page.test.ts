// scanPage (the link check's reader of built pages) against parse5's tokenizer, the HTML standard's:
// the same ids, links and data-source on hand-made hard cases and on real KaTeX markup.
import katex from 'katex';
import { Tokenizer, TokenizerMode } from 'parse5';
import { describe, expect, test } from 'vitest';
import { scanPage } from '../../../src/markdown/link-check.ts';

const RAW: Record<string, (typeof TokenizerMode)[keyof typeof TokenizerMode]> = {
  script: TokenizerMode.SCRIPT_DATA,
  style: TokenizerMode.RAWTEXT,
  xmp: TokenizerMode.RAWTEXT,
  iframe: TokenizerMode.RAWTEXT,
  noembed: TokenizerMode.RAWTEXT,
  noframes: TokenizerMode.RAWTEXT,
  textarea: TokenizerMode.RCDATA,
  title: TokenizerMode.RCDATA,
};

/** The oracle: what a browser's tokenizer sees (ids, `<a name>`, `<a href>`, `<main data-source>`). */
function oracle(html: string) {
  const ids = new Set<string>();
  const links: string[] = [];
  let source: string | undefined;
  const none = () => {};
  const t: Tokenizer = new Tokenizer(
    {},
    {
      onStartTag(tag) {
        for (const a of tag.attrs) {
          if (a.name === 'id' && a.value) ids.add(a.value);
          else if (tag.tagName === 'a' && a.name === 'name') ids.add(a.value);
          else if (tag.tagName === 'a' && a.name === 'href') links.push(a.value);
          else if (tag.tagName === 'main' && a.name === 'data-source' && source === undefined) source = a.value;
        }
        if (RAW[tag.tagName] !== undefined) t.state = RAW[tag.tagName];
      },
      onEndTag: none,
      onComment: none,
      onDoctype: none,
      onEof: none,
      onCharacter: none,
      onNullCharacter: none,
      onWhitespaceCharacter: none,
    },
  );
  t.write(html, true);
  return { ids, links, source };
}

const CASES: Record<string, string> = {
  plain: '<main data-source="content/chapters/a.mdx"><h2 id="s1">S</h2><a href="#s1">x</a><a name="old">o</a></main>',
  quoting: `<a href='/a/#b' title="1 > 0">x</a><a href=/bare/#c class=z>y</a><p id = "spaced" >z</p>`,
  entities: '<a href="/q/?a=1&amp;b=2&lt;">x</a><p id="caf&eacute;&#x2014;&#8212;">y</p><a href="?x&notanentity;">z</a>',
  'upper case': '<A HREF="/up/">x</A><P ID="Big">y</P><MAIN DATA-SOURCE="s.mdx"></MAIN>',
  'repeated attributes': '<p id="first" id="second">x</p><a href="/one/" href="/two/">y</a>',
  'comments and scripts': '<!-- <a href="/in-comment/"> --><script>const s = "<a href=\'/in-script/\'>"; if (a < b) {}</script><style>a[href="/css/"]{}</style><a href="/after/">x</a>',
  'script closed in any case': '<script type="module">x = "</scrip>"</SCRIPT ><p id="after-script">y</p>',
  'textarea and title': '<title><a href="/t/"></title><textarea id="ta"><a href="/in-textarea/"></textarea><a href="/real/">r</a>',
  'empty id and a self-closed script': '<p id="">x</p><script src="/s.js"/><a href="/swallowed/"></a></script><a href="/seen/">y</a>',
  'a greater-than in a quoted value': '<a data-x="a>b" href="/gt/">x</a><span title=\'<a href="/no/">\' id="t">y</span>',
  'text that looks like tags': '<p>1 &lt;a href="/escaped/"&gt; 2 < 3 and a<b</p><a href="/ok/">x</a>',
  'astro island props': `<astro-island uid="Z1" props="{&quot;href&quot;:[0,&quot;/p/&quot;]}" id="isl"></astro-island><a href="/after-island/">x</a>`,
};

describe('scanPage', () => {
  for (const [name, html] of Object.entries(CASES)) {
    test(`matches the HTML tokenizer: ${name}`, () => {
      const got = scanPage(html);
      const want = oracle(html);
      expect([...got.ids]).toEqual([...want.ids]);
      expect(got.links).toEqual(want.links);
      expect(got.source).toBe(want.source);
    });
  }

  test('matches the HTML tokenizer on KaTeX markup (ids from \\htmlId, links from \\href)', () => {
    const formulas = ['\\htmlId{eq-1}{x^2} + \\href{/chapters/a/#eq-2}{y}', '\\sum_{i=1}^n \\frac{a_i}{b_i}', '\\text{“quoted” <text> \\& more}'];
    const html = formulas.map((f) => katex.renderToString(f, { trust: true, strict: false, output: 'htmlAndMathml' })).join('<p>between</p>');
    const got = scanPage(html);
    const want = oracle(html);
    expect(want.ids.has('eq-1')).toBe(true);
    expect([...got.ids]).toEqual([...want.ids]);
    expect(got.links).toEqual(want.links);
  });
});
