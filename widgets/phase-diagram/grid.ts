/**
 * The phase diagram's grid: q*, χ1, c* and ξc over (σw², σb²) cells, fast enough for 200 × 200
 * cells in a worker (and 48 × 48 at server-render time). Pure, no DOM (it runs in a Web Worker,
 * in Node and in the build).
 *
 * erf cells call src/math `meanField` itself (closed forms, ~15 µs a cell). For tanh, `meanField`
 * resolves every integral to ~1e-9 with the graded quadrature of src/math and finds c* by
 * bisection to 1e-15: ~20 ms a cell here, 13 minutes for 40,000 cells. So tanh cells use the same
 * fixed-point equations on tables of the four Gaussian integrals they need (E[φ²]/q, E[φ'²] over q;
 * E[φφ], E[φ'φ'] over (q, c)), built once by trapezoid rules (below) and interpolated: q* by
 * bisection as in meanField, c* by Newton's method from c = 0 on the convex c-map (monotone, to
 * the stable root). tests/unit/widgets/phase-diagram.test.ts checks every field against meanField.
 *
 * The critical line χ1 = 1 is parametric in q = q*: σw² = 1/E[φ'(√q z)²] and
 * σb² = q − σw² E[φ(√q z)²] (exact in its integrals; 1-D only).
 */
import { meanField, type MeanFieldActivation } from '../../src/math/index.ts';

export const SW2_RANGE: readonly [number, number] = [0.5, 4];
export const SB2_RANGE: readonly [number, number] = [0, 0.5];
/** ξc above this is stored as this (the line itself has ξc = ∞). */
export const XI_CAP = 1000;

export interface GridSpec {
  activation: MeanFieldActivation;
  /** Cells along σw² (x) and σb² (y). */
  nx: number;
  ny: number;
}

/** Cell (i, j) is centred at these values (cells tile SW2_RANGE × SB2_RANGE). */
export const cellSw2 = (i: number, nx: number) => SW2_RANGE[0] + ((i + 0.5) * (SW2_RANGE[1] - SW2_RANGE[0])) / nx;
export const cellSb2 = (j: number, ny: number) => SB2_RANGE[0] + ((j + 0.5) * (SB2_RANGE[1] - SB2_RANGE[0])) / ny;

export interface FieldGrid {
  activation: MeanFieldActivation;
  nx: number;
  ny: number;
  /** index i + nx·j (row j = σb² cell j from the bottom), as widgets/ui/color.ts's Grid. */
  qStar: Float64Array;
  chi1: Float64Array;
  cStar: Float64Array;
  /** ξc, capped at XI_CAP (∞ on the line). */
  xiC: Float64Array;
  /** Computing time, ms. */
  ms: number;
}

// ---------------------------------------------------------------------------------------------
// tanh tables. The trapezoid rule on a uniform grid converges like exp(−2πd/h) for an integrand
// analytic in the strip |Im z| < d; here d = π/(2√q) ≥ 0.73 (q ≤ Q_MAX), so h = 0.1 (1-D) and
// h = 0.25 (2-D, both dimensions) leave ~1e-20 and ~1e-8 (the same rule src/math's tests use as
// an exact reference). The tables are built once per page (in the worker) and interpolated with
// 4-point Lagrange cubics.

/** q* <= σw² + σb² <= 4.5 on the diagram. */
export const Q_MAX = 4.6;
const NQ1 = 461; // Δq = 0.01
/** The 2-D tables are uniform in s = √q (finer where q is small, where c* is most sensitive). */
const S_MAX = Math.sqrt(Q_MAX);
const NS2 = 109; // Δ√q ≈ 0.02
const NC = 51; // Δc = 0.02 on [0, 1]

function trapezoid(h: number, zmax: number): { x: Float64Array; w: Float64Array } {
  const n = 2 * Math.round(zmax / h) + 1;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = -zmax + k * h;
    w[k] = (h * Math.exp(-0.5 * x[k] * x[k])) / Math.sqrt(2 * Math.PI);
  }
  return { x, w };
}

