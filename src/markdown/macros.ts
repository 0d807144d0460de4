/**
 * TeX macros shared by every formula in the book, read from `content/macros.tex`.
 *
 * Accepted lines (one definition per line; `%` starts a comment; blank lines are ignored):
 *   \newcommand{\R}{\mathbb{R}}            \newcommand\R{\mathbb{R}}
 *   \newcommand{\norm}[1]{\lVert #1 \rVert}  (arguments: KaTeX counts the #n itself)
 *   \renewcommand{…}{…}   \DeclareMathOperator{\tr}{tr}   \DeclareMathOperator*{\argmax}{arg\,max}
 *   \def\E{\mathbb{E}}
 * The result is a KaTeX `macros` object, e.g. { '\\R': '\\mathbb{R}' }.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mtimeCache } from './util.ts';
import { bookError } from '../errors/index.ts';

export const MACROS_FILE = 'content/macros.tex';

/** Reads one balanced `{…}` group starting at `s[i] === '{'`; returns [content, indexAfter]. */
function group(s: string, i: number): [string, number] | null {
  if (s[i] !== '{') return null;
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const ch = s[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return [s.slice(i + 1, j), j + 1];
    }
  }
  return null;
}

function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === '%') return line.slice(0, i);
  }
  return line;
}

/** Parses the text of a macros file. `file` is only used in error messages. */
export function parseMacros(text: string, file = MACROS_FILE): Record<string, string> {
  const macros: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, idx) => {
    const line = stripComment(rawLine).trim();
    if (!line) return;
    const fail = (reason: string): never => {
      throw bookError('macros/bad-definition', { reason, line: rawLine }, { file, line: idx + 1 });
    };
    let m = /^\\(newcommand|renewcommand|providecommand|DeclareMathOperator)(\*?)\s*/.exec(line);
    let rest: string;
    let name: string;
    if (m) {
      rest = line.slice(m[0].length);
      const g = rest.startsWith('{') ? group(rest, 0) : null;
      if (g) {
        name = g[0].trim();
        rest = rest.slice(g[1]).trimStart();
      } else {
        const bare = /^\\[A-Za-z]+|^\\./.exec(rest);
        if (!bare) return fail('the macro name must be a control sequence like \\R');
        name = bare[0];
        rest = rest.slice(bare[0].length).trimStart();
      }
      if (!/^\\([A-Za-z]+|.)$/.test(name)) return fail(`"${name}" is not a control sequence`);
      if (m[1] === 'DeclareMathOperator') {
        const body = group(rest, 0);
        if (!body || rest.slice(body[1]).trim()) return fail('expected exactly one {text} after the name');
        macros[name] = m[2] ? `\\operatorname*{${body[0]}}` : `\\operatorname{${body[0]}}`;
        return;
      }
      const nargs = /^\[(\d)\]\s*/.exec(rest);
      if (nargs) rest = rest.slice(nargs[0].length);
      if (rest.startsWith('[')) return fail('optional arguments ([default]) are not supported');
      const body = group(rest, 0);
      if (!body) return fail('the definition must be a {…} group with balanced braces');
      if (rest.slice(body[1]).trim()) return fail(`unexpected text after the definition: "${rest.slice(body[1]).trim()}"`);
      const n = nargs ? Number(nargs[1]) : 0;
      for (let k = 1; k <= n; k++) {
        if (!body[0].includes(`#${k}`)) return fail(`the macro takes ${n} argument(s) but #${k} is not used (KaTeX infers the count from #1…#9)`);
      }
      macros[name] = body[0];
      return;
    }
    m = /^\\def\s*(\\[A-Za-z]+|\\.)\s*/.exec(line);
    if (m) {
      rest = line.slice(m[0].length);
      if (!rest.startsWith('{')) return fail('\\def with parameter text is not supported; use \\newcommand{\\name}[n]{…}');
      const body = group(rest, 0);
      if (!body || rest.slice(body[1]).trim()) return fail('the definition must be one {…} group with balanced braces');
      macros[m[1]] = body[0];
      return;
    }
    return fail('each line must be one \\newcommand, \\renewcommand, \\DeclareMathOperator or \\def');
  });
  return macros;
}

const cachedMacros = mtimeCache((path: string) => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {} as Record<string, string>;
  }
  return parseMacros(text);
});

/** The book's macros (cached until content/macros.tex changes). A missing file means no macros. */
export function readMacros(root: string): Record<string, string> {
  // A fresh copy every time: KaTeX writes \gdef definitions into the object it is given.
  return { ...cachedMacros(join(root, MACROS_FILE)) };
}
