/**
 * The message catalogue: every error and warning the build (or a widget) reports, by code.
 *
 * An entry says what went wrong (`message`, a function of the named arguments of that code), and
 * where it helps, what was expected, what was received and a hint; `summary` is its line in the
 * table of CONTRIBUTING.md ("What the build checks", generated from this file by
 * `node src/errors/docs.ts`), and `section` the part of CONTRIBUTING.md that explains the rule
 * (printed as `docs: CONTRIBUTING.md#<section>`). Call sites never write texts or codes of their
 * own: `throw bookError('math/unknown-eqref', { label, suggestion, wellFormed }, location)`, or
 * `warn('frontmatter/draft-prerequisite', { prerequisite, file }, location)` for a warning.
 *
 * tests/unit/errors/ renders every entry into a file snapshot, so change these texts deliberately
 * (and run `npm run test:unit -- tests/unit/errors -u` to accept the new text).
 */
import { formatLocation, type SourceLocation } from './location.ts';

/** Headings of CONTRIBUTING.md, by their GitHub anchors (a unit test checks they exist). */
export type DocsSection =
  | 'a-new-lesson'
  | 'frontmatter'
  | 'links-that-never-break'
  | 'text'
  | 'math'
  | 'numbered-equations'
  | 'citations'
  | 'components'
  | 'widgets'
  | 'adding-a-widget'
  | 'slides'
  | 'editions'
  | 'notation'
  | 'what-the-build-checks'
  | 'before-you-open-a-pull-request';

type Text<A> = string | ((args: A) => string | undefined);

export interface CatalogueEntry<A = Record<never, never>> {
  /** `error` stops the build; `warning` is printed once, counted, and the build goes on. */
  severity: 'error' | 'warning';
  /** The problem in a few words, for the table in CONTRIBUTING.md (Markdown). */
  summary: string;
  section: DocsSection;
  message: (args: A) => string;
  expected?: Text<A>;
  received?: Text<A>;
  hint?: Text<A>;
}

const error = <A = Record<never, never>>(e: Omit<CatalogueEntry<A>, 'severity'>): CatalogueEntry<A> & { severity: 'error' } => ({ severity: 'error', ...e });
const warning = <A = Record<never, never>>(e: Omit<CatalogueEntry<A>, 'severity'>): CatalogueEntry<A> & { severity: 'warning' } => ({ severity: 'warning', ...e });

const BOOK = 'content/book.yaml';
const BIB = 'content/references.bib';
const NOTATION = 'content/notation.yaml';

/** What an equation label looks like. */
export const LABEL_EXPECTED = 'eq: followed by lowercase letters/digits in dash-separated words, e.g. eq:gauss-kernel';

/** What a chapter slug (the `slug` field, each alias, a file name without NN-) looks like. */
export const SLUG_EXPECTED = 'lowercase letters and digits in dash-separated words, e.g. gaussian-processes';

/** What each frontmatter field takes (the `expected` of frontmatter/schema). */
const FIELD_HINTS: Partial<Record<string, string>> = {
  title: 'a non-empty string',
  part: 'a part id from content/book.yaml',
  order: 'an integer >= 0 (position within the part)',
  summary: 'a non-empty string (one or two sentences)',
  objectives: 'a list of strings',
  prerequisites: 'a list of chapter slugs',
  slides: 'a list of { title, source }',
  draft: 'true or false',
  slug: SLUG_EXPECTED,
  aliases: 'a list of old slugs',
};

const quoted = (value: string | undefined) => (value === undefined ? 'no id' : JSON.stringify(value));
const firstLine = (s: string) => s.split('\n')[0];
const KATEX_PREFIX = /^(?:ParseError: )?KaTeX parse error: /;
const KATEX_DOCS = 'See https://katex.org/docs/supported.html for the commands KaTeX supports.';

/** The hint for a KaTeX parse error, from KaTeX's message. */
function katexHint(reason: string): string {
  if (/\\(eq)?ref\b/.test(reason)) return 'Write an equation reference alone in its own inline math: $\\eqref{eq:name}$.';
  if (/\\label\b/.test(reason)) return 'Labels go only in display math ($$ … $$ with the $$ on their own lines): \\label{eq:name}.';
  if (/Undefined control sequence/.test(reason)) return 'Check the spelling; the macros in content/macros.tex are available, and https://katex.org/docs/supported.html lists what KaTeX supports.';
  if (/Expected '\}'|Extra \}|Expected '\{'|EOF/.test(reason)) return 'Check that every { has a matching } and every \\left a \\right.';
  if (/Multiple \\tag/.test(reason)) return 'A labelled equation is numbered with \\tag automatically; remove the \\tag or the \\label.';
  return KATEX_DOCS;
}

