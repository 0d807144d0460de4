/**
 * The site's base path (`/`, or `/course/` when the book is deployed under a sub-path) and links
 * under it: one copy for the Markdown plugins, the link check, the pages and the scripts (serve,
 * budget). Plain TypeScript that Node runs as is (no Node or Astro imports).
 */

/** `/`, `/course`, `course/`, `` → `/`, `/course/`, `/course/`, `/` (repeated slashes collapsed). */
export function normalizeBase(base: string | undefined = '/'): string {
  let b = String(base ?? '/').trim();
  if (!b.startsWith('/')) b = '/' + b;
  if (!b.endsWith('/')) b += '/';
  return b.replace(/\/{2,}/g, '/');
}

/** A site path the code builds (`/chapters/sgd/` or `chapters/sgd/`) under the base: `/course/chapters/sgd/`. */
export function joinBase(path: string, base: string | undefined): string {
  return normalizeBase(base) + path.replace(/^\/+/, '');
}

/**
 * A link as an author wrote it, under the base: `/chapters/sgd/#x` → `/course/chapters/sgd/#x`.
 * Left alone: anything that is not root-relative (`../x`, `#x`, `https://…`), protocol-relative
 * links (`//host/…`) and links already under the base (`/course/…`, `/course`).
 */
export function withBase(url: string, base: string | undefined): string {
  const b = normalizeBase(base);
  if (b === '/' || !url.startsWith('/') || url.startsWith('//')) return url;
  if (url === b.slice(0, -1) || url.startsWith(b)) return url;
  return joinBase(url, b);
}
