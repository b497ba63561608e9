// Translates a hot decoded block into one JavaScript function, a trace: the
// block's ops, then those of the decoded blocks it continues into on the
// same code page — the fall-through of a conditional branch (the function
// leaves when the branch is taken) or the target of a direct jump — up to
// TRACE_INSNS_MAX instructions. A trace whose last branch or jump leads back
// to its own start loops inside the function while the budget allows. Each
// transition the trace covers is one the dispatcher no longer makes.
//
// An op whose instruction has a template (src/isa/rv64i-templates.ts: loads,
// stores, branches, jumps and integer ALU ops; src/isa/fd-templates.ts: FP
// loads, stores and moves) is written out inline with its
// register slots, immediate and pc as literals; any other op is a direct
// call of its instruction function with the op as a constant. Only the
// sequencing is the compiler's own: the semantics are the extension
// modules' (functions) and their templates, which a test holds equal.
//
// The function `(c, left)` returns how many instructions it retired (never
// more than `left`, and the dispatcher calls it only when the whole trace
// fits) and leaves c.pc at the next instruction. If an op traps, it records
// the op's position in the trace in `c.faultIndex`, adds what earlier loop
// iterations retired to c.instret, and rethrows.
//
// A trace depends only on its own page(s): every block it holds was decoded
// from the pages of its first block, so dropping one of those pages drops
// the first block and with it the trace. Code written while a trace runs
// (the code cache's epoch moves) makes the trace leave after that write, so
// the next instruction is decoded afresh.
import type { Block, CodeCache } from './code-cache.js';
import type { Cpu } from './cpu.js';
import * as I from './isa/rv64i.js';
import {
  BRANCH_CONDITIONS,
  jalLink,
  RV64I_TEMPLATES,
  type Template,
} from './isa/rv64i-templates.js';
import { ZICSR } from './isa/zicsr.js';
import { FD_TEMPLATES } from './isa/fd-templates.js';
import { TRACE_INSNS_MAX } from './limits.js';
import type { Exec, Op } from './op.js';

export type CompiledBlock = (c: Cpu, left: number) => number;

type Factory = (fns: readonly Exec[], ops: readonly Op[]) => CompiledBlock;

const CONDITIONAL_BRANCHES: ReadonlySet<Exec> = new Set([
  I.beq,
  I.bne,
  I.blt,
  I.bge,
  I.bltu,
  I.bgeu,
]);
/** Ops that set c.pc themselves. */
const SETS_PC: ReadonlySet<Exec> = new Set([...CONDITIONAL_BRANCHES, I.jal, I.jalr]);
// CSR reads of cycle/instret/time count from the start of their own block
// (c.instret + o.index), which only the first block of a trace (in its first
// iteration) can honour.
const READS_INSTRET: ReadonlySet<Exec> = new Set(ZICSR.map((d) => d.exec));
const TEMPLATES: ReadonlyMap<Exec, Template> = new Map([...RV64I_TEMPLATES, ...FD_TEMPLATES]);

export interface Trace {
  readonly ops: readonly Op[];
  /** Whether the trace's last op leads back to its first (it loops). */
  readonly isLoop: boolean;
  /** pc after the last op when it does not set pc itself. */
  readonly endPc: number;
}

/** The ops a hot block's compiled function runs (see the file comment). */
export function traceOf(head: Block, code: CodeCache): Trace {
  const ops: Op[] = [...head.ops];
  const mayLoop = !head.ops.some((o) => READS_INSTRET.has(o.exec));
  const starts = new Set([head.pc]);
  let tail = head;
  for (;;) {
    const last = tail.ops[tail.ops.length - 1]!;
    let nextPc: number;
    if (CONDITIONAL_BRANCHES.has(last.exec)) {
      if (last.target === head.pc && mayLoop) return { ops, isLoop: true, endPc: tail.endPc };
      nextPc = last.next;
    } else if (last.exec === I.jal) {
      if (last.target === head.pc && mayLoop) return { ops, isLoop: true, endPc: tail.endPc };
      nextPc = last.target;
    } else if (!last.endsBlock) {
      nextPc = tail.endPc;
    } else {
      break;
    }
    const next = starts.has(nextPc) ? undefined : code.peek(nextPc);
    if (
      next === undefined ||
      ops.length + next.ops.length > TRACE_INSNS_MAX ||
      !next.pageIndices.every((p) => head.pageIndices.includes(p)) ||
      next.ops.some((o) => READS_INSTRET.has(o.exec))
    ) {
      break;
    }
    ops.push(...next.ops);
    starts.add(next.pc);
    if (next.compiled === undefined) next.runs = 0;
    tail = next;
  }
  return { ops, isLoop: false, endPc: tail.endPc };
}

