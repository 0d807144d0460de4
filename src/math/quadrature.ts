/**
 * Gaussian expectations of tanh by graded composite Gauss–Legendre quadrature.
 *
 * Why not Gauss–Hermite: E[g(√q z)] with g = tanh has poles at z = ±iπ(k + ½)/√q, so the integrand
 * is analytic only in a strip of half-width δ = π/(2√q) around the real axis, and a fixed-node rule
 * converges like exp(−c·δ·√nodes): fine at q ≈ 1, hopeless at q = 100 (δ ≈ 0.16). But the poles sit
 * above one real point only (z = 0 here; z₂ = −ρz₁/s in the inner integral of the 2-D case), so we
 * march panels outwards from that point with widths proportional to the distance to it (first panel
 * δ/2, then ratio-3 growth): every panel then sees the nearest pole at a fixed ratio of its width, and
 * p-point Gauss–Legendre converges like ρ^{−2p} with ρ ≥ 3.7 on every panel (Trefethen, Approximation
 * Theory and Approximation Practice, ch. 19). The node count grows like log(1/δ): this is what
 * "adapts to the variance" means. P = 8 nodes per panel, panels at most 2 wide, |z| <= 7.
 * Measured error (tests/unit/math/quadrature.test.ts): below 1e-8 relative for variances up to 100
 * (spot checks up to 1000 agree), against fine trapezoid references; 1-D ≈ 60 nodes, 2-D ≈ 60²
 * evaluations.
 */

/** Gauss–Legendre nodes/weights on [−1, 1] by Newton on P_p (Golub–Welsch not needed for small p). */
function gaussLegendre(p: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(p);
  const w = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (p + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= p; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (p * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    x[i] = t;
    w[i] = 2 / ((1 - t * t) * dp * dp);
  }
  return { x, w };
}

const P = 8;
const GL = gaussLegendre(P);
/**
 * Rules for the derivative integrands (tanhPartials1/2), on the same panels. Their poles are of
 * order up to 6, and a pole of order m multiplies p-point Gauss–Legendre's panel error ρ^{−2p} by
 * about p^{m−1}: with 8 nodes the 1-D derivatives were off by up to 6e-6 at q = 100. 16 nodes in
 * 1-D (cheap) and 10 per dimension in 2-D bring the measured error below 1e-11 and 5e-9.
 */
const GL_FINE = gaussLegendre(16);
const GL_MID = gaussLegendre(10);
/** Integration range in z: the standard normal mass beyond ±7 is 2.6e-12. */
export const Z_MAX = 7;
/** Largest panel: keeps the Gaussian factor itself resolved (4 nodes per unit of z). */
const H_MAX = 2;
/** First panel width at the singular point, in units of the pole distance δ. */
const FIRST = 0.5;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Nearest-pole distance of tanh(s·z) from the real axis (s = the scale multiplying z). */
export function poleDistance(scale: number): number {
  return scale > 0 ? Math.PI / (2 * scale) : Infinity;
}

/**
 * Fills `zs`/`ws` with a composite Gauss–Legendre rule on [lo, hi] whose panels are graded towards
 * the real point c (a near-singularity at distance `delta` above it); returns the node count.
 * Weights do not include any density.
 */
export function gradedNodes(
  c: number,
  delta: number,
  lo: number,
  hi: number,
  zs: Float64Array,
  ws: Float64Array,
  rule: { x: Float64Array; w: Float64Array } = GL,
): number {
  const p = rule.x.length;
  let n = 0;
  let x = lo;
  while (x < hi) {
    let w: number;
    if (x < c) {
      const d = c - x;
      w = d <= FIRST * delta ? d : (2 / 3) * d; // approach: stop at a third of the remaining distance
    } else {
      w = Math.max(2 * (x - c), FIRST * delta); // leave: width twice the distance already covered
    }
    w = Math.min(w, H_MAX, hi - x);
    if (hi - (x + w) < 1e-12 * (hi - lo)) w = hi - x;
    const half = w / 2;
    const mid = x + half;
    for (let k = 0; k < p; k++) {
      zs[n] = mid + half * rule.x[k];
      ws[n] = half * rule.w[k];
      n++;
    }
    x += w;
  }
  return n;
}

const BUF = 8192;
const oz = new Float64Array(BUF);
const ow = new Float64Array(BUF);
const iz = new Float64Array(BUF);
const iw = new Float64Array(BUF);

/** Standard-normal rule graded towards 0 for a near-singularity at distance delta: E[f(z)] ≈ Σ w f(z). */
export function normalRule(delta: number): { z: Float64Array; w: Float64Array } {
  const n = gradedNodes(0, delta, -Z_MAX, Z_MAX, oz, ow);
  const z = oz.slice(0, n);
  const w = ow.slice(0, n);
  for (let i = 0; i < n; i++) w[i] *= INV_SQRT_2PI * Math.exp(-0.5 * z[i] * z[i]);
  return { z, w };
}

export interface TanhMoments1 {
  /** E[tanh(u)²] */
  f2: number;
  /** E[tanh'(u)²] = E[sech⁴ u] */
  d2: number;
  /** E[tanh'(u)] = E[sech² u] */
  d1: number;
  /** E[(tanh(u)/√q)²], finite as q → 0 (for the slope of the variance map at small q) */
  f2OverQ: number;
}

/** 1-D moments of tanh for u ~ N(0, q). */
export function tanhMoments1(q: number): TanhMoments1 {
  if (q === 0) return { f2: 0, d2: 1, d1: 1, f2OverQ: 1 };
  const s = Math.sqrt(q);
  const n = gradedNodes(0, poleDistance(s), -Z_MAX, Z_MAX, oz, ow);
  let f2 = 0;
  let d2 = 0;
  let d1 = 0;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const z = oz[i];
    const w = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    const t = Math.tanh(s * z);
    const sech2 = 1 - t * t;
    const r = s * z === 0 ? z : t / s; // tanh(sz)/s without 0/0
    f2 += w * t * t;
    d2 += w * sech2 * sech2;
    d1 += w * sech2;
    r2 += w * r * r;
  }
  return { f2, d2, d1, f2OverQ: r2 };
}

