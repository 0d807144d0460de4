import { describe, expect, it } from 'vitest';
import { evaluateGraph, ExpressionError, parseExpression } from '../../../src/math/index.ts';
import { report, Rng } from './_support.ts';

const value = (src: string, env: Record<string, number> = {}): number => evaluateGraph(parseExpression(src), env).value;

/** Runs f, expects an ExpressionError, and returns it. */
function failure(f: () => unknown): ExpressionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('parseExpression: grammar', () => {
  it('precedence and associativity', () => {
    expect(value('-x^2', { x: 3 })).toBe(-9);
    expect(value('2^3^2')).toBe(512);
    expect(value('2^-1')).toBe(0.5);
    expect(value('-2^2')).toBe(-4);
    expect(value('(-2)^2')).toBe(4);
    expect(value('1 + 2 * 3')).toBe(7);
    expect(value('8 - 3 - 2')).toBe(3);
    expect(value('8 / 4 / 2')).toBe(1);
    expect(value('2 * -3')).toBe(-6);
    expect(value('--x', { x: 2 })).toBe(2);
    expect(value('-x*y', { x: 2, y: 3 })).toBe(-6);
    expect(value('2^3*2')).toBe(16);
  });

  it('number formats', () => {
    expect(value('3')).toBe(3);
    expect(value('3.5')).toBe(3.5);
    expect(value('.5')).toBe(0.5);
    expect(value('1e-3')).toBe(0.001);
    expect(value('2E+2')).toBe(200);
    expect(value('1e-999')).toBe(0); // underflow is a finite literal
  });

  it('functions', () => {
    const env = { x: 0.7 };
    expect(value('relu(x) + relu(-x)', env)).toBeCloseTo(0.7, 15);
    expect(value('sigmoid(x)', env)).toBeCloseTo(1 / (1 + Math.exp(-0.7)), 15);
    expect(value('tanh(x)', env)).toBeCloseTo(Math.tanh(0.7), 15);
    expect(value('exp(log(x))', env)).toBeCloseTo(0.7, 15);
    expect(value('sqrt(x)^2', env)).toBeCloseTo(0.7, 15);
    expect(value('sin(x)^2 + cos(x)^2', env)).toBeCloseTo(1, 15);
    expect(value('abs(-x)', env)).toBe(0.7);
    expect(value('sigmoid(-800)')).toBe(0); // no overflow inside the stable form
  });

  it('the graph is a DAG in topological order with one leaf per variable', () => {
    const g = parseExpression('x*x + y');
    expect(g.variables).toEqual(['x', 'y']);
    expect(g.nodes.filter((n) => n.kind === 'variable').length).toBe(2);
    g.nodes.forEach((n, i) => {
      expect(n.id).toBe(i);
      for (const j of n.inputs) expect(j).toBeLessThan(i);
    });
    expect(g.root).toBe(g.nodes.length - 1);
  });
});

describe('parseExpression: errors carry the offending position', () => {
  const cases: [string, number, RegExp][] = [
    ['2x', 1, /implicit multiplication/],
    ['2 (x)', 2, /missing operator/],
    ['1e999', 0, /out of range/],
    ['foo(1)', 0, /unknown function 'foo'/],
    ['x +', 3, /end of input/],
    ['(x', 2, /missing '\)'/],
    ['x)', 1, /unmatched/],
    ['', 0, /empty/],
    ['   ', 3, /empty/],
    ['exp', 3, /must be followed by '\('/],
    ['sin(x, y)', 5, /one argument/],
    ['x $ y', 2, /unexpected '\$'/],
    ['+x', 0, /unary plus/],
    ['.', 0, /digit/],
    ['3 * * 4', 4, /unexpected '\*'/],
    ['x ^', 3, /end of input/],
  ];
  for (const [src, pos, msg] of cases) {
    it(`${JSON.stringify(src)} → position ${pos}`, () => {
      const e = failure(() => parseExpression(src));
      expect(e.position).toBe(pos);
      expect(e.message).toMatch(msg);
    });
  }

  it('non-string input is an ExpressionError too', () => {
    expect(failure(() => parseExpression(42 as unknown as string)).position).toBe(0);
  });

  it('nesting: 1000 levels parse, 1001 is an ExpressionError, 100 000 never overflows the stack', () => {
    expect(value('('.repeat(1000) + 'x' + ')'.repeat(1000), { x: 2 })).toBe(2);
    expect(value('-'.repeat(1000) + 'x', { x: 2 })).toBe(2);
    const e = failure(() => parseExpression('('.repeat(1001) + 'x' + ')'.repeat(1001)));
    expect(e.message).toMatch(/nesting/);
    expect(e.position).toBe(1000);
    for (const src of [
      '('.repeat(100000),
      '-'.repeat(100000) + 'x',
      'sin('.repeat(50000) + 'x' + ')'.repeat(50000),
      '2^'.repeat(100000) + '2',
    ]) {
      expect(failure(() => parseExpression(src)).message).toMatch(/nesting/);
    }
  });

  it('long flat expressions are linear-time and evaluate without recursion', () => {
    const src = Array.from({ length: 20000 }, (_, i) => `x*${i % 7}`).join(' + ');
    const t0 = performance.now();
    const r = evaluateGraph(parseExpression(src), { x: 1 });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.gradients.x).toBe(Array.from({ length: 20000 }, (_, i) => i % 7).reduce((a, b) => a + b, 0));
  });
});

