// An RV64IMAC instruction encoder for tests (base and compressed formats).
// Each function returns the instruction bits; `emit` turns a list of them into
// little-endian bytes (16-bit ones for compressed). Operands are checked: a
// generator bug must not silently produce a different instruction.

export interface Insn {
  readonly bits: number;
  /** 2 for compressed, 4 otherwise. */
  readonly size: 2 | 4;
  /** Assembly-like text, for failure reports. */
  readonly text: string;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`rv-encoder: ${what}`);
}

function reg(r: number): number {
  check(Number.isInteger(r) && r >= 0 && r < 32, `register x${r}`);
  return r;
}

function signed(value: number, bits: number, what: string): number {
  check(
    Number.isInteger(value) && value >= -(2 ** (bits - 1)) && value < 2 ** (bits - 1),
    `${what} ${value} not a signed ${bits}-bit value`,
  );
  return value;
}

function unsigned(value: number, bits: number, what: string): number {
  check(
    Number.isInteger(value) && value >= 0 && value < 2 ** bits,
    `${what} ${value} not an unsigned ${bits}-bit value`,
  );
  return value;
}

const base = (bits: number, text: string): Insn => ({ bits: bits >>> 0, size: 4, text });
const compressed = (bits: number, text: string): Insn => {
  check(bits >= 0 && bits < 0x10000 && (bits & 3) !== 3, `compressed bits ${bits.toString(16)}`);
  return { bits, size: 2, text };
};

// ------------------------------------------------------------------- formats

