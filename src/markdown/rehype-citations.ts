/**
 * Citations `[@key]`, `[@key, p. 3]`, `[see @a; @b]`, resolved against content/references.bib by
 * rehype-citation (APA author–year, citations linked to `#bib-<key>`).
 *
 * Before rehype-citation runs, every bracketed citation key is checked (rehype-citation silently
 * leaves unknown keys as text): an unknown key is a `cite/unknown-key` error at file:line with a
 * suggestion. When the chapter cites something, rehype-citation appends the reference list and
 * this plugin puts `<h2 id="references">References</h2>` before it. Runs after the heading ids
 * are assigned (so an author's own "References" heading is caught) and before the permalinks.
 */
import type { Element as HastElement, Root, Text as HastText } from 'hast';
import rehypeCitation from 'rehype-citation';
import type { VFile } from 'vfile';
import { BIB_FILE, CITATION_LOCALE, CITATION_STYLE, readBib } from './bibliography.ts';
import { lineColumn, projectFile, sourceText } from './util.ts';
import { bookError, didYouMean } from '../errors/index.ts';

export interface CitationOptions {
  root: string;
}

/** Bracketed citations, as rehype-citation finds them (its `citationRE`, first alternative). */
const BRACKET_RE = /\[([^[\]]*@[^[\]]+)\]/g;
/** One part of a bracketed citation (rehype-citation's `fullCitationRE`). */
const PART_RE = /(?<prefix>.+)?(?:@(?<citekey>[\p{L}\d_][^\s{]*[\p{L}\d_]|\{.+\}))(?:\{(?<explicitLocator>.*)\})?(?:,\s+(?:\{(?<explicitLocatorInSuffix>.*)\})?(?<suffix>.*))?/u;
/** In-text citations `@key` (rehype-citation's `citationRE`, second alternative). */
const INTEXT_RE = /(?<=\s|^|-)@([\p{L}\d_][^\s]*[\p{L}\d_]|\{.+\})/u;

export interface CitationUse {
  key: string;
  /** The whole bracket, e.g. `[@jacot2018, p. 3]`. */
  raw: string;
  /** Offset of the bracket in the text node's value. */
  index: number;
}

/** The citation keys in one piece of text (bracketed forms only; e-mail-like `a@b` is ignored). */
export function findCitations(value: string): CitationUse[] {
  const out: CitationUse[] = [];
  for (const m of value.matchAll(BRACKET_RE)) {
    for (const part of m[1].split(';')) {
      const p = PART_RE.exec(part.trim());
      if (!p?.groups) continue;
      const prefix = p.groups.prefix ?? '';
      if (prefix && !/[\s-]$/.test(prefix)) continue;
      out.push({ key: p.groups.citekey.replace(/^\{(.+)\}$/, '$1'), raw: m[0], index: m.index! });
    }
  }
  return out;
}

const SKIP_TAGS = new Set(['code', 'pre', 'script', 'style', 'kbd', 'samp']);

export function rehypeCitations(options: CitationOptions) {
  const root = options.root;
  const citation = (rehypeCitation as any)({
    bibliography: BIB_FILE,
    path: root,
    csl: CITATION_STYLE,
    lang: CITATION_LOCALE,
    linkCitations: true,
  }) as unknown as (tree: Root, file: VFile) => Promise<void>;

  return async function transform(tree: Root, vfile: VFile) {
    const file = projectFile(vfile, root);
    const uses: { use: CitationUse; node: HastText }[] = [];
    let inText = false;
    const walk = (node: any) => {
      if (node.type === 'text') {
        for (const use of findCitations(node.value)) uses.push({ use, node });
        if (INTEXT_RE.test(node.value)) inText = true;
        return;
      }
      if (node.type === 'element' && SKIP_TAGS.has(node.tagName)) return;
      for (const child of node.children ?? []) walk(child);
    };
    walk(tree);
    if (uses.length === 0 && !inText) return;

    const bib = readBib(root);
    const keys = bib?.keys ?? new Set<string>();
    const text = sourceText(vfile);
    for (const { use, node } of uses) {
      if (keys.has(use.key)) continue;
      const where = locate(text, node, use);
      if (!bib) throw bookError('cite/no-bibliography', { key: use.key, citation: use.raw }, { file, ...where });
      throw bookError('cite/unknown-key', { key: use.key, citation: use.raw, suggestion: didYouMean(use.key, keys) }, { file, ...where });
    }
    if (!bib || bib.data.length === 0) return;

    await citation(tree, vfile);

    const i = tree.children.findIndex((n) => n.type === 'element' && n.properties?.id === 'refs');
    if (i >= 0) {
      const taken = findId(tree, 'references');
      if (taken) {
        throw bookError('cite/references-heading', {}, { file, line: taken.position?.start.line, column: taken.position?.start.column });
      }
      const heading: HastElement = { type: 'element', tagName: 'h2', properties: { id: 'references' }, children: [{ type: 'text', value: 'References' }] };
      tree.children.splice(i, 0, heading);
    }
  };
}

function findId(node: any, id: string): HastElement | undefined {
  if (node.type === 'element' && node.properties?.id === id) return node;
  for (const child of node.children ?? []) {
    const hit = findId(child, id);
    if (hit) return hit;
  }
  return undefined;
}

/** Line and column of a citation, found in the source text near its text node. */
function locate(text: string, node: HastText, use: CitationUse): { line?: number; column?: number } {
  const start = node.position?.start;
  if (!start) return {};
  if (text && start.offset != null) {
    const end = node.position?.end?.offset ?? text.length;
    const slice = text.slice(start.offset, Math.max(end, start.offset));
    for (const needle of [use.raw, `@${use.key}`]) {
      const idx = slice.indexOf(needle);
      if (idx >= 0) return lineColumn(text, start.offset + idx);
    }
  }
  return { line: start.line, column: start.column };
}