/** The JavaScript source of a trace's function (exported for tests and profiling). */
export function traceSource(pc: number, trace: Trace): string {
  const { ops, isLoop } = trace;
  const size = ops.length;
  const bindings: string[] = [];
  const steps: string[] = [];
  // How the function ends: a loop runs again while it may, else it returns.
  const again = `n += ${size}; if (code.epoch !== e0 || n + ${size} > left) { c.pc = ${pc}; return n; }`;
  for (let k = 0; k < size; k++) {
    const op = ops[k]!;
    const isLast = k + 1 === size;
    const nextPc = isLast ? undefined : ops[k + 1]!.pc;
    // Leaves after op k when code was written under the trace.
    const onWrite =
      nextPc === undefined
        ? ''
        : ` if (code.epoch !== e0) { c.pc = ${nextPc}; return n + ${k + 1}; }`;
    const condition = BRANCH_CONDITIONS.get(op.exec);
    if (condition !== undefined && !isLast) {
      // Inside the trace: taken leaves it, not taken goes on.
      steps.push(`if (${condition(op)}) { c.pc = ${op.target}; return n + ${k + 1}; }`);
    } else if (condition !== undefined && isLoop) {
      // The loop's back edge: not taken leaves, taken runs the trace again.
      steps.push(`if (!${condition(op)}) { c.pc = ${op.next}; return n + ${size}; }`, again);
    } else if (op.exec === I.jal && (!isLast || isLoop)) {
      steps.push(jalLink(op), ...(isLast ? [again] : []));
    } else {
      const template = TEMPLATES.get(op.exec);
      if (template !== undefined) {
        // A store's slow path is the only place a template can write code.
        steps.push(template(op, k).replace('/*slow-store*/', onWrite));
      } else {
        bindings.push(`const f${k} = fns[${k}], o${k} = ops[${k}];`);
        steps.push(`i = ${k}; f${k}(c, o${k});${onWrite}`);
      }
      if (isLast && !SETS_PC.has(op.exec)) steps.push(`c.pc = ${trace.endPc};`);
    }
  }
  const body = isLoop
    ? ['for (;;) {', ...steps.map((s) => `  ${s}`), '}']
    : [...steps, `return ${size};`];
  const source = [
    '"use strict";',
    ...bindings,
    `return function trace_${pc.toString(16)}(c, left) {`,
    '  const x = c.x, fi = c.fi, m = c.mmu, code = c.code, e0 = code.epoch;',
    '  const rtl = m.readTagLo, rth = m.readTagHi, rv = m.readView;',
    '  const wtl = m.writeTagLo, wth = m.writeTagHi, wv = m.writeView;',
    '  let i = 0, n = 0;',
    '  try {',
    ...body.map((s) => `    ${s}`),
    '  } catch (e) {',
    '    c.faultIndex = i;',
    '    c.instret += n;',
    '    throw e;',
    '  }',
    '};',
  ].join('\n');
  // x0 reads as zero: its slots (0, 1) are never written (rd = x0 goes to the sink slots).
  return source.replace(/\bx\[[01]\]/g, '0');
}

/** Compiles a hot block's trace and records its ops on the block. */
export function compileBlock(block: Block, code: CodeCache): CompiledBlock {
  const trace = traceOf(block, code);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generating the trace's sequencing code is the point: see the file comment
  const factory = new Function('fns', 'ops', traceSource(block.pc, trace)) as Factory;
  block.trace = trace.ops;
  return factory(
    trace.ops.map((o) => o.exec),
    trace.ops,
  );
}
