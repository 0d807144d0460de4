/**
 * Test-only numerics, written independently of src/math so that the checks are checks: a seeded
 * RNG, Gaussian draws, erf, a generic 2-D Gaussian expectation by brute-force composite
 * Gauss–Legendre, dense inverse / determinant by Gauss–Jordan, and small statistics helpers.
 */

/** xoshiro128** (Blackman & Vigna 2018): 32-bit outputs, combined into 53-bit uniforms. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 to spread the seed over the state
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }

  /** Fills a Float64Array with standard normals. */
  normals(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** erf to ~1e-15: Maclaurin series for |x| < 2.5, Lentz continued fraction for erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = ax;
  let C = ax;
  let D = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    D = ax + an * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = ax + an / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Gauss–Legendre nodes on [−1, 1] (Newton on P_p), independent of src/math's copy. */
export function legendre(p: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= p; i++) {
    let t = Math.cos((Math.PI * (i - 0.25)) / (p + 0.5));
    let d = 0;
    for (let it = 0; it < 100; it++) {
      let a = 1;
      let b = t;
      for (let k = 2; k <= p; k++) [a, b] = [b, ((2 * k - 1) * t * b - (k - 1) * a) / k];
      d = (p * (t * b - a)) / (t * t - 1);
      const step = b / d;
      t -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    x.push(t);
    w.push(2 / ((1 - t * t) * d * d));
  }
  return { x, w };
}

/** Composite Gauss–Legendre nodes on [lo, hi] with the given interior breakpoints. */
export function composite(lo: number, hi: number, breaks: number[], panels: number, p: number): { z: number[]; w: number[] } {
  const gl = legendre(p);
  const cuts = [lo, ...breaks.filter((b) => b > lo && b < hi).sort((a, b) => a - b), hi];
  const z: number[] = [];
  const w: number[] = [];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const a = cuts[s];
    const len = cuts[s + 1] - a;
    const k = Math.max(1, Math.ceil((panels * len) / (hi - lo)));
    const h = len / k;
    for (let j = 0; j < k; j++) {
      const mid = a + (j + 0.5) * h;
      for (let i = 0; i < p; i++) {
        z.push(mid + (h / 2) * gl.x[i]);
        w.push((h / 2) * gl.w[i]);
      }
    }
  }
  return { z, w };
}

const PHI = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/**
 * E[f(u) g(v)] for (u, v) ~ N(0, [[q1, c], [c, q2]]) by brute force: u = √q1 z1,
 * v = √q2(ρ z1 + s z2), nested composite Gauss–Legendre on [−10, 10]² with breakpoints where
 * u = 0 (outer) and v = 0 (inner), so kinks of relu/step functions fall on panel edges.
 */
export function expect2D(f: (u: number) => number, g: (v: number) => number, q1: number, q2: number, c: number, panels = 60, p = 10): number {
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const rho = Math.max(-1, Math.min(1, c / (s1 * s2)));
  const s = Math.sqrt(Math.max(0, 1 - rho * rho));
  // The inner average smooths g over a width ~ s: when s is small its kink/steep part near z1 = 0
  // is that narrow, so refine geometrically towards 0 on that scale.
  const breaks = [0];
  for (let b = Math.max(s, 1e-6); b < 10; b *= 2) breaks.push(b, -b);
  const outer = composite(-10, 10, breaks, panels, p);
  let total = 0;
  for (let i = 0; i < outer.z.length; i++) {
    const z1 = outer.z[i];
    const fu = f(s1 * z1);
    if (fu === 0) continue;
    let inner: number;
    if (s < 1e-12) {
      inner = g(s2 * rho * z1);
    } else {
      const kink = (-rho * z1) / s;
      const q = composite(-10, 10, [kink], panels, p);
      inner = 0;
      for (let j = 0; j < q.z.length; j++) inner += q.w[j] * PHI(q.z[j]) * g(s2 * (rho * z1 + s * q.z[j]));
    }
    total += outer.w[i] * PHI(z1) * fu * inner;
  }
  return total;
}

/** E[f(√q z)] by composite Gauss–Legendre on [−10, 10] with a break at 0. */
export function expect1D(f: (u: number) => number, q: number, panels = 200, p = 10): number {
  const r = composite(-10, 10, [0], panels, p);
  let s = 0;
  for (let i = 0; i < r.z.length; i++) s += r.w[i] * PHI(r.z[i]) * f(Math.sqrt(q) * r.z[i]);
  return s;
}

/** Inverse and log-determinant by Gauss–Jordan with partial pivoting (dense, small n). */
export function inverseAndLogDet(a: number[][]): { inv: number[][]; logDet: number } {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
    [m[col], m[piv]] = [m[piv], m[col]];
    const d = m[col][col];
    logDet += Math.log(Math.abs(d));
    for (let j = 0; j < 2 * n; j++) m[col][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col];
      if (f === 0) continue;
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[col][j];
    }
  }
  return { inv: m.map((row) => row.slice(n)), logDet };
}

export const matVec = (a: number[][], x: number[]): number[] => a.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
export const matMul = (a: number[][], b: number[][]): number[][] =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
export const transpose = (a: number[][]): number[][] => (a.length ? a[0].map((_, j) => a.map((row) => row[j])) : []);

/** max |a_i − b_i| / max(|b_i|, floor) over paired arrays. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return worst;
}

/** Mean and standard error of a sample. */
export function meanSe(xs: ArrayLike<number>): { mean: number; se: number; sd: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i] - m) ** 2;
  v /= n - 1;
  return { mean: m, se: Math.sqrt(v / n), sd: Math.sqrt(v) };
}

/** Records worst-case numbers that the test files print once, for the report. */
export function report(label: string, value: number): void {
  if (process.env.MATH_REPORT) console.log(`[report] ${label}: ${value.toExponential(3)}`);
}
