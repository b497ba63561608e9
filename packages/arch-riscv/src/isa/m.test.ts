// M extension tests: products and quotients checked against BigInt
// arithmetic, over fixed corner operands and a seeded random sweep, plus the
// spec's table of division corner cases (by zero, signed overflow).
import { describe, expect, it } from 'vitest';
import { enc, runToEcall, u64 } from './encode.test-util.js';
import type { InsnName } from '../encoding.js';

const MIN = 1n << 63n;
const CORNERS = [
  0n,
  1n,
  2n,
  3n,
  7n,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  MIN - 1n,
  MIN,
  u64(-1n),
  u64(-2n),
  u64(-7n),
  0x123456789abcdef0n,
  0xfedcba9876543210n,
];

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const w = (v: bigint): bigint => u64(s32(v));
const trunc = (a: bigint, b: bigint): bigint => a / b; // BigInt division truncates, as RISC-V does

/** The spec's results, with division by zero and overflow as in its table. */
const MODEL: Record<string, (a: bigint, b: bigint) => bigint> = {
  mul: (a, b) => u64(a * b),
  mulh: (a, b) => u64((s64(a) * s64(b)) >> 64n),
  mulhsu: (a, b) => u64((s64(a) * b) >> 64n),
  mulhu: (a, b) => u64((a * b) >> 64n),
  div: (a, b) =>
    b === 0n ? u64(-1n) : s64(a) === -MIN && s64(b) === -1n ? MIN : u64(trunc(s64(a), s64(b))),
  divu: (a, b) => (b === 0n ? u64(-1n) : a / b),
  rem: (a, b) => (b === 0n ? a : s64(a) === -MIN && s64(b) === -1n ? 0n : u64(s64(a) % s64(b))),
  remu: (a, b) => (b === 0n ? a : a % b),
  mulw: (a, b) => w(a * b),
  divw: (a, b) => {
    const [x, y] = [s32(a), s32(b)];
    if (y === 0n) return u64(-1n);
    if (x === -(1n << 31n) && y === -1n) return w(x);
    return w(trunc(x, y));
  },
  divuw: (a, b) => {
    const [x, y] = [BigInt.asUintN(32, a), BigInt.asUintN(32, b)];
    return y === 0n ? u64(-1n) : w(x / y);
  },
  remw: (a, b) => {
    const [x, y] = [s32(a), s32(b)];
    if (y === 0n) return w(x);
    if (x === -(1n << 31n) && y === -1n) return 0n;
    return w(x % y);
  },
  remuw: (a, b) => {
    const [x, y] = [BigInt.asUintN(32, a), BigInt.asUintN(32, b)];
    return y === 0n ? w(x) : w(x % y);
  },
};

function runOp(name: InsnName, a: bigint, b: bigint): bigint {
  const h = runToEcall([enc(name, { rd: 3, rs1: 1, rs2: 2 })], (hart) => {
    hart.writeX(1, a);
    hart.writeX(2, b);
  });
  return h.readX(3);
}

// A small seeded generator (xorshift64*) so the random sweep replays.
function* randomPairs(seed: bigint, count: number): Generator<[bigint, bigint]> {
  let s = seed;
  const next = (): bigint => {
    s ^= s >> 12n;
    s ^= (s << 25n) & u64(-1n);
    s ^= s >> 27n;
    return u64(s * 0x2545f4914f6cdd1dn);
  };
  for (let i = 0; i < count; i++) {
    const shiftA = next() % 64n;
    const shiftB = next() % 64n;
    yield [next() >> shiftA, next() >> shiftB];
  }
}

describe('M extension', () => {
  for (const name of Object.keys(MODEL) as InsnName[]) {
    it(`${name} matches the spec on corner operands`, () => {
      for (const a of CORNERS) {
        for (const b of CORNERS) {
          expect(runOp(name, a, b), `${name} ${a.toString(16)} ${b.toString(16)}`).toBe(
            MODEL[name]!(a, b),
          );
        }
      }
    });
  }

  it('every M instruction matches BigInt on a seeded random sweep', () => {
    const seed = BigInt(process.env.KRG_SEED ?? '0x9e3779b97f4a7c15');
    for (const [a, b] of randomPairs(seed, 60)) {
      for (const name of Object.keys(MODEL) as InsnName[]) {
        expect(runOp(name, a, b), `seed ${seed} ${name} ${a.toString(16)} ${b.toString(16)}`).toBe(
          MODEL[name]!(a, b),
        );
      }
    }
  });

  it('division by zero and overflow follow the spec table', () => {
    expect(runOp('div', 5n, 0n)).toBe(u64(-1n));
    expect(runOp('divu', 5n, 0n)).toBe(u64(-1n));
    expect(runOp('rem', u64(-5n), 0n)).toBe(u64(-5n));
    expect(runOp('remu', 5n, 0n)).toBe(5n);
    expect(runOp('div', MIN, u64(-1n))).toBe(MIN);
    expect(runOp('rem', MIN, u64(-1n))).toBe(0n);
    expect(runOp('divw', 0x80000000n, u64(-1n))).toBe(u64(-0x80000000n));
    expect(runOp('remw', 0x80000000n, u64(-1n))).toBe(0n);
    expect(runOp('divuw', 7n, 0x100000000n)).toBe(u64(-1n)); // only the low word divides
    expect(runOp('remuw', 0xfffffffen, 0n)).toBe(u64(-2n)); // sign-extended dividend
    expect(runOp('rem', u64(-7n), 2n)).toBe(u64(-1n)); // sign follows the dividend
  });
});
