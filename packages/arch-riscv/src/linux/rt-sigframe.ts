// The riscv64 Linux signal frame, both ways: what the kernel pushes on the
// user stack to run a handler (setup_rt_frame) and what rt_sigreturn reads
// back, so that a handler's edits to its ucontext take effect.
//
// Layout (little-endian, offsets in bytes) after Linux's
// arch/riscv/include/uapi/asm/ucontext.h, .../uapi/asm/sigcontext.h and
// .../uapi/asm/ptrace.h, and arch/riscv/kernel/signal.c (struct rt_sigframe
// { siginfo; ucontext }); checked against glibc's <sys/ucontext.h> compiled by
// riscv64-linux-gnu-gcc:
//
//   0     siginfo                 128
//   128   ucontext
//   128     uc_flags              8     (0 on delivery)
//   136     uc_link               8     (NULL on delivery)
//   144     uc_stack.ss_sp        8
//   152     uc_stack.ss_flags     4 (+4 padding)
//   160     uc_stack.ss_size      8
//   168     uc_sigmask            8     (then 120 bytes reserved for a larger sigset)
//   304     uc_mcontext (struct sigcontext, 16-aligned)
//   304       sc_regs: pc, x1 … x31   32 × 8  (struct user_regs_struct)
//   560       sc_fpregs.d.f[0..31]    32 × 8
//   816       sc_fpregs.d.fcsr        4
//   820       rest of the 528-byte union __riscv_fp_state (q: f[64], fcsr,
//             reserved[3]); the last 12 bytes (1076..1088) are q.reserved, in
//             newer kernels the extension header: zero without the V
//             extension, and rt_sigreturn refuses a frame where they are not
//   1088  end (sizeof(struct rt_sigframe))
//
// The frame is placed below the interrupted sp (or at the top of the
// alternate stack when the action has SA_ONSTACK and the thread is not
// already on it) and aligned down to 16 bytes, as get_sigframe does; the
// handler starts with sp = frame, a0 = signal, a1 = &info, a2 = &uc, and ra =
// the rt_sigreturn trampoline (riscv Linux has no SA_RESTORER: glibc relies
// on the vDSO's trampoline).

import { SignalFrameInvalid } from '../errors.js';

export const SIGINFO_BYTES = 128;
export const UCONTEXT_BYTES = 960;
export const RT_SIGFRAME_BYTES = SIGINFO_BYTES + UCONTEXT_BYTES;
/** Offset of the ucontext inside the frame (where a2 points). */
export const UCONTEXT_OFFSET = SIGINFO_BYTES;

const UC_FLAGS = UCONTEXT_OFFSET + 0;
const UC_LINK = UCONTEXT_OFFSET + 8;
const UC_STACK_SP = UCONTEXT_OFFSET + 16;
const UC_STACK_FLAGS = UCONTEXT_OFFSET + 24;
const UC_STACK_SIZE = UCONTEXT_OFFSET + 32;
const UC_SIGMASK = UCONTEXT_OFFSET + 40;
/** Offset of uc_mcontext (struct sigcontext) inside the frame. */
export const MCONTEXT_OFFSET = UCONTEXT_OFFSET + 176;
const SC_REGS = MCONTEXT_OFFSET;
const SC_FPREGS = MCONTEXT_OFFSET + 256;
const SC_FCSR = SC_FPREGS + 256;
const SC_FP_RESERVED = SC_FPREGS + 516;
const SC_FP_END = SC_FPREGS + 528;

/** Flags of stack_t (sigaltstack). */
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 0x80000000;

const U64_MASK = (1n << 64n) - 1n;

/** The registers a signal frame saves: the part of the hart's state it holds. */
export interface SignalRegisters {
  readonly pc: bigint;
  /** x0..x31 as uint64 (x[0] is 0n). */
  readonly x: readonly bigint[];
  /** f0..f31 raw 64-bit patterns. */
  readonly f: readonly bigint[];
  /** frm in bits 7..5, fflags in bits 4..0. */
  readonly fcsr: number;
}

