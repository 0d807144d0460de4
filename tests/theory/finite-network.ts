/**
 * An explicit finite-width dense network in NTK parameterisation, with its parameter gradients
 * derived by hand (the finite side of habit 2; the infinite side is src/math/kernels.ts):
 *
 *   h¹ = σw W¹ x/√d0 + σb b¹,   a^l = φ(h^l),   h^l = σw W^l a^{l−1}/√n + σb b^l,   f = h^L,
 *   all W, b ~ N(0, 1).
 *
 * Backward: δ^L = ∂f/∂h^L = 1,  δ^{l−1} = φ'(h^{l−1}) ⊙ σw (W^l)ᵀ δ^l/√n.
 * ∂f/∂W^l_ij = δ^l_i σw a^{l−1}_j/√n_{l−1},  ∂f/∂b^l_i = δ^l_i σb, so the empirical NTK is
 *   Θ̂(x, x') = Σ_l (δ^l(x)·δ^l(x')) (σw² a^{l−1}(x)·a^{l−1}(x')/n_{l−1} + σb²).
 * The conditional NNGP E[f(x)f(x') | hidden layers] = σw² a^{L−1}(x)·a^{L−1}(x')/n + σb² is the
 * output covariance averaged exactly over the last layer's weights (a Rao–Blackwellised estimator).
 */
import { erf, Rng } from '../unit/math/_support.ts';

export type Act = 'relu' | 'erf' | 'tanh';

const PHI: Record<Act, (x: number) => number> = {
  relu: (x) => (x > 0 ? x : 0),
  erf,
  tanh: Math.tanh,
};
const DPHI: Record<Act, (x: number) => number> = {
  relu: (x) => (x > 0 ? 1 : 0),
  erf: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
  tanh: (x) => 1 - Math.tanh(x) ** 2,
};

export interface Draw {
  /** Outputs f(x_p) of `outputs` independent output units (row k = unit k). */
  f: number[][];
  /** Conditional NNGP σw² a·a'/n + σb² (P × P). */
  nngp: number[][];
  /** Empirical NTK of output unit 0 (P × P). */
  ntk: number[][];
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export function drawNetwork(
  rng: Rng,
  act: Act,
  depth: number,
  width: number,
  sigmaW2: number,
  sigmaB2: number,
  X: number[][],
  outputs = 1,
): Draw {
  const P = X.length;
  const d0 = X[0].length;
  const sw = Math.sqrt(sigmaW2);
  const sb = Math.sqrt(sigmaB2);
  const n = width;
  const phi = PHI[act];
  const dphi = DPHI[act];
  // a[l][p]: post-activations of layer l (a[0] = inputs), h[l][p]: pre-activations (l >= 1)
  const a: Float64Array[][] = [X.map((x) => Float64Array.from(x))];
  const h: Float64Array[][] = [[]];
  const W: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l < depth; l++) {
    const fanIn = l === 1 ? d0 : n;
    const Wl = rng.normals(n * fanIn);
    const bl = rng.normals(n);
    W.push(Wl);
    const hl: Float64Array[] = [];
    const al: Float64Array[] = [];
    for (let p = 0; p < P; p++) {
      const prev = a[l - 1][p];
      const hp = new Float64Array(n);
      const ap = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        const ro = i * fanIn;
        for (let j = 0; j < fanIn; j++) s += Wl[ro + j] * prev[j];
        hp[i] = (sw * s) / Math.sqrt(fanIn) + sb * bl[i];
        ap[i] = phi(hp[i]);
      }
      hl.push(hp);
      al.push(ap);
    }
    h.push(hl);
    a.push(al);
  }
  const last = a[depth - 1];
  const fanLast = depth === 1 ? d0 : n;
  const f: number[][] = [];
  let wOut: Float64Array = new Float64Array(0);
  for (let k = 0; k < outputs; k++) {
    const w = rng.normals(fanLast);
    const b = rng.normal();
    if (k === 0) wOut = w;
    f.push(last.map((ap) => (sw * dot(w, ap)) / Math.sqrt(fanLast) + sb * b));
  }
  const nngp = last.map((ap) => last.map((aq) => (sigmaW2 * dot(ap, aq)) / fanLast + sigmaB2));

  // Backward pass for output unit 0: δ^l per input.
  const ntk = nngp.map((row) => row.slice()); // the output layer's own contribution
  let delta: Float64Array[] = [];
  for (let l = depth - 1; l >= 1; l--) {
    const fanIn = l === 1 ? d0 : n;
    const next: Float64Array[] = [];
    for (let p = 0; p < P; p++) {
      const dp = new Float64Array(n);
      if (l === depth - 1) {
        for (let i = 0; i < n; i++) dp[i] = ((sw * wOut[i]) / Math.sqrt(n)) * dphi(h[l][p][i]);
      } else {
        // δ^l = φ'(h^l) ⊙ σw (W^{l+1})ᵀ δ^{l+1}/√n
        const Wn = W[l + 1];
        const back = new Float64Array(n);
        const up = delta[p];
        for (let i = 0; i < n; i++) {
          const ui = up[i];
          const ro = i * n;
          for (let j = 0; j < n; j++) back[j] += Wn[ro + j] * ui;
        }
        for (let j = 0; j < n; j++) dp[j] = ((sw * back[j]) / Math.sqrt(n)) * dphi(h[l][p][j]);
      }
      next.push(dp);
    }
    delta = next;
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < P; q++) {
        const inner = (sigmaW2 * dot(a[l - 1][p], a[l - 1][q])) / fanIn + sigmaB2;
        ntk[p][q] += dot(delta[p], delta[q]) * inner;
      }
    }
  }
  return { f, nngp, ntk };
}