const brokenLinks = (a: { failures: string[] }) =>
  `${a.failures.length} broken internal link${a.failures.length === 1 ? '' : 's'} in the built site:\n${a.failures.map((f) => '  - ' + f).join('\n')}`;
const LINK_HINT = 'Link to pages as /chapters/<slug>/ (the base is added for you) and to anchors that exist on the target page: heading ids, eq-<name> for equations, bib-<key> for references.';

export const catalogue = {
  // ── The book: content/book.yaml and the chapter files ─────────────────────────────────────────
  'book/missing-config': error({
    summary: '`content/book.yaml` does not exist',
    section: 'a-new-lesson',
    message: () => `${BOOK} is missing.`,
    hint: 'Create it with a title and a list of parts.',
  }),
  'book/bad-yaml': error<{ reason: string }>({
    summary: '`content/book.yaml` is not valid YAML',
    section: 'a-new-lesson',
    message: (a) => `${BOOK} is not valid YAML: ${a.reason}`,
  }),
  'book/bad-config': error<{ config: unknown }>({
    summary: '`content/book.yaml` without a `title` or a list of `parts`',
    section: 'a-new-lesson',
    message: () => `${BOOK} needs a \`title\` (string) and a non-empty \`parts\` list.`,
    expected: '{ title: string, parts: [{ id, title }] }',
    received: (a) => JSON.stringify(a.config)?.slice(0, 200),
  }),
  'book/bad-part': error<{ n: number; part: unknown }>({
    summary: 'a part in `content/book.yaml` without an `id` or a `title`',
    section: 'a-new-lesson',
    message: (a) => `Part ${a.n} in ${BOOK} needs an \`id\` and a \`title\`.`,
    received: (a) => JSON.stringify(a.part),
  }),
  'book/duplicate-part': error<{ id: string }>({
    summary: 'two parts with the same `id`',
    section: 'a-new-lesson',
    message: (a) => `Part id "${a.id}" appears twice in ${BOOK}.`,
  }),
  'book/bad-chapter-file-name': error<{ name: string }>({
    summary: 'a chapter file not named `NN-slug.mdx`',
    section: 'a-new-lesson',
    message: (a) => `Chapter file name "${a.name}" does not follow NN-slug.mdx.`,
    expected: 'two digits, a dash, then lowercase words joined by dashes, e.g. 03-gaussian-processes.mdx',
    received: (a) => a.name,
  }),
  'book/duplicate-slug': error<{ slug: string; first: string; second: string }>({
    summary: 'two chapter files with the same slug',
    section: 'a-new-lesson',
    message: (a) => `Two chapters share the slug "${a.slug}": ${a.first} and ${a.second}.`,
    hint: 'Rename one of the files.',
  }),

  // ── Frontmatter ───────────────────────────────────────────────────────────────────────────────
  'frontmatter/bad-yaml': error<{ reason: string }>({
    summary: 'frontmatter that is not valid YAML',
    section: 'frontmatter',
    message: (a) => `The frontmatter is not valid YAML: ${firstLine(a.reason)}`,
  }),
  'frontmatter/schema': error<{ field: string; key: string; issue: string; given: boolean; value?: unknown }>({
    summary: 'a frontmatter field missing, mistyped or unknown',
    section: 'frontmatter',
    message: (a) => `Frontmatter field \`${a.field}\` is invalid: ${a.issue}.`,
    expected: (a) => FIELD_HINTS[a.key] ?? 'see the frontmatter table in CONTRIBUTING.md',
    received: (a) => (a.given ? JSON.stringify(a.value) : 'nothing'),
    hint: 'Fix the frontmatter at the top of the chapter; CONTRIBUTING.md lists every field.',
  }),
  'frontmatter/unknown-part': error<{ part: string; parts: string[] }>({
    summary: 'a `part` that `content/book.yaml` does not list',
    section: 'frontmatter',
    message: (a) => `Chapter names part "${a.part}", which ${BOOK} does not list.`,
    expected: (a) => a.parts.join(' | '),
    received: (a) => a.part,
    hint: 'Use one of the part ids from content/book.yaml, or add the part there.',
  }),
  'frontmatter/bad-slug': error<{ field: 'slug' | 'aliases'; value: unknown; n?: number }>({
    summary: 'a `slug` or an `aliases` entry that is not lowercase words joined by dashes',
    section: 'links-that-never-break',
    message: (a) =>
      a.field === 'slug'
        ? `Frontmatter \`slug\` ${JSON.stringify(a.value)} is not a valid chapter slug.`
        : a.n === undefined
          ? 'Frontmatter `aliases` must be a list of old slugs.'
          : `Alias ${a.n} (${JSON.stringify(a.value)}) is not a valid chapter slug.`,
    expected: (a) => (a.field === 'aliases' && a.n === undefined ? 'a list of slugs, e.g. [sgd, stochastic-gradients]' : SLUG_EXPECTED),
    received: (a) => JSON.stringify(a.value),
    hint: 'A slug is one URL segment: /chapters/<slug>/. Use lowercase letters and digits, with single dashes between words.',
  }),
  'frontmatter/duplicate-slug': error<{ slug: string; first: string }>({
    summary: 'a chapter whose slug (from `slug:` or its file name) another chapter already has',
    section: 'links-that-never-break',
    message: (a) => `Chapter slug "${a.slug}" is already the slug of ${a.first}.`,
    hint: 'Every chapter needs its own URL: change this `slug:` (or the file name when there is no `slug:`). Keep the old URL working with `aliases:`.',
  }),
  'frontmatter/duplicate-alias': error<{ alias: string; first: string }>({
    summary: 'the same alias twice in the book (in one chapter or two)',
    section: 'links-that-never-break',
    message: (a) => `Alias "${a.alias}" is already an alias of ${a.first}.`,
    hint: 'An old URL can redirect to one chapter only: keep the alias on the chapter its old links meant, and remove it here.',
  }),
  'frontmatter/alias-is-slug': error<{ alias: string; chapter: string; own: boolean }>({
    summary: 'an alias equal to the current slug of a chapter',
    section: 'links-that-never-break',
    message: (a) =>
      a.own ? `Alias "${a.alias}" is this chapter's own slug.` : `Alias "${a.alias}" is the slug of ${a.chapter}, so /chapters/${a.alias}/ is that chapter's page, not a redirect.`,
    hint: (a) => (a.own ? 'Remove it: the chapter is already at that URL.' : 'Remove the alias, or give the other chapter a new `slug:` (with this one among its `aliases:` if its old URL must keep working).'),
  }),
  'frontmatter/unknown-prerequisite': error<
    { kind: 'unknown'; prerequisite: string; slugs: string[]; suggestion?: string } | { kind: 'self'; n: number }
  >({
    summary: 'a prerequisite slug that is not a chapter (or the chapter itself)',
    section: 'frontmatter',
    message: (a) => (a.kind === 'self' ? `Chapter lists itself as a prerequisite (item ${a.n}).` : `Prerequisite "${a.prerequisite}" is not a chapter of this book.`),
    expected: (a) => (a.kind === 'self' ? undefined : `a chapter slug (file name without NN- and .mdx): ${a.slugs.join(', ') || 'none yet'}`),
    received: (a) => (a.kind === 'self' ? undefined : a.prerequisite),
    hint: (a) => (a.kind === 'self' ? undefined : a.suggestion ? `Did you mean "${a.suggestion}"?` : 'Prerequisites name chapters by slug.'),
  }),

  // ── Math ──────────────────────────────────────────────────────────────────────────────────────
  'mdx/syntax': error<{ kind: 'expression' | 'jsx' | 'other'; reason: string; excerpt: string; url?: string }>({
    summary: 'MDX that does not parse: a `{` or `<` in prose, an unclosed component',
    section: 'text',
    message: (a) => `This is not valid MDX: ${a.reason.replace(/\.$/, '')}.`,
    expected: (a) => (a.kind === 'expression' ? 'a JavaScript expression between { and }, or an escaped \\{' : a.kind === 'jsx' ? 'a component tag such as <Figure … /> or <Solution>…</Solution>' : undefined),
    received: (a) => a.excerpt,
    hint: (a) =>
      a.kind === 'expression'
        ? 'In MDX a `{` in text starts a JavaScript expression. For a literal brace write `\\{` (and `\\}`), put the formula in math ($\\{x_i\\}$), or in backticks for code.'
        : a.kind === 'jsx'
          ? 'In MDX a `<` followed by a letter starts a component tag. For a literal "<" write `\\<` or `&lt;` or put it in math ($a < b$); close every component (`<X />` or `<X>…</X>`), on its own lines for block content.'
          : a.url
            ? `See ${a.url}.`
            : 'See https://mdxjs.com/docs/troubleshooting-mdx/.',
  }),
  'math/katex': error<
    | { kind: 'formula'; display: boolean; reason: string; excerpt: string }
    | { kind: 'output'; reason: string; tex: string }
    | { kind: 'notation'; n: number; symbol: string; reason: string }
  >({
    summary: 'a formula KaTeX cannot parse (no red formula ever reaches a page)',
    section: 'math',
    message: (a) =>
      a.kind === 'notation'
        ? `KaTeX cannot typeset notation entry ${a.n} ("${a.symbol}"): ${a.reason}`
        : `KaTeX cannot render this ${a.kind === 'formula' ? `${a.display ? 'display' : 'inline'} ` : ''}formula: ${a.reason.replace(KATEX_PREFIX, '')}`,
    expected: (a) => (a.kind === 'formula' ? 'TeX that KaTeX can parse' : undefined),
    received: (a) => (a.kind === 'formula' ? a.excerpt : a.kind === 'output' ? a.tex.slice(0, 120) : undefined),
    hint: (a) => (a.kind === 'formula' ? katexHint(a.reason) : a.kind === 'notation' ? 'Check the macro names against content/macros.tex.' : KATEX_DOCS),
  }),
  'math/unknown-eqref': error<{ label: string; suggestion?: string; wellFormed: boolean }>({
    summary: '`\\eqref` to a label no chapter defines (with a "did you mean")',
    section: 'numbered-equations',
    message: (a) => `\\eqref{${a.label}} refers to no labelled equation in the book.${a.suggestion ? ` Did you mean "${a.suggestion}"?` : ''}`,
    expected: (a) => (a.wellFormed ? 'a label defined with \\label{…} in a display equation of some chapter' : LABEL_EXPECTED),
    received: (a) => a.label,
    hint: (a) => (a.suggestion ? `Did you mean \\eqref{${a.suggestion}}?` : 'Label the equation with \\label{eq:name} inside its $$ … $$ block.'),
  }),
  'math/duplicate-label': error<
    { kind: 'same-chapter'; label: string; first: SourceLocation } | { kind: 'other-chapter'; label: string; first: SourceLocation; number: string }
  >({
    summary: 'the same `\\label` twice in the book',
    section: 'numbered-equations',
    message: (a) =>
      a.kind === 'same-chapter'
        ? `Equation label "${a.label}" is used twice; it was first defined at ${formatLocation(a.first)}.`
        : `Equation label "${a.label}" is already defined in another chapter, at ${formatLocation(a.first)} (equation (${a.number})).`,
    hint: (a) => (a.kind === 'same-chapter' ? 'Labels must be unique in the whole book; rename one of them.' : 'Labels must be unique in the whole book; rename this one.'),
  }),
  'math/eqref-not-alone': error<{ kind: 'display' | 'inline'; tex: string }>({
    summary: '`\\eqref` inside a larger formula instead of alone in its `$…$`',
    section: 'numbered-equations',
    message: (a) => (a.kind === 'display' ? '\\eqref is used inside a display formula.' : '\\eqref must be the only thing in its inline math.'),
    expected: (a) => (a.kind === 'display' ? 'an equation reference written alone as inline math: $\\eqref{eq:name}$' : '$\\eqref{eq:name}$'),
    received: (a) => (a.kind === 'display' ? a.tex.trim().slice(0, 120) : `$${a.tex}$`),
    hint: (a) =>
      a.kind === 'display'
        ? 'Move the reference into the surrounding text as $\\eqref{eq:name}$ (nothing else between the dollars).'
        : 'Write the reference alone, $\\eqref{eq:name}$, and keep the rest of the formula in its own $…$.',
  }),
  'math/label-in-inline': error<{ tex: string }>({
    summary: '`\\label` in inline math',
    section: 'numbered-equations',
    message: () => '\\label is only allowed in display math.',
    received: (a) => `$${a.tex}$`,
    hint: 'Put the equation in a display block: $$ on its own line, the TeX with \\label{eq:name}, then $$ on its own line ($$…$$ on one line is inline math).',
  }),
  'math/label-in-code-block': error({
    summary: '`\\label` in a fenced `math` code block (labelled equations use `$$`)',
    section: 'numbered-equations',
    message: () => 'A ```math block cannot carry a \\label; labelled equations are written with $$ fences.',
    hint: 'Write the equation as $$ on its own line, the TeX with \\label{eq:name}, then $$ on its own line.',
  }),
  'math/label-syntax': error<{ kind: 'malformed'; tex: string; at: number } | { kind: 'grammar'; label: string }>({
    summary: 'a `\\label` without one `{…}` argument, or not of the form `eq:words-with-dashes`',
    section: 'numbered-equations',
    message: (a) => (a.kind === 'malformed' ? 'Malformed \\label: it needs one {…} argument.' : `Equation label "${a.label}" does not follow the label grammar.`),
    expected: (a) => (a.kind === 'malformed' ? `\\label{${LABEL_EXPECTED}}` : LABEL_EXPECTED),
    received: (a) => (a.kind === 'malformed' ? a.tex.slice(a.at, a.at + 40) : a.label),
    hint: (a) => (a.kind === 'grammar' ? 'Use lowercase letters, digits and dashes after eq:, e.g. \\label{eq:ntk-limit}.' : undefined),
  }),
  'math/multiple-labels': error<{ labels: string[] }>({
    summary: 'one display equation with several `\\label`s',
    section: 'numbered-equations',
    message: (a) => `This display equation has ${a.labels.length} labels; an equation gets exactly one number.`,
    received: (a) => a.labels.join(', '),
    hint: 'Split it into separate $$ blocks, one label each, or keep one label.',
  }),
  'math/eqref-to-draft': error<{ label: string; file: string }>({
    summary: 'a published chapter referring to an equation of a draft',
    section: 'numbered-equations',
    message: (a) => `\\eqref{${a.label}} points into ${a.file}, a draft chapter that is not published.`,
    hint: 'Publish that chapter (remove `draft: true`) or remove the reference.',
  }),
  'macros/bad-definition': error<{ reason: string; line: string }>({
    summary: 'a line of `content/macros.tex` that is not one macro definition',
    section: 'math',
    message: (a) => `Cannot read this macro definition: ${a.reason}.`,
    expected: '\\newcommand{\\name}{definition}, \\newcommand{\\name}[n]{… #1 …}, \\DeclareMathOperator{\\name}{text} or \\def\\name{definition}, one per line',
    received: (a) => a.line.trim(),
    hint: 'Put each definition on its own line; write optional-argument macros out in full.',
  }),

  // ── Citations ─────────────────────────────────────────────────────────────────────────────────
  'cite/unknown-key': error<{ key: string; citation: string; suggestion?: string }>({
    summary: 'a citation key missing from `references.bib` (with a "did you mean")',
    section: 'citations',
    message: (a) => `Citation key "${a.key}" is not in ${BIB}.${a.suggestion ? ` Did you mean "${a.suggestion}"?` : ''}`,
    expected: `a key defined in ${BIB}`,
    received: (a) => a.citation,
    hint: (a) => (a.suggestion ? `Did you mean [@${a.suggestion}]? Otherwise add a BibTeX entry with key "${a.key}".` : `Add a BibTeX entry with key "${a.key}" to ${BIB}, or fix the key.`),
  }),
  'cite/no-bibliography': error<{ key: string; citation: string }>({
    summary: 'a citation while `content/references.bib` does not exist',
    section: 'citations',
    message: (a) => `Citation ${a.citation} needs ${BIB}, which does not exist.`,
    hint: (a) => `Create ${BIB} with a BibTeX entry for "${a.key}".`,
  }),
  'cite/bad-bibliography': error<{ reason: string }>({
    summary: '`content/references.bib` that is not valid BibTeX (with the line of the bad entry)',
    section: 'citations',
    message: (a) => `${BIB} cannot be read as BibTeX: ${a.reason}.`,
    hint: 'Check the entry for a missing comma, brace or key: @article{key, author = {…}, title = {…}, year = {…}}.',
  }),
  'cite/references-heading': error({
    summary: 'a heading with the id `references` in a chapter that cites (the reference list takes that id)',
    section: 'citations',
    message: () => 'This chapter cites works, so a "References" section (id "references") is added at its end, but a heading already has the id "references".',
    hint: 'Remove or rename that heading; the reference list is generated from the citations.',
  }),

  // ── Links (checked in the built site; every broken link is listed at once) ────────────────────
  'link/missing-page': error<{ failures: string[] }>({
    summary: 'a link to a page that does not exist',
    section: 'text',
    message: brokenLinks,
    hint: LINK_HINT,
  }),
  'link/missing-anchor': error<{ failures: string[] }>({
    summary: 'a link to an `#anchor` that does not exist on its page',
    section: 'text',
    message: brokenLinks,
    hint: LINK_HINT,
  }),
  'link/outside-base': error<{ failures: string[] }>({
    summary: 'a link that leaves the site’s base path',
    section: 'text',
    message: brokenLinks,
    hint: LINK_HINT,
  }),
  'link/broken': error<{ failures: string[] }>({
    summary: 'broken links of more than one of the kinds above (all listed)',
    section: 'text',
    message: brokenLinks,
    hint: LINK_HINT,
  }),

  // ── Components ────────────────────────────────────────────────────────────────────────────────
  'component/unknown': error<{ name: string; known: string[]; suggestion?: string }>({
    summary: 'a capitalised tag that is neither a lesson component nor a registered widget (with a "did you mean")',
    section: 'components',
    message: (a) => `<${a.name}> is not a component lessons can use.${a.suggestion ? ` Did you mean <${a.suggestion}>?` : ''}`,
    expected: (a) => a.known.join(', '),
    received: (a) => a.name,
    hint: 'Lesson components need no import; widgets are listed in widgets/registry.ts.',
  }),
  'component/bad-id': error<{ component: string; prefix: string; id?: string }>({
    summary: 'a `Figure` or `Exercise` without a valid `id`',
    section: 'components',
    message: (a) => `<${a.component}> needs an id attribute made of lowercase words joined by dashes.`,
    expected: (a) => `${a.prefix}something`,
    received: (a) => quoted(a.id),
    hint: (a) => `Write <${a.component} id="${a.prefix}my-name" …>: the id is its permalink.`,
  }),
  'component/duplicate-id': error<{ id: string; firstLine: number }>({
    summary: 'two `Figure`s or `Exercise`s with the same `id` in a chapter',
    section: 'components',
    message: (a) => `The id "${a.id}" is used twice in this chapter (first on line ${a.firstLine}).`,
    hint: 'Give every figure and exercise its own id.',
  }),
  'component/bad-solution': error<{ kind: 'public-value' | 'reserved'; attribute: string }>({
    summary: 'a `Solution` whose `public` has a value (it is a bare flag: `<Solution public>`), or that sets an attribute the build reserves',
    section: 'editions',
    message: (a) =>
      a.kind === 'public-value'
        ? '<Solution public> is a flag without a value: a solution is public (in every edition) or not (instructor edition only).'
        : `<Solution ${a.attribute}> is set by the build (src/markdown/remark-editions.ts), not by lessons.`,
    expected: (a) => (a.kind === 'public-value' ? '<Solution public> or <Solution>' : '<Solution public> or <Solution> (and optionally summary="…")'),
    received: (a) => a.attribute,
    hint: 'Write <Solution public> for a solution every reader sees, and a plain <Solution> for one kept for the instructor edition.',
  }),
  'component/numbered-in-withheld': error<{ tag: 'Solution' | 'InstructorNote'; what: string }>({
    summary: 'a labelled equation, `Figure` or `Exercise` inside a `Solution` or `InstructorNote` that only the instructor edition shows',
    section: 'editions',
    message: (a) => `This <${a.tag}> is left out of the default edition, but it holds ${a.what}: the book would number it and link to it without showing it.`,
    hint: (a) =>
      a.tag === 'Solution'
        ? 'Remove the \\label (or move the figure or exercise out of the solution), or make the solution public with <Solution public>.'
        : 'Remove the \\label, or move the figure or exercise out of the note.',
  }),

  // ── Widgets ───────────────────────────────────────────────────────────────────────────────────
  'widget/bad-prop': error<
    | { kind: 'spread'; widget: string }
    | { kind: 'not-literal'; widget: string; prop: string }
    | { kind: 'invalid'; widget: string; id: string; problems: string[]; params: string[]; slug: string }
  >({
    summary: 'a widget prop that is unknown, not a literal, or out of range',
    section: 'widgets',
    message: (a) =>
      a.kind === 'spread'
        ? `<${a.widget}> does not take spread props.`
        : a.kind === 'not-literal'
          ? `<${a.widget}> prop "${a.prop}" must be a literal value.`
          : `<${a.widget} id="${a.id}">: ${a.problems.join(' ')}`,
    expected: (a) => (a.kind === 'not-literal' ? 'a number, string or boolean, e.g. heads={3}' : a.kind === 'invalid' ? `props of ${a.widget}: ${a.params.join(', ')}` : undefined),
    hint: (a) =>
      a.kind === 'spread'
        ? 'Write each parameter as name={value}.'
        : a.kind === 'not-literal'
          ? 'Widget props are checked at build time, so they cannot be computed.'
          : `See widgets/${a.slug}/params.ts for each parameter's range.`,
  }),
  'widget/bad-id': error<{ widget: string; id?: string }>({
    summary: 'a widget without a valid `id` (lowercase words and dashes)',
    section: 'widgets',
    message: (a) => `<${a.widget}> needs an id of lowercase words joined by dashes.`,
    received: (a) => quoted(a.id),
    hint: (a) => `Write <${a.widget} id="fig-something" …/>: the id is its permalink and its URL-state prefix.`,
  }),
  'widget/duplicate-id': error<{ id: string }>({
    summary: 'two widgets with the same `id` in a chapter',
    section: 'widgets',
    message: (a) => `Two widgets share the id "${a.id}" in this chapter.`,
    hint: 'Give each widget its own id: it is its permalink and its URL-state prefix.',
  }),
  'widget/unknown': error<{ slug: string }>({
    summary: 'an island for a widget slug that `widgets/registry.ts` does not list',
    section: 'adding-a-widget',
    message: (a) => `No widget with slug "${a.slug}" in widgets/registry.ts.`,
    hint: 'Register the widget in widgets/registry.ts.',
  }),
  'widget/no-view': error<{ slug: string; name: string }>({
    summary: 'a registered widget whose view `widgets/<slug>/<Name>.svelte` does not exist',
    section: 'adding-a-widget',
    message: (a) => `widgets/registry.ts lists ${a.name}, but its view widgets/${a.slug}/${a.name}.svelte does not exist.`,
    hint: 'Write the view there (the island renders widgets/<slug>/<Name>.svelte; its list of views is generated from the registry).',
  }),
  'slides/misplaced': error<{ tag: string; kind: 'nested' | 'children' | 'numbered-in-slide-only'; what?: string }>({
    summary: 'a `<Slide />` marker that is not at the top level or has content, or a heading, labelled equation, `Figure` or `Exercise` inside `<SlideOnly>`',
    section: 'slides',
    message: (a) =>
      a.kind === 'nested'
        ? '<Slide /> starts a new slide, so it must stand on its own line at the top level of the chapter (not inside another element or a paragraph).'
        : a.kind === 'children'
          ? '<Slide /> is a marker and takes no content.'
          : `<SlideOnly> holds ${a.what ?? 'something numbered'}, which the book would number or list without showing it.`,
    hint: (a) =>
      a.kind === 'numbered-in-slide-only'
        ? 'Move it out of <SlideOnly> (it is then on the slides and in the book), or give the slide a title with <Slide title="…" /> instead of a heading.'
        : 'Write <Slide /> or <Slide title="…" /> on a line of its own, with blank lines around it; put the slide\'s content after it.',
  }),
  'statelink/unknown-target': error<{ target?: string; ids: string[] }>({
    summary: 'a `StateLink` to a widget id that is not in the chapter',
    section: 'widgets',
    message: (a) => `<StateLink to="${a.target ?? ''}"> does not name a widget in this chapter.`,
    expected: (a) => a.ids.join(', ') || 'a widget id (there are no widgets in this chapter)',
    hint: 'Give the widget an id and use it in `to`.',
  }),
  'statelink/bad-set': error<{ kind: 'not-literal' } | { kind: 'not-object' } | { kind: 'invalid'; target: string; problems: string[]; slug: string }>({
    summary: 'a `StateLink` whose `set` is not an object of valid, literal values',
    section: 'widgets',
    message: (a) =>
      a.kind === 'not-literal'
        ? '<StateLink set={…}> must be an object of literal values.'
        : a.kind === 'not-object'
          ? '<StateLink set={…}> must be an object.'
          : `<StateLink to="${a.target}">: ${a.problems.join(' ')}`,
    expected: (a) => (a.kind === 'invalid' ? undefined : 'set={{ heads: 81, tails: 40 }}'),
    hint: (a) => (a.kind === 'invalid' ? `See widgets/${a.slug}/params.ts.` : undefined),
  }),

  // ── Notation ──────────────────────────────────────────────────────────────────────────────────
  'notation/bad-file': error({
    summary: '`content/notation.yaml` that is not a list',
    section: 'notation',
    message: () => `${NOTATION} must be a list of { symbol, meaning, chapter }.`,
  }),
  'notation/bad-entry': error<{ n: number; entry: unknown }>({
    summary: 'a notation entry without a `symbol` or a `meaning`',
    section: 'notation',
    message: (a) => `Entry ${a.n} of ${NOTATION} needs a symbol and a meaning.`,
    received: (a) => JSON.stringify(a.entry),
  }),
  'notation/unknown-chapter': error<{ symbol: string; chapter: string }>({
    summary: 'a notation entry naming a chapter that does not exist',
    section: 'notation',
    message: (a) => `Notation entry "${a.symbol}" names chapter "${a.chapter}", which does not exist.`,
    hint: 'Use the chapter slug: its file name without NN- and .mdx.',
  }),

  // ── Warnings: printed once each and counted; the build goes on ────────────────────────────────
  'frontmatter/draft-prerequisite': warning<{ prerequisite: string; file: string }>({
    summary: 'a published chapter lists a draft as a prerequisite: the built book leaves it out of "Read first"',
    section: 'frontmatter',
    message: (a) => `Prerequisite "${a.prerequisite}" is a draft (${a.file}), so the built book leaves it out of this chapter's "Read first" list.`,
    hint: 'Publish that chapter (remove `draft: true`), or list it once it is published.',
  }),
  'frontmatter/later-prerequisite': warning<{ prerequisite: string; number: number; chapter: number }>({
    summary: 'a prerequisite that comes later in the book than the chapter that needs it',
    section: 'frontmatter',
    message: (a) => `Prerequisite "${a.prerequisite}" is chapter ${a.number}, which comes after this chapter (${a.chapter}) in reading order.`,
    hint: 'Reorder the chapters (their part in content/book.yaml, or `order`), or drop the prerequisite.',
  }),
  'budget/missing-file': warning<{ reference: string; dir: string }>({
    summary: '`npm run budget`: a page refers to a script or stylesheet that is not in the build (its size is not counted)',
    section: 'before-you-open-a-pull-request',
    message: (a) => `Refers to ${a.reference}, which is not in ${a.dir}/ (so its size is not counted).`,
    hint: 'Check the path; files that are not built belong in public/.',
  }),
} satisfies Record<string, CatalogueEntry<any>>;

