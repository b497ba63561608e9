// Seeded random test programs for the differential test: a block of random
// valid RV64IMAC instructions (integer and M arithmetic, aligned and
// misaligned loads and stores into a data buffer, forward branches and jumps,
// LR/SC pairs and AMOs, compressed forms, FP CSRs and F/D moves), wrapped into
// an ELF that sets every register from a table, runs the block, stores
// x1..x31, f0..f31 and fcsr into the buffer and writes the whole buffer to
// stdout. Two machines that agree print the same
// 8 KiB.
import { writeElf } from './elf-writer.test-util.js';
import { Prng } from './prng.test-util.js';
import * as E from './rv-encoder.test-util.js';

export const CODE_ADDRESS = 0x11000;
/** The data buffer: two pages, so misaligned accesses can straddle a page. */
export const BUFFER_ADDRESS = 0x21000;
export const BUFFER_BYTES = 0x2000;
/** Bases the block never writes: x2 (sp), x8 and x9, and x18 for atomics. */
const SP = 2;
const BASE_A = 8;
const BASE_B = 9;
const ATOMIC = 18;
const BASES: Readonly<Record<number, number>> = {
  [SP]: 0x21800,
  [BASE_A]: 0x21400,
  [BASE_B]: 0x22000,
};
/** Register table and final dump: BASE_B + 0x700, 32 slots. */
export const DUMP_OFFSET = 0x22700 - BUFFER_ADDRESS;
const DUMP_IMM = 0x700;
/** f0..f31 are dumped below the integer registers, fcsr below them. */
const FP_DUMP_IMM = 0x600;
const FCSR_DUMP_IMM = 0x5f8;
const FP_DUMP_OFFSET = DUMP_OFFSET - (DUMP_IMM - FP_DUMP_IMM);
const FCSR_DUMP_OFFSET = DUMP_OFFSET - (DUMP_IMM - FCSR_DUMP_IMM);

const RESERVED = new Set([SP, BASE_A, BASE_B, ATOMIC]);
const WRITABLE = Array.from({ length: 32 }, (_, r) => r).filter((r) => !RESERVED.has(r));
const WRITABLE_NONZERO = WRITABLE.filter((r) => r !== 0);
const C_WRITABLE = [10, 11, 12, 13, 14, 15];
const C_READABLE = [8, 9, 10, 11, 12, 13, 14, 15];

const INTERESTING = [
  0n,
  1n,
  -1n,
  2n,
  -2n,
  0x7fffffffn,
  -0x80000000n,
  0xffffffffn,
  0x80000000n,
  0x7fffffffffffffffn,
  -0x8000000000000000n,
];

export interface RandomProgram {
  readonly elf: Uint8Array;
  /** One line per item, for failure reports. */
  readonly listing: readonly string[];
}

interface Item {
  /** Sizes of the instructions, known before the offsets are. */
  readonly sizes: readonly (2 | 4)[];
  build(self: number, itemAddress: (index: number) => number): E.Insn[];
}

const fixed = (insns: E.Insn[]): Item => ({ sizes: insns.map((i) => i.size), build: () => insns });

/** The min/max immediate from `base` that keeps an access of `width` bytes in the buffer. */
function immRange(base: number, width: number): [number, number] {
  const address = BASES[base] ?? 0;
  const low = Math.max(-2048, BUFFER_ADDRESS - address);
  const high = Math.min(2047, BUFFER_ADDRESS + BUFFER_BYTES - width - address);
  return [low, high];
}

function memoryImm(rng: Prng, base: number, width: number): number {
  if (rng.chance(0.5)) return rng.between(...immRange(base, width)); // any alignment
  return width * rng.between(...alignedRange(base, width));
}

