/**
 * MDX syntax errors become `[mdx/syntax]` book errors at the right line and column, with the
 * offending character marked and a hint for the mistake made; the book's own errors and anything
 * else pass through; the wrapper finds Astro's MDX plugin and converts what its transform throws.
 */
import { createProcessor } from '@mdx-js/mdx';
import remarkMath from 'remark-math';
import { describe, expect, test } from 'vitest';
import { BookError, bookError } from '../../../src/errors/index.ts';
import { MDX_PLUGIN, mdxSyntaxError, openingBrace, wrapMdxPlugin } from '../../../src/markdown/mdx-syntax.ts';

const FRONT = '---\ntitle: T\n---\n\n';
/** What MDX throws for `body` (behind a frontmatter blanked as Astro blanks it), or null. */
function parseError(body: string): unknown {
  const code = FRONT + body;
  try {
    createProcessor({ remarkPlugins: [remarkMath] }).parse(code.replace(/^---[\s\S]*?---/, (f) => f.replace(/[^\n]/g, ' ')));
    return null;
  } catch (e) {
    return e;
  }
}
const convert = (body: string) => mdxSyntaxError(parseError(body), FRONT + body, '/book/content/chapters/01-x.mdx', '/book');

describe('mdx/syntax', () => {
  test('a stray { in prose: the brace itself, file:line:col, and how to write a literal brace', () => {
    const e = convert('Math is fine: $\\{x_i\\}$.\n\nThe set {x_1, ..., x_n} in text is not.\n');
    expect(e).toBeInstanceOf(BookError);
    expect(e!.code).toBe('mdx/syntax');
    expect(e!.location).toEqual({ file: 'content/chapters/01-x.mdx', line: 7, column: 9 });
    expect(e!.received).toBe('The set »{«x_1, ..., x_n} in text is not.');
    expect(e!.hint).toMatch(/write `\\\{`/);
    expect(e!.message).toMatch(/^\[mdx\/syntax\] content\/chapters\/01-x\.mdx:7:9: This is not valid MDX: Could not parse expression with acorn\./);
    expect(e!.message).toMatch(/docs: CONTRIBUTING\.md#text/);
  });

  test('an expression never closed points at its brace', () => {
    const e = convert('Text {x and more\n\nNext paragraph.\n');
    expect(e!.location).toMatchObject({ line: 5, column: 6 });
    expect(e!.message).toMatch(/closing brace/);
  });

  test('a < in prose and an unclosed component get the JSX hint', () => {
    const lt = convert('Here a <b and the line ends');
    expect(lt!.code).toBe('mdx/syntax');
    expect(lt!.hint).toMatch(/&lt;/);
    const open = convert('<Figure>\n\ntext without a closing tag\n');
    expect(open!.message).toMatch(/closing tag for `<Figure>`/);
    expect(open!.location?.line).toBe(5);
  });

  test('valid MDX throws nothing; other errors and book errors pass through', () => {
    expect(parseError('$\\{a\\}$ and {1 + 1} and \\{ and a < 3 b')).toBeNull();
    expect(mdxSyntaxError(new Error('boom'), '', 'x.mdx')).toBeNull();
    expect(mdxSyntaxError(bookError('component/unknown', { name: 'X', known: [] }, { file: 'a.mdx', line: 1 }), '', 'a.mdx')).toBeNull();
    expect(mdxSyntaxError(null, '', 'a.mdx')).toBeNull();
  });

  test('openingBrace stops at a blank line and skips escaped braces', () => {
    expect(openingBrace('a {b c', 5)).toBe(2);
    expect(openingBrace('a \\{b c', 5)).toBe(-1);
    expect(openingBrace('a {b\n\nc d', 8)).toBe(-1);
  });

  test('wrapMdxPlugin converts what the MDX plugin throws, once, and leaves other plugins alone', async () => {
    const body = 'The set {x_1, ..., x_n}.\n';
    const thrown = parseError(body);
    const mdx = { name: MDX_PLUGIN, transform: { filter: {}, handler: async (..._args: unknown[]) => Promise.reject(thrown) } };
    const other = { name: 'other', transform: async () => 'ok' };
    expect(wrapMdxPlugin([other, mdx], '/book')).toBe(true);
    expect(wrapMdxPlugin([other, mdx], '/book')).toBe(true); // already wrapped: not twice
    await expect(mdx.transform.handler.call(null, FRONT + body, '/book/content/chapters/01-x.mdx?astroContent')).rejects.toMatchObject({ code: 'mdx/syntax', location: { file: 'content/chapters/01-x.mdx', line: 5, column: 9 } });
    expect(await other.transform()).toBe('ok');
    expect(wrapMdxPlugin([other], '/book')).toBe(false);
  });
});
