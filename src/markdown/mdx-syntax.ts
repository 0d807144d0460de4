/**
 * MDX syntax errors reported like the book's own: `[mdx/syntax] file:line:col`, what was received
 * (the line, the offending character marked) and a hint that says how to write a literal `{` or
 * `<` — the two mistakes every author coming from Markdown makes.
 *
 * MDX parses a lesson before any remark plugin sees it, so no plugin can catch these. Astro's MDX
 * plugin (`@mdx-js/rolldown` in @astrojs/mdx) rethrows the parser's message with a location but no
 * code or hint; `mdxSyntaxErrors()` wraps that plugin's transform and turns the parser's messages
 * into book errors. The book's own errors thrown by remark plugins pass through untouched. If a
 * future @astrojs/mdx renames its plugin, the wrapper does nothing and Astro's message stands
 * (tests/fixtures/mdx-syntax fails then, so the change is noticed).
 */
import { isAbsolute, relative } from 'node:path';
import type { AstroIntegration } from 'astro';
import { BookError, bookError } from '../errors/index.ts';
import { excerpt } from './util.ts';

/** The fields of a VFileMessage that the MDX parser throws (micromark / mdast-util extensions). */
interface ParserMessage {
  reason?: string;
  message?: string;
  source?: string;
  ruleId?: string;
  line?: number;
  column?: number;
  url?: string;
}

/** The name of Astro's MDX Vite plugin (@astrojs/mdx 8). */
export const MDX_PLUGIN = '@mdx-js/rolldown';

const PARSERS = /^(?:micromark-extension-mdx|mdast-util-mdx|micromark-extension-mdxjs)/;

/** Offset of 1-based line/column in `text` (clamped to the text). */
function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line && at <= text.length; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(text.length, at + Math.max(0, column - 1));
}

/** The nearest unescaped `{` at or before `offset` in the same paragraph (no blank line between), or -1. */
export function openingBrace(text: string, offset: number): number {
  for (let i = Math.min(offset, text.length - 1); i >= 0; i--) {
    const c = text[i];
    if (c === '\n' && /\n[ \t]*$/.test(text.slice(Math.max(0, i - 80), i))) return -1; // a blank line
    if (c === '{' && text[i - 1] !== '\\') return i;
  }
  return -1;
}

/**
 * The book error for an MDX parser message thrown while compiling `code` (the lesson's whole file,
 * frontmatter included: Astro blanks the frontmatter, so lines and offsets are the file's), or
 * null when `e` is not a parser message (a BookError, or anything else, is left to its thrower).
 */
export function mdxSyntaxError(e: unknown, code: string, file: string, root?: string): BookError | null {
  if (e instanceof BookError || !e || typeof e !== 'object') return null;
  const m = e as ParserMessage;
  if (!m.source || !PARSERS.test(m.source)) return null;
  // A tag left open at the end of the document has no place of its own, only "(5:1-5:9)" in its reason.
  const inReason = /\((\d+):(\d+)(?:-\d+:\d+)?\)/.exec(String(m.reason ?? ''));
  const [l, c] = m.line ? [m.line, m.column ?? 1] : inReason ? [Number(inReason[1]), Number(inReason[2])] : [1, 1];
  const kind = m.source.includes('expression') ? 'expression' : m.source.includes('jsx') ? 'jsx' : 'other';
  let at = offsetOf(code, l, c);
  // An expression error points inside the expression (acorn) or at its end (unclosed): the author
  // needs the brace that opened it.
  if (kind === 'expression') {
    const brace = openingBrace(code, at);
    if (brace >= 0) at = brace;
  }
  const before = code.slice(0, at);
  const line = before.split('\n').length;
  const start = before.lastIndexOf('\n') + 1;
  const end = code.indexOf('\n', at);
  const text = code.slice(start, end < 0 ? code.length : end);
  const column = at - start + 1;
  const shown = root && isAbsolute(file) ? relative(root, file).split('\\').join('/') : file;
  const reason = String(m.reason ?? m.message ?? 'the MDX parser stopped here').replace(/^\d+:\d+(?:-\d+:\d+)?:\s*/, '');
  return bookError('mdx/syntax', { kind, reason, excerpt: excerpt(text, column - 1, column), url: m.url }, { file: shown, line, column }, root);
}

/** The part of a Vite plugin this module touches (kept structural: no Vite types at run time). */
interface TransformingPlugin {
  name: string;
  transform?: unknown;
}
type Handler = (this: unknown, code: string, id: string, ...rest: unknown[]) => unknown;

/** Wraps the transform of Astro's MDX plugin among `plugins` (once); returns whether it found it. */
export function wrapMdxPlugin(plugins: readonly TransformingPlugin[], root: string): boolean {
  const mdx = plugins.find((p) => p.name === MDX_PLUGIN);
  if (!mdx?.transform) return false;
  const t = mdx.transform as Handler | { handler: Handler; __iwWrapped?: boolean };
  const original: Handler = typeof t === 'function' ? t : t.handler;
  if ((original as { __iwWrapped?: boolean }).__iwWrapped) return true;
  const wrapped: Handler = async function (this: unknown, code, id, ...rest) {
    try {
      return await original.call(this, code, id, ...rest);
    } catch (e) {
      throw mdxSyntaxError(e, code, id.replace(/[?#].*$/, ''), root) ?? e;
    }
  };
  (wrapped as { __iwWrapped?: boolean }).__iwWrapped = true;
  if (typeof t === 'function') mdx.transform = wrapped;
  else t.handler = wrapped;
  return true;
}

/** The Astro integration: `integrations: [mdx(), mdxSyntaxErrors({ root })]`. */
export function mdxSyntaxErrors({ root }: { root: string }): AstroIntegration {
  return {
    name: 'infinite-width:mdx-syntax',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'infinite-width:mdx-syntax',
                configResolved(resolved: { plugins: readonly TransformingPlugin[] }) {
                  wrapMdxPlugin(resolved.plugins, root);
                },
              },
            ],
          },
        });
      },
    },
  };
}
