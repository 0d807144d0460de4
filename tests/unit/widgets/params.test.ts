import { describe, it, expect } from 'vitest';
import { applyInput, applyValues, checkSchema, coerce, defaults, isVisible, matchingPreset, readQuery, readState, roundToStep, sameValue, writeQuery, MAX_RAW_LENGTH, type ParamTable, type WidgetSchema } from '../../../widgets/core/params.ts';
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

describe('steps', () => {
  it('rounds values to min + k·step (as a range input does), with a notice, and keeps decimals tidy', () => {
    expect(coerce('eps', table.eps, '0.1234')).toMatchObject({ value: 0.123, notice: { message: expect.stringMatching(/not a multiple of the step 0.001; using 0.123/) } });
    expect(coerce('eps', table.eps, '0.3')).toEqual({ value: 0.3 });
    expect(roundToStep(0.1 + 0.2, { min: 0, max: 1, step: 0.1 })).toBe(0.3);
    // A grid anchored at min, never past max.
    expect(roundToStep(149, { min: 100, max: 100000, step: 100 })).toBe(100);
    expect(roundToStep(1.999, { min: 0.001, max: 1.99, step: 0.001 })).toBe(1.99);
    expect(coerce('k', table.k, '12.7')).toMatchObject({ value: 13, notice: { message: expect.stringMatching(/not a whole number/) } });
  });
});

describe('points parameters', () => {
  const pts = {
    obs: { type: 'points', label: 'Observations', dims: 2, x: [-5, 5], y: [-3, 3], minCount: 1, maxCount: 4, decimals: 2, default: [] },
    data: { type: 'points', label: 'Data', dims: 1, x: [-10, 10], minCount: 2, maxCount: 200, default: [[0], [1]] },
  } as const satisfies ParamTable;

  it('parse 2-D URL text strictly, naming every refused or clamped entry', () => {
    expect(coerce('obs', pts.obs, '1,2;-1.234,0.5')).toEqual({ value: [[1, 2], [-1.23, 0.5]] });
    const r = coerce('obs', pts.obs, '1,2;3;x,1;9,9');
    expect(r.value).toEqual([[1, 2], [5, 3]]);
    expect(r.notice?.message).toMatch(/left out entry 2 \("3"\) is not an x:y pair, entry 3 \("x"\) is not a finite number; clamped entry 4 \(9:9\) to \[-5, 5\] × \[-3, 3\]/);
    // The public form is x:y pairs joined by commas; the older x,y;x,y is still read.
    expect(coerce('obs', pts.obs, '1:2,-1.234:0.5')).toEqual({ value: [[1, 2], [-1.23, 0.5]] });
    expect(coerce('obs', pts.obs, '0.5:1')).toEqual({ value: [[0.5, 1]] });
    const r2 = coerce('obs', pts.obs, '1:2,3,1:2:3');
    expect(r2.value).toEqual([[1, 2]]);
    expect(r2.notice?.message).toMatch(/entry 2 \("3"\) is not an x:y pair, entry 3 \("1:2:3"\) is not an x:y pair/);
    expect(coerce('obs', pts.obs, '1,1;1,1;1,1;1,1;1,1').notice?.message).toMatch(/kept the first 4 of 5/);
  });

  it('accept arrays from MDX and StateLink, and fall back to the default on a non-list', () => {
    expect(coerce('data', pts.data, [1, 2, 3]).value).toEqual([[1], [2], [3]]);
    expect(coerce('obs', pts.obs, [[0, 0]]).value).toEqual([[0, 0]]);
    expect(coerce('data', pts.data, 7)).toMatchObject({ value: [[0], [1]], notice: {} });
    expect(coerce('data', pts.data, '1e999,2,3')).toMatchObject({ value: [[2], [3]], notice: { message: expect.stringMatching(/"1e999"/) } });
  });

  it('round-trip through the URL and compare by value', () => {
    const values = { ...defaults(pts), obs: [[1, -2], [0.5, 0.25]], data: [[3], [-4.5], [0]] };
    const q = writeQuery(pts, values, '', 'gp.');
    expect(q).toBe('?gp.obs=1%3A-2%2C0.5%3A0.25&gp.data=3%2C-4.5%2C0');
    expect(readQuery(pts, q, 'gp.').values).toEqual(values);
    expect(writeQuery(pts, defaults(pts), '', 'gp.')).toBe('');
    expect(sameValue([[1], [2]], [[1], [2]])).toBe(true);
    expect(sameValue([[1], [2]], [[1], [3]])).toBe(false);
  });

  it('fuzz: hostile points text never throws and always gives points inside the ranges, within the count limits', () => {
    const gen = new Rng(99);
    const alphabet = ['1', '-', '.', ',', ';', 'e', '9', 'NaN', '', ' ', '%', '1e400', '0', '5', '<b>', '😀'];
    for (let trial = 0; trial < 1000; trial++) {
      let s = '';
      const len = Math.floor(gen.uniform() * 30);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(gen.uniform() * alphabet.length)];
      const v = coerce('obs', pts.obs, s).value as number[][];
      expect(v.length).toBeLessThanOrEqual(4);
      for (const [x, y] of v) {
        expect(Math.abs(x)).toBeLessThanOrEqual(5);
        expect(Math.abs(y)).toBeLessThanOrEqual(3);
      }
    }
  });
});