export interface TanhMoments2 {
  /** E[tanh(u) tanh(v)] */
  ff: number;
  /** E[tanh'(u) tanh'(v)] */
  dd: number;
}

/**
 * 2-D moments of tanh for (u, v) ~ N(0, [[q1, c], [c, q2]]). Written as u = √q1 z1,
 * v = √q2 (ρ z1 + s z2), s = √(1 − ρ²): the outer rule in z1 is graded towards 0 (poles of tanh(u)
 * and, when s is small, of the inner average), the inner rule in z2 towards z2* = −ρ z1 / s, where
 * v = 0. |ρ| within 1e-12 of 1 is done as the 1-D integral (error O(s²) = O(1e-12)).
 */
export function tanhMoments2(q1: number, q2: number, c: number): TanhMoments2 {
  // Both moments are symmetric in (u, v); fixing the order makes K(a, b) = K(b, a)ᵀ bit for bit.
  if (q1 < q2) return tanhMoments2(q2, q1, c);
  if (q1 === 0 || q2 === 0) {
    // tanh(0) = 0 and tanh'(0) = 1: the product collapses to a 1-D moment of the other variable.
    const other = q1 === 0 ? q2 : q1;
    return { ff: 0, dd: tanhMoments1(other).d1 };
  }
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  let rho = c / (s1 * s2);
  rho = Math.max(-1, Math.min(1, rho));
  const oneMinusRho2 = (1 - rho) * (1 + rho);
  if (oneMinusRho2 < 2e-12) {
    const sign = rho > 0 ? 1 : -1;
    const n = gradedNodes(0, poleDistance(Math.max(s1, s2)), -Z_MAX, Z_MAX, oz, ow);
    let ff = 0;
    let dd = 0;
    for (let i = 0; i < n; i++) {
      const z = oz[i];
      const w = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
      const tu = Math.tanh(s1 * z);
      const tv = sign * Math.tanh(s2 * z);
      ff += w * tu * tv;
      dd += w * (1 - tu * tu) * (1 - tv * tv);
    }
    return { ff, dd };
  }
  const s = Math.sqrt(oneMinusRho2);
  const a = s2 * rho; // v = a z1 + b z2
  const b = s2 * s;
  const deltaOuter = Math.min(poleDistance(s1), poleDistance(Math.abs(a)));
  const deltaInner = poleDistance(b);
  const no = gradedNodes(0, deltaOuter, -Z_MAX, Z_MAX, oz, ow);
  let ff = 0;
  let dd = 0;
  for (let i = 0; i < no; i++) {
    const z1 = oz[i];
    const w1 = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z1 * z1);
    const tu = Math.tanh(s1 * z1);
    const du = 1 - tu * tu;
    const az = a * z1;
    const ni = gradedNodes(-az / b, deltaInner, -Z_MAX, Z_MAX, iz, iw);
    let sf = 0;
    let sd = 0;
    for (let j = 0; j < ni; j++) {
      const z2 = iz[j];
      const w2 = iw[j] * Math.exp(-0.5 * z2 * z2);
      const tv = Math.tanh(az + b * z2);
      sf += w2 * tv;
      sd += w2 * (1 - tv * tv);
    }
    ff += w1 * tu * sf;
    dd += w1 * du * sd;
  }
  return { ff: ff * INV_SQRT_2PI, dd: dd * INV_SQRT_2PI };
}

