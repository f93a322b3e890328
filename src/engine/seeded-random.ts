/**
 * Every seeded random source of the engine (and of the test fixtures), in one place. Two generators, because they
 * answer different needs and their outputs are pinned:
 * - `mulberry32` / `seededRandom`: one stream from one seed. Dataset splits and patch previews are reproducible from
 *   a user's `--seed`, and test fixtures hash its exact output, so its sequence must never change.
 * - `Rng` (sfc32): keyed by (seed, stream, counter…) and serialisable. Training draws the batch of step k without
 *   depending on steps before k, so a resumed run draws exactly what an uninterrupted one would; checkpoints store
 *   only (seed, step), so the keying must never change either.
 */

/** mulberry32: a tiny, well-mixed 32-bit PRNG; integer-only, so it is bit-identical on every machine. Yields uint32. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform in [0, 1) from mulberry32: a split must be reproducible from its seed, which Math.random cannot give. */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 0x1_0000_0000;
}

interface MutableIndexed<T> {
  readonly length: number;
  [index: number]: T;
}

/** Fisher–Yates in place; `below(n)` returns a uniform integer in [0, n). */
function shuffleInPlace<T>(items: MutableIndexed<T>, below: (n: number) => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = below(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/** Fisher–Yates with mulberry32; returns a new array. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  shuffleInPlace(out, (n) => Math.floor(random() * n));
  return out;
}

/** Streams keep independent uses of one seed from colliding. */
export const Stream = {
  init: 1,
  batch: 2,
  epoch: 3,
  /** Real-photo degradations: a training sample's (step, slot), or an evaluation image's name. */
  degrade: 4,
} as const;
export type StreamId = (typeof Stream)[keyof typeof Stream];

/** murmur3's 32-bit finaliser: a cheap bijective mix with good avalanche. */
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hashes any number of non-negative integers (each < 2^53) to a 32-bit word. */
export function hashWords(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    const lo = w >>> 0;
    const hi = Math.floor(w / 0x1_0000_0000) >>> 0;
    h = mix32(h ^ mix32(lo + 0x7f4a7c15));
    h = mix32(h ^ mix32(hi + 0x165667b1));
  }
  return h;
}

/** FNV-1a of a string's UTF-16 code units: a stable 32-bit key for a name (an evaluation image's file name). */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The four 32-bit words of an sfc32 generator: enough to continue it exactly. */
export type RngState = [number, number, number, number];

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): 128-bit state, passes PractRand, trivially serialisable. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(state: RngState) {
    [this.a, this.b, this.c, this.d] = state.map((w) => w >>> 0) as RngState;
  }

  /** A generator for one (seed, stream, counter…) key. */
  static keyed(seed: number, stream: StreamId, ...counters: number[]): Rng {
    const rng = new Rng([
      hashWords(seed, stream, ...counters, 1),
      hashWords(seed, stream, ...counters, 2),
      hashWords(seed, stream, ...counters, 3),
      1,
    ]);
    // sfc32 needs a few rounds before its output stops reflecting the seed words.
    for (let i = 0; i < 12; i++) rng.nextUint32();
    return rng;
  }

  static fromState(state: RngState): Rng {
    return new Rng(state);
  }

  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n), without modulo bias. n ≤ 2^32. */
  int(n: number): number {
    if (n <= 1) return 0;
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** Standard normal by Box–Muller (one value per call: simpler to reason about for reproducibility). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]: log stays finite
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    shuffleInPlace(p, (k) => this.int(k));
    return p;
  }
}
