// The seeded PRNG: xoshiro128** (Blackman & Vigna), 128 bits of state in four
// uint32 words, all arithmetic in 32-bit integer ops that V8 keeps unboxed.
// Its state can be saved and restored exactly, and child streams can be
// forked so one subsystem's draws do not shift another's.
import { InvalidArgument, InvalidRngState } from './errors.js';

/** The full state of an `Rng`: four uint32 words, not all zero. Plain data (JSON-safe). */
export type RngState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** `seed` is any safe integer >= 0; equal seeds give equal streams. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new InvalidArgument('Rng seed', 'a safe integer >= 0', seed);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    const next = splitmix32(lo ^ Math.imul(hi, 0x9e3779b1));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next() ^ hi;
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next uint32. */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer uniform in [0, bound), without modulo bias; 1 <= bound <= 2^32. */
  nextInt(bound: number): number {
    if (!Number.isSafeInteger(bound) || bound < 1 || bound > 0x1_0000_0000) {
      throw new InvalidArgument('Rng.nextInt bound', 'an integer in [1, 2^32]', bound);
    }
    // Rejection sampling: draws below `limit` map uniformly onto [0, bound).
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % bound;
    }
  }

  /** An integer uniform in [lo, hi] (inclusive); hi - lo < 2^32. */
  intBetween(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new InvalidArgument('Rng.intBetween range', 'safe integers lo <= hi', `${lo}..${hi}`);
    }
    return lo + this.nextInt(hi - lo + 1);
  }

  /** True with probability `p` (0 <= p <= 1). p = 0 never draws true, p = 1 always does. */
  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new InvalidArgument('Rng.chance p', 'a number in [0, 1]', p);
    if (p === 0) return false;
    if (p === 1) return true;
    return this.nextFloat() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new InvalidArgument('Rng.pick items', 'a non-empty array', 0);
    return items[this.nextInt(items.length)]!;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /**
   * A child generator for one subsystem. It consumes two draws of this stream
   * and mixes in `label`, so forks taken in the same order are the same run
   * after run, and the child's draws never shift this stream.
   */
  fork(label: string): Rng {
    const a = this.nextUint32();
    const b = this.nextUint32() ^ hashString(label);
    return new Rng((a & 0x1fffff) * 0x1_0000_0000 + b);
  }

  /** A copy of the complete state. */
  save(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Restores a state from `save()`; the stream continues exactly from there. */
  restore(state: RngState): void {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) ||
      state.every((w) => w === 0)
    ) {
      throw new InvalidRngState(state);
    }
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
  }
}
