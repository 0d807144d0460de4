// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import svelte from '@astrojs/svelte';
import sitemap from '@astrojs/sitemap';
import { unified } from '@astrojs/markdown-remark';
import { fileURLToPath } from 'node:url';
import { loadBook } from './src/book/book.ts';
import { markdownConfig, linkCheck } from './src/markdown/index.ts';
import { buildWarnings } from './src/errors/warnings.ts';
import { remarkNumberedBlocks } from './src/markdown/remark-numbered-blocks.ts';
import { remarkWidgets } from './src/markdown/remark-widgets.ts';
import { writeIslandViews } from './widgets/island-views.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
// The island's per-widget branches, generated from widgets/registry.ts (Astro hydrates only static imports).
writeIslandViews();

// Deploying under a sub-path (GitHub Pages project sites): IW_BASE=/course/ npm run build.
const base = process.env.IW_BASE ?? '/';
const outDir = process.env.IW_OUT ?? 'dist';

// Read and check the book's structure first: a bad frontmatter field or an unknown prerequisite
// stops the build here with file:line, before Astro starts rendering.
const book = loadBook(root);
const site = process.env.IW_SITE ?? book.url;

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
    processor: unified({
      // unified's PluggableList is wider than Astro's plugin type; the lists are built and tested in
      // src/markdown, so hand them over as they are.
      remarkPlugins: /** @type {any[]} */ ([...md.remarkPlugins, [remarkNumberedBlocks, { root }], [remarkWidgets, { root }]]),
      rehypePlugins: /** @type {any[]} */ (md.rehypePlugins),
    }),
  },
  integrations: [mdx({ optimize: true }), svelte(), sitemap(), linkCheck(), buildWarnings()],
  vite: {
    // The project root, for build-time code that reads content/ (bundled chunks lose their path).
    define: { 'import.meta.env.IW_ROOT': JSON.stringify(root) },
    build: { assetsInlineLimit: 0 },
  },
});
