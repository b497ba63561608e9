// Seeded random floating-point programs for the differential test, built the
// way random-program.test-util.ts builds the integer ones (same encoder, ELF
// writer, buffer layout and dump-through-write), extended with the F and D
// state: the program loads x1..x31 and f0..f31 from tables in the buffer and
// sets fcsr (a random frm), runs a block of random F/D instructions — every
// arithmetic, fused multiply-add, sqrt, sign injection, min/max, compare,
// classify, conversion and move, each with a random static rounding mode or
// `dyn`, plus frm changes and FP loads/stores — over operands drawn from the
// interesting classes (zeros, subnormals, infinities, NaNs with payloads,
// signalling NaNs, near-overflow values, integer limits, ties, singles not
// properly NaN-boxed), then stores x1..x31, f0..f31 and fcsr back and writes
// the buffer to stdout.
import { writeElf } from './elf-writer.test-util.js';
import { Prng } from './prng.test-util.js';
import * as E from './rv-encoder.test-util.js';

export const FP_CODE_ADDRESS = 0x11000;
export const FP_BUFFER_ADDRESS = 0x21000;
export const FP_BUFFER_BYTES = 0x2000;
/** Base register of the tables (x9, never written by the block). */
const BASE = 9;
const BASE_ADDRESS = 0x22000;
/** x table, f table and the fcsr word, at BASE + these. */
const X_TABLE = 0x500;
const F_TABLE = 0x600;
const FCSR_SLOT = 0x700;
export const FP_X_TABLE_OFFSET = BASE_ADDRESS + X_TABLE - FP_BUFFER_ADDRESS;
export const FP_F_TABLE_OFFSET = BASE_ADDRESS + F_TABLE - FP_BUFFER_ADDRESS;
export const FP_FCSR_OFFSET = BASE_ADDRESS + FCSR_SLOT - FP_BUFFER_ADDRESS;
/** Scratch area the FP loads and stores use: BASE + [0, 0x400). */
const SCRATCH_BYTES = 0x400;
/** fflags after every GROUP_INSNS instructions, logged at BASE + 0x400 (32 slots). */
const FLAGS_LOG = 0x400;
const GROUP_INSNS = 4;
const LOG_SLOTS = 32;
/** Every instruction's result, logged at BASE − 0x800 (256 slots). */
const RESULT_LOG = -0x800;
const RESULT_SLOTS = 256;
export const FP_FLAGS_LOG_OFFSET = BASE_ADDRESS + FLAGS_LOG - FP_BUFFER_ADDRESS;

const INT_DESTINATIONS = Array.from({ length: 32 }, (_, r) => r).filter(
  (r) => r !== 2 && r !== BASE,
);
/** Every register the prologue sets from the table (sp included: the two machines start it differently). */
const INT_LOADED = Array.from({ length: 31 }, (_, i) => i + 1).filter((r) => r !== BASE);

const D = (x: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
};
const S = (x: number): bigint => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x, true);
  return BigInt(view.getUint32(0, true));
};
const BOX = 0xffff_ffff_0000_0000n;

const DOUBLES: readonly bigint[] = [
  D(0),
  D(-0),
  D(1),
  D(-1),
  D(0.5),
  D(2.5),
  D(-2.5),
  D(0.1),
  D(1 / 3),
  D(1 + 2 ** -52),
  D(2 ** -1022),
  1n, // smallest subnormal
  0x000f_ffff_ffff_ffffn, // largest subnormal
  D(Number.MAX_VALUE),
  D(-Number.MAX_VALUE),
  D(Infinity),
  D(-Infinity),
  D(2 ** 31),
  D(2 ** 31 - 0.5),
  D(-(2 ** 31) - 1),
  D(2 ** 32),
  D(2 ** 32 - 1),
  D(2 ** 63),
  D(-(2 ** 63)),
  D(2 ** 64),
  D(2 ** 53 + 2),
  D(1e308),
];

