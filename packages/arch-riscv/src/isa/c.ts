// C: compressed instructions (unprivileged spec, chapter "C", RV64C). Every
// compressed form is expanded to the 32-bit instruction it stands for and
// decoded through the same tables, so it executes the same operation; only
// its length (2) differs. Reserved encodings return undefined (an illegal
// instruction); HINT encodings (for example c.li with rd = x0) expand to
// their 32-bit form, which writes x0 and so does nothing.
import { ENCODINGS } from '../encoding.js';

const E = ENCODINGS;

// ---- 32-bit encoders (spec base formats) ----

function i(match: number, rd: number, rs1: number, imm: number): number {
  return (match | (rd << 7) | (rs1 << 15) | ((imm & 0xfff) << 20)) >>> 0;
}

function r(match: number, rd: number, rs1: number, rs2: number): number {
  return (match | (rd << 7) | (rs1 << 15) | (rs2 << 20)) >>> 0;
}

function s(match: number, rs1: number, rs2: number, imm: number): number {
  return (
    (match | ((imm & 0x1f) << 7) | (rs1 << 15) | (rs2 << 20) | (((imm >> 5) & 0x7f) << 25)) >>> 0
  );
}

function b(match: number, rs1: number, rs2: number, imm: number): number {
  return (
    (match |
      (((imm >> 11) & 1) << 7) |
      (((imm >> 1) & 0xf) << 8) |
      (rs1 << 15) |
      (rs2 << 20) |
      (((imm >> 5) & 0x3f) << 25) |
      (((imm >> 12) & 1) << 31)) >>>
    0
  );
}

function j(match: number, rd: number, imm: number): number {
  return (
    (match |
      (rd << 7) |
      (((imm >> 12) & 0xff) << 12) |
      (((imm >> 11) & 1) << 20) |
      (((imm >> 1) & 0x3ff) << 21) |
      (((imm >> 20) & 1) << 31)) >>>
    0
  );
}

function u(match: number, rd: number, imm: number): number {
  return (match | (rd << 7) | (imm & 0xfffff000)) >>> 0;
}

// ---- compressed fields ----

const signExtend = (value: number, bits: number): number => (value << (32 - bits)) >> (32 - bits);
/** Full register number in bits 11..7 (rd / rs1) and 6..2 (rs2). */
const rdFull = (h: number): number => (h >> 7) & 31;
const rs2Full = (h: number): number => (h >> 2) & 31;
/** The 3-bit register fields name x8..x15 (rd'/rs1' in 9..7, rd'/rs2' in 4..2). */
const rPrime97 = (h: number): number => ((h >> 7) & 7) + 8;
const rPrime42 = (h: number): number => ((h >> 2) & 7) + 8;
/** CI immediate: imm[5] = 12, imm[4:0] = 6..2, sign-extended. */
const ciImm = (h: number): number => signExtend(((h >> 7) & 0x20) | ((h >> 2) & 0x1f), 6);
/** CI shift amount: shamt[5] = 12, shamt[4:0] = 6..2. */
const ciShamt = (h: number): number => ((h >> 7) & 0x20) | ((h >> 2) & 0x1f);

// Offsets scaled by the access width (CL/CS for word and double, CI/CSS for sp-relative).
const clWordOffset = (h: number): number => ((h >> 7) & 0x38) | ((h >> 4) & 4) | ((h << 1) & 0x40);
const clDoubleOffset = (h: number): number => ((h >> 7) & 0x38) | ((h << 1) & 0xc0);
const ciWordSpOffset = (h: number): number =>
  ((h >> 7) & 0x20) | ((h >> 2) & 0x1c) | ((h << 4) & 0xc0);
const ciDoubleSpOffset = (h: number): number =>
  ((h >> 7) & 0x20) | ((h >> 2) & 0x18) | ((h << 4) & 0x1c0);
const cssWordSpOffset = (h: number): number => ((h >> 7) & 0x3c) | ((h >> 1) & 0xc0);
const cssDoubleSpOffset = (h: number): number => ((h >> 7) & 0x38) | ((h >> 1) & 0x1c0);

const ciwImm = (h: number): number =>
  ((h >> 7) & 0x30) | ((h >> 1) & 0x3c0) | ((h >> 4) & 4) | ((h >> 2) & 8);
const addi16spImm = (h: number): number =>
  signExtend(
    ((h >> 3) & 0x200) |
      ((h >> 2) & 0x10) |
      ((h << 1) & 0x40) |
      ((h << 4) & 0x180) |
      ((h << 3) & 0x20),
    10,
  );
const cjImm = (h: number): number =>
  signExtend(
    ((h >> 1) & 0x800) |
      ((h >> 7) & 0x10) |
      ((h >> 1) & 0x300) |
      ((h << 2) & 0x400) |
      ((h >> 1) & 0x40) |
      ((h << 1) & 0x80) |
      ((h >> 2) & 0xe) |
      ((h << 3) & 0x20),
    12,
  );
const cbImm = (h: number): number =>
  signExtend(
    ((h >> 4) & 0x100) | ((h >> 7) & 0x18) | ((h << 1) & 0xc0) | ((h >> 2) & 6) | ((h << 3) & 0x20),
    9,
  );