/**
 * E[(tanh(u1) − tanh(u2))²] / (1 − ρ) for u1, u2 ~ N(0, q) with correlation ρ ∈ [−1, 1), computed
 * without cancellation near ρ = 1 through tanh a − tanh b = sinh(a − b)/(cosh a cosh b) with
 * a − b = √q((1 − ρ) z1 − s z2). Used by the mean-field correlation map (its slope at ρ → 1 is χ1).
 */
export function tanhDiffSqOverGap(q: number, rho: number): number {
  const sq = Math.sqrt(q);
  const gap = 1 - rho;
  const s = Math.sqrt(gap * (1 + rho));
  if (rho < 0 && s < 1e-6) {
    // ρ ≈ −1: u2 = −u1 up to O(s), and the difference is 2 tanh(u1) (error O(s²)).
    return (4 * tanhMoments1(q).f2) / gap;
  }
  const a = sq * rho;
  const b = sq * s;
  const no = gradedNodes(0, poleDistance(sq), -Z_MAX, Z_MAX, oz, ow);
  let acc = 0;
  for (let i = 0; i < no; i++) {
    const z1 = oz[i];
    const w1 = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z1 * z1);
    const u1 = sq * z1;
    const ch1 = Math.cosh(u1);
    const t1 = Math.tanh(u1);
    const ni = gradedNodes(-(a * z1) / b, poleDistance(b), -Z_MAX, Z_MAX, iz, iw);
    let inner = 0;
    for (let j = 0; j < ni; j++) {
      const z2 = iz[j];
      const w2 = iw[j] * Math.exp(-0.5 * z2 * z2);
      const u2 = a * z1 + b * z2;
      let diff: number;
      if (Math.abs(u1) < 300 && Math.abs(u2) < 300) {
        diff = Math.sinh(sq * (gap * z1 - s * z2)) / (ch1 * Math.cosh(u2));
      } else {
        diff = t1 - Math.tanh(u2); // both saturated: the difference is ~0 or ~±2, no cancellation issue
      }
      inner += w2 * diff * diff;
    }
    acc += w1 * inner;
  }
  return (acc * INV_SQRT_2PI) / gap;
}

/**
 * The variance derivatives of the 1-D tanh moments for u ~ N(0, q), by the same graded rule:
 * d/dq E[g(u)] = ½ E[g''(u)] (the heat equation), so with t = tanh u and s = sech² u = 1 − t²,
 *   d/dq E[tanh² u] = E[tanh'² + tanh·tanh''] = E[s² − 2t²s],
 *   d/dq E[sech⁴ u] = E[tanh''² + tanh'·tanh'''] = E[s²(10t² − 2)].
 * At q = 0 these are 1 and −2.
 */
export interface TanhPartials1 {
  /** E[tanh(u)²] */
  f2: number;
  /** E[tanh'(u)²] */
  d2: number;
  /** d/dq E[tanh(u)²] */
  f2Q: number;
  /** d/dq E[tanh'(u)²] */
  d2Q: number;
}

