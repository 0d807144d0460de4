/** Which chapters use which widget (scanned from the lesson sources at build time). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chapters, root } from './site.ts';
import type { ChapterInfo } from '../book/book.ts';

export function widgetUsage(name: string): ChapterInfo[] {
  const tag = new RegExp(`<${name}[\\s/>]`);
  return chapters().filter((c) => tag.test(readFileSync(join(root, c.file), 'utf8')));
}
