/**
 * Seeded pseudo-random numbers, identical on every platform (pure 32-bit integer arithmetic via
 * Math.imul, no Math.random, no tfjs).
 *
 * Generator: mulberry32 (Tommy Ettinger, 2017; public domain): one 32-bit word of state that
 * advances by a Weyl constant, output = a murmur3-style finaliser of the state. Its whole state is
 * one number, so `createRng(rng.state())` continues the uniform stream exactly where `rng` is: a
 * widget can put its RNG position in the URL. The period is 2^32 draws, ample for figures; do not
 * use it for anything that needs more than ~10^8 draws per stream.
 *
 * normal(): Box–Muller, which makes two independent N(0, 1) draws from two uniforms; the second is
 * cached and returned by the next call (the spare is not part of `state()`).
 */

export interface Rng {
  /** Uniform on [0, 1), 32 bits of resolution. */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in 0..n-1 (unbiased, by rejection); n a positive integer <= 2^32. */
  int(n: number): number;
  /** The current 32-bit state: `createRng(rng.state())` continues this uniform stream. */
  state(): number;
  /**
   * An independent generator derived from this one's current state and `label`. Does not advance
   * this generator, so adding a fork never changes the parent's stream; the same label at the same
   * position gives the same child.
   */
  fork(label: string | number): Rng;
}

const TWO_32 = 4294967296;
const WEYL = 0x6d2b79f5;

/** The murmur3 32-bit finaliser (Appleby): a bijection on 32-bit words with full avalanche. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Hash a string to a 32-bit seed: FNV-1a over UTF-16 code units, then the murmur3 finaliser so that
 * nearby strings ('a', 'b') give unrelated seeds.
 */
export function seedFromString(text: string): number {
  if (typeof text !== 'string') throw new TypeError(`seedFromString: text must be a string, received ${typeof text}`);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return mix32(h);
}

/**
 * A seed as a 32-bit word. Integers in [0, 2^32) are used as they are (so `state()` round-trips);
 * other numbers (negative, fractional, large) and strings are hashed.
 */
export function toSeed(seed: number | string): number {
  if (typeof seed === 'string') return seedFromString(seed);
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new RangeError(`seed must be a finite number or a string, received ${String(seed)}`);
  }
  if (Number.isInteger(seed) && seed >= 0 && seed < TWO_32) return seed;
  return seedFromString(`#${seed}`);
}

export function createRng(seed: number | string): Rng {
  let s = toSeed(seed);
  let spare: number | null = null;

  function nextUint32(): number {
    s = (s + WEYL) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  function next(): number {
    return nextUint32() / TWO_32;
  }

  function normal(): number {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    // 1 - u is in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const a = 2 * Math.PI * next();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  function int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new RangeError(`rng.int(n): n must be an integer in 1..2^32, received ${n}`);
    }
    // Reject the top partial block so that every residue is equally likely.
    const limit = TWO_32 - (TWO_32 % n);
    let u = nextUint32();
    while (u >= limit) u = nextUint32();
    return u % n;
  }

  function fork(label: string | number): Rng {
    const l = typeof label === 'number' ? seedFromString(`#${label}`) : seedFromString(label);
    return createRng(mix32((s ^ mix32(l + 0x9e3779b9)) >>> 0));
  }

  return { next, normal, int, state: () => s, fork };
}
