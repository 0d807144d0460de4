/**
 * The message catalogue. Every error the build (or a widget) reports has a stable code, says what
 * went wrong and where (file:line:column), what was expected and what was received, and a hint.
 * Tests snapshot these texts, so change them deliberately.
 */

export interface SourceLocation {
  /** Path relative to the project root, e.g. `content/chapters/01-estimating-probability.mdx`. */
  file: string;
  line?: number;
  column?: number;
}

export interface BookErrorInit {
  code: string;
  message: string;
  location?: SourceLocation;
  expected?: string;
  received?: string;
  hint?: string;
}

export function formatLocation(loc?: SourceLocation): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line != null) s += `:${loc.line}`;
  if (loc.line != null && loc.column != null) s += `:${loc.column}`;
  return s;
}

/** An error that stops the build. Its `message` is the full, human-readable report. */
export class BookError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly expected?: string;
  readonly received?: string;

  constructor(init: BookErrorInit) {
    const where = formatLocation(init.location);
    const lines = [`[${init.code}] ${where ? where + ': ' : ''}${init.message}`];
    if (init.expected != null) lines.push(`  expected: ${init.expected}`);
    if (init.received != null) lines.push(`  received: ${init.received}`);
    if (init.hint) lines.push(`  hint: ${init.hint}`);
    super(lines.join('\n'));
    this.name = 'BookError';
    this.code = init.code;
    this.location = init.location;
    this.hint = init.hint;
    this.expected = init.expected;
    this.received = init.received;
  }
}

/** 1-based line and column of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}
