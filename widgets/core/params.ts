/**
 * The parameter table of a widget — the single source of truth for its controls, its URL state,
 * MDX prop validation, the catalog and the embed route (ARCHITECTURE.md, "The life of a widget
 * parameter").
 *
 * Values from outside (URL, MDX props, StateLink, typed input) are never trusted: numbers are
 * parsed strictly, non-finite values are refused, out-of-range values are clamped and off-step
 * values rounded, unknown keys and options are ignored; each such event becomes a notice that the
 * widget shows in text. Nothing here ever throws on bad input, and nothing from the input reaches
 * the DOM except through the values this file returns.
 */

/** What every parameter declares besides its type. */
interface ParamBase {
  label: string;
  /** One sentence for the catalog and the control's description. */
  description?: string;
  /** Heading of the group its generated control sits in (controls without one come first). */
  group?: string;
  /**
   * Show its generated control only while other parameters have these values, e.g.
   * `{ schedule: 'inverse-k0' }` or `{ schedule: ['inverse', 'inverse-k0'] }`. The value itself is
   * still read from the URL and kept when hidden.
   */
  visibleWhen?: Readonly<Record<string, ParamValue | readonly ParamValue[]>>;
  /** Changing it from its control also resets these parameters to their defaults. */
  clears?: readonly string[];
  /** 'none': no generated control (the view edits it another way, e.g. by dragging). */
  control?: 'auto' | 'none';
}

export interface NumberParam extends ParamBase {
  type: 'number';
  min: number;
  max: number;
  /** Values are rounded to min + k·step (as an HTML range input does). */
  step: number;
  default: number;
  /** Values must be whole numbers (counts, sizes, seeds). */
  integer?: boolean;
  /** Slider mapping; 'log' needs min > 0, or min = 0 and `logFrom`. */
  scale?: 'linear' | 'log';
  /**
   * With scale 'log' and min 0 ("0 = off", e.g. an overlay's width): the smallest non-zero value
   * on the slider; its first notch is 0 and the rest run logarithmically from logFrom to max.
   */
  logFrom?: number;
  unit?: string;
}

export interface SelectParam extends ParamBase {
  type: 'select';
  options: readonly { value: string; label: string }[];
  default: string;
}

export interface BooleanParam extends ParamBase {
  type: 'boolean';
  default: boolean;
}

export interface StringParam extends ParamBase {
  type: 'string';
  default: string;
  maxLength: number;
  /** Characters allowed (a regex character class body, e.g. 'HTht'); others are dropped. */
  allowed: string;
  /**
   * Checks the (filtered) text: a message saying what is wrong, or null. A refused value falls
   * back to the default with that message as its notice (and fails the build in a lesson).
   */
  validate?: (value: string) => string | null;
}

/** One point of a points parameter: [x] or [x, y]. */
export type Point = readonly number[];

/**
 * A list of points the reader can edit (data sets, observations). In a URL a 1-D list is
 * `x1,x2,…` and a 2-D list `x1:y1,x2:y2,…`. The empty list is always allowed (the widget says
 * what it means: "seeded draws", "no observations"); a non-empty list has minCount..maxCount points.
 */
export interface PointsParam extends ParamBase {
  type: 'points';
  dims: 1 | 2;
  /** Range of the x coordinate (and of y for dims 2); values outside are clamped. */
  x: readonly [number, number];
  y?: readonly [number, number];
  minCount: number;
  maxCount: number;
  /** Decimals kept (3): values are rounded to them, so the URL and the model agree. */
  decimals?: number;
  default: readonly Point[];
}

export type ParamSpec = NumberParam | SelectParam | BooleanParam | StringParam | PointsParam;
export type ParamTable = Record<string, ParamSpec>;
export type ParamValue = number | string | boolean | readonly Point[];
/** The value type of one spec (distributes over unions, so a general ParamTable gives ParamValue). */
export type ValueOf<S> = S extends NumberParam ? number : S extends BooleanParam ? boolean : S extends PointsParam ? readonly Point[] : string;
export type Values<T extends ParamTable> = { [K in keyof T]: ValueOf<T[K]> };

