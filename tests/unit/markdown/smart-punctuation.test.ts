import remarkMath from 'remark-math';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';
import { describe, expect, test } from 'vitest';
import { educateMarks, educateQuotes, remarkSmartPunctuation } from '../../../src/markdown/remark-smart-punctuation.ts';

/** The MDX source after the plugin, written back as Markdown (text nodes carry the change). */
function run(mdx: string): string {
  const processor = unified().use(remarkParse).use(remarkMdx).use(remarkMath).use(remarkSmartPunctuation).use(remarkStringify);
  return String(processor.processSync(mdx)).trim();
}

describe('educateQuotes', () => {
  test.each([
    ['He said "hello" twice.', 'He said “hello” twice.'],
    ["It's the players' ball.", 'It’s the players’ ball.'],
    ["rock 'n' roll", 'rock ‘n’ roll'],
    ["the '80s and the '90s", 'the ’80s and the ’90s'],
    [`He said, "'Quoted' words in a larger quote."`, 'He said, “‘Quoted’ words in a larger quote.”'],
    ['("parenthesised")', '(“parenthesised”)'],
    ['"Hi".', '“Hi”.'],
    ["Lee et al.'s theorem", 'Lee et al.’s theorem'],
    [' "start', ' “start'],
    ['a "" b', 'a "" b'],
  ])('%s', (input, want) => {
    expect(educateQuotes(input)).toBe(want);
    expect(educateQuotes(input)).toHaveLength(input.length);
  });
});

describe('educateMarks', () => {
  test.each([
    ['width -- and depth', 'width — and depth'],
    ['a --- b', 'a --- b'],
    ['and so on...', 'and so on…'],
    ['and so on. . .', 'and so on…'],
    ['``old style\'\'', '“old style”'],
    ['a-b', 'a-b'],
  ])('%s', (input, want) => expect(educateMarks(input)).toBe(want));
});

describe('remarkSmartPunctuation', () => {
  test('quotes pair up across emphasis, links, inline code and inline math', () => {
    expect(run('Say "*this*" and "[that](/x/)".')).toBe('Say “*this*” and “[that](/x/)”.');
    expect(run('The "`code`" and "$x$" and $f$\'s value.')).toBe('The “`code`” and “$x$” and $f$’s value.');
  });

  test('a quote at the start of a paragraph, heading or table cell opens', () => {
    expect(run('# "Title"\n\n"Para" one.')).toBe('# “Title”\n\n“Para” one.');
  });

  test('code, math, inline code and script elements keep their straight quotes', () => {
    const src = '```js\nconst s = "x" -- y;\n```\n\n$$\n\\text{"a"}\n$$\n\nIn `"raw"` text.\n\nText <script>"kept"</script> here.';
    const out = run(src);
    expect(out).toContain('const s = "x" -- y;');
    expect(out).toContain('\\text{"a"}');
    expect(out).toContain('`"raw"`');
    expect(out).toContain('<script>"kept"</script>');
  });

  test('dashes and ellipses in prose', () => {
    expect(run('Wide -- very wide... networks.')).toBe('Wide — very wide… networks.');
  });
});
