// Linux errno values (asm-generic, as riscv64 uses them). A syscall handler
// returns -errno to the guest; names are what krg's own code passes around,
// so a trace or a test reads "ENOENT", not 2.

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOMSG: 42,
  EIDRM: 43,
  ENODATA: 61,
  ETIME: 62,
  EOVERFLOW: 75,
  EILSEQ: 84,
  ENOTSOCK: 88,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  ETIMEDOUT: 110,
  ECANCELED: 125,
  // Kernel-internal restart codes (never seen by a guest once a syscall
  // returns to user space: the signal code turns them into EINTR or a restart).
  ERESTARTSYS: 512,
  ERESTARTNOINTR: 513,
  ERESTARTNOHAND: 514,
  ERESTART_RESTARTBLOCK: 516,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** The value a syscall handler returns to report `name`. */
export function errnoResult(name: ErrnoName): number {
  return -ERRNO[name];
}

const NAME_BY_NUMBER = new Map<number, ErrnoName>(
  (Object.entries(ERRNO) as [ErrnoName, number][]).map(([name, n]) => [n, name]),
);

/** The name of an errno number, for traces ("E123" when unknown). */
export function errnoName(errno: number): string {
  return NAME_BY_NUMBER.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}
