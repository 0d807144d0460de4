// A synthetic book for build benchmarks: N math-heavy chapters of about 2,500 words and 37
// formulas each (12 display equations, 25 inline; sections, a list, a table, a code block), in
// plain MDX that any Markdown + KaTeX site generator builds the same way — none of this book's own
// notation macros, widgets or components. Deterministic: chapter i is the same text every time.
//
//   import { chapterText, writeSyntheticBook } from './synthetic-book.mjs';
//   writeSyntheticBook(dir, 200, 'ours' | 'starlight');
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/compute/rng.ts';

const WORDS = (
  'the a of network width kernel gradient descent training loss function weights layer random ' +
  'matrix variance mean limit infinite finite sample data point model prior posterior step rate ' +
  'learning update converges expected value covariance features output input hidden activation ' +
  'linear regression estimate error bound theorem proof follows since therefore we consider show ' +
  'large small each every two one dimension parameter scale order term equation result distribution ' +
  'gaussian process eigenvalue spectrum dynamics time flow fixed regime phase depth signal propagates'
).split(' ');

/** A small deterministic generator (the book's mulberry32, src/compute/rng.ts): uniform in [0, 1). */
const rng = (seed) => createRng(seed).next;

const INLINE = [
  (k) => `$\\theta_{${k}} \\in \\mathbb{R}^{n}$`,
  (k) => `$\\eta < 2/\\lambda_{\\max}$`,
  (k) => `$\\mathbb{E}[f(x)] = ${k}$`,
  (k) => `$\\sigma_w^2 = ${(k % 5) + 1}$`,
  (k) => `$O(n^{-1/2})$`,
  (k) => `$\\|\\theta_t - \\theta_0\\|_2$`,
  (k) => `$x_{${k}}^\\top x_{${k + 1}}$`,
  (k) => `$\\sum_{i=1}^{${k + 2}} a_i$`,
];

const DISPLAY = [
  (k) => `\\mathcal{L}(\\theta) = \\frac{1}{2m} \\sum_{i=1}^{m} \\bigl(f(x_i; \\theta) - y_i\\bigr)^2 + \\frac{\\lambda_{${k}}}{2} \\|\\theta\\|^2`,
  (k) => `\\Theta(x, x') = \\sum_{p=1}^{P} \\frac{\\partial f(x)}{\\partial \\theta_p} \\frac{\\partial f(x')}{\\partial \\theta_p}, \\qquad p \\le ${k + 10}`,
  (k) => `K^{(l+1)}(x, x') = \\sigma_b^2 + \\sigma_w^2 \\, \\mathbb{E}_{(u, v) \\sim \\mathcal{N}(0, \\Lambda^{(l)})} \\bigl[\\phi(u) \\phi(v)\\bigr]`,
  (k) => `\\begin{aligned} \\mu_* &= K_{*X} (K_{XX} + \\sigma^2 I)^{-1} y \\\\ \\Sigma_* &= K_{**} - K_{*X} (K_{XX} + \\sigma^2 I)^{-1} K_{X*} \\end{aligned}`,
  (k) => `f_t = e^{-\\eta \\Theta t} f_0 + \\bigl(I - e^{-\\eta \\Theta t}\\bigr) y, \\qquad t \\in [0, ${k + 1}]`,
  (k) => `\\operatorname{Var}[\\theta_\\infty] = \\frac{\\varepsilon}{2 - \\varepsilon} \\cdot \\frac{\\sigma^2}{M} + O(\\varepsilon^{${(k % 3) + 2}})`,
  (k) => `p(\\theta \\mid \\mathcal{D}) = \\frac{p(\\mathcal{D} \\mid \\theta)\\, p(\\theta)}{\\int p(\\mathcal{D} \\mid \\vartheta)\\, p(\\vartheta)\\, d\\vartheta}`,
  (k) => `\\chi_1 = \\sigma_w^2 \\int \\mathcal{D}z \\, \\bigl[\\phi'(\\sqrt{q^*} z)\\bigr]^2, \\qquad \\xi_c^{-1} = -\\log \\chi_{${k % 4}}`,
];

