// The hottest RV64I instructions a second time, as JavaScript source for the
// block compiler. Calling an instruction function from a compiled block keeps
// the semantics in one place but leaves the engine to inline it, which it
// often declines (the inlining budget of a 30-op block is spent after a few
// loads); a template instead writes the instruction with its register slots,
// immediate and pc as literals, so the engine sees `x[10] = (x[12] + 8) | 0`.
//
// Each template says exactly what its function in rv64i.ts says, and
// `rv64i-templates.test.ts` checks the two agree on random operands and
// register values (plus every differential test, where hot blocks run
// compiled). Reads of all sources happen before rd is written, as there.
//
// The generated code runs in the scope the block compiler sets up:
//   c (the Cpu), x (c.x), m (c.mmu), the TLB arrays rtl/rth/rv (reads) and
//   wtl/wth/wv (writes), and `i`, the index of the op that may throw next.
// A load or store hits the TLB inline and calls the Mmu's method (which
// refills the TLB or throws the page fault) otherwise, so a fault happens
// at the same point as in the function. A store's slow path ends with the
// marker `/*slow-store*/`, where the compiler checks whether the store wrote
// code (stores to pages holding code always take the slow path).
import { PAGE_SHIFT_BITS, PAGE_SIZE_BYTES, TLB_ENTRIES } from '../limits.js';
import type { Exec, Op } from '../op.js';
import * as I from './rv64i.js';

/** JavaScript statements for one op; `k` is its index in the block. */
export type Template = (o: Op, k: number) => string;

const TLB_MASK = TLB_ENTRIES - 1;
const PAGE_BASE_MASK = -PAGE_SIZE_BYTES;
const OFFSET_MASK = PAGE_SIZE_BYTES - 1;

// Effective address rs1 + imm into locals lo, hi (ea() in cpu.ts).
function ea(o: Op): string {
  return (
    `const b = x[${o.rs1}]; const lo = (b + ${o.imm}) | 0; ` +
    `const hi = (x[${o.rs1 + 1}] + ${o.immHi} + (lo >>> 0 < b >>> 0 ? 1 : 0)) | 0;`
  );
}

// TLB lookup of (lo, hi) for an access of `size` bytes that stays in the page.
function hit(tagLo: string, tagHi: string, size: number): string {
  const inPage = size === 1 ? '' : ` && (lo & ${OFFSET_MASK}) <= ${PAGE_SIZE_BYTES - size}`;
  return (
    `const t = (lo >>> ${PAGE_SHIFT_BITS}) & ${TLB_MASK}; ` +
    `if (${tagLo}[t] === (lo & ${PAGE_BASE_MASK}) && ${tagHi}[t] === hi${inPage})`
  );
}

export const OFF = `lo & ${OFFSET_MASK}`;

// A load: `get` reads the view d at offset `off`, `slow` is the Mmu call;
// `finish` writes rd from v (the value as the Mmu method returns it).
export function load(size: number, get: string, slow: string, finish: (o: Op) => string): Template {
  return (o, k) =>
    `{ ${ea(o)} let v; ${hit('rtl', 'rth', size)} { v = rv[t].${get}; } ` +
    `else { i = ${k}; v = m.${slow}(lo, hi); } ${finish(o)} }`;
}

function signExtend(o: Op): string {
  return `x[${o.rd}] = v; x[${o.rd + 1}] = v >> 31;`;
}

function zeroExtend(o: Op): string {
  return `x[${o.rd}] = v; x[${o.rd + 1}] = 0;`;
}

const lb = load(1, `getUint8(${OFF})`, 'loadU8', (o) => `v = (v << 24) >> 24; ${signExtend(o)}`);
const lh = load(
  2,
  `getUint16(${OFF}, true)`,
  'loadU16',
  (o) => `v = (v << 16) >> 16; ${signExtend(o)}`,
);
const lw = load(4, `getInt32(${OFF}, true)`, 'loadI32', signExtend);
const lbu = load(1, `getUint8(${OFF})`, 'loadU8', zeroExtend);
const lhu = load(2, `getUint16(${OFF}, true)`, 'loadU16', zeroExtend);
const lwu = load(4, `getInt32(${OFF}, true)`, 'loadI32', zeroExtend);