export function rType(
  opcode: number,
  funct3: number,
  funct7: number,
  rd: number,
  rs1: number,
  rs2: number,
  text: string,
): Insn {
  return base(
    (funct7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode,
    text,
  );
}

export function iType(
  opcode: number,
  funct3: number,
  rd: number,
  rs1: number,
  imm: number,
  text: string,
): Insn {
  signed(imm, 12, 'I immediate');
  return base(
    ((imm & 0xfff) << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode,
    text,
  );
}

export function sType(
  opcode: number,
  funct3: number,
  rs1: number,
  rs2: number,
  imm: number,
  text: string,
): Insn {
  signed(imm, 12, 'S immediate');
  return base(
    (((imm >> 5) & 0x7f) << 25) |
      (reg(rs2) << 20) |
      (reg(rs1) << 15) |
      (funct3 << 12) |
      ((imm & 0x1f) << 7) |
      opcode,
    text,
  );
}

export function bType(
  funct3: number,
  rs1: number,
  rs2: number,
  offset: number,
  text: string,
): Insn {
  signed(offset, 13, 'branch offset');
  check(offset % 2 === 0, 'branch offset odd');
  const bits =
    (((offset >> 12) & 1) << 31) |
    (((offset >> 5) & 0x3f) << 25) |
    (reg(rs2) << 20) |
    (reg(rs1) << 15) |
    (funct3 << 12) |
    (((offset >> 1) & 0xf) << 8) |
    (((offset >> 11) & 1) << 7) |
    0x63;
  return base(bits, text);
}

export function uType(opcode: number, rd: number, imm20: number, text: string): Insn {
  unsigned(imm20, 20, 'U immediate');
  return base((imm20 << 12) | (reg(rd) << 7) | opcode, text);
}

export function jal(rd: number, offset: number): Insn {
  signed(offset, 21, 'jal offset');
  check(offset % 2 === 0, 'jal offset odd');
  const bits =
    (((offset >> 20) & 1) << 31) |
    (((offset >> 1) & 0x3ff) << 21) |
    (((offset >> 11) & 1) << 20) |
    (((offset >> 12) & 0xff) << 12) |
    (reg(rd) << 7) |
    0x6f;
  return base(bits, `jal x${rd}, ${offset}`);
}

// ------------------------------------------------------------- RV64I and M

const OP = 0x33;
const OP_32 = 0x3b;
const OP_IMM = 0x13;
const OP_IMM_32 = 0x1b;

/** funct7, funct3 of the R-type ALU and M instructions, 64-bit and W forms. */
export const R_OPS: Readonly<Record<string, readonly [number, number, number]>> = {
  add: [OP, 0, 0x00],
  sub: [OP, 0, 0x20],
  sll: [OP, 1, 0],
  slt: [OP, 2, 0],
  sltu: [OP, 3, 0],
  xor: [OP, 4, 0],
  srl: [OP, 5, 0],
  sra: [OP, 5, 0x20],
  or: [OP, 6, 0],
  and: [OP, 7, 0],
  mul: [OP, 0, 1],
  mulh: [OP, 1, 1],
  mulhsu: [OP, 2, 1],
  mulhu: [OP, 3, 1],
  div: [OP, 4, 1],
  divu: [OP, 5, 1],
  rem: [OP, 6, 1],
  remu: [OP, 7, 1],
  addw: [OP_32, 0, 0],
  subw: [OP_32, 0, 0x20],
  sllw: [OP_32, 1, 0],
  srlw: [OP_32, 5, 0],
  sraw: [OP_32, 5, 0x20],
  mulw: [OP_32, 0, 1],
  divw: [OP_32, 4, 1],
  divuw: [OP_32, 5, 1],
  remw: [OP_32, 6, 1],
  remuw: [OP_32, 7, 1],
};

export function rOp(name: string, rd: number, rs1: number, rs2: number): Insn {
  const op = R_OPS[name];
  check(op !== undefined, `unknown R op ${name}`);
  const [opcode, funct3, funct7] = op as readonly [number, number, number];
  return rType(opcode, funct3, funct7, rd, rs1, rs2, `${name} x${rd}, x${rs1}, x${rs2}`);
}

export const I_OPS: Readonly<Record<string, readonly [number, number]>> = {
  addi: [OP_IMM, 0],
  slti: [OP_IMM, 2],
  sltiu: [OP_IMM, 3],
  xori: [OP_IMM, 4],
  ori: [OP_IMM, 6],
  andi: [OP_IMM, 7],
  addiw: [OP_IMM_32, 0],
};

export function iOp(name: string, rd: number, rs1: number, imm: number): Insn {
  const op = I_OPS[name];
  check(op !== undefined, `unknown I op ${name}`);
  const [opcode, funct3] = op as readonly [number, number];
  return iType(opcode, funct3, rd, rs1, imm, `${name} x${rd}, x${rs1}, ${imm}`);
}

/** slli/srli/srai (shamt 0..63) and slliw/srliw/sraiw (0..31). */
export function shiftImm(name: string, rd: number, rs1: number, shamt: number): Insn {
  const isWord = name.endsWith('w');
  unsigned(shamt, isWord ? 5 : 6, 'shift amount');
  const kind = name.replace(/w$/, '');
  const funct3 = kind === 'slli' ? 1 : 5;
  const high = kind === 'srai' ? 0x400 : 0;
  check(['slli', 'srli', 'srai'].includes(kind), `unknown shift ${name}`);
  return base(
    ((high | shamt) << 20) |
      (reg(rs1) << 15) |
      (funct3 << 12) |
      (reg(rd) << 7) |
      (isWord ? OP_IMM_32 : OP_IMM),
    `${name} x${rd}, x${rs1}, ${shamt}`,
  );
}

export const lui = (rd: number, imm20: number): Insn =>
  uType(0x37, rd, imm20, `lui x${rd}, ${imm20}`);
export const auipc = (rd: number, imm20: number): Insn =>
  uType(0x17, rd, imm20, `auipc x${rd}, ${imm20}`);

export const LOADS: Readonly<Record<string, number>> = {
  lb: 0,
  lh: 1,
  lw: 2,
  ld: 3,
  lbu: 4,
  lhu: 5,
  lwu: 6,
};
export const STORES: Readonly<Record<string, number>> = { sb: 0, sh: 1, sw: 2, sd: 3 };

export function load(name: string, rd: number, rs1: number, imm: number): Insn {
  const funct3 = LOADS[name];
  check(funct3 !== undefined, `unknown load ${name}`);
  return iType(0x03, funct3 ?? 0, rd, rs1, imm, `${name} x${rd}, ${imm}(x${rs1})`);
}

export function store(name: string, rs2: number, rs1: number, imm: number): Insn {
  const funct3 = STORES[name];
  check(funct3 !== undefined, `unknown store ${name}`);
  return sType(0x23, funct3 ?? 0, rs1, rs2, imm, `${name} x${rs2}, ${imm}(x${rs1})`);
}

export const BRANCHES: Readonly<Record<string, number>> = {
  beq: 0,
  bne: 1,
  blt: 4,
  bge: 5,
  bltu: 6,
  bgeu: 7,
};

export function branch(name: string, rs1: number, rs2: number, offset: number): Insn {
  const funct3 = BRANCHES[name];
  check(funct3 !== undefined, `unknown branch ${name}`);
  return bType(funct3 ?? 0, rs1, rs2, offset, `${name} x${rs1}, x${rs2}, ${offset}`);
}

export const jalr = (rd: number, rs1: number, imm: number): Insn =>
  iType(0x67, 0, rd, rs1, imm, `jalr x${rd}, ${imm}(x${rs1})`);
export const ecall = (): Insn => base(0x73, 'ecall');
export const fence = (): Insn => base(0x0ff0000f, 'fence');
export const fenceI = (): Insn => base(0x100f, 'fence.i');

// ------------------------------------------------------------------- RV64A

/** funct5 of the AMOs; lr = 0b00010, sc = 0b00011. */
export const AMOS: Readonly<Record<string, number>> = {
  amoadd: 0x00,
  amoswap: 0x01,
  amoxor: 0x04,
  amoor: 0x08,
  amoand: 0x0c,
  amomin: 0x10,
  amomax: 0x14,
  amominu: 0x18,
  amomaxu: 0x1c,
};

function atomic(
  funct5: number,
  isDouble: boolean,
  aq: boolean,
  rl: boolean,
  rd: number,
  rs1: number,
  rs2: number,
  text: string,
): Insn {
  const funct7 = (funct5 << 2) | (aq ? 2 : 0) | (rl ? 1 : 0);
  return rType(0x2f, isDouble ? 3 : 2, funct7, rd, rs1, rs2, text);
}

const ordering = (aq: boolean, rl: boolean): string =>
  aq && rl ? '.aqrl' : aq ? '.aq' : rl ? '.rl' : '';

export function amo(
  name: string,
  isDouble: boolean,
  rd: number,
  rs2: number,
  rs1: number,
  aq = false,
  rl = false,
): Insn {
  const funct5 = AMOS[name];
  check(funct5 !== undefined, `unknown AMO ${name}`);
  return atomic(
    funct5 ?? 0,
    isDouble,
    aq,
    rl,
    rd,
    rs1,
    rs2,
    `${name}.${isDouble ? 'd' : 'w'}${ordering(aq, rl)} x${rd}, x${rs2}, (x${rs1})`,
  );
}

export const lr = (isDouble: boolean, rd: number, rs1: number, aq = false, rl = false): Insn =>
  atomic(
    0x02,
    isDouble,
    aq,
    rl,
    rd,
    rs1,
    0,
    `lr.${isDouble ? 'd' : 'w'}${ordering(aq, rl)} x${rd}, (x${rs1})`,
  );
export const sc = (
  isDouble: boolean,
  rd: number,
  rs2: number,
  rs1: number,
  aq = false,
  rl = false,
): Insn =>
  atomic(
    0x03,
    isDouble,
    aq,
    rl,
    rd,
    rs1,
    rs2,
    `sc.${isDouble ? 'd' : 'w'}${ordering(aq, rl)} x${rd}, x${rs2}, (x${rs1})`,
  );

// ------------------------------------------------------------------ Zicsr

export const CSR_OPS: Readonly<Record<string, number>> = {
  csrrw: 1,
  csrrs: 2,
  csrrc: 3,
  csrrwi: 5,
  csrrsi: 6,
  csrrci: 7,
};

/** csrrw/csrrs/csrrc rd, csr, rs1 and the immediate forms (rs1 is then a 5-bit value). */
export function csrOp(name: string, rd: number, csr: number, source: number): Insn {
  const funct3 = CSR_OPS[name];
  check(funct3 !== undefined, `unknown CSR op ${name}`);
  unsigned(csr, 12, 'CSR number');
  unsigned(source, 5, 'CSR source');
  const operand = (funct3 ?? 0) >= 5 ? `${source}` : `x${source}`;
  return base(
    (csr << 20) | (source << 15) | ((funct3 ?? 0) << 12) | (reg(rd) << 7) | 0x73,
    `${name} x${rd}, 0x${csr.toString(16)}, ${operand}`,
  );
}

// ------------------------------------------- F/D loads, stores and moves

/** flw / fld frd, imm(rs1). */
export function fLoad(name: 'flw' | 'fld', frd: number, rs1: number, imm: number): Insn {
  return iType(0x07, name === 'flw' ? 2 : 3, frd, rs1, imm, `${name} f${frd}, ${imm}(x${rs1})`);
}

/** fsw / fsd frs2, imm(rs1). */
export function fStore(name: 'fsw' | 'fsd', frs2: number, rs1: number, imm: number): Insn {
  return sType(0x27, name === 'fsw' ? 2 : 3, rs1, frs2, imm, `${name} f${frs2}, ${imm}(x${rs1})`);
}

/** Raw moves between the register files (fmv.x.w sign-extends, fmv.w.x NaN-boxes). */
export function fMove(
  name: 'fmv.x.w' | 'fmv.w.x' | 'fmv.x.d' | 'fmv.d.x',
  rd: number,
  rs1: number,
): Insn {
  const funct7 = { 'fmv.x.w': 0x70, 'fmv.w.x': 0x78, 'fmv.x.d': 0x71, 'fmv.d.x': 0x79 }[name];
  const toInt = name.startsWith('fmv.x');
  return rType(
    0x53,
    0,
    funct7,
    rd,
    rs1,
    0,
    `${name} ${toInt ? 'x' : 'f'}${rd}, ${toInt ? 'f' : 'x'}${rs1}`,
  );
}

// -------------------------------------------------------------- RVC (RV64)

/** x8..x15, the registers the 3-bit compressed fields name. */
function creg(r: number): number {
  check(r >= 8 && r <= 15, `compressed register x${r}`);
  return r - 8;
}

const bit = (value: number, from: number, to = from): number =>
  (value >> from) & ((1 << (to - from + 1)) - 1);

export function cAddi(rd: number, imm: number): Insn {
  signed(imm, 6, 'c.addi immediate');
  check(rd !== 0, 'c.addi rd x0');
  return compressed(
    (bit(imm, 5) << 12) | (reg(rd) << 7) | (bit(imm, 0, 4) << 2) | 0x1,
    `c.addi x${rd}, ${imm}`,
  );
}
export const cNop = (): Insn => compressed(0x0001, 'c.nop');
export function cAddiw(rd: number, imm: number): Insn {
  signed(imm, 6, 'c.addiw immediate');
  check(rd !== 0, 'c.addiw rd x0');
  return compressed(
    (0b001 << 13) | (bit(imm, 5) << 12) | (reg(rd) << 7) | (bit(imm, 0, 4) << 2) | 0x1,
    `c.addiw x${rd}, ${imm}`,
  );
}
export function cLi(rd: number, imm: number): Insn {
  signed(imm, 6, 'c.li immediate');
  check(rd !== 0, 'c.li rd x0');
  return compressed(
    (0b010 << 13) | (bit(imm, 5) << 12) | (reg(rd) << 7) | (bit(imm, 0, 4) << 2) | 0x1,
    `c.li x${rd}, ${imm}`,
  );
}
/** c.lui rd, nzimm[17:12] given as a signed 6-bit value (not 0); rd ≠ x0, x2. */
export function cLui(rd: number, imm6: number): Insn {
  signed(imm6, 6, 'c.lui immediate');
  check(imm6 !== 0 && rd !== 0 && rd !== 2, 'c.lui operands');
  return compressed(
    (0b011 << 13) | (bit(imm6, 5) << 12) | (reg(rd) << 7) | (bit(imm6, 0, 4) << 2) | 0x1,
    `c.lui x${rd}, 0x${(imm6 & 0xfffff).toString(16)}`,
  );
}
export function cAddi16sp(imm: number): Insn {
  check(imm !== 0 && imm % 16 === 0, 'c.addi16sp immediate');
  signed(imm, 10, 'c.addi16sp immediate');
  const bits =
    (0b011 << 13) |
    (bit(imm, 9) << 12) |
    (2 << 7) |
    (bit(imm, 4) << 6) |
    (bit(imm, 6) << 5) |
    (bit(imm, 7, 8) << 3) |
    (bit(imm, 5) << 2) |
    0x1;
  return compressed(bits, `c.addi16sp sp, ${imm}`);
}
export function cAddi4spn(rd: number, imm: number): Insn {
  check(imm > 0 && imm % 4 === 0 && imm < 1024, 'c.addi4spn immediate');
  const bits =
    (bit(imm, 4, 5) << 11) |
    (bit(imm, 6, 9) << 7) |
    (bit(imm, 2) << 6) |
    (bit(imm, 3) << 5) |
    (creg(rd) << 2);
  return compressed(bits, `c.addi4spn x${rd}, sp, ${imm}`);
}
/** c.srli / c.srai / c.andi on x8..x15. */
export function cShiftOrAndi(name: 'c.srli' | 'c.srai' | 'c.andi', rd: number, imm: number): Insn {
  if (name === 'c.andi') signed(imm, 6, 'c.andi immediate');
  else check(imm > 0 && imm < 64, `${name} shift amount`);
  const funct2 = { 'c.srli': 0, 'c.srai': 1, 'c.andi': 2 }[name];
  return compressed(
    (0b100 << 13) |
      (bit(imm, 5) << 12) |
      (funct2 << 10) |
      (creg(rd) << 7) |
      (bit(imm, 0, 4) << 2) |
      0x1,
    `${name} x${rd}, ${imm}`,
  );
}
export function cSlli(rd: number, shamt: number): Insn {
  check(shamt > 0 && shamt < 64 && rd !== 0, 'c.slli operands');
  return compressed(
    (bit(shamt, 5) << 12) | (reg(rd) << 7) | (bit(shamt, 0, 4) << 2) | 0x2,
    `c.slli x${rd}, ${shamt}`,
  );
}
/** c.sub / c.xor / c.or / c.and / c.subw / c.addw on x8..x15. */
export function cArith(
  name: 'c.sub' | 'c.xor' | 'c.or' | 'c.and' | 'c.subw' | 'c.addw',
  rd: number,
  rs2: number,
): Insn {
  const [high, funct2] = (
    {
      'c.sub': [0, 0],
      'c.xor': [0, 1],
      'c.or': [0, 2],
      'c.and': [0, 3],
      'c.subw': [1, 0],
      'c.addw': [1, 1],
    } as const
  )[name];
  return compressed(
    (0b100 << 13) |
      (high << 12) |
      (0b11 << 10) |
      (creg(rd) << 7) |
      (funct2 << 5) |
      (creg(rs2) << 2) |
      0x1,
    `${name} x${rd}, x${rs2}`,
  );
}
export function cMv(rd: number, rs2: number): Insn {
  check(rd !== 0 && rs2 !== 0, 'c.mv operands');
  return compressed((0b100 << 13) | (reg(rd) << 7) | (reg(rs2) << 2) | 0x2, `c.mv x${rd}, x${rs2}`);
}
export function cAdd(rd: number, rs2: number): Insn {
  check(rd !== 0 && rs2 !== 0, 'c.add operands');
  return compressed(
    (0b100 << 13) | (1 << 12) | (reg(rd) << 7) | (reg(rs2) << 2) | 0x2,
    `c.add x${rd}, x${rs2}`,
  );
}
export function cJr(rs1: number): Insn {
  check(rs1 !== 0, 'c.jr rs1 x0');
  return compressed((0b100 << 13) | (reg(rs1) << 7) | 0x2, `c.jr x${rs1}`);
}
export function cJalr(rs1: number): Insn {
  check(rs1 !== 0, 'c.jalr rs1 x0');
  return compressed((0b100 << 13) | (1 << 12) | (reg(rs1) << 7) | 0x2, `c.jalr x${rs1}`);
}
export function cJ(offset: number): Insn {
  signed(offset, 12, 'c.j offset');
  check(offset % 2 === 0, 'c.j offset odd');
  const bits =
    (0b101 << 13) |
    (bit(offset, 11) << 12) |
    (bit(offset, 4) << 11) |
    (bit(offset, 8, 9) << 9) |
    (bit(offset, 10) << 8) |
    (bit(offset, 6) << 7) |
    (bit(offset, 7) << 6) |
    (bit(offset, 1, 3) << 3) |
    (bit(offset, 5) << 2) |
    0x1;
  return compressed(bits, `c.j ${offset}`);
}
export function cBranch(name: 'c.beqz' | 'c.bnez', rs1: number, offset: number): Insn {
  signed(offset, 9, `${name} offset`);
  check(offset % 2 === 0, `${name} offset odd`);
  const bits =
    ((name === 'c.beqz' ? 0b110 : 0b111) << 13) |
    (bit(offset, 8) << 12) |
    (bit(offset, 3, 4) << 10) |
    (creg(rs1) << 7) |
    (bit(offset, 6, 7) << 5) |
    (bit(offset, 1, 2) << 3) |
    (bit(offset, 5) << 2) |
    0x1;
  return compressed(bits, `${name} x${rs1}, ${offset}`);
}
/** c.lw / c.ld / c.sw / c.sd with a base in x8..x15. */
export function cMem(
  name: 'c.lw' | 'c.ld' | 'c.sw' | 'c.sd',
  r: number,
  rs1: number,
  offset: number,
): Insn {
  const isDouble = name.endsWith('d');
  check(
    offset >= 0 && offset % (isDouble ? 8 : 4) === 0 && offset < (isDouble ? 256 : 128),
    `${name} offset ${offset}`,
  );
  const funct3 = { 'c.lw': 0b010, 'c.ld': 0b011, 'c.sw': 0b110, 'c.sd': 0b111 }[name];
  const low = isDouble ? bit(offset, 6, 7) << 5 : (bit(offset, 2) << 6) | (bit(offset, 6) << 5);
  return compressed(
    (funct3 << 13) | (bit(offset, 3, 5) << 10) | (creg(rs1) << 7) | low | (creg(r) << 2),
    `${name} x${r}, ${offset}(x${rs1})`,
  );
}
/** c.fld / c.fsd with a base and an FP register in x8..x15 / f8..f15. */
export function cFpMem(name: 'c.fld' | 'c.fsd', fr: number, rs1: number, offset: number): Insn {
  check(offset >= 0 && offset % 8 === 0 && offset < 256, `${name} offset ${offset}`);
  const funct3 = name === 'c.fld' ? 0b001 : 0b101;
  return compressed(
    (funct3 << 13) |
      (bit(offset, 3, 5) << 10) |
      (creg(rs1) << 7) |
      (bit(offset, 6, 7) << 5) |
      (creg(fr) << 2),
    `${name} f${fr}, ${offset}(x${rs1})`,
  );
}

/** c.fldsp / c.fsdsp. */
export function cFpSpMem(name: 'c.fldsp' | 'c.fsdsp', fr: number, offset: number): Insn {
  check(offset >= 0 && offset % 8 === 0 && offset < 512, `${name} offset ${offset}`);
  reg(fr);
  if (name === 'c.fldsp') {
    return compressed(
      (0b001 << 13) |
        (bit(offset, 5) << 12) |
        (fr << 7) |
        (bit(offset, 3, 4) << 5) |
        (bit(offset, 6, 8) << 2) |
        0x2,
      `${name} f${fr}, ${offset}(sp)`,
    );
  }
  return compressed(
    (0b101 << 13) | (((bit(offset, 3, 5) << 3) | bit(offset, 6, 8)) << 7) | (fr << 2) | 0x2,
    `${name} f${fr}, ${offset}(sp)`,
  );
}

/** c.lwsp / c.ldsp / c.swsp / c.sdsp. */
export function cSpMem(
  name: 'c.lwsp' | 'c.ldsp' | 'c.swsp' | 'c.sdsp',
  r: number,
  offset: number,
): Insn {
  const isDouble = name.includes('d');
  const isLoad = name.startsWith('c.l');
  check(
    offset >= 0 && offset % (isDouble ? 8 : 4) === 0 && offset < (isDouble ? 512 : 256),
    `${name} offset ${offset}`,
  );
  if (isLoad) {
    check(r !== 0, `${name} rd x0`);
    const low = isDouble
      ? (bit(offset, 3, 4) << 5) | (bit(offset, 6, 8) << 2)
      : (bit(offset, 2, 4) << 4) | (bit(offset, 6, 7) << 2);
    return compressed(
      ((isDouble ? 0b011 : 0b010) << 13) | (bit(offset, 5) << 12) | (reg(r) << 7) | low | 0x2,
      `${name} x${r}, ${offset}(sp)`,
    );
  }
  const imm = isDouble
    ? (bit(offset, 3, 5) << 3) | bit(offset, 6, 8)
    : (bit(offset, 2, 5) << 2) | bit(offset, 6, 7);
  return compressed(
    ((isDouble ? 0b111 : 0b110) << 13) | (imm << 7) | (reg(r) << 2) | 0x2,
    `${name} x${r}, ${offset}(sp)`,
  );
}

// --------------------------------------------------------------- assembling

/** Little-endian bytes of a sequence of instructions. */
export function emit(insns: readonly Insn[]): Uint8Array {
  const size = insns.reduce((sum, insn) => sum + insn.size, 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const insn of insns) {
    bytes[at] = insn.bits & 0xff;
    bytes[at + 1] = (insn.bits >>> 8) & 0xff;
    if (insn.size === 4) {
      bytes[at + 2] = (insn.bits >>> 16) & 0xff;
      bytes[at + 3] = (insn.bits >>> 24) & 0xff;
    }
    at += insn.size;
  }
  return bytes;
}

/** Loads a 64-bit constant into rd with lui/addi(w)/slli steps (no memory). */
export function li(rd: number, value: bigint): Insn[] {
  const v = BigInt.asIntN(64, value);
  if (v >= -2048n && v < 2048n) return [iOp('addi', rd, 0, Number(v))];
  if (v >= -(1n << 31n) && v < 1n << 31n) {
    const low = Number(BigInt.asIntN(12, v));
    const high = Number(BigInt.asUintN(20, (v - BigInt(low)) >> 12n));
    const out = [lui(rd, high)];
    if (low !== 0) out.push(iOp('addiw', rd, rd, low));
    return out;
  }
  const low = Number(BigInt.asIntN(12, v));
  const rest = (v - BigInt(low)) >> 12n;
  const out = [...li(rd, rest), shiftImm('slli', rd, rd, 12)];
  if (low !== 0) out.push(iOp('addi', rd, rd, low));
  return out;
}
