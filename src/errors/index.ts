/**
 * Errors that stop the build. Every one has a stable code from the catalogue (./catalogue.ts),
 * says what went wrong and where (file:line:column), what was expected and what was received, a
 * hint, and the section of CONTRIBUTING.md that explains the rule:
 *
 *   throw bookError('math/unknown-eqref', { label, suggestion, wellFormed }, { file, line, column });
 *
 * prints
 *
 *   [math/unknown-eqref] content/chapters/01-x.mdx:14:12: \eqref{eq:coin-mel} refers to no …
 *     expected: …
 *     received: eq:coin-mel
 *     hint: Did you mean \eqref{eq:coin-mle}?
 *     docs: CONTRIBUTING.md#numbered-equations
 *
 * Warnings (which do not stop the build) go through ./warnings.ts.
 */
import { catalogue, render, type ArgsOf, type Code, type ErrorCode } from './catalogue.ts';
import { formatLocation, type SourceLocation } from './location.ts';

export { formatLocation, lineColumn, type SourceLocation } from './location.ts';
export { catalogue, codes, render, LABEL_EXPECTED, type ArgsOf, type Code, type ErrorCode, type WarningCode, type CatalogueEntry, type DocsSection, type RenderedEntry } from './catalogue.ts';
export { closest, didYouMean, editDistance } from './suggest.ts';

/** What a printed report is made of. */
export interface ReportParts {
  code: Code;
  message: string;
  location?: SourceLocation;
  expected?: string;
  received?: string;
  hint?: string;
  docs?: string;
}

/**
 * The report as printed: `[code] file:line:col: message` (`prefix` goes before the `[code]`, e.g.
 * `warning `), then an indented line each for expected, received, hint and docs when present.
 */
export function formatReport(r: ReportParts, prefix = ''): string {
  const where = formatLocation(r.location);
  const lines = [`${prefix}[${r.code}] ${where ? where + ': ' : ''}${r.message}`];
  if (r.expected != null) lines.push(`  expected: ${r.expected}`);
  if (r.received != null) lines.push(`  received: ${r.received}`);
  if (r.hint) lines.push(`  hint: ${r.hint}`);
  if (r.docs) lines.push(`  docs: ${r.docs}`);
  return lines.join('\n');
}

export interface BookErrorInit extends ReportParts {
  code: ErrorCode;
}

/** An error that stops the build. Its `message` is the full, human-readable report. Build it with bookError(). */
export class BookError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly expected?: string;
  readonly received?: string;
  readonly docs?: string;

  constructor(init: BookErrorInit) {
    super(formatReport(init));
    this.name = 'BookError';
    this.code = init.code;
    this.location = init.location;
    this.hint = init.hint;
    this.expected = init.expected;
    this.received = init.received;
    this.docs = init.docs;
  }
}

/** `/x`, `C:\x`, `\\server\x`. (No node:path here: these modules also run in the browser.) */
const ABSOLUTE = /^(?:[a-zA-Z]:)?[\\/]/;

/**
 * The BookError for `code`, its texts rendered from the catalogue with `args`. When the location
 * has a line, the error also carries `line`/`column` and `loc` (what Astro and Vite read to print
 * "Location:" and a code frame), its file resolved against `root` when given.
 */
export function bookError<C extends ErrorCode>(code: C, args: ArgsOf<C>, location?: SourceLocation, root?: string): BookError {
  if (catalogue[code]?.severity !== 'error') throw new Error(`"${code}" is not an error in the catalogue (src/errors/catalogue.ts): warnings go through warn() from src/errors/warnings.ts.`);
  const r = render(code as Code, args as ArgsOf<Code>);
  const err = new BookError({ ...r, code, location });
  if (location?.line != null) {
    const file = root && !ABSOLUTE.test(location.file) ? `${root.replace(/[\\/]+$/, '')}/${location.file}` : location.file;
    Object.assign(err, { line: location.line, column: location.column ?? 1, loc: { file, line: location.line, column: location.column ?? 1 } });
  }
  return err;
}
