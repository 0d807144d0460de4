/**
 * The parameter table of a widget — the single source of truth for its controls, its URL state,
 * MDX prop validation, the catalog and the embed route (DESIGN.md "A widget").
 *
 * Values from outside (URL, MDX props, StateLink, typed input) are never trusted: numbers are
 * parsed strictly, non-finite values are refused, out-of-range values are clamped, unknown keys and
 * options are ignored; each such event becomes a notice that the widget shows in text. Nothing here
 * ever throws on bad input, and nothing from the input reaches the DOM except through the values
 * this file returns.
 */

export interface NumberParam {
  type: 'number';
  label: string;
  min: number;
  max: number;
  step: number;
  default: number;
  /** Values must be whole numbers (counts, sizes, seeds). */
  integer?: boolean;
  /** Slider mapping; 'log' needs min > 0. */
  scale?: 'linear' | 'log';
  unit?: string;
  /** One sentence for the catalog and the control's description. */
  description?: string;
}

export interface SelectParam {
  type: 'select';
  label: string;
  options: readonly { value: string; label: string }[];
  default: string;
  description?: string;
}

export interface BooleanParam {
  type: 'boolean';
  label: string;
  default: boolean;
  description?: string;
}

export interface StringParam {
  type: 'string';
  label: string;
  default: string;
  maxLength: number;
  /** Characters allowed (a regex character class body, e.g. 'HTht'); others are dropped. */
  allowed: string;
  description?: string;
}

export type ParamSpec = NumberParam | SelectParam | BooleanParam | StringParam;
export type ParamTable = Record<string, ParamSpec>;
export type ParamValue = number | string | boolean;
export type Values<T extends ParamTable> = {
  [K in keyof T]: T[K] extends NumberParam ? number : T[K] extends BooleanParam ? boolean : string;
};

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

function roundToStep(x: number, spec: NumberParam): number {
  const base = spec.min;
  const n = Math.round((x - base) / spec.step);
  const v = base + n * spec.step;
  // Keep decimals tidy (0.1 + 0.2 problems) to the step's precision.
  const decimals = Math.max(0, -Math.floor(Math.log10(spec.step)) + 1);
  return Number(v.toFixed(Math.min(12, decimals)));
}

/**
 * Coerces one untrusted value (string from a URL, or a JS value from MDX/StateLink) for `spec`.
 * Returns the value to use and, if it differs from what was asked, why.
 */
export function coerce(name: string, spec: ParamSpec, raw: unknown): { value: ParamValue; notice?: Notice } {
  const refuse = (why: string): { value: ParamValue; notice: Notice } => ({ value: spec.default, notice: { param: name, message: `${spec.label}: ${why}; using the default ${formatValue(spec, spec.default)}.` } });
  if (raw === undefined || raw === null) return refuse('no value');
  if (typeof raw === 'string' && raw.length > MAX_RAW_LENGTH) return refuse('value too long');
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
      if (spec.integer) v = Math.round(v);
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
      return why ? { value: s, notice: { param: name, message: `${spec.label}: ${why}.` } } : { value: s };
    }
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

/**
 * Reads `?<prefix><param>=…` pairs from a query string (prefix is `<id>.` on a chapter page and
 * empty on an embed page). Other keys are left alone: they belong to other widgets.
 */
export function readQuery<T extends ParamTable>(table: T, search: string, prefix = ''): ParseResult<T> {
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
  return applyValues(table, defaults(table), pairs);
}

/** Writes the non-default values into `search` under `prefix`, replacing earlier ones. */
export function writeQuery<T extends ParamTable>(table: T, values: Values<T>, search: string, prefix = ''): string {
  const params = new URLSearchParams(search);
  for (const key of Object.keys(table)) params.delete(prefix + key);
  for (const [key, spec] of Object.entries(table)) {
    const v = (values as Record<string, ParamValue>)[key];
    if (v === spec.default) continue;
    params.set(prefix + key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Problems with a schema itself (used by the registry test and at build time). */
export function checkSchema(name: string, schema: WidgetSchema): string[] {
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(schema.params)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(key)) problems.push(`${name}: parameter name "${key}" must be alphanumeric`);
    if (spec.type === 'number') {
      if (!(spec.min < spec.max)) problems.push(`${name}.${key}: min must be below max`);
      if (!(spec.step > 0)) problems.push(`${name}.${key}: step must be positive`);
      if (spec.default < spec.min || spec.default > spec.max) problems.push(`${name}.${key}: default outside [min, max]`);
      if (spec.scale === 'log' && spec.min <= 0) problems.push(`${name}.${key}: log scale needs min > 0`);
    }
    if (spec.type === 'select' && !spec.options.some((o) => o.value === spec.default)) problems.push(`${name}.${key}: default is not an option`);
  }
  for (const [pname, preset] of Object.entries(schema.presets)) {
    const { notices } = applyValues(schema.params, defaults(schema.params), Object.entries(preset.values));
    for (const n of notices) problems.push(`${name} preset "${pname}": ${n.message}`);
  }
  return problems;
}
