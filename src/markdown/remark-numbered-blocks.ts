/**
 * Numbers <Figure> and <Exercise> blocks per chapter ("Figure 1.2", "Exercise 1.3") at build time
 * by adding a `number` attribute to the MDX JSX element, so the components stay zero-JS and the
 * numbers are right with JavaScript off. Ids must be present and unique within the chapter, since
 * figures and exercises are link targets (and slides link to them).
 */
import { relative, basename } from 'node:path';
import { visit } from 'unist-util-visit';
import { bookError } from '../errors/index.ts';
import { loadBookCached, slugFromFile } from '../book/book.ts';

const NUMBERED: Record<string, string> = { Figure: 'fig-', Exercise: 'ex-' };
const ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

interface JsxAttr {
  type: string;
  name?: string;
  value?: unknown;
}
interface JsxNode {
  type: string;
  name?: string | null;
  attributes?: JsxAttr[];
  position?: { start: { line: number; column: number } };
}

export function remarkNumberedBlocks(options: { root: string }) {
  const { root } = options;
  return (tree: unknown, file: { path?: string; history?: string[] }) => {
    const path = file.path ?? file.history?.[0];
    if (!path) return;
    const rel = relative(root, path).split('\\').join('/');
    if (!slugFromFile(basename(path)) || !rel.startsWith('content/chapters/')) return;
    // By file, not by slug: a frontmatter `slug` may differ from the file name.
    const chapter = loadBookCached(root).chapters.find((c) => c.file === rel);
    const prefix = chapter && chapter.number > 0 ? `${chapter.number}.` : '';
    const counters: Record<string, number> = {};
    const ids = new Map<string, number>();
    visit(tree as any, (node: JsxNode) => {
      if (node.type !== 'mdxJsxFlowElement' && node.type !== 'mdxJsxTextElement') return;
      const name = node.name ?? '';
      if (!(name in NUMBERED)) return;
      const attrs = node.attributes ?? [];
      const line = node.position?.start.line;
      const idAttr = attrs.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'id');
      const id = typeof idAttr?.value === 'string' ? idAttr.value : undefined;
      if (!id || !ID.test(id)) {
        throw bookError('component/bad-id', { component: name, prefix: NUMBERED[name], id }, { file: rel, line, column: node.position?.start.column });
      }
      if (ids.has(id)) {
        throw bookError('component/duplicate-id', { id, firstLine: ids.get(id)! }, { file: rel, line });
      }
      ids.set(id, line ?? 0);
      counters[name] = (counters[name] ?? 0) + 1;
      const number = `${prefix}${counters[name]}`;
      node.attributes = [...attrs.filter((a) => a.name !== 'number'), { type: 'mdxJsxAttribute', name: 'number', value: number }];
    });
  };
}