const SP = 2;
const RA = 1;

/** The 32-bit instruction a 16-bit parcel stands for, or undefined if it is reserved. */
export function expandCompressed(h: number): number | undefined {
  const funct3 = (h >> 13) & 7;
  switch (h & 3) {
    case 0:
      return quadrant0(h, funct3);
    case 1:
      return quadrant1(h, funct3);
    case 2:
      return quadrant2(h, funct3);
    default:
      return undefined;
  }
}

function quadrant0(h: number, funct3: number): number | undefined {
  switch (funct3) {
    case 0: {
      const imm = ciwImm(h);
      return imm === 0 ? undefined : i(E.addi.match, rPrime42(h), SP, imm); // c.addi4spn
    }
    case 1:
      return i(E.fld.match, rPrime42(h), rPrime97(h), clDoubleOffset(h)); // c.fld
    case 2:
      return i(E.lw.match, rPrime42(h), rPrime97(h), clWordOffset(h)); // c.lw
    case 3:
      return i(E.ld.match, rPrime42(h), rPrime97(h), clDoubleOffset(h)); // c.ld
    case 5:
      return s(E.fsd.match, rPrime97(h), rPrime42(h), clDoubleOffset(h)); // c.fsd
    case 6:
      return s(E.sw.match, rPrime97(h), rPrime42(h), clWordOffset(h)); // c.sw
    case 7:
      return s(E.sd.match, rPrime97(h), rPrime42(h), clDoubleOffset(h)); // c.sd
    default:
      return undefined; // 100: reserved
  }
}

function quadrant1(h: number, funct3: number): number | undefined {
  const rd = rdFull(h);
  switch (funct3) {
    case 0:
      return i(E.addi.match, rd, rd, ciImm(h)); // c.addi (c.nop when rd = 0)
    case 1:
      return rd === 0 ? undefined : i(E.addiw.match, rd, rd, ciImm(h)); // c.addiw
    case 2:
      return i(E.addi.match, rd, 0, ciImm(h)); // c.li
    case 3: {
      if (rd === SP) {
        const imm = addi16spImm(h);
        return imm === 0 ? undefined : i(E.addi.match, SP, SP, imm); // c.addi16sp
      }
      const imm = ciImm(h);
      return imm === 0 ? undefined : u(E.lui.match, rd, imm << 12); // c.lui
    }
    case 4:
      return quadrant1Arithmetic(h);
    case 5:
      return j(E.jal.match, 0, cjImm(h)); // c.j
    case 6:
      return b(E.beq.match, rPrime97(h), 0, cbImm(h)); // c.beqz
    default:
      return b(E.bne.match, rPrime97(h), 0, cbImm(h)); // c.bnez
  }
}

function quadrant1Arithmetic(h: number): number | undefined {
  const rd = rPrime97(h);
  const rs2 = rPrime42(h);
  switch ((h >> 10) & 3) {
    case 0:
      return r(E.srli.match, rd, rd, ciShamt(h)); // c.srli (shamt in the rs2/shamt field)
    case 1:
      return r(E.srai.match, rd, rd, ciShamt(h)); // c.srai
    case 2:
      return i(E.andi.match, rd, rd, ciImm(h)); // c.andi
    default: {
      const op = ((h >> 12) & 1) * 4 + ((h >> 5) & 3);
      const match = [E.sub, E.xor, E.or, E.and, E.subw, E.addw][op]?.match;
      return match === undefined ? undefined : r(match, rd, rd, rs2); // c.sub ... c.addw; 1_10, 1_11 reserved
    }
  }
}

function quadrant2(h: number, funct3: number): number | undefined {
  const rd = rdFull(h);
  const rs2 = rs2Full(h);
  switch (funct3) {
    case 0:
      return r(E.slli.match, rd, rd, ciShamt(h)); // c.slli
    case 1:
      return i(E.fld.match, rd, SP, ciDoubleSpOffset(h)); // c.fldsp
    case 2:
      return rd === 0 ? undefined : i(E.lw.match, rd, SP, ciWordSpOffset(h)); // c.lwsp
    case 3:
      return rd === 0 ? undefined : i(E.ld.match, rd, SP, ciDoubleSpOffset(h)); // c.ldsp
    case 4:
      return quadrant2Register(h, rd, rs2);
    case 5:
      return s(E.fsd.match, SP, rs2, cssDoubleSpOffset(h)); // c.fsdsp
    case 6:
      return s(E.sw.match, SP, rs2, cssWordSpOffset(h)); // c.swsp
    default:
      return s(E.sd.match, SP, rs2, cssDoubleSpOffset(h)); // c.sdsp
  }
}

function quadrant2Register(h: number, rd: number, rs2: number): number | undefined {
  if (((h >> 12) & 1) === 0) {
    if (rs2 === 0) return rd === 0 ? undefined : i(E.jalr.match, 0, rd, 0); // c.jr
    return r(E.add.match, rd, 0, rs2); // c.mv
  }
  if (rs2 === 0) {
    if (rd === 0) return E.ebreak.match; // c.ebreak
    return i(E.jalr.match, RA, rd, 0); // c.jalr
  }
  return r(E.add.match, rd, rd, rs2); // c.add
}