function randomItem(rng: Prng, index: number, count: number): Item {
  const rd = (): number => rng.pick(WRITABLE);
  const rs = (): number => rng.below(32);
  const forward = (): number => Math.min(count, index + rng.between(1, 3));
  const roll = rng.below(108);
  if (roll < 22) return fixed([E.rOp(rng.pick(Object.keys(E.R_OPS)), rd(), rs(), rs())]);
  if (roll < 34) {
    const name = rng.pick(Object.keys(E.I_OPS));
    const imm = rng.chance(0.3) ? rng.pick([-2048, -1, 0, 1, 2047]) : rng.between(-2048, 2047);
    return fixed([E.iOp(name, rd(), rs(), imm)]);
  }
  if (roll < 39) {
    const name = rng.pick(['slli', 'srli', 'srai', 'slliw', 'srliw', 'sraiw']);
    return fixed([E.shiftImm(name, rd(), rs(), rng.below(name.endsWith('w') ? 32 : 64))]);
  }
  if (roll < 42)
    return fixed([
      rng.chance(0.5) ? E.lui(rd(), rng.below(1 << 20)) : E.auipc(rd(), rng.below(1 << 20)),
    ]);
  if (roll < 52) {
    const name = rng.pick(Object.keys(E.LOADS));
    const base = rng.pick([SP, BASE_A, BASE_B]);
    const width = { lb: 1, lbu: 1, lh: 2, lhu: 2, lw: 4, lwu: 4, ld: 8 }[name] ?? 8;
    return fixed([E.load(name, rd(), base, memoryImm(rng, base, width))]);
  }
  if (roll < 61) {
    const name = rng.pick(Object.keys(E.STORES));
    const base = rng.pick([SP, BASE_A, BASE_B]);
    const width = { sb: 1, sh: 2, sw: 4, sd: 8 }[name] ?? 8;
    return fixed([E.store(name, rs(), base, memoryImm(rng, base, width))]);
  }
  if (roll < 71) return compressedAlu(rng);
  if (roll < 76) return compressedMemory(rng);
  if (roll < 82) {
    const target = forward();
    const kind = rng.below(3);
    if (kind === 0) {
      const name = rng.pick(Object.keys(E.BRANCHES));
      const [a, b] = [rs(), rs()];
      return { sizes: [4], build: (self, at) => [E.branch(name, a, b, at(target) - self)] };
    }
    if (kind === 1) {
      const name = rng.pick(['c.beqz', 'c.bnez'] as const);
      const r = rng.pick(C_READABLE);
      return { sizes: [2], build: (self, at) => [E.cBranch(name, r, at(target) - self)] };
    }
    return { sizes: [2], build: (self, at) => [E.cJ(at(target) - self)] };
  }
  if (roll < 86) {
    const target = forward();
    const kind = rng.below(3);
    const link = rd();
    if (kind === 0) return { sizes: [4], build: (self, at) => [E.jal(link, at(target) - self)] };
    const temp = rng.pick(WRITABLE_NONZERO);
    if (kind === 1) {
      // jalr clears bit 0 of the target: sometimes set it
      const odd = rng.below(2);
      return {
        sizes: [4, 4],
        build: (self, at) => [E.auipc(temp, 0), E.jalr(link, temp, at(target) - self + odd)],
      };
    }
    const isLink = rng.chance(0.5);
    return {
      sizes: [4, 4, 2],
      build: (self, at) => [
        E.auipc(temp, 0),
        E.iOp('addi', temp, temp, at(target) - self),
        isLink ? E.cJalr(temp) : E.cJr(temp),
      ],
    };
  }
  if (roll < 95) {
    const name = rng.pick(Object.keys(E.AMOS));
    const isDouble = rng.chance(0.5);
    return fixed([
      atomicAddress(rng, isDouble),
      E.amo(name, isDouble, rd(), rs(), ATOMIC, rng.chance(0.3), rng.chance(0.3)),
    ]);
  }
  if (roll < 98) {
    // an LR/SC pair with only ALU work between: both machines keep the reservation
    const isDouble = rng.chance(0.5);
    const between = Array.from({ length: rng.below(3) }, () =>
      E.rOp(rng.pick(['add', 'xor', 'sub', 'or']), rd(), rs(), rs()),
    );
    return fixed([
      atomicAddress(rng, isDouble),
      E.lr(isDouble, rd(), ATOMIC, rng.chance(0.3)),
      ...between,
      E.sc(isDouble, rd(), rs(), ATOMIC, false, rng.chance(0.3)),
    ]);
  }
  if (roll < 99) {
    // SC without a reservation fails; its address stays aligned because a
    // misaligned SC faults on hardware but qemu checks the reservation first
    return fixed([atomicAddress(rng, true), E.sc(rng.chance(0.5), rd(), rs(), ATOMIC)]);
  }
  if (roll < 103) return floatingPointMove(rng);
  if (roll < 105) {
    // c.addi16sp moves sp and back, with sp-relative accesses in between
    const delta =
      16 *
      rng.pick([
        ...Array.from({ length: 31 }, (_, i) => i - 31),
        ...Array.from({ length: 31 }, (_, i) => i + 1),
      ]);
    const between = Array.from({ length: rng.below(3) }, () => compressedSpAccess(rng));
    return fixed([E.cAddi16sp(delta), ...between, E.cAddi16sp(-delta)]);
  }
  if (roll < 107) {
    // the FP CSRs are plain storage until FP arithmetic exists: fflags, frm, fcsr
    // (cycle, time and instret differ between machines by design)
    const name = rng.pick(Object.keys(E.CSR_OPS));
    return fixed([E.csrOp(name, rd(), rng.between(1, 3), rng.below(32))]);
  }
  return fixed([rng.chance(0.5) ? E.fence() : E.fenceI()]);
}

