// siginfo_t as krg carries it between generation and delivery: the fields
// user space reads (si_signo, si_code, si_errno and the union members of
// each code's kind). The byte layout of the 128-byte structure belongs to
// the signal frame (arch-riscv); this is the value it is built from.

/** si_code values (asm-generic/siginfo.h). */
export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_QUEUE = -1;
export const SI_TIMER = -2;
export const SI_MESGQ = -3;
export const SI_ASYNCIO = -4;
export const SI_SIGIO = -5;
export const SI_TKILL = -6;

export const ILL_ILLOPC = 1;
export const FPE_INTDIV = 1;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const BUS_ADRALN = 1;
export const BUS_ADRERR = 2;
export const TRAP_BRKPT = 1;
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_TRAPPED = 4;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;

export interface SigInfo {
  readonly signo: number;
  readonly code: number;
  readonly errno: number;
  /** Sender (kill, sigqueue, tkill) or child (SIGCHLD). */
  readonly pid?: number;
  readonly uid?: number;
  /** sigqueue's value (sival_int / sival_ptr, 64 bits). */
  readonly value?: bigint;
  /** Faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP). */
  readonly addr?: bigint;
  /** SIGCHLD: exit code or signal number, as si_status. */
  readonly status?: number;
  /** SIGCHLD: user and system CPU time of the child, in clock ticks. */
  readonly utime?: number;
  readonly stime?: number;
  /** Interval timers: timer id and overrun. */
  readonly timerId?: number;
  readonly overrun?: number;
}

/** The info of a signal sent by kill(2) from `pid`/`uid`. */
export function userSigInfo(signo: number, pid: number, uid: number): SigInfo {
  return { signo, code: SI_USER, errno: 0, pid, uid };
}

/** The info of a signal the kernel raises on its own (SI_KERNEL). */
export function kernelSigInfo(signo: number): SigInfo {
  return { signo, code: SI_KERNEL, errno: 0 };
}
