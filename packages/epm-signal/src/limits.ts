// Every bound epm-signal applies to what comes from outside (guest calls,
// ghost files), named with its unit.

/**
 * Queued siginfos one task may hold, whatever RLIMIT_SIGPENDING says (its
 * default is this value): the bound of a pending queue in memory and in a
 * ghost.
 */
export const SIGNALS_QUEUED_MAX = 32768;

/** Smallest alternate signal stack sigaltstack accepts (riscv64 MINSIGSTKSZ), in bytes. */
export const MINSIGSTKSZ_BYTES = 2048;

/** Largest interval timer value, in seconds (Linux rejects tv_sec beyond what ktime holds). */
export const ITIMER_SECONDS_MAX = 2 ** 31 - 1;
