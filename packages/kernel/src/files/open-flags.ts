// open(2) and fcntl(2) constants of the riscv64 Linux ABI (asm-generic values).

export const O_ACCMODE = 0o3;
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
/** O_TMPFILE includes O_DIRECTORY, as in Linux's headers. */
export const O_TMPFILE = 0o20000000 | O_DIRECTORY;

/** Status flags F_SETFL may change (Linux's SETFL_MASK, restricted to what krg models). */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | O_NOATIME | O_DSYNC;

export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;

export const FD_CLOEXEC = 1;
