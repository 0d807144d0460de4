/**
 * Input checks shared by the math core. Every public function validates its arguments up front so
 * that bad input fails loudly with a message naming the parameter (`fn: param must be …, received …`)
 * instead of propagating NaN into a figure. TypeError = wrong kind of value; RangeError = right
 * kind, wrong value (non-finite, negative, mismatched shape, unknown name).
 */

/** Short, safe rendering of a received value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'function') return 'a function';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function fail(kind: 'type' | 'range', fn: string, param: string, expected: string, v: unknown): never {
  const msg = `${fn}: ${param} must be ${expected}, received ${show(v)}`;
  throw kind === 'type' ? new TypeError(msg) : new RangeError(msg);
}

/** A finite number (TypeError if not a number, RangeError if NaN or ±Infinity). */
export function finite(fn: string, param: string, v: unknown): number {
  if (typeof v !== 'number') fail('type', fn, param, 'a finite number', v);
  if (!Number.isFinite(v)) fail('range', fn, param, 'a finite number', v);
  return v;
}

/** A finite number >= 0 (variances, widths, noise). */
export function nonNegative(fn: string, param: string, v: unknown): number {
  const x = finite(fn, param, v);
  if (x < 0) fail('range', fn, param, 'a finite number >= 0', v);
  return x;
}

/** A finite number > 0. */
export function positive(fn: string, param: string, v: unknown): number {
  const x = finite(fn, param, v);
  if (!(x > 0)) fail('range', fn, param, 'a finite number > 0', v);
  return x;
}

/** An integer >= min. */
export function integer(fn: string, param: string, v: unknown, min: number): number {
  const x = finite(fn, param, v);
  if (!Number.isInteger(x) || x < min) fail('range', fn, param, `an integer >= ${min}`, v);
  return x;
}

/** One of a list of strings (RangeError for an unknown name, TypeError for a non-string). */
export function oneOf<T extends string>(fn: string, param: string, v: unknown, allowed: readonly T[]): T {
  const expected = allowed.map((a) => `'${a}'`).join(' | ');
  if (typeof v !== 'string') fail('type', fn, param, expected, v);
  if (!(allowed as readonly string[]).includes(v)) fail('range', fn, param, expected, v);
  return v as T;
}

/** A plain object (options bags, kernel specs). */
export function object(fn: string, param: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('type', fn, param, 'an object', v);
  return v as Record<string, unknown>;
}

/** A vector of finite numbers, optionally of a given length. */
export function vector(fn: string, param: string, v: unknown, length?: number): number[] {
  if (!Array.isArray(v)) fail('type', fn, param, 'an array of numbers', v);
  if (length !== undefined && v.length !== length) {
    fail('range', fn, param, `an array of length ${length}`, v);
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') fail('type', fn, `${param}[${i}]`, 'a finite number', x);
    if (!Number.isFinite(x)) fail('range', fn, `${param}[${i}]`, 'a finite number', x);
  }
  return v as number[];
}

/**
 * A matrix (array of rows) of finite numbers with consistent row length. `rows`/`cols` pin the
 * shape when given; `minCols` guards against empty rows. Returns the column count (`cols` or, for
 * an empty matrix, `cols ?? 0`).
 */
export function matrix(
  fn: string,
  param: string,
  v: unknown,
  shape: { rows?: number; cols?: number; minCols?: number } = {},
): number {
  if (!Array.isArray(v)) fail('type', fn, param, 'an array of rows (number[][])', v);
  if (shape.rows !== undefined && v.length !== shape.rows) {
    fail('range', fn, param, `a matrix with ${shape.rows} rows`, v);
  }
  let cols = shape.cols;
  for (let i = 0; i < v.length; i++) {
    const row = v[i];
    if (!Array.isArray(row)) fail('type', fn, `${param}[${i}]`, 'an array of numbers', row);
    if (cols === undefined) cols = row.length;
    if (row.length !== cols) {
      fail('range', fn, `${param}[${i}]`, `a row of length ${cols} (rows must agree)`, row);
    }
    if (shape.minCols !== undefined && row.length < shape.minCols) {
      fail('range', fn, `${param}[${i}]`, `a row of length >= ${shape.minCols}`, row);
    }
    for (let j = 0; j < row.length; j++) {
      const x = row[j];
      if (typeof x !== 'number') fail('type', fn, `${param}[${i}][${j}]`, 'a finite number', x);
      if (!Number.isFinite(x)) fail('range', fn, `${param}[${i}][${j}]`, 'a finite number', x);
    }
  }
  return cols ?? 0;
}

/** Throws a RangeError naming `param` (for checks that the helpers above do not cover). */
export function rangeError(fn: string, param: string, expected: string, v: unknown): never {
  fail('range', fn, param, expected, v);
}
