// Astro Starlight building the synthetic book (scripts/synthetic-book.mjs) with KaTeX, as a
// math-heavy documentation site would: the yardstick for our build time and memory.
import { defineConfig } from 'astro/config';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';

export default defineConfig({
  site: 'https://example.org',
  markdown: { processor: unified({ remarkPlugins: [remarkMath], rehypePlugins: [rehypeKatex] }) },
  integrations: [starlight({ title: 'Synthetic book', sidebar: [{ label: 'Chapters', items: [{ autogenerate: { directory: '.' } }] }] })],
});