describe('presets in links, and visibleWhen', () => {
  const schema: WidgetSchema<typeof table> = {
    params: table,
    presets: { fast: { label: 'Fast', values: { eps: 1.5, schedule: 'inverse' } }, slow: { label: 'Slow', values: { eps: 0.01 } } },
  };

  it('a preset key starts from that preset; the other keys apply on top; an unknown preset is a notice', () => {
    expect(readState(schema, '?fig.preset=fast&fig.k=7', 'fig.').values).toMatchObject({ eps: 1.5, schedule: 'inverse', k: 7 });
    expect(readState(schema, '?preset=slow').values.eps).toBe(0.01);
    const bad = readState(schema, '?preset=__proto__&eps=0.2');
    expect(bad.values.eps).toBe(0.2);
    expect(bad.notices[0].message).toMatch(/no preset called "__proto__"; the presets are fast, slow/);
    expect(applyInput(schema, defaults(table), [['preset', 'fast'], ['preset', 'slow']]).notices.map((n) => n.param)).toEqual(['preset']);
    // Writing the state replaces a preset key by the values themselves.
    expect(writeQuery(table, { ...defaults(table), eps: 1.5 }, '?fig.preset=fast', 'fig.')).toBe('?fig.eps=1.5');
  });

  it('names the preset the values match', () => {
    expect(matchingPreset(schema, { ...defaults(table), eps: 1.5, schedule: 'inverse' })).toBe('fast');
    expect(matchingPreset(schema, { ...defaults(table), eps: 1.5 })).toBeUndefined();
  });

  it('shows a control only while its visibleWhen holds, and checks visibleWhen and clears in the schema', () => {
    const k0 = { type: 'number', label: 'k0', min: 1, max: 9, step: 1, default: 2, visibleWhen: { schedule: ['inverse'] } } as const;
    expect(isVisible(k0, { schedule: 'inverse' })).toBe(true);
    expect(isVisible(k0, { schedule: 'constant' })).toBe(false);
    expect(isVisible({ ...table.eps, control: 'none' }, {})).toBe(false);
    const broken = { ...table, k0: { ...k0, visibleWhen: { nope: 1, schedule: 'cubic' } }, n: { ...table.k, clears: ['ghost'] } } as unknown as ParamTable;
    const problems = checkSchema('W', { params: broken, presets: {} }).join('\n');
    expect(problems).toMatch(/visibleWhen names an unknown parameter "nope"/);
    expect(problems).toMatch(/visibleWhen value "cubic" is not a valid schedule/);
    expect(problems).toMatch(/clears names an unknown parameter "ghost"/);
    expect(checkSchema('W', { params: { preset: table.eps } as ParamTable, presets: {} }).join()).toMatch(/"preset" is reserved/);
  });

  it('a log slider needs min > 0, or min 0 ("off") with 0 < logFrom < max', () => {
    const width = { type: 'number', label: 'Width', min: 0, max: 4096, step: 1, integer: true, scale: 'log', default: 0 } as const;
    expect(checkSchema('W', { params: { width }, presets: {} }).join()).toMatch(/log scale needs min > 0/);
    expect(checkSchema('W', { params: { width: { ...width, logFrom: 4 } }, presets: {} })).toEqual([]);
    expect(checkSchema('W', { params: { width: { ...width, logFrom: 5000 } }, presets: {} }).join()).toMatch(/logFrom/);
  });
});
