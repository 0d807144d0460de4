/**
 * Layered layout of a directed acyclic graph (a computational graph: inputs left, output right)
 * with dagre (@dagrejs/dagre, the maintained fork of dagre: Sugiyama-style ranking, crossing
 * reduction, coordinate assignment). Imported only by widgets that draw a graph, so only their
 * chunk carries it. Pure and Node-safe: the server renders the laid-out graph too.
 */
import dagre from '@dagrejs/dagre';

export interface DagNodeIn {
  id: string;
  width: number;
  height: number;
}

export interface DagEdgeIn {
  /** A unique key (two edges may join the same nodes, as in x·x). */
  key: string;
  from: string;
  to: string;
}

export interface DagPoint {
  x: number;
  y: number;
}

export interface DagLayout {
  /** Node centres and sizes. */
  nodes: Map<string, { x: number; y: number; width: number; height: number }>;
  /** Each edge's polyline, from the source's border to the target's. */
  edges: Map<string, DagPoint[]>;
  width: number;
  height: number;
  /** Milliseconds dagre took. */
  ms: number;
}

export interface DagOptions {
  /** Direction of the ranks: left to right (default) or top to bottom. */
  rankdir?: 'LR' | 'TB';
  /** Gap between nodes of one rank, and between ranks. */
  nodesep?: number;
  ranksep?: number;
  margin?: number;
}

export function layoutDag(nodes: readonly DagNodeIn[], edges: readonly DagEdgeIn[], options: DagOptions = {}): DagLayout {
  const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const g = new dagre.graphlib.Graph({ multigraph: true });
  const margin = options.margin ?? 8;
  g.setGraph({ rankdir: options.rankdir ?? 'LR', nodesep: options.nodesep ?? 18, ranksep: options.ranksep ?? 42, marginx: margin, marginy: margin });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.from, e.to, {}, e.key);
  dagre.layout(g);
  const outNodes = new Map<string, { x: number; y: number; width: number; height: number }>();
  for (const n of nodes) {
    const v = g.node(n.id);
    outNodes.set(n.id, { x: v.x, y: v.y, width: n.width, height: n.height });
  }
  const outEdges = new Map<string, DagPoint[]>();
  for (const e of edges) {
    const v = g.edge({ v: e.from, w: e.to, name: e.key }) as { points?: DagPoint[] } | undefined;
    outEdges.set(e.key, (v?.points ?? []).map((p) => ({ x: p.x, y: p.y })));
  }
  const gl = g.graph() as { width?: number; height?: number };
  const t1 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  return { nodes: outNodes, edges: outEdges, width: Math.max(1, gl.width ?? 1), height: Math.max(1, gl.height ?? 1), ms: t1 - t0 };
}

/** A node as the Dag layer draws it. */
export interface DagNode {
  id: string;
  /** Centre and size, in layout units. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** First line (the operation or the name), then up to two more. */
  lines: readonly string[];
  class?: string;
}
/** An edge as the Dag layer draws it. */
export interface DagEdge {
  key: string;
  points: readonly { x: number; y: number }[];
  label?: string;
  class?: string;
}