/**
 * The text forms of the backprop stepper's parameters, checked strictly: the expression (parsed by
 * src/math parseExpression) and the variables `name=value,…`. Pure; used by the params table (so a
 * bad value in a URL is a notice and in a lesson a build error) and by the model.
 */
import { ExpressionError, parseExpression, type Graph } from '../../src/math/index.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that read as values, not inputs: a figure labelled "NaN = 1" would look broken. */
const RESERVED = new Set(['NaN', 'Infinity', 'undefined', 'null']);
/** Most nodes a graph may have (the layout stays readable, the stepper fast). */
export const MAX_NODES = 120;

/** The graph, or the parse error with its position. */
export function tryParse(src: string): { graph: Graph } | { error: string; position: number } {
  try {
    const graph = parseExpression(src);
    const reserved = graph.nodes.find((n) => n.kind === 'variable' && RESERVED.has(n.name));
    if (reserved) return { error: `"${reserved.label}" cannot be a variable name (it reads as a value, not an input)`, position: reserved.position };
    if (graph.nodes.length > MAX_NODES) return { error: `the expression has ${graph.nodes.length} nodes, more than ${MAX_NODES}`, position: 0 };
    return { graph };
  } catch (e) {
    if (e instanceof ExpressionError) return { error: e.message, position: e.position };
    return { error: String((e as Error)?.message ?? e), position: 0 };
  }
}

/** For the params table: null when the expression parses, else why not. */
export function checkExpression(src: string): string | null {
  const r = tryParse(src);
  return 'error' in r ? `"${src.length > 40 ? `${src.slice(0, 40)}…` : src}" is not a valid expression: ${r.error}` : null;
}

/** `x=1.5, w=-2` → { x: 1.5, w: -2 }, or the first problem. */
export function parseVars(text: string): { vars: Record<string, number> } | { error: string } {
  const vars: Record<string, number> = Object.create(null);
  const t = text.trim();
  if (t === '') return { vars };
  for (const [i, part] of t.split(',').entries()) {
    const m = /^\s*([^=\s]*)\s*=\s*(\S*)\s*$/.exec(part);
    if (!m) return { error: `entry ${i + 1} ("${part.trim()}") is not name=value` };
    const [, name, raw] = m;
    if (!NAME.test(name) || RESERVED.has(name)) return { error: `entry ${i + 1}: "${name}" is not a variable name` };
    if (!NUMBER.test(raw) || !Number.isFinite(Number(raw))) return { error: `entry ${i + 1}: the value of ${name} ("${raw}") is not a finite number` };
    if (Object.prototype.hasOwnProperty.call(vars, name)) return { error: `${name} is given twice` };
    vars[name] = Number(raw);
  }
  return { vars };
}

/** For the params table: null when the variables parse, else why not. */
export function checkVars(text: string): string | null {
  const r = parseVars(text);
  return 'error' in r ? r.error : null;
}

/** Values back to text, in the given order (3 significant digits are not enough for a URL: keep the number as given). */
export function formatVars(vars: Record<string, number>, order: readonly string[]): string {
  return order.filter((n) => Object.prototype.hasOwnProperty.call(vars, n)).map((n) => `${n}=${vars[n]}`).join(',');
}
