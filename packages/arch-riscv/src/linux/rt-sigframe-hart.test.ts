// The signal frame with a real hart: a "kernel" loop delivers a signal at a
// system call, the handler (guest code) edits its ucontext — the resume pc,
// a saved register, the saved frm — and clobbers live registers, then
// returns through the trampoline page; rt_sigreturn reads the frame back
// and the program resumes as the handler said, with everything else as it
// was before the signal.
import { describe, expect, it } from 'vitest';

import type { Hart } from '../hart.js';
import { CODE_BASE, enc, makeHart } from '../isa/encode.test-util.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory.js';
import { NO_ALT_STACK, RT_SIGFRAME_BYTES, buildRtSigframe, readRtSigframe } from './rt-sigframe.js';
import { SI_USER, encodeSiginfo } from './siginfo.js';
import {
  NR_RT_SIGRETURN,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  sigreturnTrampolinePage,
} from './sigreturn-trampoline.js';

const RAISE = 999; // the test's own "send me SIGUSR1" call
const EXIT = 93;
const STACK_TOP = 0x40000;
const HANDLER_OFFSET = 0x80;
// offsets inside the ucontext (a2): uc_mcontext at 176; pc, then x1..x31; fcsr at +512
const MC = 176;

describe('delivering a signal to a hart and returning from it', () => {
  it("resumes where the handler's edited ucontext says, with the rest restored", () => {
    const main = [
      enc('addi', { rd: 10, rs1: 0, imm: 7 }), // a0 = 7
      enc('addi', { rd: 17, rs1: 0, imm: RAISE }),
      enc('ecall'), // the signal is delivered on return from here
      enc('addi', { rd: 10, rs1: 10, imm: 100 }), // skipped by the handler's edit
      enc('addi', { rd: 17, rs1: 0, imm: EXIT }),
      enc('ecall'),
    ];
    const handler = [
      enc('ld', { rd: 5, rs1: 12, imm: MC }), // t0 = saved pc
      enc('addi', { rd: 5, rs1: 5, imm: 4 }),
      enc('sd', { rs1: 12, rs2: 5, imm: MC }), // resume one instruction later
      enc('addi', { rd: 6, rs1: 0, imm: 42 }),
      enc('sd', { rs1: 12, rs2: 6, imm: MC + 8 * 10 }), // saved a0 = 42
      enc('addi', { rd: 6, rs1: 0, imm: 1 << 5 }),
      enc('sw', { rs1: 12, rs2: 6, imm: MC + 512 }), // saved fcsr: frm = RTZ
      enc('fmv.d.x', { rd: 1, rs1: 0 }), // clobber f1 and s1 live
      enc('addi', { rd: 9, rs1: 0, imm: -1 }),
      enc('jalr', { rd: 0, rs1: 1, imm: 0 }), // ret: to the trampoline
    ];
    const padding = Array.from({ length: HANDLER_OFFSET / 4 - main.length }, () => enc('addi', {}));
    const { hart, memory } = makeHart([...main, ...padding, ...handler]);
    memory.map(STACK_TOP - 0x4000, 0x4000, PROT_READ | PROT_WRITE);
    memory.map(SIGRETURN_TRAMPOLINE_ADDRESS, 4096, PROT_READ | PROT_EXEC);
    memory.write(SIGRETURN_TRAMPOLINE_ADDRESS, sigreturnTrampolinePage());
    hart.writeX(2, BigInt(STACK_TOP - 0x100));
    hart.writeX(9, 0x5eedn);
    hart.writeF(1, 0x3ff8000000000000n); // 1.5

    const syscalls: number[] = [];
    const exitCode = runKernel(hart, (nr) => {
      syscalls.push(nr);
      if (nr === RAISE) {
        const state = hart.getState();
        const frame = buildRtSigframe({
          registers: state,
          signal: 10,
          siginfo: encodeSiginfo({ kind: 'kill', signo: 10, code: SI_USER, pid: 1, uid: 0 }),
          savedMask: 0n,
          handler: BigInt(CODE_BASE + HANDLER_OFFSET),
          isOnStack: false,
          altStack: NO_ALT_STACK,
          trampoline: BigInt(SIGRETURN_TRAMPOLINE_ADDRESS),
        });
        memory.write(Number(frame.address), frame.bytes);
        hart.setState({ ...state, ...frame.registers, reservation: null });
        return 'continue';
      }
      if (nr === NR_RT_SIGRETURN) {
        const sp = Number(hart.readX(2));
        const restored = readRtSigframe(memory.read(sp, RT_SIGFRAME_BYTES));
        hart.setState({ ...hart.getState(), ...restored.registers, reservation: null });
        return 'continue'; // rt_sigreturn returns the restored a0: nothing to write
      }
      return 'exit';
    });
    expect(syscalls).toEqual([RAISE, NR_RT_SIGRETURN, EXIT]);
    expect(exitCode).toBe(42n);
    expect(hart.readX(9)).toBe(0x5eedn); // restored from the frame
    expect(hart.readF(1)).toBe(0x3ff8000000000000n);
    expect(hart.readX(2)).toBe(BigInt(STACK_TOP - 0x100));
    expect(hart.getState().fcsr).toBe(1 << 5);
  });
});

/** Runs until the handler says exit; returns a0 then. */
function runKernel(hart: Hart, onEcall: (nr: number) => 'continue' | 'exit'): bigint {
  for (let steps = 0; steps < 100; steps++) {
    const stop = hart.run(10_000);
    if (stop.kind !== 'ecall')
      throw new Error(`unexpected stop ${stop.kind} at ${stop.pc.toString(16)}`);
    if (onEcall(Number(hart.readX(17))) === 'exit') return hart.readX(10);
  }
  throw new Error('no exit');
}