export interface Preset<T extends ParamTable> {
  label: string;
  description?: string;
  values: Partial<Values<T>>;
}

export interface WidgetSchema<T extends ParamTable = ParamTable> {
  params: T;
  presets: Record<string, Preset<T>>;
}

export interface Notice {
  param: string;
  message: string;
}

export interface ParseResult<T extends ParamTable> {
  values: Values<T>;
  notices: Notice[];
}

/** The longest raw value looked at; longer input is refused before any parsing. */
export const MAX_RAW_LENGTH = 2000;
/** Longer for points parameters (200 points of two coordinates). */
const MAX_POINTS_RAW_LENGTH = 8000;

/** The reserved key that names a preset (`?<id>.preset=eps01`, `preset="eps01"`, StateLink `set`). */
export const PRESET_KEY = 'preset';

/** Strict decimal number syntax: no hex, no "Infinity", no empty string, no whitespace tricks. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function defaults<T extends ParamTable>(table: T): Values<T> {
  const out: Record<string, ParamValue> = {};
  for (const [k, spec] of Object.entries(table)) out[k] = spec.default;
  return out as Values<T>;
}

/** A printable, bounded, single-line version of untrusted text for notices. */
export function describeRaw(raw: unknown): string {
  const s = String(raw);
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

/** Decimals that write `x` exactly (0.001 → 3, 0.25 → 2, 100 → 0). */
export function decimalsOf(x: number): number {
  for (let d = 0; d <= 12; d++) if (Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) < 1e-9) return d;
  return 12;
}

/** The nearest value min + k·step inside [min, max], written tidily (no 0.1 + 0.2 tails). */
export function roundToStep(x: number, spec: Pick<NumberParam, 'min' | 'max' | 'step'>): number {
  // Relative slack too: with ~10⁹ steps (step 1e-9) the quotient's rounding error exceeds 1e-9.
  const top = Math.floor(((spec.max - spec.min) / spec.step) * (1 + 1e-12) + 1e-9);
  const n = Math.max(0, Math.min(top, Math.round((x - spec.min) / spec.step)));
  const decimals = Math.max(decimalsOf(spec.step), decimalsOf(spec.min));
  return Number((spec.min + n * spec.step).toFixed(decimals));
}

/** Whether two values of one parameter are equal (points compare coordinate by coordinate). */
export function sameValue(a: ParamValue, b: ParamValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((p: Point, i: number) => p.length === b[i].length && p.every((v, j) => v === b[i][j]));
  }
  return a === b;
}

/** A points value as URL text: `x1,x2` (1-D) or `x1:y1,x2:y2` (2-D). */
export function formatPoints(spec: PointsParam, points: readonly Point[]): string {
  return points.map((p) => p.slice(0, spec.dims).map(String).join(':')).join(',');
}

/** 2-D URL text: `x:y` pairs joined by commas; the older `x,y;x,y` form is still read. */
function splitPairs(t: string): string[][] {
  if (t.includes(':') || !t.includes(';') && !t.includes(',')) return t.split(',').map((e) => e.split(':'));
  return t.split(';').map((e) => e.split(','));
}

const listed = (parts: string[]) => (parts.length > 3 ? `${parts.slice(0, 3).join(', ')} and ${parts.length - 3} more` : parts.join(', '));

/**
 * Parses an untrusted points value: URL text, or an array from MDX/StateLink (numbers for 1-D,
 * [x, y] pairs for 2-D). Refused entries are left out and named in the notice; out-of-range
 * coordinates are clamped; a list longer than maxCount is cut; a non-empty list shorter than
 * minCount is refused as a whole.
 */
