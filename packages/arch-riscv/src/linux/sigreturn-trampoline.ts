// The rt_sigreturn trampoline page. Linux on riscv64 has no SA_RESTORER
// (glibc's sigaction passes none): a handler returns through ra, which
// setup_rt_frame points at `rt_sigreturn` in the vDSO
// (arch/riscv/kernel/vdso/rt_sigreturn.S: li a7, __NR_rt_sigreturn; ecall).
// krg maps this one page, read + execute, at a fixed address in every
// process — just above the initial stack, the last page of the Sv39 user
// range — so the address a saved ra holds stays valid across checkpoint,
// restart and migration.

import { PAGE_SIZE_BYTES, USER_ADDRESS_END } from '../limits.js';

/** rt_sigreturn's number in the riscv64 (asm-generic) syscall table. */
export const NR_RT_SIGRETURN = 139;

/**
 * Where the trampoline page is mapped: [0x3f_ffff_f000, 0x40_0000_0000). The
 * initial stack's top must lie at or below this address.
 */
export const SIGRETURN_TRAMPOLINE_ADDRESS = USER_ADDRESS_END - PAGE_SIZE_BYTES;

/** addi a7, zero, 139 (li a7, __NR_rt_sigreturn). */
const LI_A7_RT_SIGRETURN = (NR_RT_SIGRETURN << 20) | (17 << 7) | 0x13;
const ECALL = 0x00000073;

/** Bytes of the trampoline code at the start of the page. */
export const SIGRETURN_TRAMPOLINE_CODE: readonly number[] = [LI_A7_RT_SIGRETURN, ECALL];

/**
 * A fresh copy of the page: the trampoline at offset 0, then zeros (an
 * all-zero parcel is an illegal instruction, so a stray jump traps).
 */
export function sigreturnTrampolinePage(): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE_BYTES);
  const view = new DataView(page.buffer);
  SIGRETURN_TRAMPOLINE_CODE.forEach((insn, i) => view.setUint32(4 * i, insn, true));
  return page;
}
