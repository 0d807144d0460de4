/** Where a problem is: a project-relative file, and a line and column when known. */

export interface SourceLocation {
  /** Path relative to the project root, e.g. `content/chapters/01-estimating-probability.mdx`. */
  file: string;
  line?: number;
  column?: number;
}

/** `file:line:column`, `file:line` or `file` (or '' without a location). */
export function formatLocation(loc?: SourceLocation): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line != null) s += `:${loc.line}`;
  if (loc.line != null && loc.column != null) s += `:${loc.column}`;
  return s;
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
