import { describe, it, expect } from 'vitest';
import { applyInput, coerce, defaults } from '../../../widgets/core/params.ts';
import { END, params, presets, schema } from '../../../widgets/backprop/params.ts';
import { buildModel, naiveOps, viewAt, type BackpropValues } from '../../../widgets/backprop/model.ts';
import { checkExpression, checkVars, parseVars, tryParse } from '../../../widgets/backprop/syntax.ts';
import { parseExpression } from '../../../src/math/index.ts';

const base = defaults(params) as BackpropValues;
const withPreset = (name: keyof typeof presets) => applyInput(schema, base, [['preset', name]]).values as BackpropValues;

/** w_k·(…(w_2·(w_1·x))): the chapter's linear chain of k multiplications. */
const chain = (k: number) => Array.from({ length: k }, (_, i) => `w${k - i}*(`).join('') + 'x' + ')'.repeat(k);

describe('backprop stepper model', () => {
  for (const name of Object.keys(presets) as (keyof typeof presets)[]) {
    it(`preset ${name}: one step per node forward and per edge backward; gradients match central differences to 1e-6`, () => {
      const m = buildModel(withPreset(name));
      expect(m.error).toBeNull();
      expect(m.forwardSteps).toBe(m.graph.nodes.length);
      expect(m.steps).toBe(m.forwardSteps + m.opsBackprop);
      expect(m.traceEdges.slice(m.forwardSteps).every((e) => e !== null)).toBe(true);
      for (const v of m.graph.variables) {
        const g = m.evaluation.gradients[v];
        const fd = m.finiteDifferences[v];
        expect(Math.abs(g - fd) / Math.max(1, Math.abs(g)), v).toBeLessThan(1e-6);
      }
      // The end of the stepper shows the sweep's own numbers, and the summary names every gradient.
      const end = viewAt(m, END);
      expect(end.step).toBe(m.steps);
      expect(end.phase).toBe('done');
      for (const v of m.graph.variables) expect(end.sentence).toContain(`∂f/∂${v} =`);
    });
  }

  it('steps: nothing at 0, every value after the forward pass, adjoints only going backward; out-of-range steps clamp', () => {
    const m = buildModel(withPreset('logistic'));
    const start = viewAt(m, 0);
    expect(start.phase).toBe('start');
    expect(start.nodes.every((n) => n.lines.length === 1)).toBe(true);
    const fwd = viewAt(m, m.forwardSteps);
    expect(fwd.nodes.filter((n) => n.lines.some((l) => l.startsWith('='))).length).toBe(m.graph.nodes.filter((n) => n.kind !== 'number').length);
    expect(fwd.nodes.filter((n) => n.lines.some((l) => l.startsWith('∂'))).map((n) => n.id)).toEqual([String(m.graph.root)]);
    expect(fwd.sentence).toMatch(/backward pass starts/);
    const one = viewAt(m, m.forwardSteps + 1);
    expect(one.edges.filter((e) => e.label).length).toBe(1);
    expect(one.sentence).toMatch(/backward along .* local derivative/);
    expect(viewAt(m, -5).step).toBe(0);
    expect(viewAt(m, 1e9).step).toBe(m.steps);
  });

  it('fan-out: a variable used twice shows the two contributions, and they sum to its gradient', () => {
    const m = buildModel(withPreset('fanout'));
    const x = m.graph.nodes.find((n) => n.kind === 'variable' && n.name === 'x')!;
    const lines = viewAt(m, END).nodes.find((n) => n.id === String(x.id))!.lines;
    const sum = lines.find((l) => l.startsWith('∂'))!;
    expect(sum).toMatch(/^∂ .+ \+ .+$/);
    // x·y + sin(x) at x = 1.2, y = 0.5: ∂/∂x = y + cos x.
    expect(m.evaluation.gradients.x).toBeCloseTo(0.5 + Math.cos(1.2), 12);
    const parts = sum.slice(2).split(' + ').map((s) => Number(s.replace('−', '-')));
    expect(parts[0] + parts[1]).toBeCloseTo(m.evaluation.gradients.x, 2);
  });

  it('counts multiplications as the chapter does: on the linear chain with L + 1 weights, 2L + 1 by backprop and (L + 1)(L + 2)/2 by the naive chain rule', () => {
    // ŷ = w_{L+1}·(…(w_2·(w_1·x))) with x a constant (the chapter differentiates the weights only).
    const chainConst = (k: number) => Array.from({ length: k }, (_, i) => `w${k - i}*(`).join('') + '1.5' + ')'.repeat(k);
    for (let L = 0; L <= 9; L++) {
      const m = buildModel({ ...base, expr: chainConst(L + 1), vars: '' });
      expect(m.opsBackprop, `L = ${L}`).toBe(2 * L + 1);
      expect(m.opsNaive, `L = ${L}`).toBe(((L + 1) * (L + 2)) / 2);
    }
    // With x a variable too, its own path adds L + 1 naive multiplications and one backward edge.
    for (let k = 1; k <= 8; k++) {
      const m = buildModel({ ...base, expr: chain(k), vars: '' });
      expect(m.opsBackprop).toBe(2 * k);
      expect(naiveOps(parseExpression(chain(k)))).toBe((k * (k + 3)) / 2);
    }
    // Paths multiply with fan-out: x used at each of 8 leaves, each 3 edges from the output.
    expect(naiveOps(parseExpression('((x*x)*(x*x))*((x*x)*(x*x))'))).toBe(8 * 3);
  });

  it('variables not given are 1; a value that cannot be evaluated is reported, never thrown', () => {
    const m = buildModel({ ...base, expr: 'a*b + c', vars: 'a=2' });
    expect(m.env).toEqual({ a: 2, b: 1, c: 1 });
    expect(m.defaulted).toEqual(['b', 'c']);
    const bad = buildModel({ ...base, expr: 'log(x)', vars: 'x=-1' });
    expect(bad.error).toMatch(/log/);
    expect(viewAt(bad, END).sentence).toMatch(/cannot be evaluated/);
  });

  it('lays out a 60-node graph with no two boxes overlapping, inputs to the left of the output', () => {
    const terms = Array.from({ length: 10 }, (_, i) => `sigmoid(a${i}*x + b${i})`).join(' + ');
    const m = buildModel({ ...base, expr: `0.5*(${terms} - y)^2`, vars: 'x=0.3,y=1' });
    expect(m.graph.nodes.length).toBeGreaterThanOrEqual(60);
    const boxes = [...m.layout.nodes.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = Math.abs(a.x - b.x) < (a.width + b.width) / 2 && Math.abs(a.y - b.y) < (a.height + b.height) / 2;
        expect(overlap, `nodes ${i} and ${j}`).toBe(false);
      }
    const root = m.layout.nodes.get(String(m.graph.root))!;
    const xLeaf = m.layout.nodes.get(String(m.graph.nodes.find((n) => n.kind === 'variable' && n.name === 'x')!.id))!;
    expect(xLeaf.x).toBeLessThan(root.x);
    expect(m.layout.ms).toBeLessThan(2000);
  });
});

