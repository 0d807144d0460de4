#!/usr/bin/env node
// `npm run shots`: full-page screenshots of the built site, for a quick look at a change.
//
//   node scripts/shots.mjs [--dir dist] [--out shots] [--chapter /chapters/<slug>/]
//
// Builds dist/ first if it is missing. Writes shots/chapter-1-light.png, chapter-1-dark.png,
// chapter-1-360.png and home-light.png and prints their paths. "Chapter 1" is the first chapter
// the home page links to (its table of contents), unless --chapter names another.
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDist, requireChromium } from './e2e.mjs';
import { serve } from './serve.mjs';
import { launch } from '../tests/e2e/support/chromium.mjs';

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {string | undefined} */ dflt) => {
  const i = args.findIndex((a) => a === name || a.startsWith(name + '='));
  if (i < 0) return dflt;
  return args[i].includes('=') ? args[i].slice(name.length + 1) : (args[i + 1] ?? dflt);
};
const dir = opt('--dir', 'dist') ?? 'dist';
const out = resolve(opt('--out', 'shots') ?? 'shots');

/** The first /chapters/<slug>/ the home page links to, else the first chapter folder. */
function firstChapter() {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const m of html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)) {
    const p = /(?:^|\/)chapters\/([^/#?"]+)\/?(?:[#?].*)?$/.exec(m[1]);
    if (p && existsSync(join(dir, 'chapters', p[1], 'index.html'))) return `chapters/${p[1]}/`;
  }
  const folder = join(dir, 'chapters');
  const slugs = existsSync(folder) ? readdirSync(folder).filter((s) => existsSync(join(folder, s, 'index.html'))).sort() : [];
  if (!slugs.length) throw new Error(`no chapters in ${dir}/chapters/`);
  return `chapters/${slugs[0]}/`;
}

await requireChromium();
if (dir === 'dist') ensureDist('dist');
const chapter = (opt('--chapter', undefined) ?? firstChapter()).replace(/^\//, '');
mkdirSync(out, { recursive: true });
const server = await serve({ dir, base: '/', port: 0, quiet: true });
const browser = await launch({ webgl: 'swiftshader' });
/** @type {{ name: string, path: string, width: number, scheme: 'light' | 'dark' }[]} */
const shots = [
  { name: 'chapter-1-light', path: chapter, width: 1280, scheme: 'light' },
  { name: 'chapter-1-dark', path: chapter, width: 1280, scheme: 'dark' },
  { name: 'chapter-1-360', path: chapter, width: 360, scheme: 'light' },
  { name: 'home-light', path: '', width: 1280, scheme: 'light' },
];
let failed = false;
try {
  for (const s of shots) {
    const context = await browser.newContext({ viewport: { width: s.width, height: 900 }, colorScheme: s.scheme, reducedMotion: 'reduce' });
    await context.addInitScript((scheme) => {
      try {
        localStorage.setItem('iw-theme', scheme);
      } catch {}
    }, s.scheme);
    const page = await context.newPage();
    try {
      const res = await page.goto(server.url + s.path, { waitUntil: 'load' });
      if (!res?.ok()) throw new Error(`HTTP ${res?.status()}`);
      await page.evaluate(async () => {
        // Let lazily hydrated widgets render before the picture.
        window.scrollTo(0, document.scrollingElement?.scrollHeight ?? 0);
        await new Promise((r) => setTimeout(r, 100));
        window.scrollTo(0, 0);
        await document.fonts?.ready;
      });
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
      const file = join(out, `${s.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`${file}  (/${s.path}, ${s.width} px, ${s.scheme})`);
    } catch (e) {
      failed = true;
      console.error(`✗ ${s.name}: /${s.path}: ${/** @type {Error} */ (e).message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
