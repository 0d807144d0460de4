/**
 * Reverse-mode automatic differentiation on a parsed expression graph (Linnainmaa 1970;
 * Rumelhart, Hinton & Williams 1986; Baydin et al. 2018 "Automatic differentiation in machine
 * learning: a survey", §3.2): one forward sweep in topological order, then one backward sweep in
 * reverse topological order that pushes each node's adjoint to its inputs, adjoint[child] +=
 * adjoint[node] · ∂node/∂child. The trace records both sweeps step by step for the widget.
 *
 * Only nodes that depend on a variable take part in the backward sweep: a constant subexpression
 * such as sqrt(0) in sqrt(0)·x has no adjoint to receive, so its (infinite) derivative is no error.
 * Conventions at kinks: relu'(0) = abs'(0) = 0 (a subgradient). Every value, local derivative and
 * adjoint is checked: a domain error or an overflow is an ExpressionError naming the operation and
 * its position, never a silent NaN or Infinity.
 */
import { ExpressionError } from './expression.ts';
import type { Graph, GraphNode } from './expression.ts';

export type TraceStep =
  | { phase: 'forward'; node: number; value: number }
  | {
      phase: 'backward';
      /** Edge from a node to one of its inputs (the adjoint flows parent → child). */
      edge: { from: number; to: number };
      /** ∂(from)/∂(to) at the forward values. */
      localDerivative: number;
      /** adjoint of `to` after adding this edge's contribution. */
      adjoint: number;
    };

export interface Evaluation {
  value: number;
  /** ∂value/∂v for every variable v of the expression. */
  gradients: Record<string, number>;
  trace: TraceStep[];
}

function opName(n: GraphNode): string {
  if (n.kind === 'binary') return `'${n.op}'`;
  if (n.kind === 'call') return n.fn;
  if (n.kind === 'negate') return 'unary minus';
  return n.label;
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Forward value of node n from its input values (domain errors thrown here). */
function forward(n: GraphNode, a: number, b: number): number {
  const at = n.position;
  if (n.kind === 'negate') return -a;
  if (n.kind === 'binary') {
    switch (n.op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) throw new ExpressionError(`division by zero in '/'`, at);
        return a / b;
      case '^': {
        const r = Math.pow(a, b);
        if (Number.isNaN(r)) {
          throw new ExpressionError(`'^' of a negative base (${a}) with a non-integer exponent (${b})`, at);
        }
        if (a === 0 && b < 0) throw new ExpressionError(`'^' of 0 to a negative power (division by zero)`, at);
        return r;
      }
    }
  }
  if (n.kind === 'call') {
    switch (n.fn) {
      case 'relu':
        return a > 0 ? a : 0;
      case 'sigmoid':
        return sigmoid(a);
      case 'tanh':
        return Math.tanh(a);
      case 'exp':
        return Math.exp(a);
      case 'log':
        if (!(a > 0)) throw new ExpressionError(`log of a value <= 0 (log(${a}))`, at);
        return Math.log(a);
      case 'sqrt':
        if (a < 0) throw new ExpressionError(`sqrt of a negative value (sqrt(${a}))`, at);
        return Math.sqrt(a);
      case 'sin':
        return Math.sin(a);
      case 'cos':
        return Math.cos(a);
      case 'abs':
        return Math.abs(a);
    }
  }
  throw new ExpressionError(`malformed graph node ${n.id}`, at);
}

/** ∂n/∂(input k) at input values a, b and output value y. */
function local(n: GraphNode, k: number, a: number, b: number, y: number): number {
  const at = n.position;
  if (n.kind === 'negate') return -1;
  if (n.kind === 'binary') {
    switch (n.op) {
      case '+':
        return 1;
      case '-':
        return k === 0 ? 1 : -1;
      case '*':
        return k === 0 ? b : a;
      case '/':
        return k === 0 ? 1 / b : -y / b;
      case '^':
        if (k === 0) return b === 0 ? 0 : b * Math.pow(a, b - 1);
        if (a > 0) return y * Math.log(a);
        if (a === 0 && b > 0) return 0;
        throw new ExpressionError(`'^' is not differentiable in its exponent at base ${a}`, at);
    }
  }
  if (n.kind === 'call') {
    switch (n.fn) {
      case 'relu':
        return a > 0 ? 1 : 0;
      case 'sigmoid':
        return y * (1 - y);
      case 'tanh':
        return 1 - y * y;
      case 'exp':
        return y;
      case 'log':
        return 1 / a;
      case 'sqrt':
        if (y === 0) throw new ExpressionError('sqrt has an infinite derivative at 0', at);
        return 0.5 / y;
      case 'sin':
        return Math.cos(a);
      case 'cos':
        return -Math.sin(a);
      case 'abs':
        return a > 0 ? 1 : a < 0 ? -1 : 0;
    }
  }
  throw new ExpressionError(`malformed graph node ${n.id}`, at);
}

