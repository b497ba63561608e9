// 64-bit arithmetic on int32 halves that JavaScript has no operator for:
// multiplication (products need up to 128 bits) and division. Multiplication
// splits into 16-bit limbs so every partial product is an exact double;
// division takes a fast path when both operands fit in 32 bits and falls back
// to BigInt otherwise (measured rare in integer code: compilers turn division
// by constants into mulhu).

/** High 32 bits of the unsigned 64-bit product of two uint32 (given as int32). */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Result registers of the helpers below: low and high halves. */
export const out = { lo: 0, hi: 0 };

/** Low 64 bits of a 64 x 64 product. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  out.lo = Math.imul(alo, blo);
  out.hi = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
}

/** High 64 bits of the unsigned 128-bit product. */
export function mulhu64(alo: number, ahi: number, blo: number, bhi: number): void {
  const u = (v: number): number => v >>> 0;
  const p0h = u(mulhu32(alo, blo));
  const p1l = u(Math.imul(alo, bhi));
  const p1h = u(mulhu32(alo, bhi));
  const p2l = u(Math.imul(ahi, blo));
  const p2h = u(mulhu32(ahi, blo));
  const p3l = u(Math.imul(ahi, bhi));
  const p3h = u(mulhu32(ahi, bhi));
  const carry1 = Math.floor((p0h + p1l + p2l) / 2 ** 32);
  const word2 = p1h + p2h + p3l + carry1;
  out.lo = word2 | 0;
  out.hi = (p3h + Math.floor(word2 / 2 ** 32)) | 0;
}

/** High 64 bits of the signed x signed product. */
export function mulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhu64(alo, ahi, blo, bhi);
  if (ahi < 0) subtractFromOut(blo, bhi);
  if (bhi < 0) subtractFromOut(alo, ahi);
}

/** High 64 bits of the signed (a) x unsigned (b) product. */
export function mulhsu64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhu64(alo, ahi, blo, bhi);
  if (ahi < 0) subtractFromOut(blo, bhi);
}

function subtractFromOut(lo: number, hi: number): void {
  const borrow = out.lo >>> 0 < lo >>> 0 ? 1 : 0;
  out.lo = (out.lo - lo) | 0;
  out.hi = (out.hi - hi - borrow) | 0;
}

function toBigSigned(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

function toBigUnsigned(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function setOutFromBig(value: bigint): void {
  out.lo = Number(BigInt.asIntN(32, value));
  out.hi = Number(BigInt.asIntN(32, value >> 32n));
}

function setOutFromNumber(value: number): void {
  out.lo = value | 0;
  out.hi = Math.floor(value / 2 ** 32) | 0;
}

const fitsInt32 = (lo: number, hi: number): boolean => hi === lo >> 31;

/** Signed division, spec semantics: x / 0 = -1, MIN / -1 = MIN. */
export function div64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {
    out.lo = -1;
    out.hi = -1;
  } else if (fitsInt32(alo, ahi) && fitsInt32(blo, bhi)) {
    setOutFromNumber(Math.trunc(alo / blo));
  } else if (alo === 0 && ahi === -0x80000000 && blo === -1 && bhi === -1) {
    out.lo = alo;
    out.hi = ahi;
  } else {
    setOutFromBig(toBigSigned(alo, ahi) / toBigSigned(blo, bhi));
  }
}

/** Unsigned division: x / 0 = 2^64 - 1. */
export function divu64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {
    out.lo = -1;
    out.hi = -1;
  } else if (ahi === 0 && bhi === 0) {
    setOutFromNumber(Math.trunc((alo >>> 0) / (blo >>> 0)));
  } else {
    setOutFromBig(toBigUnsigned(alo, ahi) / toBigUnsigned(blo, bhi));
  }
}

/** Signed remainder: x % 0 = x, MIN % -1 = 0; the sign follows the dividend. */
export function rem64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {
    out.lo = alo;
    out.hi = ahi;
  } else if (fitsInt32(alo, ahi) && fitsInt32(blo, bhi)) {
    setOutFromNumber(alo % blo);
  } else if (alo === 0 && ahi === -0x80000000 && blo === -1 && bhi === -1) {
    out.lo = 0;
    out.hi = 0;
  } else {
    setOutFromBig(toBigSigned(alo, ahi) % toBigSigned(blo, bhi));
  }
}

/** Unsigned remainder: x % 0 = x. */
export function remu64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {
    out.lo = alo;
    out.hi = ahi;
  } else if (ahi === 0 && bhi === 0) {
    setOutFromNumber((alo >>> 0) % (blo >>> 0));
  } else {
    setOutFromBig(toBigUnsigned(alo, ahi) % toBigUnsigned(blo, bhi));
  }
}
