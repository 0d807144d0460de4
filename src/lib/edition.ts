/**
 * The book's two editions (CONTRIBUTING.md, "Editions"). The default edition is the public book:
 * it shows `<Solution public>` and leaves out every other solution and every `<InstructorNote>`
 * (src/markdown/remark-editions.ts removes them before anything is rendered). The instructor
 * edition (`npm run build -- --edition instructor`, or IW_EDITION=instructor) shows all of them,
 * marks every page "Instructor edition" and noindex, and is written to its own folder.
 *
 * No imports: used by astro.config.mjs, scripts/build.mjs (plain Node) and the components.
 */
export const EDITIONS = ['default', 'instructor'] as const;
export type Edition = (typeof EDITIONS)[number];

/** The edition named by IW_EDITION (unset or empty: the default edition); anything else throws. */
export function parseEdition(value: string | undefined): Edition {
  const v = (value ?? '').trim();
  if (v === '') return 'default';
  if ((EDITIONS as readonly string[]).includes(v)) return v as Edition;
  throw new Error(`Unknown edition "${v}" (IW_EDITION or --edition): expected one of ${EDITIONS.join(', ')}.`);
}

/** Where an edition is built unless IW_OUT says otherwise: the two editions never share a folder. */
export function defaultOutDir(edition: Edition): string {
  return edition === 'instructor' ? 'dist-instructor' : 'dist';
}

/** The edition this build renders (set by astro.config.mjs through Vite's `define`). */
export function currentEdition(): Edition {
  return parseEdition(import.meta.env.IW_EDITION);
}