/** F/D loads, stores and raw moves (what glibc uses before any FP arithmetic):
 *  NaN-boxing of singles shows up in the integer registers and the buffer. */
function floatingPointMove(rng: Prng): Item {
  const f = (): number => rng.below(32);
  const base = rng.pick([SP, BASE_A, BASE_B]);
  switch (rng.below(6)) {
    case 0: {
      const name = rng.pick(['flw', 'fld'] as const);
      return fixed([E.fLoad(name, f(), base, memoryImm(rng, base, name === 'flw' ? 4 : 8))]);
    }
    case 1: {
      const name = rng.pick(['fsw', 'fsd'] as const);
      return fixed([E.fStore(name, f(), base, memoryImm(rng, base, name === 'fsw' ? 4 : 8))]);
    }
    case 2:
      return fixed([E.fMove(rng.pick(['fmv.x.w', 'fmv.x.d'] as const), rng.pick(WRITABLE), f())]);
    case 3:
      return fixed([E.fMove(rng.pick(['fmv.w.x', 'fmv.d.x'] as const), f(), rng.below(32))]);
    case 4: {
      const offset = 8 * rng.below(32);
      return fixed([
        E.cFpMem(
          rng.pick(['c.fld', 'c.fsd'] as const),
          rng.between(8, 15),
          rng.pick([BASE_A, BASE_B]),
          offset,
        ),
      ]);
    }
    default:
      return fixed([E.cFpSpMem(rng.pick(['c.fldsp', 'c.fsdsp'] as const), f(), 8 * rng.below(64))]);
  }
}

function compressedSpAccess(rng: Prng): E.Insn {
  const isDouble = rng.chance(0.5);
  const offset = (isDouble ? 8 : 4) * rng.below(64);
  if (rng.chance(0.5))
    return E.cSpMem(isDouble ? 'c.ldsp' : 'c.lwsp', rng.pick(WRITABLE_NONZERO), offset);
  return E.cSpMem(isDouble ? 'c.sdsp' : 'c.swsp', rng.below(32), offset);
}

function atomicAddress(rng: Prng, isDouble: boolean): E.Insn {
  const width = isDouble ? 8 : 4;
  const base = rng.pick([SP, BASE_A, BASE_B]);
  return E.iOp('addi', ATOMIC, base, width * rng.between(...alignedRange(base, width)));
}

function alignedRange(base: number, width: number): [number, number] {
  const [low, high] = immRange(base, width);
  return [Math.ceil(low / width), Math.floor(high / width)];
}

