// Every bound on input that arch-riscv accepts from outside, with its unit.
// Checked before anything is allocated (STYLE: limits and assertions).

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