function coercePoints(name: string, spec: PointsParam, raw: unknown): { value: ParamValue; notice?: Notice } {
  const decimals = spec.decimals ?? 3;
  const ranges = [spec.x, spec.y ?? spec.x];
  let entries: unknown[];
  if (typeof raw === 'string') {
    const t = raw.trim();
    entries = t === '' ? [] : spec.dims === 1 ? t.split(',') : splitPairs(t);
  } else if (Array.isArray(raw)) entries = raw.slice(0, 10 * spec.maxCount + 10);
  else return { value: spec.default, notice: { param: name, message: `${spec.label}: not a list of points; using the default.` } };
  const refused: string[] = [];
  const clamped: string[] = [];
  const points: number[][] = [];
  entries.forEach((entry, i) => {
    const coords = spec.dims === 1 ? (Array.isArray(entry) ? entry : [entry]) : entry;
    if (!Array.isArray(coords) || coords.length !== spec.dims) {
      refused.push(`entry ${i + 1} ("${describeRaw(Array.isArray(coords) ? coords.join(':') : coords)}") is not ${spec.dims === 1 ? 'a number' : 'an x:y pair'}`);
      return;
    }
    const p: number[] = [];
    let outside = false;
    for (let d = 0; d < spec.dims; d++) {
      const c = coords[d];
      const x = typeof c === 'number' ? c : typeof c === 'string' && NUMBER.test(c.trim()) ? Number(c.trim()) : Number.NaN;
      if (!Number.isFinite(x)) {
        refused.push(`entry ${i + 1} ("${describeRaw(c)}") is not a finite number`);
        return;
      }
      const [lo, hi] = ranges[d];
      const v = Math.min(hi, Math.max(lo, x));
      if (v !== x) outside = true;
      p.push(Number(v.toFixed(decimals)));
    }
    if (outside) clamped.push(`entry ${i + 1} (${describeRaw(coords.join(spec.dims === 1 ? ',' : ':'))})`);
    points.push(p);
  });
  const why: string[] = [];
  if (refused.length) why.push(`left out ${listed(refused)}`);
  if (clamped.length) why.push(`clamped ${listed(clamped)} to [${ranges[0].join(', ')}]${spec.dims === 2 ? ` × [${ranges[1].join(', ')}]` : ''}`);
  let value: number[][] = points;
  if (points.length > spec.maxCount) {
    why.push(`kept the first ${spec.maxCount} of ${points.length} points`);
    value = points.slice(0, spec.maxCount);
  }
  if (value.length > 0 && value.length < spec.minCount) {
    return { value: spec.default, notice: { param: name, message: `${spec.label}: ${[...why, `${value.length} point${value.length === 1 ? '' : 's'} left, fewer than ${spec.minCount}`].join('; ')}; using the default.` } };
  }
  return why.length ? { value, notice: { param: name, message: `${spec.label}: ${why.join('; ')}.` } } : { value };
}

/**
 * Coerces one untrusted value (string from a URL, or a JS value from MDX/StateLink) for `spec`.
 * Returns the value to use and, if it differs from what was asked, why.
 */
