import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { chapterSchema } from './book/schema.ts';
import { chapterSlug } from './book/book.ts';

/**
 * One lesson per file: content/chapters/NN-name.mdx. The entry id is the chapter's slug — its
 * frontmatter `slug`, else the file name without its NN- prefix — which is also the URL
 * (/chapters/<slug>/) and what `prerequisites` name. The schema is shared with src/book/book.ts,
 * which checks it first (slugs and aliases too) and reports file:line.
 */
const chapters = defineCollection({
  loader: glob({
    pattern: '*.mdx',
    base: './content/chapters',
    generateId: ({ entry, data }) => chapterSlug(entry, data) ?? entry.replace(/\.mdx$/, ''),
  }),
  schema: chapterSchema,
});

export const collections = { chapters };
