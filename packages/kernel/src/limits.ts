// Bounds of the kernel's own objects, named with their units. Each number is
// Linux's where Linux has one, so guests hit the same limits they would there.

/** Longest path a syscall accepts, including the NUL (Linux's PATH_MAX). */
export const PATH_BYTES_MAX = 4096;

/** Longest single path component (Linux's NAME_MAX). */
export const NAME_BYTES_MAX = 255;

/** Default soft limit on open file descriptors per process (RLIMIT_NOFILE). */
export const FDS_PER_PROCESS_DEFAULT = 1024;

/** Hard ceiling on RLIMIT_NOFILE (Linux's fs.nr_open default). */
export const FDS_PER_PROCESS_MAX = 1024 * 1024;

/** Capacity of a pipe, in bytes (Linux's default: 16 pages). */
export const PIPE_CAPACITY_BYTES = 65536;

/** Writes up to this size are atomic on a pipe (Linux's PIPE_BUF). */
export const PIPE_ATOMIC_BYTES = 4096;

/** Inodes (files, directories, links, devices) the cluster's file tree may hold; past it, ENOSPC. */
export const IMAGE_FILES_MAX = 65536;

/** Largest regular file, in bytes (the tree's s_maxbytes): a write past it answers EFBIG. */
export const IMAGE_FILE_BYTES_MAX = 256 * 1024 * 1024;

/** Bytes all regular files of the tree may hold together (holes count: files are dense); past it, ENOSPC. */
export const IMAGE_TREE_BYTES_MAX = 1024 * 1024 * 1024;

/** Entries one directory may hold (besides `.` and `..`); past it, ENOSPC. */
export const DIRECTORY_ENTRIES_MAX = 16384;

/**
 * Bytes of files open but unlinked that one process's checkpoint saves as
 * ghost files (CRIU's --ghost-limit, whose default is 1 MiB); past it the
 * checkpoint is refused.
 */
export const GHOST_FILES_BYTES_MAX = 16 * 1024 * 1024;

/** Hard links to one inode (ext4's EXT4_LINK_MAX); past it, EMLINK. */
export const LINKS_PER_INODE_MAX = 65000;

/** Symbolic links followed while resolving one path (Linux's MAXSYMLINKS). */
export const SYMLINKS_FOLLOWED_MAX = 40;

/**
 * Fault rounds in a row whose pages KDDM could not bring (their owner
 * crashed; each round after the recovery first-touches them again) before
 * the access counts as a real fault: SIGSEGV, or EFAULT for a system call.
 */
export const PAGE_FAULT_FAILURES_MAX = 3;

/** Length of a CPU time slice on the simulated clock, in ns. */
export const TIME_SLICE_NS = 1_000_000;

/** What one system call costs on the simulated clock, in CPU instructions. */
export const SYSCALL_COST_INSTRUCTIONS = 200;

/** Processes one node may hold (tasks of every state but reaped). */
export const TASKS_PER_NODE_MAX = 32768;

/** argv and envp entries exec accepts (Linux's MAX_ARG_STRINGS is larger; this bounds memory). */
export const EXEC_ARGS_MAX = 65536;

/** Largest transfer of one read or write, in bytes (Linux's MAX_RW_COUNT). */
export const IO_BYTES_MAX = 0x7ffff000;

/** iovec entries one readv/writev takes (Linux's UIO_MAXIOV). */
export const IOV_MAX = 1024;

/** Bytes one getrandom call returns at most (Linux caps a call at 32 MiB − 1). */
export const GETRANDOM_BYTES_MAX = 33554431;

/** Nodes one cluster may have (Kerrighed's 8 node bits). */
export const CLUSTER_NODES_MAX = 256;

/** Most bytes one read of /dev/zero returns (a shorter read than asked, so a huge count allocates nothing huge). */
export const DEVICE_ZERO_READ_BYTES_MAX = 1024 * 1024;