const SINGLES: readonly bigint[] = [
  S(0),
  S(-0),
  S(1),
  S(-1),
  S(0.5),
  S(2.5),
  S(0.1),
  S(1 + 2 ** -23),
  S(2 ** -126),
  1n,
  0x007f_ffffn,
  S(3.4028234663852886e38),
  S(-3.4028234663852886e38),
  S(Infinity),
  S(-Infinity),
  S(2 ** 31),
  S(-(2 ** 31)),
  S(2 ** 32),
  S(2 ** 63),
  S(2 ** 64),
  S(2 ** 24 + 2),
];

const INTEGERS: readonly bigint[] = [
  0n,
  1n,
  -1n,
  0x7fff_ffffn,
  -0x8000_0000n,
  0xffff_ffffn,
  0x8000_0000n,
  0x7fff_ffff_ffff_ffffn,
  -0x8000_0000_0000_0000n,
  (1n << 53n) + 1n,
  (1n << 24n) + 1n,
  123456789n,
];

/** A 64-bit FP register image from the interesting classes (`isDouble`: mostly doubles, else mostly boxed singles). */
/** NaNs, kept rare: one spreads to every result it touches. */
const NANS: readonly bigint[] = [
  0x7ff8_0000_0000_0000n, // canonical qNaN
  0xfff8_dead_0000_0001n, // qNaN with payload
  0x7ff0_0000_0000_0001n, // sNaN
  0xfff4_0000_0000_0123n, // sNaN, negative, payload
  BOX | 0x7fc0_0000n,
  BOX | 0xffc0_deadn,
  BOX | 0x7f80_0001n, // single sNaN
];

function fpValue(rng: Prng, isDouble: boolean): bigint {
  if (rng.chance(0.06)) return rng.pick(NANS);
  const roll = rng.below(100);
  if (roll < 45) return isDouble ? rng.pick(DOUBLES) : BOX | rng.pick(SINGLES);
  if (roll < 55) return isDouble ? BOX | rng.pick(SINGLES) : rng.pick(DOUBLES);
  if (roll < 78 && isDouble) {
    // a random double of moderate exponent
    const exponent = BigInt(rng.between(1023 - 40, 1023 + 40));
    return (BigInt(rng.below(2)) << 63n) | (exponent << 52n) | (rng.u64() & ((1n << 52n) - 1n));
  }
  if (roll < 88) {
    const exponent = BigInt(rng.between(127 - 20, 127 + 20));
    return BOX | (BigInt(rng.below(2)) << 31n) | (exponent << 23n) | BigInt(rng.u32() & 0x7f_ffff);
  }
  if (roll < 91) return rng.u64(); // anything, usually an improperly boxed single
  // neighbours of the range ends: near overflow, near the smallest normal
  const near = rng.pick([
    D(Number.MAX_VALUE),
    D(2 ** -1022),
    BOX | S(3.4028234663852886e38),
    BOX | S(2 ** -126),
  ]);
  return near - BigInt(rng.below(4));
}

function rm(rng: Prng): number {
  return rng.chance(0.2) ? 7 : rng.below(5);
}

const OP_FP = 0x53;

function fpR(
  funct5: number,
  fmt: number,
  rd: number,
  rs1: number,
  rs2: number,
  funct3: number,
  text: string,
): E.Insn {
  return E.rType(OP_FP, funct3, (funct5 << 2) | fmt, rd, rs1, rs2, text);
}

function r4(
  opcode: number,
  fmt: number,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  mode: number,
  text: string,
): E.Insn {
  const base = E.rType(opcode, mode, fmt, rd, rs1, rs2, text);
  return { ...base, bits: (base.bits | (rs3 << 27)) >>> 0 };
}

const suffix = (fmt: number): string => (fmt === 0 ? 's' : 'd');

