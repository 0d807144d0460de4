/**
 * The backprop stepper's model, with no DOM: the graph of the expression (src/math
 * parseExpression), its forward and reverse-mode sweep (evaluateGraph's trace), the layout
 * (dagre, through the kit's layoutDag), what the figure shows after each step, the check against
 * central finite differences, and the operation counts of backprop against the naive chain rule.
 */
import { evaluateGraph, ExpressionError, type Evaluation, type Graph, type GraphNode } from '../../src/math/index.ts';
import { layoutDag, type DagEdge, type DagLayout, type DagNode } from '../ui/dag-layout.ts';
import type { Values } from '../core/params.ts';
import { params } from './params.ts';
import { parseVars, tryParse } from './syntax.ts';

export type BackpropValues = Values<typeof params>;

export interface Edge {
  /** `${input}>${node}:${slot}`: unique even when one node uses an input twice (x·x). */
  key: string;
  /** The input (child) and the node that uses it. */
  from: number;
  to: number;
}

export interface BackpropModel {
  graph: Graph;
  /** The value of every variable of the graph (1 for those `vars` leaves out). */
  env: Record<string, number>;
  /** Variables `vars` did not give (set to 1). */
  defaulted: string[];
  evaluation: Evaluation;
  edges: Edge[];
  /** For each backward trace step, the edge it runs along. */
  traceEdges: (Edge | null)[];
  /** Number of steps: one per node forward, one per differentiated edge backward. */
  steps: number;
  forwardSteps: number;
  layout: DagLayout;
  finiteDifferences: Record<string, number>;
  /** Multiplications of the reverse sweep: one per differentiated edge. */
  opsBackprop: number;
  /** Multiplications of the naive chain rule: each path from each variable to the output, one per edge, on its own. */
  opsNaive: number;
  /** Set when the values cannot be evaluated (log of a negative, …): the graph is drawn, the sweep is not. */
  error: string | null;
}

const OPS: Record<string, string> = { '+': '+', '-': '−', '*': '×', '/': '÷', '^': '^' };

/** The operation a node stands for, as its box's first line. */
export function nodeLabel(n: GraphNode): string {
  switch (n.kind) {
    case 'number':
      return fmt(n.value);
    case 'variable':
      return n.name;
    case 'negate':
      return '−';
    case 'binary':
      return OPS[n.op];
    case 'call':
      return n.fn;
  }
}

/** Three significant digits, no exponent for everyday sizes, a real minus sign. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1e5 || a < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(3)));
  return s.replace('-', '−');
}

function edgesOf(graph: Graph): Edge[] {
  const out: Edge[] = [];
  for (const n of graph.nodes) n.inputs.forEach((input, slot) => out.push({ key: `${input}>${n.id}:${slot}`, from: input, to: n.id }));
  return out;
}

/** Paths from each node to the output (count and total number of edges), by dynamic programming over the DAG. */
function pathStats(graph: Graph, edges: readonly Edge[]): { count: Float64Array; length: Float64Array } {
  const count = new Float64Array(graph.nodes.length);
  const length = new Float64Array(graph.nodes.length);
  count[graph.root] = 1;
  const users = graph.nodes.map(() => [] as number[]);
  for (const e of edges) users[e.from].push(e.to);
  for (let id = graph.nodes.length - 1; id >= 0; id--) {
    if (id === graph.root) continue;
    for (const u of users[id]) {
      count[id] += count[u];
      length[id] += length[u] + count[u];
    }
  }
  return { count, length };
}

/**
 * Naive chain-rule multiplications: every variable's derivative is the sum over its paths to the
 * output of the output's adjoint times the local derivative on each edge of the path, so each path
 * costs one multiplication per edge, evaluated on its own. (Backprop: one per edge in all.) On the
 * chapter's linear chain with L + 1 weights this is (L + 1)(L + 2)/2 against 2L + 1.
 */
export function naiveOps(graph: Graph, edges: readonly Edge[] = edgesOf(graph)): number {
  const { length } = pathStats(graph, edges);
  let ops = 0;
  for (const n of graph.nodes) if (n.kind === 'variable') ops += length[n.id];
  return ops;
}

function lineWidth(s: string): number {
  return 7 * [...s].length;
}