export function coerce(name: string, spec: ParamSpec, raw: unknown): { value: ParamValue; notice?: Notice } {
  const refuse = (why: string): { value: ParamValue; notice: Notice } => ({ value: spec.default, notice: { param: name, message: `${spec.label}: ${why}; using the default ${formatValue(spec, spec.default)}.` } });
  if (raw === undefined || raw === null) return refuse('no value');
  if (typeof raw === 'string' && raw.length > (spec.type === 'points' ? MAX_POINTS_RAW_LENGTH : MAX_RAW_LENGTH)) return refuse('value too long');
  switch (spec.type) {
    case 'number': {
      let x: number;
      if (typeof raw === 'number') x = raw;
      else if (typeof raw === 'string' && NUMBER.test(raw.trim())) x = Number(raw.trim());
      else return refuse(`"${describeRaw(raw)}" is not a number`);
      if (!Number.isFinite(x)) return refuse(`"${describeRaw(raw)}" is not a finite number`);
      let v = x;
      let why = '';
      if (v < spec.min) {
        v = spec.min;
        why = `${describeRaw(raw)} is below the minimum`;
      } else if (v > spec.max) {
        v = spec.max;
        why = `${describeRaw(raw)} is above the maximum`;
      }
      const stepped = roundToStep(spec.integer ? Math.round(v) : v, spec);
      if (!why && Math.abs(stepped - v) > 1e-9 * Math.max(1, Math.abs(v))) why = spec.integer && !Number.isInteger(v) ? `${describeRaw(raw)} is not a whole number` : `${describeRaw(raw)} is not a multiple of the step ${spec.step}`;
      v = stepped;
      if (!why) return { value: v };
      return { value: v, notice: { param: name, message: `${spec.label}: ${why}; using ${formatValue(spec, v)}.` } };
    }
    case 'select': {
      const s = String(raw);
      if (spec.options.some((o) => o.value === s)) return { value: s };
      return refuse(`"${describeRaw(raw)}" is not one of ${spec.options.map((o) => o.value).join(', ')}`);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const s = String(raw).toLowerCase();
      if (s === 'true' || s === '1' || s === 'on' || s === 'yes') return { value: true };
      if (s === 'false' || s === '0' || s === 'off' || s === 'no') return { value: false };
      return refuse(`"${describeRaw(raw)}" is not true or false`);
    }
    case 'string': {
      if (typeof raw !== 'string') return refuse('not text');
      const keep = new RegExp(`[^${spec.allowed}]`, 'g');
      let s = raw.replace(keep, '');
      let why = s.length !== raw.length ? 'characters other than the allowed ones were dropped' : '';
      if (s.length > spec.maxLength) {
        s = s.slice(0, spec.maxLength);
        why = why ? `${why}, and it was cut to ${spec.maxLength}` : `cut to ${spec.maxLength} characters`;
      }
      const invalid = spec.validate?.(s);
      // A validator may quote the input: keep the notice to a readable length.
      if (invalid) return refuse(invalid.length > 200 ? `${invalid.slice(0, 199)}…` : invalid);
      return why ? { value: s, notice: { param: name, message: `${spec.label}: ${why}.` } } : { value: s };
    }
    case 'points':
      return coercePoints(name, spec, raw);
  }
}

export function formatValue(spec: ParamSpec, v: ParamValue): string {
  if (spec.type === 'number') {
    const n = Number(v);
    const s = Math.abs(n) >= 1e5 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(2) : String(Number(n.toPrecision(6)));
    return spec.unit ? `${s} ${spec.unit}` : s;
  }
  if (spec.type === 'select') return spec.options.find((o) => o.value === v)?.label ?? String(v);
  if (spec.type === 'boolean') return v ? 'on' : 'off';
  if (spec.type === 'points') {
    const n = Array.isArray(v) ? v.length : 0;
    return n === 0 ? '(none)' : `${n} point${n === 1 ? '' : 's'}`;
  }
  return String(v) === '' ? '(empty)' : String(v);
}

/** Applies untrusted key/value pairs on top of `base`. Unknown keys are noted and ignored. */
export function applyValues<T extends ParamTable>(table: T, base: Values<T>, input: Iterable<[string, unknown]>): ParseResult<T> {
  const values: Record<string, ParamValue> = { ...base };
  const notices: Notice[] = [];
  const seen = new Set<string>();
  for (const [key, raw] of input) {
    if (!Object.prototype.hasOwnProperty.call(table, key)) {
      notices.push({ param: key, message: `Ignored unknown setting "${describeRaw(key)}".` });
      continue;
    }
    if (seen.has(key)) {
      notices.push({ param: key, message: `${table[key].label}: given more than once; the first value is used.` });
      continue;
    }
    seen.add(key);
    const { value, notice } = coerce(key, table[key], raw);
    values[key] = value;
    if (notice) notices.push(notice);
  }
  return { values: values as Values<T>, notices };
}