/** The 1-D tanh moments and their q-derivatives for u ~ N(0, q) (16 nodes per panel). */
export function tanhPartials1(q: number): TanhPartials1 {
  if (q === 0) return { f2: 0, d2: 1, f2Q: 1, d2Q: -2 };
  const s = Math.sqrt(q);
  const n = gradedNodes(0, poleDistance(s), -Z_MAX, Z_MAX, oz, ow, GL_FINE);
  let f2 = 0;
  let d2 = 0;
  let f2Q = 0;
  let d2Q = 0;
  for (let i = 0; i < n; i++) {
    const z = oz[i];
    const w = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    const t = Math.tanh(s * z);
    const t2 = t * t;
    const sech2 = 1 - t2;
    const s4 = sech2 * sech2;
    f2 += w * t2;
    d2 += w * s4;
    f2Q += w * (s4 - 2 * t2 * sech2);
    d2Q += w * s4 * (10 * t2 - 2);
  }
  return { f2, d2, f2Q, d2Q };
}

/**
 * The 2-D tanh moments of tanhMoments2 together with their partial derivatives in the covariance
 * (u, v) ~ N(0, [[q1, c], [c, q2]]), by Price's theorem (the Gaussian heat equation):
 *   ∂/∂c  E[f(u)g(v)] = E[f'(u)g'(v)],   ∂/∂q1 E[f(u)g(v)] = ½ E[f''(u)g(v)]   (q2 likewise).
 * So ∂ff/∂c = dd, and the rest are Gaussian integrals of tanh'' = −2ts and tanh''' = −2s(1 − 3t²)
 * (t = tanh, s = sech²) on the same graded nodes as tanhMoments2: one tanh per node, so the
 * derivative integrands see the same poles (of higher order) at the same places.
 */
export interface TanhPartials2 {
  ff: number;
  dd: number;
  /** ∂ff/∂q1 = ½ E[φ''(u)φ(v)] */
  ffQ1: number;
  /** ∂ff/∂q2 = ½ E[φ(u)φ''(v)] */
  ffQ2: number;
  /** ∂dd/∂c = E[φ''(u)φ''(v)] */
  ddC: number;
  /** ∂dd/∂q1 = ½ E[φ'''(u)φ'(v)] */
  ddQ1: number;
  /** ∂dd/∂q2 = ½ E[φ'(u)φ'''(v)] */
  ddQ2: number;
}

/** tanh and its first three derivatives at x, as [φ, φ', φ'', φ''']. */
function tanhJet(x: number, out: Float64Array): void {
  const t = Math.tanh(x);
  const s = 1 - t * t;
  out[0] = t;
  out[1] = s;
  out[2] = -2 * t * s;
  out[3] = -2 * s * (1 - 3 * t * t);
}

const JU = new Float64Array(4);
const JV = new Float64Array(4);

/** tanhPartials2 for ρ = ±1 (u = s1 z, v = ±s2 z), on the 1-D rule; the error is O(1 − ρ²). */
function partials2Collinear(s1: number, s2: number, sign: number): TanhPartials2 {
  const n = gradedNodes(0, poleDistance(Math.max(s1, s2)), -Z_MAX, Z_MAX, oz, ow, GL_FINE);
  const acc = { ff: 0, dd: 0, ffQ1: 0, ffQ2: 0, ddC: 0, ddQ1: 0, ddQ2: 0 };
  for (let i = 0; i < n; i++) {
    const z = oz[i];
    const w = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    tanhJet(s1 * z, JU);
    tanhJet(sign * s2 * z, JV);
    acc.ff += w * JU[0] * JV[0];
    acc.dd += w * JU[1] * JV[1];
    acc.ffQ1 += w * JU[2] * JV[0];
    acc.ffQ2 += w * JU[0] * JV[2];
    acc.ddC += w * JU[2] * JV[2];
    acc.ddQ1 += w * JU[3] * JV[1];
    acc.ddQ2 += w * JU[1] * JV[3];
  }
  return { ...acc, ffQ1: acc.ffQ1 / 2, ffQ2: acc.ffQ2 / 2, ddQ1: acc.ddQ1 / 2, ddQ2: acc.ddQ2 / 2 };
}