function compressedAlu(rng: Prng): Item {
  const rdFull = rng.pick(WRITABLE_NONZERO);
  const rdC = rng.pick(C_WRITABLE);
  const imm6 = (): number => rng.between(-32, 31);
  const nonzero6 = (): number =>
    rng.pick([
      ...Array.from({ length: 32 }, (_, i) => i - 32),
      ...Array.from({ length: 31 }, (_, i) => i + 1),
    ]);
  switch (rng.below(12)) {
    case 0:
      return fixed([E.cAddi(rdFull, imm6())]);
    case 1:
      return fixed([E.cAddiw(rdFull, imm6())]);
    case 2:
      return fixed([E.cLi(rdFull, imm6())]);
    case 3:
      return fixed([E.cLui(rdFull, nonzero6())]);
    case 4:
      return fixed([E.cSlli(rdFull, rng.between(1, 63))]);
    case 5:
      return fixed([
        E.cShiftOrAndi(rng.pick(['c.srli', 'c.srai'] as const), rdC, rng.between(1, 63)),
      ]);
    case 6:
      return fixed([E.cShiftOrAndi('c.andi', rdC, imm6())]);
    case 7:
      return fixed([
        E.cArith(
          rng.pick(['c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw'] as const),
          rdC,
          rng.pick(C_READABLE),
        ),
      ]);
    case 8:
      return fixed([E.cMv(rdFull, rng.between(1, 31))]);
    case 9:
      return fixed([E.cAdd(rdFull, rng.between(1, 31))]);
    case 10:
      return fixed([E.cAddi4spn(rdC, 4 * rng.between(1, 255))]);
    default:
      return fixed([E.cNop()]);
  }
}

function compressedMemory(rng: Prng): Item {
  const isDouble = rng.chance(0.5);
  if (rng.chance(0.5)) {
    const base = rng.pick([BASE_A, BASE_B]);
    const offset = (isDouble ? 8 : 4) * rng.below(32);
    if (rng.chance(0.5))
      return fixed([E.cMem(isDouble ? 'c.ld' : 'c.lw', rng.pick(C_WRITABLE), base, offset)]);
    return fixed([E.cMem(isDouble ? 'c.sd' : 'c.sw', rng.pick(C_READABLE), base, offset)]);
  }
  const offset = (isDouble ? 8 : 4) * rng.below(64);
  if (rng.chance(0.5))
    return fixed([E.cSpMem(isDouble ? 'c.ldsp' : 'c.lwsp', rng.pick(WRITABLE_NONZERO), offset)]);
  return fixed([E.cSpMem(isDouble ? 'c.sdsp' : 'c.swsp', rng.below(32), offset)]);
}

/** Builds the program for `seed` with `itemCount` random items. */
export function randomProgram(seed: number, itemCount: number): RandomProgram {
  const rng = new Prng(seed);
  const items = Array.from({ length: itemCount }, (_, index) => randomItem(rng, index, itemCount));
  return wrapProgram(rng, items);
}

/** A program of the given straight-line instructions (registers still seeded):
 *  for regression tests of one instruction under both machines. */
export function fixedProgram(seed: number, insns: readonly E.Insn[]): RandomProgram {
  return wrapProgram(
    new Prng(seed),
    insns.map((insn) => fixed([insn])),
  );
}

