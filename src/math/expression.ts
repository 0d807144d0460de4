/**
 * Parser for the backprop widget's expression language, producing a computation graph.
 *
 * Grammar (precedence climbing, Pratt 1973):
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | power
 *   power   := primary ('^' unary)?            right-associative, binds tighter than unary minus
 *   primary := number | identifier | function '(' expr ')' | '(' expr ')'
 * so −x^2 = −(x^2), 2^3^2 = 2^9, 2^-1 = 0.5. Numbers: 3, 3.5, 3., .5, 1e-3 (a literal that
 * overflows, like 1e999, is an error). No implicit multiplication. Each level of nesting (a
 * parenthesis, a function call, a unary minus, an exponent) costs one stack frame and is counted:
 * beyond MAX_DEPTH the parser stops with an ExpressionError instead of overflowing the stack, and
 * the work is linear in the input length, so it never hangs.
 *
 * The graph is a DAG in topological order (children before parents), with one leaf per distinct
 * variable so that a reused variable accumulates its adjoint from every use.
 */

export const FUNCTIONS = ['relu', 'sigmoid', 'tanh', 'exp', 'log', 'sqrt', 'sin', 'cos', 'abs'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export type BinaryOp = '+' | '-' | '*' | '/' | '^';

/** Maximum nesting depth (parentheses, calls, unary minus, exponents). */
export const MAX_DEPTH = 1000;

/** A parse or evaluation error with the 0-based offset of the offending character. */
export class ExpressionError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} (at position ${position})`);
    this.name = 'ExpressionError';
    this.position = position;
  }
}

export type GraphNode =
  | { id: number; kind: 'number'; value: number; inputs: []; position: number; label: string }
  | { id: number; kind: 'variable'; name: string; inputs: []; position: number; label: string }
  | { id: number; kind: 'negate'; inputs: [number]; position: number; label: string }
  | { id: number; kind: 'binary'; op: BinaryOp; inputs: [number, number]; position: number; label: string }
  | { id: number; kind: 'call'; fn: FunctionName; inputs: [number]; position: number; label: string };

export interface Graph {
  /** The parsed source text. */
  source: string;
  /** Nodes in topological order: every node's inputs have smaller ids. */
  nodes: GraphNode[];
  /** Id of the output node (the last node). */
  root: number;
  /** Distinct variable names in order of first appearance. */
  variables: string[];
}

/** A node before it has an id (Omit distributed over the union). */
type NodeInit = { [K in GraphNode['kind']]: Omit<Extract<GraphNode, { kind: K }>, 'id'> }[GraphNode['kind']];

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdPart = (c: number): boolean => isIdStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

const BINARY: Record<string, { lbp: number; rbp: number }> = {
  '+': { lbp: 10, rbp: 11 },
  '-': { lbp: 10, rbp: 11 },
  '*': { lbp: 20, rbp: 21 },
  '/': { lbp: 20, rbp: 21 },
  '^': { lbp: 30, rbp: 25 }, // right operand parsed as `unary`: allows 2^-1 and chains 2^3^2
};
const UNARY_BP = 25; // binds its operand tighter than * and /, looser than ^

class Parser {
  readonly src: string;
  pos = 0;
  depth = 0;
  nodes: GraphNode[] = [];
  vars = new Map<string, number>();

  constructor(src: string) {
    this.src = src;
  }

  skip(): void {
    while (this.pos < this.src.length && isSpace(this.src.charCodeAt(this.pos))) this.pos++;
  }

  fail(message: string, position = this.pos): never {
    throw new ExpressionError(message, position);
  }

  describe(position: number): string {
    if (position >= this.src.length) return 'end of input';
    return `'${this.src[position]}'`;
  }

  enter(position: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`, position);
  }

  add(node: NodeInit): number {
    const id = this.nodes.length;
    this.nodes.push({ ...node, id } as GraphNode);
    return id;
  }

  /** expr with binding power >= minBp. */
  parse(minBp: number): number {
    this.skip();
    let lhs = this.prefix();
    for (;;) {
      this.skip();
      const at = this.pos;
      if (at >= this.src.length) return lhs;
      const ch = this.src[at];
      const op = BINARY[ch];
      if (!op) {
        const c = this.src.charCodeAt(at);
        if (isDigit(c) || c === 46 || isIdStart(c) || ch === '(') {
          this.fail(`missing operator before ${this.describe(at)} (implicit multiplication is not allowed)`, at);
        }
        return lhs; // ')' or garbage: the caller decides
      }
      if (op.lbp < minBp) return lhs;
      this.pos++;
      if (ch === '^') this.enter(at);
      const rhs = this.parse(op.rbp);
      if (ch === '^') this.depth--;
      lhs = this.add({ kind: 'binary', op: ch as BinaryOp, inputs: [lhs, rhs], position: at, label: ch });
    }
  }

  prefix(): number {
    const at = this.pos;
    if (at >= this.src.length) this.fail('unexpected end of input: expected a number, variable, function or (', at);
    const c = this.src.charCodeAt(at);
    const ch = this.src[at];
    if (ch === '-') {
      this.pos++;
      this.enter(at);
      const arg = this.parse(UNARY_BP);
      this.depth--;
      return this.add({ kind: 'negate', inputs: [arg], position: at, label: '-' });
    }
    if (ch === '(') {
      this.pos++;
      this.enter(at);
      const inner = this.parse(0);
      this.close(at);
      this.depth--;
      return inner;
    }
    if (isDigit(c) || ch === '.') return this.number();
    if (isIdStart(c)) return this.identifier();
    if (ch === '+') this.fail("unexpected '+': unary plus is not part of the grammar", at);
    return this.fail(`unexpected ${this.describe(at)}: expected a number, variable, function or (`, at);
  }

  close(openAt: number): void {
    this.skip();
    if (this.src[this.pos] === ')') {
      this.pos++;
      return;
    }
    if (this.src[this.pos] === ',') this.fail("functions take exactly one argument: unexpected ','");
    if (this.pos >= this.src.length) this.fail(`missing ')' to close the '(' at position ${openAt}`);
    this.fail(`unexpected ${this.describe(this.pos)}: expected ')' or an operator`);
  }

  number(): number {
    const s = this.src;
    const start = this.pos;
    let p = start;
    while (p < s.length && isDigit(s.charCodeAt(p))) p++;
    let digits = p - start;
    if (s[p] === '.') {
      p++;
      const f = p;
      while (p < s.length && isDigit(s.charCodeAt(p))) p++;
      digits += p - f;
    }
    if (digits === 0) this.fail("a number needs at least one digit: unexpected '.'", start);
    if (s[p] === 'e' || s[p] === 'E') {
      let q = p + 1;
      if (s[q] === '+' || s[q] === '-') q++;
      if (q < s.length && isDigit(s.charCodeAt(q))) {
        while (q < s.length && isDigit(s.charCodeAt(q))) q++;
        p = q;
      }
    }
    const text = s.slice(start, p);
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail(`number ${text} is out of range (overflows to Infinity)`, start);
    this.pos = p;
    return this.add({ kind: 'number', value, inputs: [], position: start, label: text });
  }

  identifier(): number {
    const s = this.src;
    const start = this.pos;
    let p = start + 1;
    while (p < s.length && isIdPart(s.charCodeAt(p))) p++;
    const name = s.slice(start, p);
    this.pos = p;
    this.skip();
    const isFn = (FUNCTIONS as readonly string[]).includes(name);
    if (s[this.pos] === '(') {
      if (!isFn) this.fail(`unknown function '${name}' (known: ${FUNCTIONS.join(', ')})`, start);
      const open = this.pos;
      this.pos++;
      this.enter(start);
      const arg = this.parse(0);
      this.close(open);
      this.depth--;
      return this.add({ kind: 'call', fn: name as FunctionName, inputs: [arg], position: start, label: name });
    }
    if (isFn) this.fail(`function '${name}' must be followed by '('`, this.pos);
    this.pos = p; // let the operator loop see (and report) what follows
    const known = this.vars.get(name);
    if (known !== undefined) return known;
    const id = this.add({ kind: 'variable', name, inputs: [], position: start, label: name });
    this.vars.set(name, id);
    return id;
  }
}

/** Parses `src` into a computation graph; any problem is an ExpressionError with its position. */
export function parseExpression(src: string): Graph {
  if (typeof src !== 'string') throw new ExpressionError('the expression must be a string', 0);
  const p = new Parser(src);
  try {
    p.skip();
    if (p.pos >= src.length) p.fail('empty expression', p.pos);
    const root = p.parse(0);
    p.skip();
    if (p.pos < src.length) {
      const ch = src[p.pos];
      if (ch === ')') p.fail("unmatched ')'");
      p.fail(`unexpected ${p.describe(p.pos)}`);
    }
    return { source: src, nodes: p.nodes, root, variables: [...p.vars.keys()] };
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    // Safety net: nothing but ExpressionError may escape (e.g. an engine with a tiny stack).
    throw new ExpressionError(`cannot parse the expression (${(e as Error)?.message ?? String(e)})`, p.pos);
  }
}
