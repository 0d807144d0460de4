/**
 * Small helpers shared by the Markdown plugins: project-relative file names, source text and
 * excerpts, and mtime-keyed caches. (Errors and "did you mean" live in src/errors, the site base in
 * src/book/base-path.ts.)
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VFile } from 'vfile';
import { lineColumn } from '../errors/location.ts';

/** Accepts a path or a `file:` URL (Astro hands out URLs). */
export function toPath(p: string | URL): string {
  if (p instanceof URL) return fileURLToPath(p);
  return p.startsWith('file:') ? fileURLToPath(p) : p;
}

/** Absolute path of the file a vfile was read from (query strings such as `?astro…` removed). */
export function absoluteFilePath(file: Pick<VFile, 'path' | 'history' | 'cwd'>): string | undefined {
  const raw = file.history?.[0] ?? file.path;
  if (!raw) return undefined;
  const clean = String(raw).split('?')[0];
  return isAbsolute(clean) ? clean : resolve(file.cwd ?? process.cwd(), clean);
}

/** `content/chapters/01-x.mdx`: the vfile's path relative to the project root, with `/`. */
export function projectFile(file: Pick<VFile, 'path' | 'history' | 'cwd'>, root: string): string {
  const abs = absoluteFilePath(file);
  if (!abs) return '<unknown file>';
  const rel = relative(root, abs).split('\\').join('/');
  return rel.startsWith('..') ? abs.split('\\').join('/') : rel;
}

/** The text of the vfile (the source the positions refer to), or ''. */
export function sourceText(file: Pick<VFile, 'value'>): string {
  const v = file.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return '';
}

export { lineColumn };

/** mtime in ms, or -1 when the file does not exist. */
export function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Memoises `compute(path)` until the file's mtime changes. */
export function mtimeCache<T>(compute: (path: string) => T): (path: string) => T {
  const cache = new Map<string, { mtime: number; value: T }>();
  return (path: string) => {
    const mtime = mtimeOf(path);
    const hit = cache.get(path);
    if (hit && hit.mtime === mtime) return hit.value;
    const value = compute(path);
    cache.set(path, { mtime, value });
    return value;
  };
}

/** A short one-line excerpt of `text` around [start, end), with the part marked by »…«. */
export function excerpt(text: string, start: number, end = start, width = 30): string {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  const from = Math.max(0, s - width);
  const to = Math.min(text.length, e + width);
  const oneLine = (t: string) => t.replace(/\s*\n\s*/g, ' ');
  return (
    (from > 0 ? '…' : '') +
    oneLine(text.slice(from, s)) +
    '»' +
    oneLine(text.slice(s, e)) +
    '«' +
    oneLine(text.slice(e, to)) +
    (to < text.length ? '…' : '')
  );
}
