/**
 * The tables of errors and warnings in CONTRIBUTING.md ("What the build checks"), generated from
 * the catalogue. They live between `<!-- errors:start -->` and `<!-- errors:end -->`; a unit test
 * (tests/unit/errors/) fails when the file is out of date. To rewrite them:
 *
 *   node scripts/with-node.mjs node src/errors/docs.ts          (or plain `node` on Node >= 22.18)
 *
 * `--check` only reports whether the file is up to date (exit 1 when it is not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { catalogue, codes, type CatalogueEntry, type DocsSection } from './catalogue.ts';

export const START = '<!-- errors:start -->';
export const END = '<!-- errors:end -->';

/** Heading anchor (as GitHub makes it) → heading text, for every heading of a Markdown file. */
export function headingAnchors(markdown: string): Map<string, string> {
  const slugger = new GithubSlugger();
  const out = new Map<string, string>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      continue;
    }
    if (fence) continue;
    const h = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) out.set(slugger.slug(h[1]), h[1]);
  }
  return out;
}

function table(severity: CatalogueEntry['severity'], titles: Map<string, string>): string {
  const rows = codes(severity).map((code) => {
    const e = catalogue[code] as CatalogueEntry<unknown>;
    const title = titles.get(e.section);
    if (!title) throw new Error(`${code}: CONTRIBUTING.md has no heading with the anchor #${e.section as DocsSection}.`);
    return `| \`${code}\` | ${e.summary} | [${title}](#${e.section}) |`;
  });
  return ['| code | problem | explained in |', '| --- | --- | --- |', ...rows].join('\n');
}

/** What goes between the markers, for a CONTRIBUTING.md with these headings. */
export function renderTables(contributing: string): string {
  const titles = headingAnchors(contributing);
  return [
    'Errors stop the build:',
    '',
    table('error', titles),
    '',
    'Warnings are printed once each, as `warning [code] file:line: message`, and counted at the end; the build goes on:',
    '',
    table('warning', titles),
  ].join('\n');
}

/** CONTRIBUTING.md with the tables regenerated (throws when the markers are missing). */
export function updateContributing(contributing: string): string {
  const i = contributing.indexOf(START);
  const j = contributing.indexOf(END);
  if (i < 0 || j < i) throw new Error(`CONTRIBUTING.md needs the markers ${START} and ${END} around the tables of errors.`);
  return `${contributing.slice(0, i + START.length)}\n${renderTables(contributing)}\n${contributing.slice(j)}`;
}

export const CONTRIBUTING = fileURLToPath(new URL('../../CONTRIBUTING.md', import.meta.url));

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const text = readFileSync(CONTRIBUTING, 'utf8');
  const next = updateContributing(text);
  if (process.argv.includes('--check')) {
    console.log(next === text ? 'CONTRIBUTING.md: the tables of errors are up to date.' : 'CONTRIBUTING.md: the tables of errors are out of date; run node src/errors/docs.ts');
    process.exit(next === text ? 0 : 1);
  }
  if (next !== text) writeFileSync(CONTRIBUTING, next);
  console.log(next === text ? 'CONTRIBUTING.md is up to date.' : 'CONTRIBUTING.md: tables of errors and warnings rewritten.');
}