/** A 64-bit load into slots `rd`, `rd + 1` of the register file named `file` (x or fi). */
export function load64(file: string): Template {
  return (o, k) =>
    `{ ${ea(o)} let v, w; ${hit('rtl', 'rth', 8)} { const d = rv[t], f = ${OFF}; ` +
    `v = d.getInt32(f, true); w = d.getInt32(f + 4, true); } ` +
    `else { i = ${k}; v = m.load64(lo, hi); w = m.hi; } ${file}[${o.rd}] = v; ${file}[${o.rd + 1}] = w; }`;
}

const ld = load64('x');

export function store(size: number, set: (o: Op) => string, slow: (o: Op) => string): Template {
  return (o, k) =>
    `{ ${ea(o)} ${hit('wtl', 'wth', size)} { ${set(o)} } else { i = ${k}; m.${slow(o)};/*slow-store*/ } }`;
}

const sb = store(
  1,
  (o) => `wv[t].setUint8(${OFF}, x[${o.rs2}]);`,
  (o) => `store8(lo, hi, x[${o.rs2}])`,
);
const sh = store(
  2,
  (o) => `wv[t].setUint16(${OFF}, x[${o.rs2}], true);`,
  (o) => `store16(lo, hi, x[${o.rs2}])`,
);
const sw = store(
  4,
  (o) => `wv[t].setInt32(${OFF}, x[${o.rs2}], true);`,
  (o) => `store32(lo, hi, x[${o.rs2}])`,
);
const sd = store(
  8,
  (o) =>
    `const d = wv[t], f = ${OFF}; d.setInt32(f, x[${o.rs2}], true); d.setInt32(f + 4, x[${o.rs2 + 1}], true);`,
  (o) => `store64(lo, hi, x[${o.rs2}], x[${o.rs2 + 1}])`,
);

// ---- upper immediates and jumps ----

const lui: Template = (o) => `x[${o.rd}] = ${o.imm}; x[${o.rd + 1}] = ${o.immHi};`;
const auipc: Template = (o) => `x[${o.rd}] = ${o.pcImmLo}; x[${o.rd + 1}] = ${o.pcImmHi};`;
const jal: Template = (o) => `${jalLink(o)} c.pc = ${o.target};`;
const jalr: Template = (o) =>
  `{ ${ea(o)} c.pc = (hi >>> 0) * 4294967296 + ((lo & ~1) >>> 0); ` +
  `x[${o.rd}] = ${o.linkLo}; x[${o.rd + 1}] = ${o.linkHi}; }`;

// ---- conditional branches ----

/** A conditional branch's condition (true: taken) as a JavaScript expression. */
export type Condition = (o: Op) => string;

function branch(cond: Condition): Template {
  return (o) => `c.pc = ${cond(o)} ? ${o.target} : ${o.next};`;
}

const lessSigned = (a: number, b: number): string =>
  `(x[${a + 1}] < x[${b + 1}] || (x[${a + 1}] === x[${b + 1}] && x[${a}] >>> 0 < x[${b}] >>> 0))`;
const lessUnsigned = (a: number, b: number): string =>
  `(x[${a + 1}] >>> 0 < x[${b + 1}] >>> 0 || (x[${a + 1}] === x[${b + 1}] && x[${a}] >>> 0 < x[${b}] >>> 0))`;

const beqCondition: Condition = (o) =>
  `(x[${o.rs1}] === x[${o.rs2}] && x[${o.rs1 + 1}] === x[${o.rs2 + 1}])`;
const bneCondition: Condition = (o) =>
  `(x[${o.rs1}] !== x[${o.rs2}] || x[${o.rs1 + 1}] !== x[${o.rs2 + 1}])`;
