// Resource limits (getrlimit(2)): the defaults a process starts with under
// krg, and the bounds of their values. They live in the signal object, as
// in Linux's signal_struct.

export const RLIM_INFINITY = (1n << 64n) - 1n;

export interface Rlimit {
  soft: bigint;
  hard: bigint;
}

export const RLIMIT_CPU = 0;
export const RLIMIT_FSIZE = 1;
export const RLIMIT_DATA = 2;
export const RLIMIT_STACK = 3;
export const RLIMIT_CORE = 4;
export const RLIMIT_RSS = 5;
export const RLIMIT_NPROC = 6;
export const RLIMIT_NOFILE = 7;
export const RLIMIT_MEMLOCK = 8;
export const RLIMIT_AS = 9;
export const RLIMIT_LOCKS = 10;
export const RLIMIT_SIGPENDING = 11;
export const RLIMIT_MSGQUEUE = 12;
export const RLIMIT_NICE = 13;
export const RLIMIT_RTPRIO = 14;
export const RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;

const inf = (): Rlimit => ({ soft: RLIM_INFINITY, hard: RLIM_INFINITY });

/**
 * What a fresh login shell on a stock Linux gives: 8 MiB stack, no core
 * files (RLIMIT_CORE 0, so deaths by core signals carry no core bit, as
 * under qemu), 1024 open files.
 */
export const RLIMITS_DEFAULT: readonly Rlimit[] = [
  inf(), // CPU
  inf(), // FSIZE
  inf(), // DATA
  { soft: 8n * 1024n * 1024n, hard: RLIM_INFINITY }, // STACK
  { soft: 0n, hard: RLIM_INFINITY }, // CORE
  inf(), // RSS
  { soft: 32768n, hard: 32768n }, // NPROC
  { soft: 1024n, hard: 4096n }, // NOFILE
  { soft: 8n * 1024n * 1024n, hard: 8n * 1024n * 1024n }, // MEMLOCK
  inf(), // AS
  inf(), // LOCKS
  { soft: 32768n, hard: 32768n }, // SIGPENDING
  { soft: 819200n, hard: 819200n }, // MSGQUEUE
  { soft: 0n, hard: 0n }, // NICE
  { soft: 0n, hard: 0n }, // RTPRIO
  inf(), // RTTIME
];
