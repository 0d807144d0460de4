import { describe, it, expect } from 'vitest';
import { applyValues, checkSchema, coerce, defaults, readQuery, writeQuery, MAX_RAW_LENGTH, type ParamTable } from '../../../widgets/core/params.ts';
import { Rng } from '../math/_support.ts';

const table = {
  eps: { type: 'number', label: 'Step size', min: 0.001, max: 1.9, step: 0.001, default: 0.5 },
  k: { type: 'number', label: 'Chains', min: 1, max: 100000, step: 1, integer: true, default: 2000 },
  schedule: { type: 'select', label: 'Schedule', options: [{ value: 'constant', label: 'Constant' }, { value: 'inverse', label: '1/(k+1)' }], default: 'constant' },
  momentum: { type: 'boolean', label: 'Momentum', default: false },
  seq: { type: 'string', label: 'Sequence', default: '', maxLength: 8, allowed: 'HTht' },
} as const satisfies ParamTable;

describe('coerce', () => {
  it('accepts valid numbers and clamps out-of-range ones with a notice', () => {
    expect(coerce('eps', table.eps, '0.25')).toEqual({ value: 0.25 });
    const hi = coerce('eps', table.eps, '7');
    expect(hi.value).toBe(1.9);
    expect(hi.notice?.message).toMatch(/above the maximum/);
    const lo = coerce('eps', table.eps, '-1e308');
    expect(lo.value).toBe(0.001);
    expect(coerce('eps', table.eps, '1e308').value).toBe(1.9);
  });

  it('refuses non-numbers, non-finite values and empty strings, keeping the default', () => {
    for (const raw of ['NaN', 'Infinity', '-Infinity', '', ' ', '0x10', '1,5', '1e999', '<script>alert(1)</script>', '٣', '１', 'null', '[]']) {
      const r = coerce('eps', table.eps, raw);
      expect(r.value, raw).toBe(0.5);
      expect(r.notice, raw).toBeDefined();
    }
    expect(coerce('eps', table.eps, Number.NaN).value).toBe(0.5);
    expect(coerce('eps', table.eps, Infinity).value).toBe(0.5);
  });

  it('rounds integers and refuses very long input before parsing', () => {
    expect(coerce('k', table.k, '12.7').value).toBe(13);
    const long = '1'.repeat(MAX_RAW_LENGTH + 1);
    expect(coerce('k', table.k, long)).toMatchObject({ value: 2000, notice: { param: 'k' } });
  });

  it('checks select options, booleans and allowed characters', () => {
    expect(coerce('schedule', table.schedule, 'inverse').value).toBe('inverse');
    expect(coerce('schedule', table.schedule, 'constructor').value).toBe('constant');
    expect(coerce('momentum', table.momentum, 'true').value).toBe(true);
    expect(coerce('momentum', table.momentum, 'maybe')).toMatchObject({ value: false, notice: {} });
    const s = coerce('seq', table.seq, 'HT<b>xTTTTTTTT');
    expect(s.value).toBe('HTTTTTTT');
    expect(s.notice?.message).toMatch(/dropped/);
  });

  it('describes hostile input safely in notices (bounded, no control characters)', () => {
    const r = coerce('eps', table.eps, `<img src=x onerror=alert(1)>\u0000\u2028${'x'.repeat(500)}`);
    expect(r.notice!.message.length).toBeLessThan(160);
    expect(r.notice!.message).not.toMatch(/[\u0000\u2028]/);
  });
});

describe('URL state', () => {
  it('round-trips every value through the query string, with and without a prefix', () => {
    const values = { eps: 0.123, k: 50000, schedule: 'inverse', momentum: true, seq: 'HTH' };
    for (const prefix of ['', 'fig-sgd.']) {
      const q = writeQuery(table, values, '?other=1&fig-x.eps=3', prefix);
      expect(q).toContain('other=1');
      const back = readQuery(table, q, prefix);
      expect(back.values).toEqual(values);
      // Only the foreign key is noted, and only on an embed page (no prefix): there it is an unknown setting.
      expect(back.notices.map((n) => n.param)).toEqual(prefix ? [] : ['other']);
    }
  });

  it('writes only non-default values', () => {
    expect(writeQuery(table, defaults(table), '', 'a.')).toBe('');
    expect(writeQuery(table, { ...defaults(table), k: 7 }, '', 'a.')).toBe('?a.k=7');
  });

  it('ignores unknown keys and other widgets, keeps the first of repeated keys, with notices', () => {
    const r = readQuery(table, '?w.eps=0.2&w.eps=0.9&w.bogus=1&v.eps=0.3&w.__proto__=1&w.constructor=2', 'w.');
    expect(r.values.eps).toBe(0.2);
    expect(r.notices.map((n) => n.param).sort()).toEqual(['__proto__', 'bogus', 'constructor', 'eps']);
    expect(Object.getPrototypeOf(r.values)).toBe(Object.prototype);
  });

  it('embed pages (no prefix) skip dotted keys that belong to chapter widgets', () => {
    expect(readQuery(table, '?fig.eps=0.3&eps=0.4').values.eps).toBe(0.4);
  });

  it('fuzz: random query strings never throw and always give valid values', () => {
    const gen = new Rng(12345);
    const rng = () => gen.uniform();
    const alphabet = ['eps', 'k', 'schedule', 'momentum', 'seq', '=', '&', '.', '%', '%00', '%ZZ', 'NaN', '-', 'e', '9', '0', '<', '>', '"', '\u202e', '😀', ' ', '+', '#', '?', 'Infinity', '1e400'];
    for (let trial = 0; trial < 2000; trial++) {
      let s = '?';
      const len = Math.floor(rng() * 40);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
      const { values } = readQuery(table, s);
      expect(values.eps).toBeGreaterThanOrEqual(0.001);
      expect(values.eps).toBeLessThanOrEqual(1.9);
      expect(Number.isInteger(values.k)).toBe(true);
      expect(['constant', 'inverse']).toContain(values.schedule);
      expect(typeof values.momentum).toBe('boolean');
      expect(values.seq).toMatch(/^[HTht]{0,8}$/);
    }
  });
});

describe('schemas', () => {
  it('reports a broken schema', () => {
    const bad = { x: { type: 'number', label: 'X', min: 1, max: 0, step: 0, default: 5 } } as const;
    const problems = checkSchema('Bad', { params: bad as unknown as ParamTable, presets: { p: { label: 'P', values: { y: 1 } as never } } });
    expect(problems.join('\n')).toMatch(/min must be below max/);
    expect(problems.join('\n')).toMatch(/step must be positive/);
    expect(problems.join('\n')).toMatch(/unknown setting "y"/);
  });

  it('applyValues leaves the base untouched', () => {
    const base = defaults(table);
    applyValues(table, base, [['eps', '0.9']]);
    expect(base.eps).toBe(0.5);
  });
});