/** The values of a preset (defaults underneath), or null if there is no such preset. */
export function presetValues<T extends ParamTable>(schema: WidgetSchema<T>, name: string): Values<T> | null {
  if (!Object.prototype.hasOwnProperty.call(schema.presets, name)) return null;
  return applyValues(schema.params, defaults(schema.params), Object.entries(schema.presets[name].values)).values;
}

/** The preset whose values are exactly `values`, if any (the Presets control marks it pressed). */
export function matchingPreset<T extends ParamTable>(schema: WidgetSchema<T>, values: Values<T>): string | undefined {
  return Object.keys(schema.presets).find((name) => {
    const p = presetValues(schema, name);
    return p !== null && Object.keys(schema.params).every((k) => sameValue(p[k] as ParamValue, values[k] as ParamValue));
  });
}

/**
 * Like applyValues, and a `preset` key (PRESET_KEY) first replaces `base` with that preset's
 * values; the other keys then apply on top ("preset=eps01&steps=80").
 */
export function applyInput<T extends ParamTable>(schema: WidgetSchema<T>, base: Values<T>, input: Iterable<[string, unknown]>): ParseResult<T> {
  const pairs = [...input];
  const notices: Notice[] = [];
  let start = base;
  const named = pairs.filter(([k]) => k === PRESET_KEY);
  if (named.length > 0) {
    const raw = named[0][1];
    const p = typeof raw === 'string' ? presetValues(schema, raw) : null;
    if (p) start = p;
    else notices.push({ param: PRESET_KEY, message: `There is no preset called "${describeRaw(raw)}"; the presets are ${Object.keys(schema.presets).join(', ')}.` });
    if (named.length > 1) notices.push({ param: PRESET_KEY, message: 'Preset: given more than once; the first value is used.' });
  }
  const r = applyValues(schema.params, start, pairs.filter(([k]) => k !== PRESET_KEY));
  return { values: r.values, notices: [...notices, ...r.notices] };
}

/** The `?<prefix><key>=…` pairs of a query string that belong to one widget (prefix stripped). */
function ownPairs(search: string, prefix: string): [string, string][] {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search.length > 20_000 ? '' : search);
  } catch {
    params = new URLSearchParams();
  }
  const pairs: [string, string][] = [];
  for (const [k, v] of params) {
    if (prefix && !k.startsWith(prefix)) continue;
    if (!prefix && k.includes('.')) continue;
    pairs.push([k.slice(prefix.length), v]);
  }
  return pairs;
}

/**
 * Reads `?<prefix><param>=…` pairs from a query string (prefix is `<id>.` on a chapter page and
 * empty on an embed page). Other keys are left alone: they belong to other widgets.
 */
export function readQuery<T extends ParamTable>(table: T, search: string, prefix = ''): ParseResult<T> {
  return applyValues(table, defaults(table), ownPairs(search, prefix));
}

/** readQuery with presets: `?<prefix>preset=<name>` first, then the other keys on top. */
export function readState<T extends ParamTable>(schema: WidgetSchema<T>, search: string, prefix = ''): ParseResult<T> {
  return applyInput(schema, defaults(schema.params), ownPairs(search, prefix));
}

/** Whether a query string has any key of this widget (so the URL, not the props, sets its state). */
export function hasOwnKeys(search: string, prefix = ''): boolean {
  return ownPairs(search, prefix).length > 0;
}

/** A value as URL text. */
export function formatForUrl(spec: ParamSpec, v: ParamValue): string {
  return spec.type === 'points' ? formatPoints(spec, v as readonly Point[]) : String(v);
}

