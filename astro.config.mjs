// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import svelte from '@astrojs/svelte';
import sitemap from '@astrojs/sitemap';
import { unified } from '@astrojs/markdown-remark';
import { fileURLToPath } from 'node:url';
import { loadBook, chapterRedirects } from './src/book/book.ts';
import { markdownConfig, linkCheck } from './src/markdown/index.ts';
import { buildWarnings } from './src/errors/warnings.ts';
import { remarkNumberedBlocks } from './src/markdown/remark-numbered-blocks.ts';
import { remarkWidgets } from './src/markdown/remark-widgets.ts';
import { remarkSlides } from './src/markdown/remark-slides.ts';
import { remarkEditions } from './src/markdown/remark-editions.ts';
import { parseEdition, defaultOutDir } from './src/lib/edition.ts';
import { rehypeSlidesTail } from './src/markdown/rehype-slides-tail.ts';
import { mdxSyntaxErrors } from './src/markdown/mdx-syntax.ts';
import { writeIslandViews } from './widgets/island-views.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
// The island's per-widget branches, generated from widgets/registry.ts (Astro hydrates only static imports).
writeIslandViews();

// Deploying under a sub-path (GitHub Pages project sites): IW_BASE=/course/ npm run build.
const base = process.env.IW_BASE ?? '/';
// The edition (CONTRIBUTING.md, "Editions"): IW_EDITION=instructor (or `npm run build -- --edition instructor`)
// shows every solution and instructor note, and goes to dist-instructor/ unless IW_OUT says otherwise.
const edition = parseEdition(process.env.IW_EDITION);
const outDir = process.env.IW_OUT ?? defaultOutDir(edition);

// Read and check the book's structure first: a bad frontmatter field or an unknown prerequisite
// stops the build here with file:line, before Astro starts rendering.
const book = loadBook(root);
const site = process.env.IW_SITE ?? book.url;
// Redirect pages (old chapter slugs) are not pages of their own: keep them out of the sitemap.
const redirectPaths = new Set(chapterRedirects(book.chapters).map((r) => `chapters/${r.from}/`));

// Math as HTML strings (set:html) and static subtrees collapsed by MDX: on a 40-chapter book this
// cut the build from 115 s and 6.5 GB to a fraction (see src/markdown/rehype-katex-html.ts).
const md = markdownConfig({ root, base, mathOutput: 'set-html', samePagePreviews: 'clone' });

export default defineConfig({
  site,
  base,
  outDir,
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  markdown: {
    // Code blocks in two Shiki themes whose every token meets WCAG AA on its background (GitHub's
    // "default" pair; github-dark's comments are ~3:1), switched with the page theme in global.css.
    shikiConfig: { themes: { light: 'github-light-default', dark: 'github-dark-default' }, defaultColor: false },
    processor: unified({
      // Curly quotes and dashes come from the book's own remark plugin (in md.remarkPlugins): Astro's
      // remark-smartypants builds a natural-language tree of every chapter, a third of the MDX time.
      smartypants: false,
      // unified's PluggableList is wider than Astro's plugin type; the lists are built and tested in
      // src/markdown, so hand them over as they are.
      remarkPlugins: /** @type {any[]} */ ([...md.remarkPlugins, [remarkNumberedBlocks, { root }], [remarkWidgets, { root }], [remarkEditions, { root, edition }], [remarkSlides, { root }]]),
      rehypePlugins: /** @type {any[]} */ ([...md.rehypePlugins, rehypeSlidesTail]),
    }),
  },
  integrations: [mdx({ optimize: true }), mdxSyntaxErrors({ root }), svelte(), sitemap({ filter: (page) => ![...redirectPaths].some((p) => page.endsWith(`/${p}`)) }), linkCheck(), buildWarnings()],
  vite: {
    // The project root, for build-time code that reads content/ (bundled chunks lose their path).
    define: { 'import.meta.env.IW_ROOT': JSON.stringify(root), 'import.meta.env.IW_EDITION': JSON.stringify(edition) },
    build: { assetsInlineLimit: 0 },
  },
});