/** A thread's alternate signal stack (stack_t). */
export interface AltStack {
  readonly sp: bigint;
  readonly flags: number;
  readonly size: bigint;
}

export const NO_ALT_STACK: AltStack = { sp: 0n, flags: SS_DISABLE, size: 0n };

export interface SignalDelivery {
  /** The interrupted registers; pc is where the thread resumes after the handler. */
  readonly registers: SignalRegisters;
  readonly signal: number;
  /** The 128-byte siginfo (see siginfo.ts). */
  readonly siginfo: Uint8Array;
  /** The blocked mask rt_sigreturn restores (the mask before delivery). */
  readonly savedMask: bigint;
  readonly handler: bigint;
  /** The action has SA_ONSTACK. */
  readonly isOnStack: boolean;
  /** The thread's sigaltstack setting. */
  readonly altStack: AltStack;
  /** Where the handler returns: the rt_sigreturn trampoline. */
  readonly trampoline: bigint;
}

export interface BuiltSigframe {
  /** Where the frame goes; also the handler's sp. */
  readonly address: bigint;
  /** RT_SIGFRAME_BYTES bytes to write at `address`. */
  readonly bytes: Uint8Array;
  /** The registers to run the handler with. */
  readonly registers: SignalRegisters;
  /** The thread's altstack after delivery (SS_AUTODISARM disarms it). */
  readonly altStack: AltStack;
}

export interface RestoredSigframe {
  /** The registers to resume with (as the handler left them in uc_mcontext). */
  readonly registers: SignalRegisters;
  /** The blocked mask to restore (the caller removes SIGKILL and SIGSTOP). */
  readonly mask: bigint;
  /** uc_stack as found, for the caller to apply with sigaltstack's rules. */
  readonly altStack: AltStack;
}

/** Linux's on_sig_stack: is sp inside the (armed) alternate stack? */
export function isOnAltStack(altStack: AltStack, sp: bigint): boolean {
  if ((altStack.flags & SS_AUTODISARM) !== 0) return false;
  return sp > altStack.sp && sp - altStack.sp <= altStack.size;
}

/** Linux's sas_ss_flags: the ss_flags a ucontext reports. */
function altStackFlags(altStack: AltStack, sp: bigint): number {
  if (altStack.size === 0n) return SS_DISABLE;
  return isOnAltStack(altStack, sp) ? SS_ONSTACK : 0;
}

function checkRegisters(r: SignalRegisters): void {
  if (r.x.length !== 32 || r.f.length !== 32) {
    throw new SignalFrameInvalid(
      'registers',
      '32 x and 32 f registers',
      `${r.x.length} and ${r.f.length}`,
    );
  }
}