interface Tables1 {
  /** E[tanh²(√q z)]/q and E[sech⁴(√q z)] at q = k·Q_MAX/(NQ1 − 1). */
  f2q: Float64Array;
  d2: Float64Array;
}

interface Tables2 {
  /** E[tanh u1 tanh u2]/q (→ c as q → 0) and E[sech² u1 sech² u2] at (q = s_k², c_m), index k·NC + m. */
  ffq: Float64Array;
  dd: Float64Array;
}

let tables1: Tables1 | null = null;
let tables2: Tables2 | null = null;

/** The 1-D tables (~5 ms): enough for q*, χ1 and the critical line. */
function tanhTables1(): Tables1 {
  if (tables1) return tables1;
  const r1 = trapezoid(0.1, 8);
  const f2q = new Float64Array(NQ1);
  const d2 = new Float64Array(NQ1);
  for (let k = 0; k < NQ1; k++) {
    const q = (k * Q_MAX) / (NQ1 - 1);
    const s = Math.sqrt(q);
    let a = 0;
    let b = 0;
    for (let i = 0; i < r1.x.length; i++) {
      const x = s * r1.x[i];
      const t = Math.tanh(x);
      const ratio = Math.abs(x) < 1e-4 ? 1 - (x * x) / 3 : t / x; // tanh(x)/x, so that f2/q is exact at q → 0
      a += r1.w[i] * ratio * ratio * r1.x[i] * r1.x[i];
      b += r1.w[i] * (1 - t * t) * (1 - t * t);
    }
    f2q[k] = a;
    d2[k] = b;
  }
  tables1 = { f2q, d2 };
  return tables1;
}

// The outer nodes ±z1 give ∓ the same inner E[tanh] (tanh is odd, the rule symmetric) and the
// same inner E[sech²]: only z1 >= 0 is summed, the middle node once.
const R2 = trapezoid(0.25, 7);
let partial: { ffq: Float64Array; dd: Float64Array; next: number } | null = null;

/** Row k (q = s_k²) of the 2-D tables. */
function table2Row(k: number, ffq: Float64Array, dd: Float64Array): void {
  const n = R2.x.length;
  const mid = (n - 1) / 2;
  const s = (k * S_MAX) / (NS2 - 1);
  const q = s * s;
  for (let m = 0; m < NC; m++) {
    const c = m / (NC - 1);
    const sr = s * Math.sqrt(Math.max(0, 1 - c * c));
    let F = 0;
    let D = 0;
    for (let a = mid; a < n; a++) {
      const t1 = Math.tanh(s * R2.x[a]);
      const mean = s * c * R2.x[a];
      let inF = 0;
      let inD = 0;
      for (let b = 0; b < n; b++) {
        const t2 = Math.tanh(mean + sr * R2.x[b]);
        inF += R2.w[b] * t2;
        inD += R2.w[b] * (1 - t2 * t2);
      }
      const wa = a === mid ? R2.w[a] : 2 * R2.w[a];
      F += wa * t1 * inF;
      D += wa * (1 - t1 * t1) * inD;
    }
    ffq[k * NC + m] = k === 0 ? c : F / q;
    dd[k * NC + m] = D;
  }
}

/**
 * Builds the 2-D tables for at most `budgetMs` (a chunked caller on the main thread); true once
 * they are complete. The tables take ~0.6 s here in all.
 */
export function warmTables(budgetMs = Infinity): boolean {
  if (tables2) return true;
  partial ??= { ffq: new Float64Array(NS2 * NC), dd: new Float64Array(NS2 * NC), next: 0 };
  const t0 = performance.now();
  while (partial.next < NS2 && performance.now() - t0 < budgetMs) table2Row(partial.next++, partial.ffq, partial.dd);
  if (partial.next < NS2) return false;
  tables2 = { ffq: partial.ffq, dd: partial.dd };
  partial = null;
  return true;
}

/** The 2-D tables: c* and ξc in the chaotic phase (built on first use, in the worker). */
function tanhTables2(): Tables2 {
  warmTables();
  return tables2 as Tables2;
}

