/**
 * content/references.bib: its keys (for checking citations) and the whole bibliography as HTML
 * (for the /bibliography/ page), formatted by citation-js / citeproc (APA, author–year) exactly as
 * rehype-citation formats the per-chapter reference lists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cite } from 'rehype-citation';
import { mtimeCache } from './util.ts';
import { bookError } from '../errors/index.ts';

export const BIB_FILE = 'content/references.bib';
export const CITATION_STYLE = 'apa';
export const CITATION_LOCALE = 'en-US';

export interface BibEntry {
  /** The BibTeX key, as written. */
  key: string;
  /** `bib-<key lowercased>`: the id rehype-citation gives entries and links citations to. Put it
   *  on the element that wraps `html` (the html itself carries no id, so there is no duplicate). */
  id: string;
  /** `<div class="csl-entry">Author, A. (2018). Title. …</div>` */
  html: string;
}

interface ParsedBib {
  data: any[];
  keys: Set<string>;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function parseBib(text: string): ParsedBib {
  try {
    const cite = new (Cite as any)(text, { generateGraph: false });
    return { data: cite.data, keys: new Set(cite.data.map((x: any) => String(x.id))) };
  } catch (e: any) {
    // Find the first entry citation-js cannot read, for a line number.
    const starts = [...text.matchAll(/^[ \t]*@/gm)].map((m) => m.index!);
    let line: number | undefined;
    for (let i = 0; i < starts.length; i++) {
      const chunk = text.slice(starts[i], starts[i + 1] ?? text.length);
      if (/^\s*@(comment|preamble|string)\b/i.test(chunk)) continue;
      try {
        new (Cite as any)(chunk, { generateGraph: false });
      } catch {
        line = lineOf(text, starts[i]);
        break;
      }
    }
    throw bookError('cite/bad-bibliography', { reason: String(e?.message ?? e) }, { file: BIB_FILE, line });
  }
}

const cachedBib = mtimeCache((path: string): ParsedBib | null => {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) return { data: [], keys: new Set() };
  return parseBib(text);
});

/** The parsed bibliography, or null when content/references.bib does not exist. */
export function readBib(root: string): ParsedBib | null {
  return cachedBib(join(root, BIB_FILE));
}

/** The citation keys of content/references.bib (empty when there is no file). */
export function citationKeys(root: string): Set<string> {
  return readBib(root)?.keys ?? new Set();
}

/** Every entry of content/references.bib as HTML (APA), sorted by author (then year, title). */
export function bibliography(root: string): BibEntry[] {
  const bib = readBib(root);
  if (!bib || bib.data.length === 0) return [];
  const config = (Cite as any).plugins.config.get('@csl');
  const engine = config.engine(bib.data, CITATION_STYLE, CITATION_LOCALE, 'html');
  engine.updateItems(bib.data.map((x: any) => x.id));
  const [params, body] = engine.makeBibliography() as [{ entry_ids: string[][] }, string[]];
  return body.map((html, i) => {
    const key = String(params.entry_ids[i][0]);
    const id = `bib-${key.toLowerCase()}`;
    return { key, id, html: html.trim() };
  });
}
