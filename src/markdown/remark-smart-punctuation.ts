/**
 * Typographic punctuation: straight quotes become curly ones (“double”, ‘single’, the apostrophe
 * ’), `--` an em dash, `...` an ellipsis, ``` ``this'' ``` double quotes. These are the rules of
 * retext-smartypants, which Astro runs by default through remark-smartypants, applied to the
 * characters of the text directly instead of to a natural-language syntax tree: that tree
 * (parse-latin, built once for the whole chapter and again for every text node) was a third of
 * the time of the book's Markdown pipeline — 1.5 s of 4.3 s on a 50-chapter book.
 *
 * As remark-smartypants does, the chapter's text is read as one string in document order so that
 * a quote around a link or emphasis is seen with its neighbours; inline code and inline math count
 * as words there (the quotes around them pair up), and every paragraph, heading and table cell
 * starts after a space (a quote at its start opens). Text inside `<script>`/`<style>` is left as it
 * is, and so are code blocks, math and HTML. tests/unit/markdown/smart-punctuation.test.ts has the
 * cases; it was checked against remark-smartypants on every chapter of the book.
 */
import type { Parent, Root, Text } from 'mdast';
import { visit, SKIP } from 'unist-util-visit';

const OPEN = ['“', '‘'];
const CLOSE = ['”', '’'];
/** Nodes whose text starts afresh (a quote at their start opens). */
const BLOCKS = new Set(['paragraph', 'heading', 'tableCell']);
/** Inline nodes read as a word: their characters are not text, but the quotes around them pair up. */
const OPAQUE = new Set(['inlineCode', 'inlineMath']);
const RAW_ELEMENTS = new Set(['script', 'style']);

type Kind = 'space' | 'word' | 'punct';
const WORD = /[\p{L}\p{N}\p{M}]/u;
const SPACE = /\s/;
function kindOf(c: string): Kind {
  const code = c.charCodeAt(0);
  if (code < 128) {
    if (code === 32 || (code >= 9 && code <= 13)) return 'space';
    if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return 'word';
    return 'punct';
  }
  return SPACE.test(c) ? 'space' : WORD.test(c) ? 'word' : 'punct';
}

/** One token of the text: a run of spaces, of word characters, or of one repeated punctuation mark. */
interface Token {
  kind: Kind;
  start: number;
  end: number;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const kind = kindOf(s[i]);
    let j = i + 1;
    if (kind === 'punct') while (j < s.length && s[j] === s[i]) j++;
    else while (j < s.length && kindOf(s[j]) === kind) j++;
    out.push({ kind, start: i, end: j });
    i = j;
  }
  return out;
}

/**
 * The text with its lone straight quotes educated (retext-smartypants' `quotesDefault`, token by
 * token). The string keeps its length, so the text nodes can take their slices back.
 */
export function educateQuotes(s: string): string {
  // UTF-16 code units: the tokens index `s`, and every replacement is one unit for one unit.
  const out = s.split('');
  const tokens = tokenize(s);
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    const value = s.slice(tok.start, tok.end);
    if (value !== '"' && value !== "'") continue;
    const q = value === '"' ? 0 : 1;
    const previous = tokens[t - 1];
    const next = tokens[t + 1];
    const nextNext = tokens[t + 2];
    const nextValue = next ? s.slice(next.start, next.end) : '';
    let open: boolean;
    if (next && next.kind === 'punct' && (!nextNext || nextNext.kind !== 'word')) {
      // A quote followed by punctuation that does not start a word closes ("Hi"., '!).
      open = false;
    } else if (next && next.kind === 'punct' && (nextValue === '"' || nextValue === "'") && nextNext?.kind === 'word') {
      // Double sets of quotes: `"'Quoted' words"` opens both.
      open = true;
      out[next.start] = OPEN[nextValue === '"' ? 0 : 1];
    } else if (next && /^\d\ds$/.test(nextValue)) {
      open = false; // decades: the '80s
    } else if (q === 1 && nextValue === 's' && previous && previous.kind !== 'space') {
      open = false; // a possessive after punctuation or math: et al.'s, $f$'s
    } else if (previous && previous.kind !== 'word' && next?.kind === 'word') {
      open = true;
    } else if (previous && previous.kind === 'word') {
      open = false;
    } else if (!next || next.kind === 'space' || (q === 1 && nextValue === 's')) {
      open = false;
    } else {
      open = true;
    }
    // The double-quote case above may already have educated this token as the next of a pair.
    if (out[tok.start] === value) out[tok.start] = open ? OPEN[q] : CLOSE[q];
  }
  return out.join('');
}

/** Dashes, ellipses and backtick quotes inside one text node (retext-smartypants' defaults). */
export function educateMarks(s: string): string {
  return s
    .replace(/(?<!-)--(?!-)/g, '—')
    .replace(/\.{3,}|\.(?:\s+\.){2,}/g, '…')
    .replace(/(?<!`)``(?!`)/g, '“')
    .replace(/(?<!')''(?!')/g, '”');
}

export function remarkSmartPunctuation() {
  return function transform(tree: Root) {
    const texts: { node: Text; start: number }[] = [];
    let all = '';
    visit(tree, (node, _index, parent: Parent | undefined) => {
      if ((node.type === 'mdxJsxTextElement' || node.type === 'mdxJsxFlowElement') && RAW_ELEMENTS.has((node as { name?: string }).name ?? '')) return SKIP;
      if (node.type === 'code' || node.type === 'math' || node.type === 'html') return SKIP;
      if (BLOCKS.has(node.type)) all += ' ';
      else if (OPAQUE.has(node.type)) all += 'A'.repeat(Math.max(1, ((node as { value?: string }).value ?? '').length));
      else if (node.type === 'text' && parent) {
        texts.push({ node: node as Text, start: all.length });
        all += (node as Text).value;
      }
      return undefined;
    });
    if (!/["'.`-]/.test(all)) return;
    const educated = educateQuotes(all);
    for (const { node, start } of texts) {
      node.value = educateMarks(educated.slice(start, start + node.value.length));
    }
  };
}