function randomFpInsn(rng: Prng): E.Insn[] {
  const xd = (): number => rng.pick(INT_DESTINATIONS);
  const fmt = rng.below(2);
  // Doubles live in f0–f15 and singles in f16–f31, so that most operands are
  // numbers of the instruction's format (a boxed single read as a double is
  // a NaN); one operand in twenty crosses over.
  const f = (): number =>
    rng.chance(0.05) ? rng.below(32) : fmt === 1 ? rng.below(16) : 16 + rng.below(16);
  const s = suffix(fmt);
  if (rng.chance(0.15)) {
    // A fresh operand from the scratch area (NaNs spread, so keep feeding numbers).
    // Doubles fill the first half of the scratch area, boxed singles the second.
    const rd = f();
    const offset = 8 * rng.below(SCRATCH_BYTES / 16) + (fmt === 0 ? SCRATCH_BYTES / 2 : 0);
    return [
      E.iType(
        0x07,
        fmt === 0 ? 2 : 3,
        rd,
        BASE,
        offset,
        `fl${fmt === 0 ? 'w' : 'd'} f${rd}, ${offset}(x9)`,
      ),
    ];
  }
  const roll = rng.below(100);
  if (roll < 36) {
    const [name, funct5] = rng.pick([
      ['fadd', 0x00],
      ['fsub', 0x01],
      ['fmul', 0x02],
      ['fdiv', 0x03],
    ] as const);
    const [rd, a, b, mode] = [f(), f(), f(), rm(rng)];
    return [fpR(funct5, fmt, rd, a, b, mode, `${name}.${s} f${rd}, f${a}, f${b}, rm${mode}`)];
  }
  if (roll < 44) {
    const [rd, a, mode] = [f(), f(), rm(rng)];
    return [fpR(0x0b, fmt, rd, a, 0, mode, `fsqrt.${s} f${rd}, f${a}, rm${mode}`)];
  }
  if (roll < 58) {
    const [name, opcode] = rng.pick([
      ['fmadd', 0x43],
      ['fmsub', 0x47],
      ['fnmsub', 0x4b],
      ['fnmadd', 0x4f],
    ] as const);
    const [rd, a, b, c, mode] = [f(), f(), f(), f(), rm(rng)];
    return [
      r4(opcode, fmt, rd, a, b, c, mode, `${name}.${s} f${rd}, f${a}, f${b}, f${c}, rm${mode}`),
    ];
  }
  if (roll < 66) {
    const [name, funct5, funct3] = rng.pick([
      ['fsgnj', 0x04, 0],
      ['fsgnjn', 0x04, 1],
      ['fsgnjx', 0x04, 2],
      ['fmin', 0x05, 0],
      ['fmax', 0x05, 1],
    ] as const);
    const [rd, a, b] = [f(), f(), f()];
    return [fpR(funct5, fmt, rd, a, b, funct3, `${name}.${s} f${rd}, f${a}, f${b}`)];
  }
  if (roll < 73) {
    const [name, funct5, funct3] = rng.pick([
      ['feq', 0x14, 2],
      ['flt', 0x14, 1],
      ['fle', 0x14, 0],
      ['fclass', 0x1c, 1],
    ] as const);
    const [rd, a, b] = [xd(), f(), name === 'fclass' ? 0 : f()];
    return [fpR(funct5, fmt, rd, a, b, funct3, `${name}.${s} x${rd}, f${a}, f${b}`)];
  }
  if (roll < 82) {
    const kind = rng.below(4); // w, wu, l, lu
    const [rd, a, mode] = [xd(), f(), rm(rng)];
    const name = ['w', 'wu', 'l', 'lu'][kind] ?? 'w';
    return [fpR(0x18, fmt, rd, a, kind, mode, `fcvt.${name}.${s} x${rd}, f${a}, rm${mode}`)];
  }
  if (roll < 89) {
    const kind = rng.below(4);
    const [rd, a, mode] = [f(), rng.below(32), rm(rng)];
    const name = ['w', 'wu', 'l', 'lu'][kind] ?? 'w';
    return [fpR(0x1a, fmt, rd, a, kind, mode, `fcvt.${s}.${name} f${rd}, x${a}, rm${mode}`)];
  }
  if (roll < 93) {
    // fcvt.s.d (fmt s, rs2 = 1) or fcvt.d.s (fmt d, rs2 = 0): the source is of the other format
    const [rd, a, mode] = [f(), (f() + 16) % 32, rm(rng)];
    return fmt === 0
      ? [fpR(0x08, 0, rd, a, 1, mode, `fcvt.s.d f${rd}, f${a}, rm${mode}`)]
      : [fpR(0x08, 1, rd, a, 0, mode, `fcvt.d.s f${rd}, f${a}, rm${mode}`)];
  }
  if (roll < 96) {
    // fmv.x.w / fmv.x.d and fmv.w.x / fmv.d.x
    if (rng.chance(0.5)) {
      const [rd, a] = [xd(), f()];
      return [fpR(0x1c, fmt, rd, a, 0, 0, `fmv.x.${fmt === 0 ? 'w' : 'd'} x${rd}, f${a}`)];
    }
    const [rd, a] = [f(), rng.below(32)];
    return [fpR(0x1e, fmt, rd, a, 0, 0, `fmv.${fmt === 0 ? 'w' : 'd'}.x f${rd}, x${a}`)];
  }
  if (roll < 98) {
    // FP load or store in the scratch area (aligned)
    const width = fmt === 0 ? 4 : 8;
    const offset = width * rng.below(SCRATCH_BYTES / width);
    const funct3 = fmt === 0 ? 2 : 3;
    if (rng.chance(0.5)) {
      const rd = f();
      return [
        E.iType(0x07, funct3, rd, BASE, offset, `fl${fmt === 0 ? 'w' : 'd'} f${rd}, ${offset}(x9)`),
      ];
    }
    const rs2 = f();
    return [
      E.sType(0x27, funct3, BASE, rs2, offset, `fs${fmt === 0 ? 'w' : 'd'} f${rs2}, ${offset}(x9)`),
    ];
  }
  // a new dynamic rounding mode (csrrwi x0, frm, mode)
  const mode = rng.below(5);
  return [E.iType(0x73, 5, 0, mode, 2, `fsrmi ${mode}`)];
}

