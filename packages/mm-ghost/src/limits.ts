// Every bound and layout constant of an address space, named with its unit.
// The layout is Linux riscv64 with Sv39 paging (a 256 GiB user space), which
// is what a static program sees from a stock kernel on such hardware.
import {
  PAGE_SIZE_BYTES,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  USER_ADDRESS_END,
  USER_ADDRESS_MIN,
} from '@krg/arch-riscv';
import { assert } from '@krg/epm-core';

/** Bytes per page; the only page size krg supports. */
export const PAGE_BYTES = PAGE_SIZE_BYTES;

/** Lowest address a mapping may start at (Linux's default vm.mmap_min_addr). */
export const MMAP_MIN_ADDR = USER_ADDRESS_MIN;

/** One past the highest user address with Sv39 paging (TASK_SIZE). */
export const TASK_SIZE = USER_ADDRESS_END;

/**
 * Top of the main thread's stack, no randomization: just below the
 * rt_sigreturn trampoline page, which takes the last page of the user range
 * (arch-riscv's SIGRETURN_TRAMPOLINE_ADDRESS; Linux puts its vDSO elsewhere,
 * but a fixed page keeps a saved return address valid across restart).
 */
export const STACK_TOP = SIGRETURN_TRAMPOLINE_ADDRESS;

/** Default stack size limit (RLIMIT_STACK), in bytes. */
export const STACK_LIMIT_BYTES_DEFAULT = 8 * 1024 * 1024;

/** Minimum gap between the stack top and mmap_base (Linux's MIN_GAP), in bytes. */
export const MMAP_GAP_MIN_BYTES = 128 * 1024 * 1024;

/** Where top-down mmap allocation starts: below the stack and its gap. */
export const MMAP_BASE = STACK_TOP - MMAP_GAP_MIN_BYTES;

/** Most mappings one address space may hold (Linux's vm.max_map_count). */
export const VMAS_MAX = 65530;

/** Largest single mapping, in bytes: the whole user range. */
export const MAPPING_BYTES_MAX = TASK_SIZE - MMAP_MIN_ADDR;

/** Pages one address space may hold (1 GiB); beyond it the process is killed as by the OOM killer. */
export const PAGES_PER_SPACE_MAX = 262144;

/** Largest single copy between kernel and user memory, in bytes (Linux's MAX_RW_COUNT). */
export const USER_COPY_BYTES_MAX = 0x7ffff000;

/**
 * Most absent pages one round of a fault brings in, in pages (4 MiB): a
 * larger copy from shm pages held elsewhere takes several rounds.
 */
export const USER_FAULT_PAGES_MAX = 1024;

assert(MMAP_BASE % PAGE_BYTES === 0, 'mmap_base is page-aligned');
assert(Number.isSafeInteger(TASK_SIZE), 'user addresses are safe integers');

// ---- System V shared memory (Linux's names; krg's bounds, checked before anything is allocated) ----

/** Smallest segment, in bytes (Linux's SHMMIN). */
export const SHMMIN_BYTES = 1;

/**
 * Largest segment, in bytes (SHMMAX). Linux's default is almost 2^64; krg
 * bounds it at 256 MiB so one segment's pages (one KDDM object each) stay a
 * count the simulator can hold.
 */
export const SHMMAX_BYTES = 256 * 1024 * 1024;

/** Pages all segments of the cluster may hold together (SHMALL): 1 GiB. */
export const SHMALL_PAGES = 262144;

/**
 * Largest file offset mmap maps, in bytes (2^52): far past the largest
 * image-store file, and with the mapping's length still a safe integer.
 * Linux maps larger offsets (every page SIGBUS); krg answers EOVERFLOW.
 */
export const FILE_OFFSET_BYTES_MAX = 2 ** 52;

/** Longest path of a mapped file a ghost section may name, in bytes (PATH_MAX). */
export const FILE_PATH_BYTES_MAX = 4096;

/** Segments the cluster may hold at once (SHMMNI, Linux's default 4096). */
export const SHMMNI = 4096;

/** Ids are seq * SHM_ID_SEQ_MULTIPLIER + index, as Linux's ipc_buildid with IPCMNI 32768. */
export const SHM_ID_SEQ_MULTIPLIER = 32768;

/** Sequence numbers wrap below this (ids stay positive C ints: INT_MAX >> 15). */
export const SHM_ID_SEQ_MAX = 65536;

/** Attach alignment (SHMLBA): one page on riscv64 (asm-generic). */
export const SHMLBA_BYTES = PAGE_BYTES;

assert(SHMMNI <= SHM_ID_SEQ_MULTIPLIER, 'an index fits below the sequence multiplier');
assert(SHMMAX_BYTES % PAGE_BYTES === 0, 'SHMMAX is whole pages');
