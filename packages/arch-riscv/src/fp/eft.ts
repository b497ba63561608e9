// Error-free transformations on binary64 numbers: the exact rounding error of
// a native (round-to-nearest-even) add or multiply, and round-to-odd. They
// let the fast paths find the inexact flag, and compute a correctly rounded
// fused multiply-add, without leaving JavaScript numbers.
//
// Preconditions are the callers': TwoSum is exact whenever the sum does not
// overflow; TwoProduct (Veltkamp/Dekker splitting) is exact when both factors
// are below 2^995 in magnitude (the split does not overflow) and the product
// lies between 2^-960 (its error term does not underflow) and 2^1000 (the
// product of the high halves does not overflow).

/** 2^27 + 1: Veltkamp's constant splitting a 53-bit significand in two halves. */
const SPLIT = 134217729;

/** Largest magnitude a factor may have for the split not to overflow. */
export const SPLIT_SAFE = 2 ** 995;
/** Smallest magnitude for which error terms of products stay exact. */
export const TINY_SAFE = 2 ** -960;
/**
 * Largest product magnitude for which TwoProduct is exact: the split halves
 * are rounded and may exceed their factor, so hi × hi can overflow when the
 * product is within a few ulps of the largest double.
 */
export const PRODUCT_SAFE = 2 ** 1000;

/** The error of s = RN(a + b): a + b − s exactly (Knuth's TwoSum). */
export function twoSumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** The error of p = RN(a × b): a × b − p exactly (Dekker's TwoProduct). */
export function twoProductError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/**
 * Round-to-odd of the exact value s + e, where s = RN(s + e) and e ≠ 0 is the
 * rounding error: s when its last significand bit is odd, otherwise its
 * neighbour on the side of e (which is odd). Rounding a round-to-odd result
 * with at least two more bits than the target is a correct rounding
 * (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved
 * algorithms using rounding to odd", IEEE TC 2008).
 */
export function roundToOdd(s: number, e: number): number {
  scratch[0] = s;
  let lo = scratchWords[0]!;
  if ((lo & 1) === 1) return s;
  let hi = scratchWords[1]!;
  // Moving towards e grows the magnitude when e has the sign of s.
  if (e > 0 === s > 0) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else {
    if (lo === 0) hi = (hi - 1) >>> 0;
    lo = (lo - 1) >>> 0;
  }
  scratchWords[0] = lo;
  scratchWords[1] = hi;
  return scratch[0];
}