/** The register an instruction writes (decoded back from its bits), if any. */
function resultOf(insn: E.Insn | undefined): { isFloat: boolean; register: number } | undefined {
  if (insn === undefined) return undefined;
  const opcode = insn.bits & 0x7f;
  const rd = (insn.bits >>> 7) & 31;
  if (opcode === 0x43 || opcode === 0x47 || opcode === 0x4b || opcode === 0x4f || opcode === 0x07)
    return { isFloat: true, register: rd };
  if (opcode !== OP_FP) return undefined;
  const funct5 = insn.bits >>> 27;
  // compares, fclass/fmv.x and fcvt to integer write an x register
  const writesX = funct5 === 0x14 || funct5 === 0x1c || funct5 === 0x18;
  if (writesX && rd === 0) return undefined;
  return { isFloat: !writesX, register: rd };
}

export interface RandomFpProgram {
  readonly elf: Uint8Array;
  readonly listing: readonly string[];
}

/** Builds the program for `seed` with `count` random FP instructions. */
export function randomFpProgram(seed: number, count: number): RandomFpProgram {
  const rng = new Prng(seed);
  const prologue: E.Insn[] = [
    ...E.li(BASE, BigInt(BASE_ADDRESS)),
    ...Array.from({ length: 32 }, (_, r) =>
      E.iType(0x07, 3, r, BASE, F_TABLE + 8 * r, `fld f${r}`),
    ),
    E.load('ld', 5, BASE, FCSR_SLOT),
    E.iType(0x73, 1, 0, 5, 3, 'fscsr x5'), // csrrw x0, fcsr, x5
    ...INT_LOADED.map((r) => E.load('ld', r, BASE, X_TABLE + 8 * r)),
  ];
  const listing: string[] = [];
  const body: E.Insn[] = [];
  let resultSlot = 0;
  for (let i = 0; i < count; i++) {
    const insns = randomFpInsn(rng);
    listing.push(insns.map((insn) => insn.text).join('; '));
    body.push(...insns);
    const result = resultOf(insns[insns.length - 1]);
    if (result !== undefined && resultSlot < RESULT_SLOTS) {
      // Log the result, so a wrong value is seen even when a later instruction overwrites it.
      const offset = RESULT_LOG + 8 * resultSlot++;
      body.push(
        result.isFloat
          ? E.sType(0x27, 3, BASE, result.register, offset, `fsd f${result.register}`)
          : E.store('sd', result.register, BASE, offset),
      );
    }
    if (i % GROUP_INSNS === GROUP_INSNS - 1 && i / GROUP_INSNS < LOG_SLOTS) {
      // Log and clear fflags, so a wrong flag is not hidden by a later one.
      const slot = FLAGS_LOG + 8 * Math.floor(i / GROUP_INSNS);
      body.push(E.iType(0x73, 1, 5, 0, 1, 'csrrw x5, fflags, x0'), E.store('sd', 5, BASE, slot));
      listing.push(`(fflags to log slot ${slot})`);
    }
  }
  const epilogue: E.Insn[] = [
    ...Array.from({ length: 31 }, (_, i) => E.store('sd', i + 1, BASE, X_TABLE + 8 * (i + 1))),
    ...Array.from({ length: 32 }, (_, r) =>
      E.sType(0x27, 3, BASE, r, F_TABLE + 8 * r, `fsd f${r}`),
    ),
    E.iType(0x73, 2, 5, 0, 3, 'frcsr x5'), // csrrs x5, fcsr, x0
    E.store('sd', 5, BASE, FCSR_SLOT),
    ...E.li(10, 1n),
    ...E.li(11, BigInt(FP_BUFFER_ADDRESS)),
    ...E.li(12, BigInt(FP_BUFFER_BYTES)),
    ...E.li(17, 64n),
    E.ecall(),
    ...E.li(10, 0n),
    ...E.li(17, 93n),
    E.ecall(),
  ];
  const code = E.emit([...prologue, ...body, ...epilogue]);

  const buffer = new Uint8Array(FP_BUFFER_BYTES);
  const view = new DataView(buffer.buffer);
  for (let i = 0; i < FP_BUFFER_BYTES; i += 8) {
    const scratch = i - (BASE_ADDRESS - FP_BUFFER_ADDRESS);
    const isDouble =
      scratch >= 0 && scratch < SCRATCH_BYTES ? scratch < SCRATCH_BYTES / 2 : rng.chance(0.5);
    view.setBigUint64(i, fpValue(rng, isDouble), true);
  }
  for (let r = 0; r < 32; r++)
    view.setBigUint64(FP_F_TABLE_OFFSET + 8 * r, fpValue(rng, r < 16), true);
  for (let r = 0; r < 32; r++) {
    const value = rng.chance(0.5) ? rng.pick(INTEGERS) : rng.u64();
    view.setBigUint64(FP_X_TABLE_OFFSET + 8 * r, BigInt.asUintN(64, value), true);
  }
  view.setBigUint64(FP_FCSR_OFFSET, BigInt(rng.below(5) << 5), true);

  const elf = writeElf({
    entry: FP_CODE_ADDRESS,
    headersAt: 0x10000,
    segments: [
      { vaddr: FP_CODE_ADDRESS, bytes: code, flags: 5 },
      { vaddr: FP_BUFFER_ADDRESS, bytes: buffer, flags: 6 },
    ],
  });
  return { elf, listing };
}

