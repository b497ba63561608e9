// Linux signal numbers (riscv64 uses the asm-generic set), signal sets, and
// the classes the delivery code needs. Shared vocabulary: epm-signal,
// epm-sighand, mm-ghost and the kernel all speak it, and epm-core is the
// lowest package they all import.

export const SIGNAL = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

export type SignalName = keyof typeof SIGNAL;

/** Signals are 1 … NSIG − 1 (Linux's _NSIG = 64, so 1 … 64). */
export const NSIG = 65;
/** First real-time signal number of the kernel ABI (glibc reserves 32 and 33 for itself). */
export const SIGRTMIN = 32;
export const SIGRTMAX = 64;

/** A set of signals: bit (n − 1) stands for signal n, as in the kernel's sigset_t. */
export type Sigset = bigint;

export const EMPTY_SIGSET: Sigset = 0n;
export const FULL_SIGSET: Sigset = (1n << 64n) - 1n;

export function isValidSignal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 1 && sig < NSIG;
}

export function sigbit(sig: number): Sigset {
  return 1n << BigInt(sig - 1);
}

export function sigHas(set: Sigset, sig: number): boolean {
  return (set & sigbit(sig)) !== 0n;
}

export function sigAdd(set: Sigset, sig: number): Sigset {
  return set | sigbit(sig);
}

export function sigDel(set: Sigset, sig: number): Sigset {
  return set & ~sigbit(sig);
}

/** SIGKILL and SIGSTOP can never be blocked, caught or ignored. */
export const UNBLOCKABLE: Sigset = sigbit(SIGNAL.SIGKILL) | sigbit(SIGNAL.SIGSTOP);

/** A mask as the kernel stores it after rt_sigprocmask: without SIGKILL and SIGSTOP. */
export function sanitizeMask(set: Sigset): Sigset {
  return set & FULL_SIGSET & ~UNBLOCKABLE;
}

/** Real-time signals queue every instance; standard ones coalesce. */
export function isRealtime(sig: number): boolean {
  return sig >= SIGRTMIN && sig <= SIGRTMAX;
}

/** Signals a CPU fault raises synchronously; Linux delivers them first. */
export const SYNCHRONOUS: Sigset =
  sigbit(SIGNAL.SIGSEGV) |
  sigbit(SIGNAL.SIGBUS) |
  sigbit(SIGNAL.SIGILL) |
  sigbit(SIGNAL.SIGTRAP) |
  sigbit(SIGNAL.SIGFPE) |
  sigbit(SIGNAL.SIGSYS);

const NAME_BY_NUMBER = new Map<number, SignalName>(
  (Object.entries(SIGNAL) as [SignalName, number][]).map(([name, n]) => [n, name]),
);

/** "SIGSEGV", or "SIGRTMIN+3" for real-time signals. */
export function signalName(sig: number): string {
  const name = NAME_BY_NUMBER.get(sig);
  if (name !== undefined) return name;
  if (isRealtime(sig)) return sig === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${sig - SIGRTMIN}`;
  return `signal ${sig}`;
}

/** sa_flags bits (asm-generic): epm-sighand stores them, epm-signal acts on them. */
export const SA = {
  NOCLDSTOP: 0x1,
  NOCLDWAIT: 0x2,
  SIGINFO: 0x4,
  RESTORER: 0x04000000,
  ONSTACK: 0x08000000,
  RESTART: 0x10000000,
  NODEFER: 0x40000000,
  RESETHAND: 0x80000000,
} as const;
