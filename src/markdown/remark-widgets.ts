/**
 * Widgets in lessons, checked at build time. `<BetaBinomial id="fig-coin" heads={3} />` is
 * looked up in widgets/registry.ts, every prop is checked against the widget's params table (an
 * unknown name, a non-literal value, a value out of range or of the wrong type stops the build with
 * file:line), and the element is rewritten to the one island wrapper `<Island widget="…" …/>`, so
 * lessons need no imports. `<StateLink to="fig-coin" set={{ heads: 81, tails: 40 }}>` is checked the
 * same way against the widget it targets (which must be in the same chapter) and rewritten with its
 * state serialised for the zero-JS link.
 */
import { relative } from 'node:path';
import { visit } from 'unist-util-visit';
import { bookError, closest, type ArgsOf, type ErrorCode } from '../errors/index.ts';
import { applyInput, defaults, writeQuery } from '../../widgets/core/params.ts';
import { widgetByName, widgets, type WidgetEntry } from '../../widgets/registry.ts';

const ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** The zero-JS components every lesson can use without an import (src/pages/chapters/[slug].astro). */
const LESSON_COMPONENTS = new Set(['Figure', 'Exercise', 'Solution', 'InstructorNote', 'Aside', 'StateLink', 'Fragment', 'Slide', 'Notes', 'SlideOnly', 'BookOnly']);

interface JsxAttribute {
  type: string;
  name?: string;
  value?: unknown;
  position?: { start: { line: number; column: number } };
}
interface JsxNode {
  type: string;
  name?: string | null;
  attributes: JsxAttribute[];
  position?: { start: { line: number; column: number } };
}

class NotLiteral extends Error {}

/** Evaluates the literal subset of an estree expression: numbers, strings, booleans, -x, { a: 1 }. */
function literal(node: any): unknown {
  switch (node?.type) {
    case 'Literal':
      if (typeof node.value === 'number' || typeof node.value === 'string' || typeof node.value === 'boolean') return node.value;
      break;
    case 'UnaryExpression':
      if ((node.operator === '-' || node.operator === '+') && node.argument?.type === 'Literal' && typeof node.argument.value === 'number') {
        return node.operator === '-' ? -node.argument.value : node.argument.value;
      }
      break;
    case 'ArrayExpression':
      // Points parameters: data={[0.5, -1, 2]} or observations={[[0, 1], [2, -0.5]]}.
      return node.elements.map((e: unknown) => literal(e));
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties) {
        if (p.type !== 'Property' || p.computed || p.kind !== 'init') throw new NotLiteral();
        const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
        if (key === undefined) throw new NotLiteral();
        out[key] = literal(p.value);
      }
      return out;
    }
  }
  throw new NotLiteral();
}

function attrValue(a: JsxAttribute): unknown {
  if (a.value === null || a.value === undefined) return true; // <X flag />
  if (typeof a.value === 'string') return a.value;
  const v = a.value as { type: string; value: string; data?: { estree?: any } };
  const body = v.data?.estree?.body;
  if (!body || body.length !== 1 || body[0].type !== 'ExpressionStatement') throw new NotLiteral();
  return literal(body[0].expression);
}

export function remarkWidgets(options: { root: string }) {
  const { root } = options;
  return (tree: unknown, file: { path?: string; history?: string[] }) => {
    const abs = file.path ?? file.history?.[0] ?? '';
    const rel = abs ? relative(root, abs).split('\\').join('/') : '(unknown file)';
    const fail = <C extends ErrorCode>(node: { position?: { start: { line: number; column: number } } }, code: C, args: ArgsOf<C>): never => {
      throw bookError(code, args, { file: rel, line: node.position?.start.line, column: node.position?.start.column });
    };
    const instances = new Map<string, WidgetEntry>();
    const links: JsxNode[] = [];

    visit(tree as any, (node: JsxNode) => {
      if (node.type !== 'mdxJsxFlowElement' && node.type !== 'mdxJsxTextElement') return;
      if (node.name && /^[A-Z]/.test(node.name) && !LESSON_COMPONENTS.has(node.name) && !widgetByName(node.name)) {
        const known = [...LESSON_COMPONENTS, ...widgets.map((w) => w.name)];
        fail(node, 'component/unknown', { name: node.name, known, suggestion: closest(node.name, known) });
      }
      if (node.name === 'StateLink') {
        links.push(node);
        return;
      }
      const entry = node.name ? widgetByName(node.name) : undefined;
      if (!entry) return;
      const props: [string, unknown][] = [];
      let id: string | undefined;
      for (const a of node.attributes) {
        if (a.type !== 'mdxJsxAttribute' || !a.name) {
          fail(node, 'widget/bad-prop', { kind: 'spread', widget: entry.name });
          return;
        }
        let value: unknown;
        try {
          value = attrValue(a);
        } catch {
          fail(a.position ? a : node, 'widget/bad-prop', { kind: 'not-literal', widget: entry.name, prop: a.name });
        }
        if (a.name === 'id') {
          id = typeof value === 'string' ? value : undefined;
          continue;
        }
        props.push([a.name, value]);
      }
      if (!id || !ID.test(id)) {
        fail(node, 'widget/bad-id', { widget: entry.name, id });
        return;
      }
      if (instances.has(id)) fail(node, 'widget/duplicate-id', { id });
      const { notices } = applyInput(entry.schema, defaults(entry.schema.params), props);
      if (notices.length > 0) {
        const problems = notices.map((n) => n.message);
        fail(node, 'widget/bad-prop', { kind: 'invalid', widget: entry.name, id, problems, params: Object.keys(entry.schema.params), slug: entry.slug });
      }
      instances.set(id, entry);
      node.name = 'Island';
      node.attributes = [{ type: 'mdxJsxAttribute', name: 'widget', value: entry.slug }, ...node.attributes];
    });

    for (const node of links) {
      const to = node.attributes.find((a) => a.name === 'to');
      const set = node.attributes.find((a) => a.name === 'set');
      const target = typeof to?.value === 'string' ? to.value : undefined;
      const entry = target ? instances.get(target) : undefined;
      if (!target || !entry) {
        fail(node, 'statelink/unknown-target', { target, ids: [...instances.keys()] });
        return;
      }
      let values: unknown = {};
      try {
        values = set ? attrValue(set) : {};
      } catch {
        fail(node, 'statelink/bad-set', { kind: 'not-literal' });
      }
      if (typeof values !== 'object' || values === null) fail(node, 'statelink/bad-set', { kind: 'not-object' });
      const { values: full, notices } = applyInput(entry.schema, defaults(entry.schema.params), Object.entries(values as object));
      if (notices.length > 0) fail(node, 'statelink/bad-set', { kind: 'invalid', target, problems: notices.map((n) => n.message), slug: entry.slug });
      const query = writeQuery(entry.schema.params, full, '', `${target}.`);
      node.attributes = [
        { type: 'mdxJsxAttribute', name: 'to', value: target },
        { type: 'mdxJsxAttribute', name: 'values', value: JSON.stringify(values) },
        { type: 'mdxJsxAttribute', name: 'query', value: query },
      ];
    }
  };
}

/** Names lessons may use as tags: every widget plus StateLink (for docs and tests). */
export const widgetTagNames = [...widgets.map((w) => w.name), 'StateLink'];