/** Names the x and f registers, fcsr and buffer bytes where two dumps differ. */
export function describeFpDifference(expected: Uint8Array, actual: Uint8Array): string {
  if (expected.length !== actual.length)
    return `output length ${actual.length}, expected ${expected.length}`;
  const view = (bytes: Uint8Array): DataView =>
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: string[] = [];
  const compare = (offset: number, what: string): void => {
    const want = view(expected).getBigUint64(offset, true);
    const got = view(actual).getBigUint64(offset, true);
    if (want !== got) lines.push(`${what}: expected ${want.toString(16)}, got ${got.toString(16)}`);
  };
  for (let r = 1; r < 32; r++) compare(FP_X_TABLE_OFFSET + 8 * r, `x${r}`);
  for (let r = 0; r < 32; r++) compare(FP_F_TABLE_OFFSET + 8 * r, `f${r}`);
  compare(FP_FCSR_OFFSET, 'fcsr');
  for (let i = 0; i < LOG_SLOTS; i++)
    compare(FP_FLAGS_LOG_OFFSET + 8 * i, `fflags after group ${i}`);
  for (let i = 0; i < expected.length && lines.length < 40; i++) {
    if (i >= FP_FLAGS_LOG_OFFSET && i < FP_FCSR_OFFSET + 8) continue;
    if (expected[i] !== actual[i])
      lines.push(
        `buffer ${(FP_BUFFER_ADDRESS + i).toString(16)}: expected ${expected[i]}, got ${actual[i]}`,
      );
  }
  return lines.join('\n');
}