describe('evaluateGraph: domain errors and variables', () => {
  const cases: [string, Record<string, number>, number, RegExp][] = [
    ['1 + log(x)', { x: 0 }, 4, /log/],
    ['log(-1)', {}, 0, /log/],
    ['2 * sqrt(x - 3)', { x: 1 }, 4, /sqrt/],
    ['x / (y - y)', { x: 1, y: 2 }, 2, /division by zero/],
    ['exp(x)', { x: 1000 }, 0, /overflow in exp/],
    ['x * 1e300 * 1e300', { x: 1 }, 10, /overflow in '\*'/],
    ['(-8)^(1/3)', {}, 4, /negative base/],
    ['0^(-1)', {}, 1, /0 to a negative power/],
    ['x + y', { x: 1 }, 4, /unknown variable 'y'/],
    ['constructor', {}, 0, /unknown variable 'constructor'/],
    ['toString + 1', {}, 0, /unknown variable 'toString'/],
    ['x', { x: NaN }, 0, /finite/],
    ['sqrt(x)', { x: 0 }, 0, /sqrt has an infinite derivative/],
    ['x^0.5', { x: 0 }, 1, /derivative of '\^'/],
    ['(-2)^x', { x: 2 }, 4, /exponent/],
  ];
  for (const [src, env, pos, msg] of cases) {
    it(`${src} with ${JSON.stringify(env)} → ${msg} at ${pos}`, () => {
      const e = failure(() => evaluateGraph(parseExpression(src), env));
      expect(e.position).toBe(pos);
      expect(e.message).toMatch(msg);
    });
  }

  it('a constant subexpression with an infinite derivative is not an error', () => {
    const r = evaluateGraph(parseExpression('sqrt(0) * x + 0^0.5'), { x: 3 });
    expect(r.value).toBe(0);
    expect(r.gradients).toEqual({ x: 0 });
  });

  it('variables are own properties of env only, and __proto__ is an ordinary name', () => {
    const inherited = Object.create({ x: 1 }) as Record<string, number>;
    expect(failure(() => evaluateGraph(parseExpression('x'), inherited)).message).toMatch(/unknown variable 'x'/);
    const env: Record<string, number> = {};
    Object.defineProperty(env, '__proto__', { value: 3, enumerable: true });
    const r = evaluateGraph(parseExpression('__proto__ * 2'), env);
    expect(r.value).toBe(6);
    expect(Object.prototype.hasOwnProperty.call(r.gradients, '__proto__')).toBe(true);
    expect(r.gradients['__proto__']).toBe(2);
  });

  it('garbage graphs and env are ExpressionErrors, never another exception type', () => {
    const g = parseExpression('x + 1');
    for (const bad of [null, {}, { nodes: [], root: 0 }, { nodes: [{ id: 0, inputs: [3] }], root: 0 }, 'x']) {
      failure(() => evaluateGraph(bad as never, { x: 1 }));
    }
    failure(() => evaluateGraph(g, null as never));
  });
});