/** 4-point Lagrange weights at position t (in node units) on n nodes: [first node, w0..w3]. */
function lagrange(t: number, n: number): [number, number, number, number, number] {
  const i0 = Math.max(0, Math.min(n - 4, Math.floor(t) - 1));
  const u = t - i0; // in [0, 3] inside, up to 3 at the far end
  const w0 = (-(u - 1) * (u - 2) * (u - 3)) / 6;
  const w1 = (u * (u - 2) * (u - 3)) / 2;
  const w2 = (-u * (u - 1) * (u - 3)) / 2;
  const w3 = (u * (u - 1) * (u - 2)) / 6;
  return [i0, w0, w1, w2, w3];
}

function interp1(table: Float64Array, q: number): number {
  const [i0, a, b, c, d] = lagrange((Math.min(q, Q_MAX) * (NQ1 - 1)) / Q_MAX, NQ1);
  return a * table[i0] + b * table[i0 + 1] + c * table[i0 + 2] + d * table[i0 + 3];
}

function interp2(table: Float64Array, q: number, c: number): number {
  const [k0, ...wq] = lagrange((Math.sqrt(Math.min(q, Q_MAX)) * (NS2 - 1)) / S_MAX, NS2);
  const [m0, ...wc] = lagrange(Math.max(0, Math.min(1, c)) * (NC - 1), NC);
  let sum = 0;
  for (let a = 0; a < 4; a++) {
    const row = (k0 + a) * NC + m0;
    sum += wq[a] * (wc[0] * table[row] + wc[1] * table[row + 1] + wc[2] * table[row + 2] + wc[3] * table[row + 3]);
  }
  return sum;
}