export type Catalogue = typeof catalogue;
export type Code = keyof Catalogue;
/** The arguments an entry's texts take. */
export type ArgsOf<C extends Code> = Catalogue[C] extends CatalogueEntry<infer A> ? A : never;
/** Codes of the entries that stop the build. */
export type ErrorCode = { [C in Code]: Catalogue[C]['severity'] extends 'error' ? C : never }[Code];
/** Codes of the entries that are warnings. */
export type WarningCode = Exclude<Code, ErrorCode>;

/** Every code of a severity, in catalogue order. */
export function codes(severity?: CatalogueEntry['severity']): Code[] {
  return (Object.keys(catalogue) as Code[]).filter((c) => !severity || catalogue[c].severity === severity);
}

/** The texts of one report, rendered from its catalogue entry. */
export interface RenderedEntry {
  code: Code;
  severity: CatalogueEntry['severity'];
  message: string;
  expected?: string;
  received?: string;
  hint?: string;
  /** `CONTRIBUTING.md#section`. */
  docs: string;
}

export function render<C extends Code>(code: C, args: ArgsOf<C>): RenderedEntry {
  const entry = catalogue[code] as unknown as CatalogueEntry<ArgsOf<C>>;
  if (!entry) throw new Error(`No catalogue entry for the code "${String(code)}" (src/errors/catalogue.ts).`);
  const text = (t: Text<ArgsOf<C>> | undefined) => (typeof t === 'function' ? t(args) : t);
  return {
    code,
    severity: entry.severity,
    message: entry.message(args),
    expected: text(entry.expected),
    received: text(entry.received),
    hint: text(entry.hint) || undefined,
    docs: `CONTRIBUTING.md#${entry.section}`,
  };
}
