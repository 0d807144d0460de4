// `npm run new:chapter -- "Gaussian processes" [--part kernels]`: scaffolds
// content/chapters/NN-gaussian-processes.mdx with valid frontmatter, a labelled equation, an
// exercise and a pointer to citations, as a draft (visible in `npm run dev`, left out of builds
// until you set draft: false).
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const args = process.argv.slice(2);
const partFlag = args.indexOf('--part');
const partId = partFlag >= 0 ? args[partFlag + 1] : undefined;
const title = args.filter((_, i) => i !== partFlag && i !== partFlag + 1).join(' ').trim();
if (!title) {
  console.error('usage: npm run new:chapter -- "Chapter title" [--part <part id>]');
  process.exit(2);
}
const book = parse(readFileSync(join('content', 'book.yaml'), 'utf8'));
const parts = book.parts.map((p) => p.id);
const part = partId ?? parts[parts.length - 1];
if (!parts.includes(part)) {
  console.error(`Unknown part "${part}". content/book.yaml has: ${parts.join(', ')}`);
  process.exit(2);
}
const slug = title
  .toLowerCase()
  .normalize('NFKD')
  .replace(/[\u0300-\u036f]/g, '')
  .replace(/[^a-z0-9]+/g, '-')
  .replace(/^-|-$/g, '');
if (!slug) {
  console.error(`Cannot make a file name from "${title}": use some latin letters or digits.`);
  process.exit(2);
}
const dir = join('content', 'chapters');
const files = existsSync(dir) ? readdirSync(dir) : [];
if (files.some((f) => f.replace(/^\d+-/, '').replace(/\.mdx$/, '') === slug)) {
  console.error(`A chapter with slug "${slug}" exists already.`);
  process.exit(1);
}
const next = files.reduce((m, f) => Math.max(m, Number.parseInt(f, 10) || 0), 0) + 1;
const orders = files
  .map((f) => readFileSync(join(dir, f), 'utf8'))
  .filter((t) => new RegExp(`^part:\\s*${part}\\s*$`, 'm').test(t))
  .map((t) => Number(/^order:\s*(\d+)/m.exec(t)?.[1] ?? 0));
const order = orders.length ? Math.max(...orders) + 1 : 1;
const file = join(dir, `${String(next).padStart(2, '0')}-${slug}.mdx`);
const label = slug.split('-').slice(0, 3).join('-');
writeFileSync(
  file,
  `---
title: ${JSON.stringify(title)}
part: ${part}
order: ${order}
summary: One or two sentences for the home page and search results.
objectives:
  - State what the reader will be able to do.
prerequisites: []
slides: []
draft: true
---

## The question

Open with the question this chapter answers. Inline math is $f(x)$; a numbered equation is

$$
f(x) = \\sum_{i=1}^{n} w_i x_i
\\label{eq:${label}-model}
$$

and you refer to it as $\\eqref{eq:${label}-model}$. Cite sources with a bracketed at-key,
the key taken from content/references.bib (see CONTRIBUTING.md).

<Exercise id="ex-${label}-first" title="A first exercise">

State the problem.

<Solution>

Work it out in full.

</Solution>
</Exercise>
`,
);
console.log(`Created ${file} (part "${part}", order ${order}, draft).
Next: npm run dev, open /chapters/${slug}/, write, then set draft: false. Authoring guide: CONTRIBUTING.md`);
