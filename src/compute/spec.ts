/**
 * One spec checker for every routine of the compute module (no tfjs), instead of hand-written
 * checks per file. Messages follow the math core's style (src/math/validate.ts):
 *
 *   `createEnsemble: members must be an integer in 1..1024, received 2000`
 *
 * TypeError for the wrong kind of value (not a number, not an array, not an object), RangeError for
 * the right kind with a wrong value (NaN or ±Infinity, out of range, wrong length, unknown name).
 * Every check returns the value it accepted, normalised (integers as numbers, points flattened to
 * a Float32Array), so a routine validates its whole spec up front and then uses what came back.
 *
 *   const v = specChecker('createEnsemble');
 *   const members = v.int('members', spec.members, 1, 1024);
 *   const sigmaW2 = v.positive('sigmaW2', spec.sigmaW2);
 *   const act = v.oneOf('activation', spec.activation, ['relu', 'erf']);
 *   const seed = v.seed('seed', spec.seed);
 *   const x = v.points('x', points, inputDim);        // { values: Float32Array, count }
 */

/** Short rendering of a received value (numbers and strings as they are, arrays by length). */
export function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a typed array of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : typeof value;
}

export interface Points {
  /** Row-major, count x dim. */
  values: Float32Array;
  count: number;
  dim: number;
}

export interface SpecChecker {
  /** The function name that prefixes every message. */
  readonly fn: string;
  /** Throw `fn: name must be <expected>, received <value>` (RangeError unless `type`). */
  fail(name: string, expected: string, value: unknown, type?: boolean): never;
  /** Throw `fn: name must <must>, received <value>` (e.g. must 'have length 3'). */
  raise(name: string, must: string, value: unknown, type?: boolean): never;
  /** A plain object (TypeError otherwise). */
  object<T extends object>(name: string, value: T): T;
  /** A finite number. */
  finite(name: string, value: unknown): number;
  /** A finite number > 0. */
  positive(name: string, value: unknown): number;
  /** A finite number >= 0. */
  nonNegative(name: string, value: unknown): number;
  /** An integer in lo..hi (hi = Infinity: `>= lo`). */
  int(name: string, value: unknown, lo: number, hi?: number): number;
  /** A number in an interval; `closed` says which ends belong to it ([lo, hi) by default). */
  interval(name: string, value: unknown, lo: number, hi: number, closed?: '[]' | '[)' | '(]' | '()'): number;
  /** One of a list of strings. */
  oneOf<T extends string>(name: string, value: unknown, options: readonly T[]): T;
  /** A seed: a finite number or a string (what rng.ts accepts). */
  seed(name: string, value: unknown): number | string;
  /** An array of finite numbers (length in lo..hi, or exactly `length`), as a Float32Array and a float64 copy. */
  numbers(name: string, value: unknown, length: number | [number, number]): { f32: Float32Array; f64: number[] };
  /**
   * A number or an array of `length` numbers, each checked by `check` (e.g. v.positive); a number
   * is broadcast. Returns the values as float64 numbers.
   */
  numberOrArray(name: string, value: unknown, length: number, check: (name: string, value: unknown) => number): number[];
  /** A non-empty array of points, each an array of `dim` finite numbers, flattened. */
  points(name: string, value: unknown, dim: number, maxCount?: number): Points;
}

