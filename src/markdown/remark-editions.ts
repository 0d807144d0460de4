/**
 * The two editions of the book (CONTRIBUTING.md, "Editions"; src/lib/edition.ts). Runs among the
 * MDX remark plugins after remark-widgets (so numbers, widget props and StateLinks are checked the
 * same in both editions) and before remark-slides (so a deck is planned from what the edition shows).
 *
 * - `<Solution public>`: shown in every edition (the `public` flag is dropped here).
 * - `<Solution>`: the default edition keeps the element but drops its children, and marks it
 *   `withheld` (Solution.astro then says that the solution is in the instructor edition). The text
 *   never reaches the compiled page, so no HTML, search index or JSON of the build can hold it. The
 *   instructor edition shows it, marked `instructorOnly`.
 * - `<InstructorNote>`: removed from the default edition (block or inline); in the instructor
 *   edition it becomes src/components/InstructorNote.astro, imported into the chapter here, so
 *   every route that renders chapters (book, slides, print) shows it without a components map
 *   entry.
 *
 * In both editions: `public` must be a bare flag (`component/bad-solution`), `withheld` and
 * `instructorOnly` are the build's own, and a solution kept for instructors may not hold a labelled
 * equation, a Figure or an Exercise, and neither may an InstructorNote (`component/numbered-in-withheld`): the default edition would
 * number them, and other pages could link to them (or preview the equation), without showing them.
 */
import { dirname, join, relative } from 'node:path';
import { bookError } from '../errors/index.ts';
import { absoluteFilePath, projectFile } from './util.ts';

export type EditionName = 'default' | 'instructor';

interface Attr {
  type: string;
  name?: string;
  value?: unknown;
  position?: { start: { line: number; column: number } };
}
interface Node {
  type: string;
  name?: string | null;
  children?: Node[];
  attributes?: Attr[];
  data?: Record<string, unknown>;
  position?: { start: { line: number; column: number } };
}

/** The attributes of `<Solution>` that the build sets (an author writing one is an error). */
const RESERVED = ['withheld', 'instructorOnly'];
/** The local name InstructorNote.astro is imported under (cannot clash with a lesson's tags). */
const NOTE_LOCAL = 'IwInstructorNote';

const isJsx = (n: Node) => n.type === 'mdxJsxFlowElement' || n.type === 'mdxJsxTextElement';

/** The first thing in a withheld solution that the book would number: a labelled equation, a Figure or an Exercise. */
function numberedInside(n: Node): { node: Node; what: string } | undefined {
  for (const c of n.children ?? []) {
    if (c.type === 'math' && c.data?.equation) return { node: c, what: 'a labelled equation' };
    if (isJsx(c) && (c.name === 'Figure' || c.name === 'Exercise')) return { node: c, what: `a <${c.name}>` };
    const deeper = numberedInside(c);
    if (deeper) return deeper;
  }
  return undefined;
}

/** `import IwInstructorNote from "…"` as an MDX ESM node with its estree. */
function importNode(source: string): Node {
  const value = `import ${NOTE_LOCAL} from ${JSON.stringify(source)};`;
  const estree = {
    type: 'Program',
    sourceType: 'module',
    comments: [],
    body: [
      {
        type: 'ImportDeclaration',
        specifiers: [{ type: 'ImportDefaultSpecifier', local: { type: 'Identifier', name: NOTE_LOCAL } }],
        source: { type: 'Literal', value: source, raw: JSON.stringify(source) },
        attributes: [],
      },
    ],
  };
  return { type: 'mdxjsEsm', value, data: { estree } } as Node;
}

export function remarkEditions(options: { root: string; edition: EditionName }) {
  const { root, edition } = options;
  return (tree: Node, file: { path?: string; history?: string[]; cwd?: string }) => {
    const rel = projectFile(file as any, root);
    const at = (n: Node | Attr) => ({ file: rel, line: n.position?.start.line, column: n.position?.start.column });
    let notes = 0;

    const walk = (parent: Node) => {
      const children = parent.children;
      if (!children) return;
      for (let i = 0; i < children.length; i++) {
        const n = children[i];
        if (isJsx(n) && n.name === 'InstructorNote') {
          const numbered = numberedInside(n);
          if (numbered) throw bookError('component/numbered-in-withheld', { tag: 'InstructorNote', what: numbered.what }, at(numbered.node));
          if (edition === 'default') {
            children.splice(i, 1);
            i--;
            continue;
          }
          n.name = NOTE_LOCAL;
          notes++;
        }
        if (isJsx(n) && n.name === 'Solution') {
          const attrs = n.attributes ?? [];
          let isPublic = false;
          for (const a of attrs) {
            if (a.type !== 'mdxJsxAttribute') continue;
            if (a.name === 'public') {
              if (a.value !== null && a.value !== undefined) throw bookError('component/bad-solution', { kind: 'public-value', attribute: `public=${typeof a.value === 'string' ? JSON.stringify(a.value) : '{…}'}` }, at(a.position ? a : n));
              isPublic = true;
            } else if (a.name && RESERVED.includes(a.name)) {
              throw bookError('component/bad-solution', { kind: 'reserved', attribute: a.name }, at(a.position ? a : n));
            }
          }
          const kept = attrs.filter((a) => a.name !== 'public');
          if (!isPublic) {
            const numbered = numberedInside(n);
            if (numbered) throw bookError('component/numbered-in-withheld', { tag: 'Solution', what: numbered.what }, at(numbered.node));
            if (edition === 'default') {
              n.attributes = [...kept, { type: 'mdxJsxAttribute', name: 'withheld', value: null }];
              n.children = [];
              continue;
            }
            n.attributes = [...kept, { type: 'mdxJsxAttribute', name: 'instructorOnly', value: null }];
          } else {
            n.attributes = kept;
          }
        }
        walk(n);
      }
    };
    walk(tree);

    if (notes > 0) {
      const abs = absoluteFilePath(file as any);
      const dir = abs ? dirname(abs) : root;
      const r = relative(dir, join(root, 'src', 'components', 'InstructorNote.astro')).split('\\').join('/');
      const source = r.startsWith('.') ? r : `./${r}`;
      const children = tree.children ?? [];
      const esm = children.filter((c) => c.type === 'mdxjsEsm' || c.type === 'yaml' || c.type === 'toml');
      tree.children = [...esm, importNode(source), ...children.filter((c) => !esm.includes(c))];
    }
  };
}
