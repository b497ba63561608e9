// Every bound of @krg/arch-riscv, named with its unit: what comes from outside
// (ELF files, argv, run budgets, register indices, guest addresses) and what
// grows (decoded blocks, mapped pages). Checked before anything is allocated
// (STYLE: limits and assertions).
import { assert } from './assert.js';

/** Page size of the guest address space, in bytes (Linux riscv64: 4 KiB). */
export const PAGE_SIZE_BYTES = 4096;

// ---------------------------------------------------------------- ELF loading

/** Largest ELF file the loader accepts, in bytes. Debian's glibc static
 *  binaries are well under 1 MiB; 64 MiB leaves room for big test programs. */
export const ELF_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Largest program-header table, in bytes. Linux's load_elf_phdrs refuses a
 *  table bigger than one page (ELF_MIN_ALIGN), i.e. at most 73 entries of 56 bytes. */
export const ELF_PHDR_TABLE_MAX_BYTES = 4096;

/** Largest memory size of one PT_LOAD segment, in bytes (1 GiB). */
export const ELF_SEGMENT_MAX_BYTES = 1024 * 1024 * 1024;

/** Largest total memory size of all PT_LOAD segments together, in bytes (1 GiB). */
export const ELF_IMAGE_MAX_BYTES = 1024 * 1024 * 1024;

/** Lowest address a segment may occupy: Linux's default vm.mmap_min_addr (64 KiB)
 *  keeps page zero and its neighbours unmapped so that null dereferences fault. */
export const USER_ADDRESS_MIN = 0x1_0000;

/** End (exclusive) of the user address range: TASK_SIZE of riscv64 Linux with
 *  Sv39 paging, 256 GiB. Nothing the loader describes lies at or above it. */
export const USER_ADDRESS_END = 0x40_0000_0000;

/** Where a static-pie (ET_DYN) image is placed: Linux's ELF_ET_DYN_BASE for
 *  riscv64 with Sv39 (two thirds of the 256 GiB window), page aligned, without
 *  address-space randomisation. */
export const ELF_ET_DYN_BASE = 0x2a_aaaa_a000;

// ------------------------------------------------------------ initial stack

/** Longest single argv or envp string including its NUL, in bytes: Linux's
 *  MAX_ARG_STRLEN (32 pages). */
export const ARG_STRING_MAX_BYTES = 32 * PAGE_SIZE_BYTES;

/** Largest total of argv and envp (strings and their pointers), in bytes:
 *  Linux allows a quarter of the stack rlimit, 2 MiB with the default 8 MiB. */
export const ARG_TOTAL_MAX_BYTES = 2 * 1024 * 1024;

/** Largest count of argv plus envp strings: Linux's MAX_ARG_STRINGS. In
 *  practice ARG_TOTAL_MAX_BYTES is reached long before. */
export const ARG_COUNT_MAX = 0x7fff_ffff;

/** Number of AT_RANDOM bytes the kernel places on the stack. */
export const AT_RANDOM_BYTES = 16;

// ------------------------------------------------------------------ the hart

/** log2(PAGE_SIZE_BYTES): an address shifted right by this is its page index. */
export const PAGE_SHIFT_BITS = 12;

/**
 * Most instructions one `run` call may be asked to execute. A scheduler slices
 * time far finer than this; the bound keeps the retired count a safe integer
 * after any realistic number of calls.
 */
export const RUN_BUDGET_INSNS_MAX = 2 ** 40;

/**
 * Most instructions in one decoded block. Blocks end earlier at a control
 * transfer or a page boundary; the bound caps the work lost when a block is
 * invalidated and the latency of a budget check.
 */
export const BLOCK_INSNS_MAX = 64;

/**
 * Interpreted runs after which a block is compiled into a trace (the
 * default of the hart's `hotRuns` option). Generated code costs the engine
 * compile time and runs slowly until it is optimized, so only code that runs
 * thousands of times repays it; below that the dispatcher's interpreter (one
 * optimized loop calling each op's function) is faster. Measured on the
 * interp-mix guest: 2048 gave 5-18% more than 16 at 233 M instructions.
 */
export const BLOCK_HOT_RUNS = 2048;

/** Largest `hotRuns` a hart accepts. */
export const HOT_RUNS_MAX = 2 ** 30;

/**
 * Instructions one compiled trace may hold: a hot block and the decoded
 * blocks it continues into on the same page (through a not-taken branch or
 * a direct jump). Bounds the size of the generated function (the engine
 * optimizes small functions sooner) and the latency of a budget check.
 */
export const TRACE_INSNS_MAX = 64;

/** Slots of the direct-mapped block cache in front of the per-page block tables. */
export const BLOCK_CACHE_SLOTS = 1 << 14;

/**
 * Most decoded blocks a hart keeps. Past this the whole cache is dropped and
 * refilled on demand: guests that execute that much distinct code are rare,
 * and the bound keeps a hart's memory use proportional to a constant.
 */
export const DECODED_BLOCKS_MAX = 1 << 17;

/** Entries of each direct-mapped software TLB (one for reads, one for writes). */
export const TLB_ENTRIES = 2048;

/**
 * Page indices a `PagedMemory` accepts are below this: addresses up to 2^47,
 * the Sv48 user address space, so every page index and address is a safe
 * integer.
 */
export const GUEST_PAGE_INDEX_LIMIT = 2 ** (47 - PAGE_SHIFT_BITS);

/** Most pages a single `PagedMemory` holds (4 GiB of guest memory). */
export const PAGED_MEMORY_PAGES_MAX = 2 ** 20;

/** Most bytes one `PagedMemory.read`/`write` call copies (a syscall buffer). */
export const MEMORY_COPY_BYTES_MAX = 2 ** 30;

assert(PAGE_SIZE_BYTES === 2 ** PAGE_SHIFT_BITS, 'PAGE_SIZE_BYTES is 2^PAGE_SHIFT_BITS');
assert((BLOCK_CACHE_SLOTS & (BLOCK_CACHE_SLOTS - 1)) === 0, 'BLOCK_CACHE_SLOTS is a power of two');
assert((TLB_ENTRIES & (TLB_ENTRIES - 1)) === 0, 'TLB_ENTRIES is a power of two');
assert(BLOCK_INSNS_MAX * 4 <= PAGE_SIZE_BYTES * 2, 'a block spans at most two pages');