/** Builds the frame for delivering `d.signal` (setup_rt_frame). */
export function buildRtSigframe(d: SignalDelivery): BuiltSigframe {
  checkRegisters(d.registers);
  if (d.siginfo.length !== SIGINFO_BYTES) {
    throw new SignalFrameInvalid('siginfo', `${SIGINFO_BYTES} bytes`, `${d.siginfo.length} bytes`);
  }
  if (!Number.isInteger(d.signal) || d.signal < 1 || d.signal > 64) {
    throw new SignalFrameInvalid('signal', 'a signal number in 1..64', String(d.signal));
  }
  const sp = d.registers.x[2]!;
  // get_sigframe: on the alternate stack already and the frame would leave
  // it — Linux hands out a bogus address and the thread dies with SIGSEGV.
  if (isOnAltStack(d.altStack, sp) && !isOnAltStack(d.altStack, sp - BigInt(RT_SIGFRAME_BYTES))) {
    throw new SignalFrameInvalid(
      'sp',
      'room for the frame on the alternate stack',
      `sp 0x${sp.toString(16)}`,
    );
  }
  let top = sp;
  if (d.isOnStack && altStackFlags(d.altStack, sp) === 0) top = d.altStack.sp + d.altStack.size;
  const address = (top - BigInt(RT_SIGFRAME_BYTES)) & U64_MASK & ~0xfn;

  const bytes = new Uint8Array(RT_SIGFRAME_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(d.siginfo, 0);
  view.setBigUint64(UC_FLAGS, 0n, true);
  view.setBigUint64(UC_LINK, 0n, true);
  // __save_altstack records the stack as seen from the interrupted sp.
  view.setBigUint64(UC_STACK_SP, d.altStack.sp, true);
  view.setInt32(UC_STACK_FLAGS, altStackFlags(d.altStack, sp), true);
  view.setBigUint64(UC_STACK_SIZE, d.altStack.size, true);
  view.setBigUint64(UC_SIGMASK, d.savedMask & U64_MASK, true);
  writeRegisters(view, d.registers);

  const x = [...d.registers.x];
  x[1] = d.trampoline; // ra
  x[2] = address; // sp
  x[10] = BigInt(d.signal); // a0
  x[11] = address; // a1 = &frame->info
  x[12] = address + BigInt(UCONTEXT_OFFSET); // a2 = &frame->uc
  const altStack = (d.altStack.flags & SS_AUTODISARM) !== 0 ? NO_ALT_STACK : d.altStack;
  return {
    address,
    bytes,
    registers: { pc: d.handler, x, f: [...d.registers.f], fcsr: d.registers.fcsr },
    altStack,
  };
}

function writeRegisters(view: DataView, r: SignalRegisters): void {
  view.setBigUint64(SC_REGS, r.pc & U64_MASK, true);
  for (let i = 1; i < 32; i++) view.setBigUint64(SC_REGS + 8 * i, r.x[i]! & U64_MASK, true);
  for (let i = 0; i < 32; i++) view.setBigUint64(SC_FPREGS + 8 * i, r.f[i]! & U64_MASK, true);
  view.setUint32(SC_FCSR, r.fcsr, true);
  // The rest of the FP union (q's upper registers and reserved words) stays zero.
}

/**
 * Reads a frame back for rt_sigreturn (restore_sigcontext, restore_fp_state,
 * the saved mask and uc_stack). Throws SignalFrameInvalid for a frame Linux
 * rejects (the caller then forces SIGSEGV, as badframe does).
 */
export function readRtSigframe(bytes: Uint8Array): RestoredSigframe {
  if (bytes.length !== RT_SIGFRAME_BYTES) {
    throw new SignalFrameInvalid('frame', `${RT_SIGFRAME_BYTES} bytes`, `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = SC_FP_RESERVED; offset < SC_FP_END; offset += 4) {
    const word = view.getUint32(offset, true);
    if (word !== 0) {
      throw new SignalFrameInvalid(
        `uc_mcontext.sc_fpregs reserved word at ${offset - SC_FPREGS}`,
        '0 (no extension state)',
        `0x${word.toString(16)}`,
      );
    }
  }
  const x: bigint[] = [0n];
  for (let i = 1; i < 32; i++) x.push(view.getBigUint64(SC_REGS + 8 * i, true));
  const f: bigint[] = [];
  for (let i = 0; i < 32; i++) f.push(view.getBigUint64(SC_FPREGS + 8 * i, true));
  // fcsr is a 32-bit slot; the register keeps frm and fflags (bits 7..0).
  const fcsr = view.getUint32(SC_FCSR, true) & 0xff;
  // sepc cannot hold an odd address (bit 0 is hardwired to zero).
  const pc = view.getBigUint64(SC_REGS, true) & ~1n;
  return {
    registers: { pc, x, f, fcsr },
    mask: view.getBigUint64(UC_SIGMASK, true),
    altStack: {
      sp: view.getBigUint64(UC_STACK_SP, true),
      flags: view.getInt32(UC_STACK_FLAGS, true) >>> 0,
      size: view.getBigUint64(UC_STACK_SIZE, true),
    },
  };
}