describe('evaluateGraph: gradients and trace', () => {
  it('gradients of x*x + y: 2x and 1; the trace has forward steps, then backward steps in reverse order', () => {
    const g = parseExpression('x*x + y');
    const r = evaluateGraph(g, { x: 3, y: 1 });
    expect(r.value).toBe(10);
    expect(r.gradients).toEqual({ x: 6, y: 1 });
    const fwd = r.trace.filter((s) => s.phase === 'forward');
    const bwd = r.trace.filter((s) => s.phase === 'backward');
    expect(r.trace.slice(0, fwd.length)).toEqual(fwd);
    expect(fwd.map((s) => s.node)).toEqual(g.nodes.map((n) => n.id));
    // every edge once; parents in decreasing id order; the x leaf accumulates 3 + 3
    expect(bwd.length).toBe(4);
    const froms = bwd.map((s) => (s.phase === 'backward' ? s.edge.from : -1));
    expect([...froms].sort((a, b) => b - a)).toEqual(froms);
    const xSteps = bwd.filter((s) => s.phase === 'backward' && s.edge.to === 0);
    expect(xSteps.map((s) => (s.phase === 'backward' ? s.adjoint : 0))).toEqual([3, 6]);
  });

  it('random expressions: gradients agree with Richardson-extrapolated central differences', () => {
    const rng = new Rng(99);
    const VARS = ['x', 'y', 'z'];
    const FNS = ['relu', 'sigmoid', 'tanh', 'exp', 'log', 'sqrt', 'sin', 'cos', 'abs'];
    const gen = (d: number): string => {
      const r = rng.uniform();
      if (d <= 0 || r < 0.2) {
        if (rng.uniform() < 0.6) return VARS[rng.int(3)];
        return ['2', '0.5', '.25', '1.5e0', '3'][rng.int(5)];
      }
      if (r < 0.6) {
        const op = ['+', '-', '*', '/'][rng.int(4)];
        return `(${gen(d - 1)} ${op} ${gen(d - 1)})`;
      }
      if (r < 0.7) return `(${gen(d - 1)})^${['2', '3'][rng.int(2)]}`;
      if (r < 0.75) return `exp(${gen(d - 2)})^(${gen(d - 2)})`;
      if (r < 0.85) return `-${gen(d - 1)}`;
      return `${FNS[rng.int(FNS.length)]}(${gen(d - 1)})`;
    };
    let checked = 0;
    let worst = 0;
    for (let trial = 0; trial < 600 && checked < 250; trial++) {
      const src = gen(4);
      const g = parseExpression(src);
      const env: Record<string, number> = { x: 2 * rng.uniform() - 1, y: 2 * rng.uniform() + 0.1, z: 3 * rng.uniform() - 1.5 };
      let r;
      try {
        r = evaluateGraph(g, env);
      } catch (e) {
        expect(e).toBeInstanceOf(ExpressionError); // a domain error at this point: skip it
        continue;
      }
      if (Math.abs(r.value) > 1e6) continue;
      let ok = true;
      for (const v of g.variables) {
        const at = (h: number) => {
          const plus = evaluateGraph(g, { ...env, [v]: env[v] + h }).value;
          const minus = evaluateGraph(g, { ...env, [v]: env[v] - h }).value;
          return (plus - minus) / (2 * h);
        };
        let d1: number;
        let d2: number;
        try {
          d1 = at(1e-3);
          d2 = at(5e-4);
        } catch {
          ok = false;
          break;
        }
        const rich = (4 * d2 - d1) / 3; // cancels the h² term of the central difference
        if (Math.abs(d1 - d2) > 1e-2 * (1 + Math.abs(d2))) {
          ok = false; // a kink (relu/abs) or a near-singularity inside the stencil: not smooth here
          break;
        }
        const err = Math.abs(rich - r.gradients[v]) / (1 + Math.abs(r.gradients[v]));
        worst = Math.max(worst, err);
        expect(err, `${src} d/d${v} at ${JSON.stringify(env)}`).toBeLessThan(1e-6);
      }
      if (ok) checked++;
    }
    expect(checked).toBeGreaterThan(150);
    report('expression gradients vs finite differences (rel)', worst);
  });

  it('fuzzed garbage strings either parse or throw ExpressionError with a position in range', () => {
    const rng = new Rng(4711);
    const alphabet = ['x', 'y', '1', '2', '.', 'e', 'E', '+', '-', '*', '/', '^', '(', ')', ' ', ',', 'sin', 'log', 'exp', 'q', '_', '9', '$', '\u00e9', '\n', '1e999', 'sqrt'];
    let parsed = 0;
    for (let t = 0; t < 4000; t++) {
      const len = 1 + rng.int(24);
      let s = '';
      for (let i = 0; i < len; i++) s += rng.uniform() < 0.05 ? String.fromCharCode(rng.int(0x3000)) : alphabet[rng.int(alphabet.length)];
      try {
        const g = parseExpression(s);
        parsed++;
        try {
          const r = evaluateGraph(g, { x: 0.3, y: -1.2, q: 2, _: 1 });
          expect(Number.isFinite(r.value)).toBe(true);
          for (const v of Object.values(r.gradients)) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(ExpressionError);
          const p = (e as ExpressionError).position;
          expect(Number.isInteger(p) && p >= 0 && p <= s.length).toBe(true);
        }
      } catch (e) {
        expect(e, JSON.stringify(s)).toBeInstanceOf(ExpressionError);
        const p = (e as ExpressionError).position;
        expect(Number.isInteger(p) && p >= 0 && p <= s.length, `${JSON.stringify(s)} → ${p}`).toBe(true);
      }
    }
    expect(parsed).toBeGreaterThan(50);
  });
});