function bisect(f: (x: number) => number, lo: number, hi: number, tol: number): number {
  for (let it = 0; it < 200 && hi - lo > tol * Math.max(1, hi); it++) {
    const mid = lo + (hi - lo) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

export interface CellValues {
  qStar: number;
  chi1: number;
  cStar: number;
  /** ξc (Infinity at criticality; not capped). */
  xiC: number;
}

/** One tanh cell from the tables (see the file comment). */
export function tanhCell(sw: number, sb: number): CellValues {
  const T = tanhTables1();
  const f2 = (q: number) => q * interp1(T.f2q, q);
  let qStar: number;
  if (sb > 0) qStar = bisect((q) => sw * f2(q) + sb - q, sb, sb + sw, 1e-14);
  else if (sw <= 1 + 1e-12) qStar = 0;
  else qStar = bisect((q) => sw * interp1(T.f2q, q) - 1, 0, sw, 1e-14);
  const chi1 = qStar === 0 ? sw : sw * interp1(T.d2, qStar);
  if (Math.abs(chi1 - 1) <= 1e-9) return { qStar, chi1, cStar: 1, xiC: Infinity };
  if (chi1 < 1) return { qStar, chi1, cStar: 1, xiC: -1 / Math.log(chi1) };
  const T2 = tanhTables2();
  let cStar = 0;
  if (sb > 0) {
    // g(c) = (σw² E[φφ] + σb²)/q* − c is convex on [0, 1] with g(0) = σb²/q* > 0, so Newton's
    // method from c = 0 climbs monotonically to the stable root c*; g'(c) = σw² E[φ'φ'] − 1 (Price).
    let c = 0;
    for (let it = 0; it < 100; it++) {
      const g = sw * interp2(T2.ffq, qStar, c) + sb / qStar - c;
      const gp = sw * interp2(T2.dd, qStar, c) - 1;
      if (!(gp < 0) || g <= 0) break; // at (or numerically past) the double root by the critical line
      const next = Math.min(1, c - g / gp);
      const done = Math.abs(next - c) < 1e-13;
      c = next;
      if (done) break;
    }
    cStar = c;
  }
  const chiC = sw * interp2(T2.dd, qStar, cStar);
  return { qStar, chi1, cStar, xiC: chiC >= 1 ? Infinity : -1 / Math.log(chiC) };
}

/** One cell, exact (meanField) for erf and by the fast rules for tanh. */
export function cell(activation: MeanFieldActivation, sw: number, sb: number): CellValues {
  if (activation === 'tanh') return tanhCell(sw, sb);
  const r = meanField({ activation, sigmaW2: sw, sigmaB2: sb });
  return { qStar: r.qStar, chi1: r.chi1, cStar: r.cStar, xiC: r.xiC };
}

/** An empty grid for `spec`. */
export function emptyGrid(spec: GridSpec): FieldGrid {
  const n = spec.nx * spec.ny;
  return { activation: spec.activation, nx: spec.nx, ny: spec.ny, qStar: new Float64Array(n).fill(NaN), chi1: new Float64Array(n).fill(NaN), cStar: new Float64Array(n).fill(NaN), xiC: new Float64Array(n).fill(NaN), ms: 0 };
}

/** Fills rows [j0, j1) of `grid` (a worker or a chunked loop calls this row block by row block). */
export function fillRows(grid: FieldGrid, j0: number, j1: number): void {
  for (let j = j0; j < Math.min(j1, grid.ny); j++) {
    const sb = cellSb2(j, grid.ny);
    for (let i = 0; i < grid.nx; i++) {
      const r = cell(grid.activation, cellSw2(i, grid.nx), sb);
      const k = i + grid.nx * j;
      grid.qStar[k] = r.qStar;
      grid.chi1[k] = r.chi1;
      grid.cStar[k] = r.cStar;
      grid.xiC[k] = Math.min(XI_CAP, r.xiC);
    }
  }
}

/** The whole grid at once (the server render's coarse grid; tests). */
export function computeGrid(spec: GridSpec): FieldGrid {
  const t0 = performance.now();
  const g = emptyGrid(spec);
  fillRows(g, 0, spec.ny);
  g.ms = performance.now() - t0;
  return g;
}

// ---------------------------------------------------------------------------------------------
// The critical line.

/** E[φ²], E[φ'²] at variance q: erf closed forms (Williams 1997), tanh the tables. */
function moments1(activation: MeanFieldActivation, q: number): { f2: number; d2: number } {
  if (activation === 'erf') return { f2: (2 / Math.PI) * Math.asin((2 * q) / (1 + 2 * q)), d2: 4 / Math.PI / Math.sqrt(1 + 4 * q) };
  const T = tanhTables1();
  return { f2: q * interp1(T.f2q, q), d2: interp1(T.d2, q) };
}

/** The critical line's point at q* = q: σw² = 1/E[φ'²], σb² = q − σw² E[φ²]. */
export function criticalAt(activation: MeanFieldActivation, q: number): { sw2: number; sb2: number } {
  const m = moments1(activation, q);
  const sw2 = 1 / m.d2;
  return { sw2, sb2: Math.max(0, q - sw2 * m.f2) };
}

/**
 * The critical line as σb² ↦ σw² samples at σb² = 0, Δ, 2Δ, …, SB2_RANGE[1] (count samples), by
 * bisection in q on the parametric form (σb² increases with q along the line).
 */
export function criticalLine(activation: MeanFieldActivation, count = 51): { sb2: number; sw2: number }[] {
  const out: { sb2: number; sw2: number }[] = [];
  const qHi = Q_MAX; // σb² on the line reaches 0.5 before q = 4.6 for both activations (tested)
  for (let k = 0; k < count; k++) {
    const target = SB2_RANGE[0] + ((SB2_RANGE[1] - SB2_RANGE[0]) * k) / (count - 1);
    if (target === 0) {
      out.push({ sb2: 0, sw2: criticalAt(activation, 0).sw2 });
      continue;
    }
    const q = bisect((x) => target - criticalAt(activation, x).sb2, 0, qHi, 1e-14);
    out.push({ sb2: target, sw2: criticalAt(activation, q).sw2 });
  }
  return out;
}

/** σw² on the critical line at this σb² (for the "critical" preset and the tests). */
export function criticalSw2(activation: MeanFieldActivation, sb2: number): number {
  if (sb2 <= 0) return criticalAt(activation, 0).sw2;
  return criticalAt(activation, bisect((x) => sb2 - criticalAt(activation, x).sb2, 0, Q_MAX, 1e-14)).sw2;
}