function wrapProgram(rng: Prng, items: readonly Item[]): RandomProgram {
  const prologue: E.Insn[] = [
    ...E.li(BASE_B, BigInt(BASES[BASE_B] ?? 0)),
    ...E.li(BASE_A, BigInt(BASES[BASE_A] ?? 0)),
    ...E.li(SP, BigInt(BASES[SP] ?? 0)),
    E.iOp('addi', ATOMIC, BASE_B, 0),
    ...WRITABLE_NONZERO.map((r) => E.load('ld', r, BASE_B, DUMP_IMM + 8 * r)),
    // the FP registers and fcsr start from the same table (rotated)
    ...Array.from({ length: 32 }, (_, f) =>
      E.fLoad('fld', f, BASE_B, DUMP_IMM + 8 * ((f + 7) % 32)),
    ),
    E.csrOp('csrrw', 0, 0x003, 5),
  ];
  const epilogue: E.Insn[] = [
    ...Array.from({ length: 31 }, (_, i) => E.store('sd', i + 1, BASE_B, DUMP_IMM + 8 * (i + 1))),
    ...Array.from({ length: 32 }, (_, f) => E.fStore('fsd', f, BASE_B, FP_DUMP_IMM + 8 * f)),
    E.csrOp('csrrs', 5, 0x003, 0),
    E.store('sd', 5, BASE_B, FCSR_DUMP_IMM),
    ...E.li(10, 1n),
    ...E.li(11, BigInt(BUFFER_ADDRESS)),
    ...E.li(12, BigInt(BUFFER_BYTES)),
    ...E.li(17, 64n),
    E.ecall(),
    ...E.li(10, 0n),
    ...E.li(17, 93n),
    E.ecall(),
  ];
  const addresses: number[] = [];
  let at = CODE_ADDRESS + prologue.reduce((sum, i) => sum + i.size, 0);
  for (const item of items) {
    addresses.push(at);
    at += item.sizes.reduce<number>((sum, size) => sum + size, 0);
  }
  addresses.push(at); // the epilogue
  const itemAddress = (index: number): number => addresses[index] ?? at;
  const listing: string[] = [];
  const body = items.flatMap((item, index) => {
    const insns = item.build(itemAddress(index), itemAddress);
    listing.push(`${itemAddress(index).toString(16)}: ${insns.map((i) => i.text).join('; ')}`);
    return insns;
  });
  const code = E.emit([...prologue, ...body, ...epilogue]);

  const buffer = new Uint8Array(BUFFER_BYTES);
  for (let i = 0; i < BUFFER_BYTES; i += 4)
    new DataView(buffer.buffer).setUint32(i, rng.u32(), true);
  const table = new DataView(buffer.buffer, DUMP_OFFSET, 256);
  for (let r = 0; r < 32; r++)
    table.setBigUint64(
      8 * r,
      BigInt.asUintN(64, rng.chance(0.3) ? rng.pick(INTERESTING) : rng.u64()),
      true,
    );

  const elf = writeElf({
    entry: CODE_ADDRESS,
    headersAt: 0x10000,
    segments: [
      { vaddr: CODE_ADDRESS, bytes: code, flags: 5 },
      { vaddr: BUFFER_ADDRESS, bytes: buffer, flags: 6 },
    ],
  });
  return { elf, listing };
}

/** Names the registers and buffer bytes where two dumps differ. */
export function describeDifference(expected: Uint8Array, actual: Uint8Array): string {
  if (expected.length !== actual.length)
    return `output length ${actual.length}, expected ${expected.length}`;
  const lines: string[] = [];
  const view = (bytes: Uint8Array): DataView =>
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let r = 1; r < 32; r++) {
    const offset = DUMP_OFFSET + 8 * r;
    const want = view(expected).getBigUint64(offset, true);
    const got = view(actual).getBigUint64(offset, true);
    if (want !== got) lines.push(`x${r}: expected ${want.toString(16)}, got ${got.toString(16)}`);
  }
  for (let f = 0; f < 32; f++) {
    const offset = FP_DUMP_OFFSET + 8 * f;
    const want = view(expected).getBigUint64(offset, true);
    const got = view(actual).getBigUint64(offset, true);
    if (want !== got) lines.push(`f${f}: expected ${want.toString(16)}, got ${got.toString(16)}`);
  }
  const fcsrWant = view(expected).getBigUint64(FCSR_DUMP_OFFSET, true);
  const fcsrGot = view(actual).getBigUint64(FCSR_DUMP_OFFSET, true);
  if (fcsrWant !== fcsrGot)
    lines.push(`fcsr: expected ${fcsrWant.toString(16)}, got ${fcsrGot.toString(16)}`);
  for (let i = 0; i < expected.length && lines.length < 40; i++) {
    if (i >= FCSR_DUMP_OFFSET && i < DUMP_OFFSET + 256) continue; // reported above
    if (expected[i] !== actual[i])
      lines.push(
        `buffer ${(BUFFER_ADDRESS + i).toString(16)}: expected ${expected[i]}, got ${actual[i]}`,
      );
  }
  return lines.join('\n');
}