/** Writes the non-default values into `search` under `prefix`, replacing earlier ones (and a preset key). */
export function writeQuery<T extends ParamTable>(table: T, values: Values<T>, search: string, prefix = ''): string {
  const params = new URLSearchParams(search);
  for (const key of [...Object.keys(table), PRESET_KEY]) params.delete(prefix + key);
  for (const [key, spec] of Object.entries(table)) {
    const v = (values as Record<string, ParamValue>)[key];
    if (sameValue(v, spec.default)) continue;
    params.set(prefix + key, formatForUrl(spec, v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Whether a parameter's generated control is shown for these values (its `visibleWhen`). */
export function isVisible(spec: ParamSpec, values: Record<string, ParamValue>): boolean {
  if (spec.control === 'none') return false;
  if (!spec.visibleWhen) return true;
  return Object.entries(spec.visibleWhen).every(([k, want]) => (Array.isArray(want) ? want.some((w) => sameValue(w, values[k])) : sameValue(want as ParamValue, values[k])));
}

/** Problems with a schema itself (used by the registry and its test). */
export function checkSchema(name: string, schema: WidgetSchema): string[] {
  const problems: string[] = [];
  const keys = Object.keys(schema.params);
  for (const [key, spec] of Object.entries(schema.params)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(key)) problems.push(`${name}: parameter name "${key}" must be alphanumeric`);
    if (key === PRESET_KEY || key === 'id') problems.push(`${name}: "${key}" is reserved and cannot be a parameter name`);
    if (spec.type === 'number') {
      if (!(spec.min < spec.max)) problems.push(`${name}.${key}: min must be below max`);
      if (!(spec.step > 0)) problems.push(`${name}.${key}: step must be positive`);
      if (spec.default < spec.min || spec.default > spec.max) problems.push(`${name}.${key}: default outside [min, max]`);
      else if (spec.step > 0 && roundToStep(spec.default, spec) !== spec.default) problems.push(`${name}.${key}: default is not min + k·step`);
      if (spec.scale === 'log' && spec.min <= 0 && !(spec.min === 0 && spec.logFrom !== undefined && spec.logFrom > 0 && spec.logFrom < spec.max)) problems.push(`${name}.${key}: log scale needs min > 0 (or min 0 with 0 < logFrom < max)`);
    }
    if (spec.type === 'select' && !spec.options.some((o) => o.value === spec.default)) problems.push(`${name}.${key}: default is not an option`);
    if (spec.type === 'points') {
      if (!(spec.minCount >= 0 && spec.minCount <= spec.maxCount)) problems.push(`${name}.${key}: needs 0 <= minCount <= maxCount`);
      if (!(spec.x[0] < spec.x[1]) || (spec.dims === 2 && !(spec.y && spec.y[0] < spec.y[1]))) problems.push(`${name}.${key}: each coordinate needs a range [min, max] with min < max`);
    }
    for (const [k, want] of Object.entries(spec.visibleWhen ?? {})) {
      if (!keys.includes(k)) problems.push(`${name}.${key}: visibleWhen names an unknown parameter "${k}"`);
      else for (const w of Array.isArray(want) ? want : [want]) if (coerce(k, schema.params[k], w).notice) problems.push(`${name}.${key}: visibleWhen value ${JSON.stringify(w)} is not a valid ${k}`);
    }
    for (const k of spec.clears ?? []) if (!keys.includes(k)) problems.push(`${name}.${key}: clears names an unknown parameter "${k}"`);
    const { notice } = coerce(key, spec, spec.default);
    if (notice) problems.push(`${name}.${key}: default is not a valid value (${notice.message})`);
  }
  for (const [pname, preset] of Object.entries(schema.presets)) {
    if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(pname)) problems.push(`${name}: preset name "${pname}" must be alphanumeric (it goes into URLs)`);
    const { notices } = applyValues(schema.params, defaults(schema.params), Object.entries(preset.values));
    for (const n of notices) problems.push(`${name} preset "${pname}": ${n.message}`);
  }
  return problems;
}