/** One chapter's MDX body (no frontmatter). */
export function chapterBody(i) {
  const r = rng(1000 + i);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  let inline = 0;
  let display = 0;
  const sentence = () => {
    const n = 8 + Math.floor(r() * 14);
    const w = Array.from({ length: n }, () => pick(WORDS));
    if (inline < 25 && r() < 0.22) w.splice(Math.floor(r() * n), 0, INLINE[inline % INLINE.length](inline++));
    const s = w.join(' ');
    return `${s[0].toUpperCase()}${s.slice(1)}.`;
  };
  const paragraph = (k) => Array.from({ length: k }, sentence).join(' ');
  const out = [];
  for (let sec = 0; sec < 6; sec++) {
    out.push(`## Section ${sec + 1}: ${pick(WORDS)} ${pick(WORDS)}`, '');
    for (let p = 0; p < 4; p++) {
      out.push(paragraph(7), '');
      if (display < 12 && (p % 2 === 1 || sec === 5)) out.push('$$', DISPLAY[display % DISPLAY.length](display++), '$$', '');
    }
    if (sec === 1) out.push(...Array.from({ length: 5 }, () => `- ${sentence()}`), '');
    if (sec === 2) out.push('| width | error | steps |', '| --- | --- | --- |', ...Array.from({ length: 6 }, (_, k) => `| ${2 ** (k + 5)} | ${(1 / Math.sqrt(2 ** (k + 5))).toFixed(4)} | ${100 * (k + 1)} |`), '');
    if (sec === 3) out.push('```python', 'def step(theta, grad, eta=0.1):', '    # one step of gradient descent', '    return theta - eta * grad', '```', '');
    if (sec === 4) out.push(`### A remark on ${pick(WORDS)}`, '', paragraph(5), '');
  }
  // Top up to 25 inline formulas, so every chapter has 37.
  while (inline < 25) out.push(`${sentence()} ${INLINE[inline % INLINE.length](inline++)} ${sentence()}`, '');
  return out.join('\n');
}

/**
 * Writes N chapters for `flavour`: 'ours' → `<dir>/NN-synthetic-<i>.mdx` with this book's
 * frontmatter (title, part, order, summary; parts foundations/kernels/dynamics in turn); 'starlight'
 * → `<dir>/synthetic-<i>.mdx` with Starlight's (title, description). Returns the words and
 * formulas of the first chapter (for the report).
 */
export function writeSyntheticBook(dir, n, flavour) {
  mkdirSync(dir, { recursive: true });
  const parts = ['foundations', 'kernels', 'dynamics'];
  for (let i = 1; i <= n; i++) {
    const title = `Synthetic chapter ${i}`;
    const summary = `A synthetic, math-heavy chapter (number ${i}) for build benchmarks.`;
    const front =
      flavour === 'ours'
        ? ['---', `title: ${title}`, `part: ${parts[(i - 1) % 3]}`, `order: ${100 + i}`, `summary: ${summary}`, '---', ''].join('\n')
        : ['---', `title: ${title}`, `description: ${summary}`, '---', ''].join('\n');
    const name = flavour === 'ours' ? `${String(i).padStart(3, '0')}-synthetic-${i}.mdx` : `synthetic-${i}.mdx`;
    writeFileSync(join(dir, name), `${front}\n${chapterBody(i)}\n`);
  }
  const body = chapterBody(1);
  const prose = body.replace(/\$\$[\s\S]*?\$\$/g, ' ').replace(/\$[^$]*\$/g, ' ').replace(/```[\s\S]*?```/g, ' ');
  return { words: prose.split(/\s+/).filter((w) => /[a-z]/i.test(w)).length, formulas: (body.match(/\$\$/g)?.length ?? 0) / 2 + (body.replace(/\$\$[\s\S]*?\$\$/g, '').match(/\$[^$]+\$/g)?.length ?? 0) };
}
