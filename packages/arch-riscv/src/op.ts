// A decoded instruction: the function holding its semantics plus its operand
// fields, extracted once at decode time. Register fields are slot indices into
// the register files' Int32Array views (register r lives in slots 2r, 2r+1 as
// low and high 32-bit halves); an integer destination x0 is redirected to a
// sink slot so that no instruction needs to test for it.
//
// Ops are plain records so that a later block translator can turn a hot
// block's ops into JavaScript source without changing the decoder or the API.
import type { Cpu } from './cpu.js';
import type { InsnName } from './encoding.js';

/** The semantics of one instruction. Only the spec's behaviour lives here. */
export type Exec = (c: Cpu, o: Op) => void;

/** How an instruction's operand fields are laid out (the spec's formats). */
export type Format = 'R' | 'R4' | 'I' | 'S' | 'B' | 'U' | 'J' | 'shamt' | 'csr' | 'csri' | 'none';

/** One instruction of an extension: its spec name, format and semantics. */
export interface InsnDef {
  readonly name: InsnName;
  readonly format: Format;
  readonly exec: Exec;
  /** Ends a decoded block: it may change pc or stop the hart. */
  readonly endsBlock?: boolean;
  /** rd names an f register (so f0 is a real destination). */
  readonly rdIsFloat?: boolean;
}

/** Slot of the register file where writes to x0 go and are never read. */
export const X0_SINK_SLOT = 64;

export class Op {
  /** Destination register slot. */
  rd = 0;
  /** Source register slots. */
  rs1 = 0;
  rs2 = 0;
  rs3 = 0;
  /** Sign-extended immediate (low 32 bits) and its high word (0 or -1). */
  imm = 0;
  immHi = 0;
  /** CSR number (csr formats) and the 5-bit zimm. */
  csr = 0;
  zimm = 0;
  /** Rounding-mode field of FP instructions. */
  rm = 0;
  /** Branch / jump target (pc + imm), a number below 2^64. */
  target = 0;
  /** pc of the next instruction in sequence. */
  next = 0;
  /** pc + imm as 32-bit halves (auipc). */
  pcImmLo = 0;
  pcImmHi = 0;
  /** pc + length as 32-bit halves (the link value of jal / jalr). */
  linkLo = 0;
  linkHi = 0;
  /** Position of this op in its block: instructions retired in the block before it. */
  index = 0;

  constructor(
    readonly exec: Exec,
    readonly name: string,
    readonly pc: number,
    readonly lengthBytes: number,
    /** The instruction bits as fetched (16 bits for a compressed instruction). */
    readonly bits: number,
    readonly endsBlock: boolean,
  ) {}
}
