// ELF64 constants and field offsets used by the loader (System V gABI and the
// RISC-V psABI). Only what a static riscv64 Linux executable needs.

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const EM_RISCV = 243;

export const ET_EXEC = 2;
export const ET_DYN = 3;

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_TLS = 7;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** Size of the ELF64 file header, in bytes. */
export const EHDR_BYTES = 64;
/** Size of one ELF64 program header, in bytes (what AT_PHENT reports). */
export const PHDR_BYTES = 56;

// e_ident indexes
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;

// ELF64 header field offsets
export const E_TYPE = 16;
export const E_MACHINE = 18;
export const E_VERSION = 20;
export const E_ENTRY = 24;
export const E_PHOFF = 32;
export const E_FLAGS = 48;
export const E_EHSIZE = 52;
export const E_PHENTSIZE = 54;
export const E_PHNUM = 56;

// ELF64 program header field offsets
export const P_TYPE = 0;
export const P_FLAGS = 4;
export const P_OFFSET = 8;
export const P_VADDR = 16;
export const P_FILESZ = 32;
export const P_MEMSZ = 40;
export const P_ALIGN = 48;