const bltCondition: Condition = (o) => lessSigned(o.rs1, o.rs2);
const bgeCondition: Condition = (o) => `!${lessSigned(o.rs1, o.rs2)}`;
const bltuCondition: Condition = (o) => lessUnsigned(o.rs1, o.rs2);
const bgeuCondition: Condition = (o) => `!${lessUnsigned(o.rs1, o.rs2)}`;

const beq = branch(beqCondition);
const bne = branch(bneCondition);
const blt = branch(bltCondition);
const bge = branch(bgeCondition);
const bltu = branch(bltuCondition);
const bgeu = branch(bgeuCondition);

/** The conditional branches' conditions, for a compiler that lays out its own exits. */
export const BRANCH_CONDITIONS: ReadonlyMap<Exec, Condition> = new Map<Exec, Condition>([
  [I.beq, beqCondition],
  [I.bne, bneCondition],
  [I.blt, bltCondition],
  [I.bge, bgeCondition],
  [I.bltu, bltuCondition],
  [I.bgeu, bgeuCondition],
]);

/** jal without its pc update: the link only (a trace continues at the target). */
export const jalLink = (o: Op): string => `x[${o.rd}] = ${o.linkLo}; x[${o.rd + 1}] = ${o.linkHi};`;

// ---- register-immediate ----

const addi: Template = (o) =>
  `{ const a = x[${o.rs1}]; const lo = (a + ${o.imm}) | 0; ` +
  `x[${o.rd + 1}] = (x[${o.rs1 + 1}] + ${o.immHi} + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0; x[${o.rd}] = lo; }`;

function bitwiseImm(op: string): Template {
  return (o) =>
    `x[${o.rd + 1}] = x[${o.rs1 + 1}] ${op} ${o.immHi}; x[${o.rd}] = x[${o.rs1}] ${op} ${o.imm};`;
}

const xori = bitwiseImm('^');
const ori = bitwiseImm('|');
const andi = bitwiseImm('&');

const slti: Template = (o) =>
  `{ const h = x[${o.rs1 + 1}]; x[${o.rd}] = h < ${o.immHi} || (h === ${o.immHi} && x[${o.rs1}] >>> 0 < ${o.imm >>> 0}) ? 1 : 0; x[${o.rd + 1}] = 0; }`;
const sltiu: Template = (o) =>
  `{ const h = x[${o.rs1 + 1}] >>> 0; x[${o.rd}] = h < ${o.immHi >>> 0} || (h === ${o.immHi >>> 0} && x[${o.rs1}] >>> 0 < ${o.imm >>> 0}) ? 1 : 0; x[${o.rd + 1}] = 0; }`;

// 64-bit shifts by a constant s in 0..63 of (lo, hi) = slots rs1.
function shiftImm(kind: 'sll' | 'srl' | 'sra'): Template {
  return (o) => {
    const s = o.imm;
    const [rd, rdHi] = [o.rd, o.rd + 1];
    const head = `const l = x[${o.rs1}], h = x[${o.rs1 + 1}];`;
    if (s === 0) return `{ ${head} x[${rd}] = l; x[${rdHi}] = h; }`;
    if (kind === 'sll') {
      return s < 32
        ? `{ ${head} x[${rdHi}] = (h << ${s}) | (l >>> ${32 - s}); x[${rd}] = l << ${s}; }`
        : `{ ${head} x[${rdHi}] = l << ${s - 32}; x[${rd}] = 0; }`;
    }
    const shr = kind === 'srl' ? '>>>' : '>>';
    if (s < 32) {
      return `{ ${head} x[${rd}] = (l >>> ${s}) | (h << ${32 - s}); x[${rdHi}] = h ${shr} ${s}; }`;
    }
    return kind === 'srl'
      ? `{ ${head} x[${rd}] = h >>> ${s - 32}; x[${rdHi}] = 0; }`
      : `{ ${head} x[${rd}] = h >> ${s - 32}; x[${rdHi}] = h >> 31; }`;
  };
}

// ---- register-register ----

