// Auxiliary-vector tags (include/uapi/linux/auxvec.h) and the values this
// package reports for an RV64GC hart.

export const AT_NULL = 0;
export const AT_IGNORE = 1;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_EXECFN = 31;

/** AT_HWCAP of an RV64GC hart: one bit per single-letter extension
 *  (bit = letter - 'A') for I, M, A, F, D, C, as Linux's riscv_fill_hwcap
 *  computes it and as qemu-riscv64 7.2 reports it: 0x112d. */
export const HWCAP_RV64GC = ['I', 'M', 'A', 'F', 'D', 'C'].reduce(
  (bits, letter) => bits | (1 << (letter.charCodeAt(0) - 65)),
  0,
);

/** AT_CLKTCK: USER_HZ, the unit of times(2). */
export const CLOCKS_PER_SEC = 100;