export function buildModel(v: BackpropValues): BackpropModel {
  const parsed = tryParse(v.expr);
  // The params table only lets valid expressions through; this guards direct use.
  const graph = 'graph' in parsed ? parsed.graph : (tryParse(params.expr.default) as { graph: Graph }).graph;
  const given = parseVars(v.vars);
  const vars = 'vars' in given ? given.vars : {};
  const env: Record<string, number> = Object.create(null);
  const defaulted: string[] = [];
  for (const name of graph.variables) {
    if (Object.prototype.hasOwnProperty.call(vars, name)) env[name] = vars[name];
    else {
      env[name] = 1;
      defaulted.push(name);
    }
  }
  let evaluation: Evaluation;
  let error: string | null = null;
  try {
    evaluation = evaluateGraph(graph, env);
  } catch (e) {
    error = e instanceof ExpressionError ? e.message : String((e as Error)?.message ?? e);
    evaluation = { value: Number.NaN, gradients: {}, trace: [] };
  }
  const edges = edgesOf(graph);
  const used = new Map<string, number>();
  const traceEdges = evaluation.trace.map((t) => {
    if (t.phase !== 'backward') return null;
    // The trace names an edge by (node, input); a node that uses an input twice has two such edges, in slot order.
    const pair = `${t.edge.to}>${t.edge.from}`;
    const k = used.get(pair) ?? 0;
    used.set(pair, k + 1);
    return edges.filter((e) => e.from === t.edge.to && e.to === t.edge.from)[k] ?? null;
  });
  const forwardSteps = evaluation.trace.filter((t) => t.phase === 'forward').length;
  // Box sizes from the longest line a node will ever show, so the layout does not move while stepping.
  const final = error ? null : describeNodes(graph, evaluation, evaluation.trace.length, traceEdges);
  const layout = layoutDag(
    graph.nodes.map((n) => {
      const lines = final?.get(n.id) ?? [nodeLabel(n)];
      return { id: String(n.id), width: Math.max(44, ...lines.map(lineWidth)) + 14, height: 16 + 13 * Math.max(2, lines.length) };
    }),
    edges.map((e) => ({ key: e.key, from: String(e.from), to: String(e.to) })),
  );
  return {
    graph,
    env,
    defaulted,
    evaluation,
    edges,
    traceEdges,
    steps: evaluation.trace.length,
    forwardSteps,
    layout,
    finiteDifferences: error ? {} : finiteDifferences(graph, env),
    opsBackprop: traceEdges.filter(Boolean).length,
    opsNaive: naiveOps(graph, edges),
    error,
  };
}

/** Central differences (f(x + h) − f(x − h)) / 2h with h = 1e-5 · max(1, |x|): error O(h²). */
export function finiteDifferences(graph: Graph, env: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of graph.variables) {
    const h = 1e-5 * Math.max(1, Math.abs(env[name]));
    try {
      const up = evaluateGraph(graph, { ...env, [name]: env[name] + h }).value;
      const down = evaluateGraph(graph, { ...env, [name]: env[name] - h }).value;
      out[name] = (up - down) / (2 * h);
    } catch {
      out[name] = Number.NaN; // the function is not defined on both sides
    }
  }
  return out;
}

/** Each node's lines after `step` steps: its operation, its value once computed, its adjoint (with the sum of fan-out contributions). */
function describeNodes(graph: Graph, ev: Evaluation, step: number, traceEdges: readonly (Edge | null)[]): Map<number, string[]> {
  const value = new Map<number, number>();
  const contributions = new Map<number, number[]>();
  const adjoint = new Map<number, number>();
  const forwardDone = ev.trace.filter((t) => t.phase === 'forward').length;
  for (let i = 0; i < Math.min(step, ev.trace.length); i++) {
    const t = ev.trace[i];
    if (t.phase === 'forward') value.set(t.node, t.value);
    else {
      const e = traceEdges[i];
      if (!e) continue;
      const list = contributions.get(e.from) ?? [];
      list.push(t.adjoint - (adjoint.get(e.from) ?? 0));
      contributions.set(e.from, list);
      adjoint.set(e.from, t.adjoint);
    }
  }
  if (step >= forwardDone && forwardDone > 0) adjoint.set(graph.root, 1);
  const out = new Map<number, string[]>();
  for (const n of graph.nodes) {
    const lines = [nodeLabel(n)];
    if (value.has(n.id) && n.kind !== 'number') lines.push(`= ${fmt(value.get(n.id)!)}`);
    if (adjoint.has(n.id)) {
      const parts = contributions.get(n.id) ?? [];
      lines.push(parts.length > 1 ? `∂ ${parts.map(fmt).join(' + ')}` : `∂ = ${fmt(adjoint.get(n.id)!)}`);
    }
    out.set(n.id, lines);
  }
  return out;
}

export interface StepView {
  /** The step shown (clamped to 0..steps). */
  step: number;
  nodes: DagNode[];
  edges: DagEdge[];
  /** One sentence: what the last step did (the live summary). */
  sentence: string;
  phase: 'start' | 'forward' | 'backward' | 'done';
}

function nodeName(n: GraphNode): string {
  return n.kind === 'variable' ? n.name : n.kind === 'number' ? `the constant ${fmt(n.value)}` : `node ${n.id} (${nodeLabel(n)})`;
}