describe('backprop parameters', () => {
  it('a malformed expression or variable list is refused with a notice naming the problem, keeping the default', () => {
    const e = coerce('expr', params.expr, 'x*(y+');
    expect(e.value).toBe(params.expr.default);
    expect(e.notice?.message).toMatch(/not a valid expression/);
    const r = tryParse('x*(y+');
    expect('error' in r && r.position).toBe(5);
    for (const bad of ['x', 'x=', '=1', 'x=1,x=2', 'x=abc', '1x=2', 'x=1e999']) expect(coerce('vars', params.vars, bad).notice, bad).toBeDefined();
    expect(parseVars(' x = 1.5 , w=-2 ')).toEqual({ vars: Object.assign(Object.create(null), { x: 1.5, w: -2 }) });
    // Characters that can never appear are dropped before parsing (and said so).
    expect(coerce('expr', params.expr, 'x*y<script>').notice?.message).toMatch(/dropped|not a valid/);
  });
});

describe('reserved names', () => {
  it('NaN, Infinity, undefined and null are not variables (a figure labelled "NaN = 1" would look broken)', () => {
    for (const name of ['NaN', 'Infinity', 'undefined', 'null']) {
      expect(checkExpression(`${name}*x`)).toMatch(new RegExp(`"${name}" cannot be a variable name`));
      expect(checkVars(`${name}=1`)).toMatch(/is not a variable name/);
    }
    expect(checkExpression('nan*x + inf')).toBeNull(); // other spellings are ordinary names
  });
});
