import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { chapterSchema } from './book/schema.ts';
import { slugFromFile } from './book/book.ts';

/**
 * One lesson per file: content/chapters/NN-slug.mdx. The entry id is the slug (the file name
 * without its NN- prefix), which is also the URL (/chapters/<slug>/) and what `prerequisites` name.
 * The schema is shared with src/book/book.ts, which checks it first and reports file:line.
 */
const chapters = defineCollection({
  loader: glob({
    pattern: '*.mdx',
    base: './content/chapters',
    generateId: ({ entry }) => slugFromFile(entry) ?? entry.replace(/\.mdx$/, ''),
  }),
  schema: chapterSchema,
});

export const collections = { chapters };