/**
 * tanhMoments2 with its covariance derivatives, on the panels of tanhMoments2 with 10 nodes per
 * panel in each dimension. |ρ| within 1e-12 of 1 is done as the 1-D integral, as there.
 */
export function tanhPartials2(q1: number, q2: number, c: number): TanhPartials2 {
  if (q1 < q2) {
    const p = tanhPartials2(q2, q1, c);
    return { ff: p.ff, dd: p.dd, ffQ1: p.ffQ2, ffQ2: p.ffQ1, ddC: p.ddC, ddQ1: p.ddQ2, ddQ2: p.ddQ1 };
  }
  if (q2 === 0) {
    // v ≡ 0: φ(0) = φ''(0) = 0, φ'(0) = 1, φ'''(0) = −2, so only E[φ'(u)] and E[φ'''(u)] remain
    // (u ≡ 0 too when q1 = 0, where they are 1 and −2).
    let d1 = 1;
    let d3 = -2;
    if (q1 > 0) {
      const s = Math.sqrt(q1);
      const n = gradedNodes(0, poleDistance(s), -Z_MAX, Z_MAX, oz, ow, GL_FINE);
      d1 = 0;
      d3 = 0;
      for (let i = 0; i < n; i++) {
        const z = oz[i];
        const w = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
        tanhJet(s * z, JU);
        d1 += w * JU[1];
        d3 += w * JU[3];
      }
    }
    return { ff: 0, dd: d1, ffQ1: 0, ffQ2: 0, ddC: 0, ddQ1: d3 / 2, ddQ2: -d1 };
  }
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const rho = Math.max(-1, Math.min(1, c / (s1 * s2)));
  const oneMinusRho2 = (1 - rho) * (1 + rho);
  if (oneMinusRho2 < 2e-12) return partials2Collinear(s1, s2, rho > 0 ? 1 : -1);
  const s = Math.sqrt(oneMinusRho2);
  const a = s2 * rho; // v = a z1 + b z2
  const b = s2 * s;
  const deltaOuter = Math.min(poleDistance(s1), poleDistance(Math.abs(a)));
  const deltaInner = poleDistance(b);
  const no = gradedNodes(0, deltaOuter, -Z_MAX, Z_MAX, oz, ow, GL_MID);
  let ff = 0;
  let dd = 0;
  let ffQ1 = 0;
  let ffQ2 = 0;
  let ddC = 0;
  let ddQ1 = 0;
  let ddQ2 = 0;
  for (let i = 0; i < no; i++) {
    const z1 = oz[i];
    const w1 = ow[i] * INV_SQRT_2PI * Math.exp(-0.5 * z1 * z1);
    tanhJet(s1 * z1, JU);
    const az = a * z1;
    const ni = gradedNodes(-az / b, deltaInner, -Z_MAX, Z_MAX, iz, iw, GL_MID);
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    for (let j = 0; j < ni; j++) {
      const z2 = iz[j];
      const w2 = iw[j] * Math.exp(-0.5 * z2 * z2);
      const t = Math.tanh(az + b * z2);
      const sech2 = 1 - t * t;
      m0 += w2 * t;
      m1 += w2 * sech2;
      m2 += w2 * t * sech2; // × −2 below
      m3 += w2 * sech2 * (1 - 3 * t * t); // × −2 below
    }
    m2 *= -2;
    m3 *= -2;
    ff += w1 * JU[0] * m0;
    dd += w1 * JU[1] * m1;
    ffQ1 += w1 * JU[2] * m0;
    ffQ2 += w1 * JU[0] * m2;
    ddC += w1 * JU[2] * m2;
    ddQ1 += w1 * JU[3] * m1;
    ddQ2 += w1 * JU[1] * m3;
  }
  const k = INV_SQRT_2PI;
  return { ff: ff * k, dd: dd * k, ffQ1: 0.5 * ffQ1 * k, ffQ2: 0.5 * ffQ2 * k, ddC: ddC * k, ddQ1: 0.5 * ddQ1 * k, ddQ2: 0.5 * ddQ2 * k };
}
