/**
 * The chapter frontmatter schema: one source for the content collection (src/content.config.ts)
 * and for the early check in src/book/book.ts that reports problems with file and line.
 */
import { z } from 'zod';

/** A chapter slug: one URL segment, lowercase words joined by dashes (`gaussian-processes`). */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const slideSchema = z
  .object({
    /** The lecture (or slide deck) this chapter follows. */
    title: z.string().min(1),
    /** Where it comes from: course, institution, or a URL. */
    source: z.string().min(1),
  })
  .strict();

export const chapterSchema = z
  .object({
    /** The chapter title, shown as the page's only <h1>. */
    title: z.string().min(1),
    /** The id of a part in content/book.yaml. */
    part: z.string().min(1),
    /** Position within the part; chapters are numbered through the book by (part, order). */
    order: z.number().int().min(0),
    /** One or two sentences for the home page, the meta description and search results. */
    summary: z.string().min(1),
    /** What a reader can do after the chapter ("Derive …", "Explain …"). */
    objectives: z.array(z.string().min(1)).default([]),
    /** Slugs of chapters to read first; each must exist (an alias names its chapter). */
    prerequisites: z.array(z.string().regex(SLUG)).default([]),
    /**
     * The chapter's URL segment, /chapters/<slug>/, and its name in prerequisites. Optional: the
     * file name without its NN- prefix when absent. Set it once and the file can be renamed freely.
     */
    slug: z.string().regex(SLUG).optional(),
    /** Old slugs: each gets a redirect page at /chapters/<alias>/ to this chapter. */
    aliases: z.array(z.string().regex(SLUG)).default([]),
    /** The lectures this chapter follows. */
    slides: z.array(slideSchema).default([]),
    /** Drafts build in `astro dev` only and are left out of numbering, navigation and search. */
    draft: z.boolean().default(false),
  })
  .strict();

export type ChapterFrontmatter = z.infer<typeof chapterSchema>;