export function specChecker(fn: string): SpecChecker {
  const raise = (name: string, must: string, value: unknown, type = false): never => {
    const message = `${fn}: ${name} must ${must}, received ${show(value)}`;
    throw type ? new TypeError(message) : new RangeError(message);
  };
  const fail = (name: string, expected: string, value: unknown, type = false): never => raise(name, `be ${expected}`, value, type);

  const finite = (name: string, value: unknown): number => {
    if (typeof value !== 'number') fail(name, 'a finite number', value, true);
    if (!Number.isFinite(value)) fail(name, 'a finite number', value);
    return value as number;
  };

  const checker: SpecChecker = {
    fn,
    fail,
    raise,
    object<T extends object>(name: string, value: T): T {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(name, 'an object', value, true);
      return value;
    },
    finite,
    positive(name, value) {
      if (typeof value !== 'number') fail(name, 'a finite number > 0', value, true);
      if (!(Number.isFinite(value) && (value as number) > 0)) fail(name, 'a finite number > 0', value);
      return value as number;
    },
    nonNegative(name, value) {
      if (typeof value !== 'number') fail(name, 'a finite number >= 0', value, true);
      if (!(Number.isFinite(value) && (value as number) >= 0)) fail(name, 'a finite number >= 0', value);
      return value as number;
    },
    int(name, value, lo, hi = Infinity) {
      const expected = hi === Infinity ? `an integer >= ${lo}` : `an integer in ${lo}..${hi}`;
      if (typeof value !== 'number') fail(name, expected, value, true);
      const x = value as number;
      if (!Number.isInteger(x) || x < lo || x > hi) fail(name, expected, value);
      return x;
    },
    interval(name, value, lo, hi, closed = '[)') {
      const expected = `in ${closed[0]}${lo}, ${hi}${closed[1]}`;
      if (typeof value !== 'number') fail(name, expected, value, true);
      const x = value as number;
      const okLo = closed[0] === '[' ? x >= lo : x > lo;
      const okHi = closed[1] === ']' ? x <= hi : x < hi;
      if (!(okLo && okHi)) fail(name, expected, value);
      return x;
    },
    oneOf<T extends string>(name: string, value: unknown, options: readonly T[]): T {
      const expected = `one of ${options.join(', ')}`;
      if (typeof value !== 'string') fail(name, expected, value, true);
      if (!(options as readonly string[]).includes(value as string)) fail(name, expected, value);
      return value as T;
    },
    seed(name, value) {
      if (typeof value === 'string') return value;
      if (typeof value !== 'number') fail(name, 'a finite number or a string', value, true);
      if (!Number.isFinite(value)) fail(name, 'a finite number or a string', value);
      return value as number;
    },
    numbers(name, value, length) {
      const [lo, hi] = typeof length === 'number' ? [length, length] : length;
      const expected = lo === hi ? `an array of ${lo} finite numbers` : `an array of ${lo}..${hi} finite numbers`;
      if (!Array.isArray(value)) fail(name, expected, value, true);
      const a = value as unknown[];
      if (a.length < lo || a.length > hi) fail(name, expected, value);
      const f32 = new Float32Array(a.length);
      const f64 = new Array<number>(a.length);
      for (let i = 0; i < a.length; i++) f32[i] = f64[i] = finite(`${name}[${i}]`, a[i]);
      return { f32, f64 };
    },
    numberOrArray(name, value, length, check) {
      if (Array.isArray(value)) {
        if (value.length !== length) fail(name, `a number or an array of ${length} numbers`, value);
        return value.map((v, i) => check(`${name}[${i}]`, v));
      }
      if (typeof value !== 'number') fail(name, `a number or an array of ${length} numbers`, value, true);
      const x = check(name, value);
      return new Array<number>(length).fill(x);
    },
    points(name, value, dim, maxCount = Infinity) {
      if (!Array.isArray(value)) fail(name, 'a non-empty array of points', value, true);
      const rows = value as unknown[];
      if (rows.length === 0 || rows.length > maxCount) {
        fail(name, maxCount === Infinity ? 'a non-empty array of points' : `an array of 1..${maxCount} points`, value);
      }
      const values = new Float32Array(rows.length * dim);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!Array.isArray(row)) fail(`${name}[${i}]`, `an array of length inputDim = ${dim}`, row, true);
        const r = row as unknown[];
        if (r.length !== dim) raise(`${name}[${i}]`, `have length inputDim = ${dim}`, r.length);
        for (let j = 0; j < dim; j++) values[i * dim + j] = finite(`${name}[${i}][${j}]`, r[j]);
      }
      return { values, count: rows.length, dim };
    },
  };
  return checker;
}

/** Content equality of two Float32Arrays (for caching uploaded tensors by value). */
export function sameValues(a: Float32Array | null | undefined, b: Float32Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}