function checkGraph(graph: unknown): Graph {
  const g = graph as Graph;
  const ok =
    g !== null &&
    typeof g === 'object' &&
    Array.isArray(g.nodes) &&
    g.nodes.length > 0 &&
    Number.isInteger(g.root) &&
    g.root >= 0 &&
    g.root < g.nodes.length &&
    g.nodes.every(
      (n, i) =>
        n !== null &&
        typeof n === 'object' &&
        n.id === i &&
        Array.isArray(n.inputs) &&
        n.inputs.every((j) => Number.isInteger(j) && j >= 0 && j < i),
    );
  if (!ok) throw new ExpressionError('evaluateGraph needs a graph returned by parseExpression', 0);
  return g;
}

/** Evaluates the graph at env and back-propagates d value / d variable. */
export function evaluateGraph(graph: Graph, env: Record<string, number>): Evaluation {
  try {
    return evaluate(checkGraph(graph), env);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    throw new ExpressionError(`cannot evaluate the expression (${(e as Error)?.message ?? String(e)})`, 0);
  }
}

function evaluate(g: Graph, env: Record<string, number>): Evaluation {
  if (env === null || typeof env !== 'object') {
    throw new ExpressionError('env must be an object mapping variable names to numbers', 0);
  }
  const nodes = g.nodes;
  const count = g.root + 1; // nodes after the root cannot influence it
  const values = new Float64Array(count);
  const active = new Uint8Array(count);
  const trace: TraceStep[] = [];
  for (let i = 0; i < count; i++) {
    const n = nodes[i];
    let y: number;
    if (n.kind === 'number') {
      y = n.value;
    } else if (n.kind === 'variable') {
      // Own properties only: 'constructor' or 'toString' must not resolve through the prototype.
      if (!Object.prototype.hasOwnProperty.call(env, n.name)) {
        throw new ExpressionError(`unknown variable '${n.name}'`, n.position);
      }
      const x = env[n.name];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new ExpressionError(`variable '${n.name}' must be a finite number, received ${String(x)}`, n.position);
      }
      y = x;
      active[i] = 1;
    } else {
      const a = values[n.inputs[0]];
      const b = n.inputs.length > 1 ? values[n.inputs[1] as number] : 0;
      y = forward(n, a, b);
      for (const j of n.inputs) active[i] |= active[j];
    }
    if (!Number.isFinite(y)) throw new ExpressionError(`overflow in ${opName(n)}: the value is not finite`, n.position);
    values[i] = y;
    trace.push({ phase: 'forward', node: i, value: y });
  }

  const adjoint = new Float64Array(count);
  adjoint[g.root] = 1;
  for (let i = g.root; i >= 0; i--) {
    const n = nodes[i];
    if (!active[i] || n.inputs.length === 0) continue;
    const a = values[n.inputs[0]];
    const b = n.inputs.length > 1 ? values[n.inputs[1] as number] : 0;
    for (let k = 0; k < n.inputs.length; k++) {
      const j = n.inputs[k] as number;
      if (!active[j]) continue;
      const d = local(n, k, a, b, values[i]);
      if (!Number.isFinite(d)) {
        throw new ExpressionError(`the derivative of ${opName(n)} is not finite here`, n.position);
      }
      adjoint[j] += adjoint[i] * d;
      if (!Number.isFinite(adjoint[j])) {
        throw new ExpressionError(`gradient overflow while back-propagating through ${opName(n)}`, n.position);
      }
      trace.push({ phase: 'backward', edge: { from: i, to: j }, localDerivative: d, adjoint: adjoint[j] });
    }
  }

  const gradients: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const n = nodes[i];
    if (n.kind === 'variable') {
      // defineProperty: a variable named __proto__ must become an own key, not the prototype.
      Object.defineProperty(gradients, n.name, { value: adjoint[i], enumerable: true, writable: true, configurable: true });
    }
  }
  return { value: values[g.root], gradients, trace };
}
