/** Small helpers shared by pages and layouts (build time only). */
import { loadBook, type BookInfo, type ChapterInfo } from '../book/book.ts';
import { joinBase } from '../book/base-path.ts';

/** The project root (set by astro.config.mjs; bundled chunks cannot find it from their own path). */
export const root: string = import.meta.env.IW_ROOT ?? process.cwd();

/** Joins the configured base (`/` or `/course/`) with a site path that starts with `/`: a root-relative path under the site's base path (one rule for the whole project: src/book/base-path.ts). */
export function withBase(path: string): string {
  return joinBase(path, import.meta.env.BASE_URL);
}

let cached: BookInfo | undefined;
export function book(): BookInfo {
  // Re-read in dev so that editing a chapter's frontmatter shows up without a restart.
  if (!cached || import.meta.env.DEV) cached = loadBook(root);
  return cached;
}

/** Published chapters in reading order (drafts too when running `astro dev`). */
export function chapters(): ChapterInfo[] {
  return book().chapters.filter((c) => !c.draft || import.meta.env.DEV);
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];
export function roman(n: number): string {
  return ROMAN[n] ?? String(n);
}