const add: Template = (o) =>
  `{ const a = x[${o.rs1}]; const lo = (a + x[${o.rs2}]) | 0; ` +
  `x[${o.rd + 1}] = (x[${o.rs1 + 1}] + x[${o.rs2 + 1}] + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0; x[${o.rd}] = lo; }`;
const sub: Template = (o) =>
  `{ const a = x[${o.rs1}], b = x[${o.rs2}]; ` +
  `x[${o.rd + 1}] = (x[${o.rs1 + 1}] - x[${o.rs2 + 1}] - (a >>> 0 < b >>> 0 ? 1 : 0)) | 0; x[${o.rd}] = (a - b) | 0; }`;

function bitwise(op: string): Template {
  return (o) =>
    `x[${o.rd + 1}] = x[${o.rs1 + 1}] ${op} x[${o.rs2 + 1}]; x[${o.rd}] = x[${o.rs1}] ${op} x[${o.rs2}];`;
}

const xor = bitwise('^');
const or = bitwise('|');
const and = bitwise('&');

const slt: Template = (o) =>
  `{ const v = ${lessSigned(o.rs1, o.rs2)} ? 1 : 0; x[${o.rd}] = v; x[${o.rd + 1}] = 0; }`;
const sltu: Template = (o) =>
  `{ const v = ${lessUnsigned(o.rs1, o.rs2)} ? 1 : 0; x[${o.rd}] = v; x[${o.rd + 1}] = 0; }`;

// ---- 32-bit (W) operations ----

function word(expr: (o: Op) => string): Template {
  return (o) => `{ const v = ${expr(o)}; x[${o.rd}] = v; x[${o.rd + 1}] = v >> 31; }`;
}

const addiw = word((o) => `(x[${o.rs1}] + ${o.imm}) | 0`);
const slliw = word((o) => `x[${o.rs1}] << ${o.imm}`);
const srliw = word((o) => `(x[${o.rs1}] >>> ${o.imm}) | 0`);
const sraiw = word((o) => `x[${o.rs1}] >> ${o.imm}`);
const addw = word((o) => `(x[${o.rs1}] + x[${o.rs2}]) | 0`);
const subw = word((o) => `(x[${o.rs1}] - x[${o.rs2}]) | 0`);
const sllw = word((o) => `x[${o.rs1}] << (x[${o.rs2}] & 31)`);
const srlw = word((o) => `(x[${o.rs1}] >>> (x[${o.rs2}] & 31)) | 0`);
const sraw = word((o) => `x[${o.rs1}] >> (x[${o.rs2}] & 31)`);

/** The instruction functions that have a template, and their templates. */
export const RV64I_TEMPLATES: ReadonlyMap<Exec, Template> = new Map<Exec, Template>([
  [I.lui, lui],
  [I.auipc, auipc],
  [I.jal, jal],
  [I.jalr, jalr],
  [I.beq, beq],
  [I.bne, bne],
  [I.blt, blt],
  [I.bge, bge],
  [I.bltu, bltu],
  [I.bgeu, bgeu],
  [I.lb, lb],
  [I.lh, lh],
  [I.lw, lw],
  [I.ld, ld],
  [I.lbu, lbu],
  [I.lhu, lhu],
  [I.lwu, lwu],
  [I.sb, sb],
  [I.sh, sh],
  [I.sw, sw],
  [I.sd, sd],
  [I.addi, addi],
  [I.slti, slti],
  [I.sltiu, sltiu],
  [I.xori, xori],
  [I.ori, ori],
  [I.andi, andi],
  [I.slli, shiftImm('sll')],
  [I.srli, shiftImm('srl')],
  [I.srai, shiftImm('sra')],
  [I.add, add],
  [I.sub, sub],
  [I.slt, slt],
  [I.sltu, sltu],
  [I.xor, xor],
  [I.or, or],
  [I.and, and],
  [I.addiw, addiw],
  [I.slliw, slliw],
  [I.srliw, srliw],
  [I.sraiw, sraiw],
  [I.addw, addw],
  [I.subw, subw],
  [I.sllw, sllw],
  [I.srlw, srlw],
  [I.sraw, sraw],
]);