/** What the figure shows after `step` steps. */
export function viewAt(m: BackpropModel, requested: number): StepView {
  const step = Math.max(0, Math.min(Math.round(requested) || 0, m.steps));
  const lines = m.error ? new Map(m.graph.nodes.map((n) => [n.id, [nodeLabel(n)]])) : describeNodes(m.graph, m.evaluation, step, m.traceEdges);
  const last = step > 0 ? m.evaluation.trace[step - 1] : null;
  const lastEdge = step > 0 ? m.traceEdges[step - 1] : null;
  const doneEdges = new Set(m.traceEdges.slice(0, step).filter((e): e is Edge => !!e).map((e) => e.key));
  const local = new Map<string, number>();
  m.evaluation.trace.slice(0, step).forEach((t, i) => {
    if (t.phase === 'backward' && m.traceEdges[i]) local.set(m.traceEdges[i]!.key, t.localDerivative);
  });
  const valueKnown = new Set(m.evaluation.trace.slice(0, step).filter((t) => t.phase === 'forward').map((t) => (t as { node: number }).node));
  const nodes: DagNode[] = m.graph.nodes.map((n) => {
    const p = m.layout.nodes.get(String(n.id))!;
    const current = last?.phase === 'forward' ? last.node === n.id : lastEdge?.from === n.id;
    const back = [...doneEdges].some((k) => k.startsWith(`${n.id}>`)) || (step > m.forwardSteps && n.id === m.graph.root);
    return { id: String(n.id), x: p.x, y: p.y, width: p.width, height: p.height, lines: lines.get(n.id) ?? [nodeLabel(n)], class: [valueKnown.has(n.id) ? 'iw-dag-done' : '', back ? 'iw-dag-back' : '', current ? 'iw-dag-current' : ''].join(' ').trim() };
  });
  const edges: DagEdge[] = m.edges.map((e) => ({
    key: e.key,
    points: m.layout.edges.get(e.key) ?? [],
    label: local.has(e.key) ? `×${fmt(local.get(e.key)!)}` : undefined,
    class: [doneEdges.has(e.key) ? 'iw-dag-back' : '', lastEdge?.key === e.key ? 'iw-dag-current' : ''].join(' ').trim(),
  }));
  return { step, nodes, edges, sentence: sentenceAt(m, step), phase: step === 0 ? 'start' : step >= m.steps ? 'done' : step <= m.forwardSteps ? 'forward' : 'backward' };
}

function sentenceAt(m: BackpropModel, step: number): string {
  if (m.error) return `The graph has ${m.graph.nodes.length} nodes, but it cannot be evaluated at these values: ${m.error}`;
  const g = m.graph;
  if (step === 0) return `Nothing evaluated yet: ${g.nodes.length} nodes and ${m.edges.length} edges. Step forward to evaluate the nodes from the inputs to the output.`;
  const trace = m.evaluation.trace;
  const t = trace[step - 1];
  const head = `Step ${step} of ${m.steps}`;
  let s: string;
  if (t.phase === 'forward') {
    const values = new Map<number, number>();
    for (const u of trace) if (u.phase === 'forward') values.set(u.node, u.value);
    const n = g.nodes[t.node];
    const arg = (k: number) => fmt(values.get(n.inputs[k] as number) ?? Number.NaN);
    let what: string;
    if (n.kind === 'variable') what = `the input ${n.name} = ${fmt(t.value)}`;
    else if (n.kind === 'number') what = nodeName(n);
    else if (n.kind === 'call') what = `${n.fn}(${arg(0)}) = ${fmt(t.value)}`;
    else if (n.kind === 'negate') what = `−(${arg(0)}) = ${fmt(t.value)}`;
    else what = `${arg(0)} ${OPS[n.op]} ${arg(1)} = ${fmt(t.value)}`;
    s = `${head}, forward: ${what}.`;
    if (step === m.forwardSteps) s += ` The output is ${fmt(m.evaluation.value)}; its adjoint is 1, and the backward pass starts.`;
  } else {
    const e = m.traceEdges[step - 1]!;
    const user = g.nodes[e.to];
    const input = g.nodes[e.from];
    const earlier = m.traceEdges.slice(m.forwardSteps, step - 1).filter((x) => x?.from === e.from).length;
    const target = input.kind === 'variable' ? `∂f/∂${input.name}` : `the adjoint of ${nodeName(input)}`;
    s = `${head}, backward along ${nodeName(input)} → ${nodeName(user)}: the local derivative is ${fmt(t.localDerivative)}, so ${target} ${earlier ? `gets a further contribution (fan-out) and is now` : 'is'} ${fmt(t.adjoint)}.`;
  }
  if (step >= m.steps) s += ` Done: ${g.variables.map((v) => `∂f/∂${v} = ${fmt(m.evaluation.gradients[v])}`).join(', ')}.`;
  return s;
}

/** The numbers the widget shows (window.infiniteWidth.readout; fields in README.md). */
export function readout(v: BackpropValues, m: BackpropModel, step: number): Record<string, unknown> {
  return {
    expr: v.expr,
    vars: m.env,
    step,
    steps: m.steps,
    value: m.evaluation.value,
    gradients: m.evaluation.gradients,
    finiteDifferences: m.finiteDifferences,
    nodes: m.graph.nodes.length,
    edges: m.edges.length,
    opsBackprop: m.opsBackprop,
    opsNaive: m.opsNaive,
    error: m.error,
  };
}
