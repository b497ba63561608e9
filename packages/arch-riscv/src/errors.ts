// Named errors of @krg/arch-riscv, each with a stable `code` (STYLE: errors).

/** An ELF file that is malformed or breaks a loader limit. Nothing was mapped. */
export class ElfInvalid extends Error {
  readonly code = 'ELF_INVALID';
  constructor(
    /** What is wrong, e.g. `e_machine` or `segment 2 p_filesz`. */
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`invalid ELF: ${field}: expected ${expected}, found ${found}`);
    this.name = 'ElfInvalid';
  }
}

/** A well-formed ELF file of a kind the loader does not run (dynamically
 *  linked, core file, ...). Nothing was mapped. */
export class ElfNotSupported extends Error {
  readonly code = 'ELF_NOT_SUPPORTED';
  constructor(readonly feature: string) {
    super(`ELF not supported: ${feature}`);
    this.name = 'ElfNotSupported';
  }
}

/** argv/envp too large for the initial stack: Linux's E2BIG from execve. */
export class ArgumentListTooLong extends Error {
  readonly code = 'E2BIG';
  constructor(
    readonly what: string,
    readonly limit: number,
    readonly found: number,
  ) {
    super(`argument list too long: ${what}: at most ${limit}, found ${found}`);
    this.name = 'ArgumentListTooLong';
  }
}

/** A caller passed a value the initial-stack builder cannot lay out
 *  (misaligned stack top, wrong AT_RANDOM length, ...). */
export class InitialStackInvalid extends Error {
  readonly code = 'INITIAL_STACK_INVALID';
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`initial stack: ${field}: expected ${expected}, found ${found}`);
    this.name = 'InitialStackInvalid';
  }
}

/** A signal frame that cannot be built (no room on the alternate stack, a
 *  bad siginfo) or that rt_sigreturn refuses (nonzero reserved FP words).
 *  Linux kills the thread with SIGSEGV in both cases; nothing was changed. */
export class SignalFrameInvalid extends Error {
  readonly code = 'SIGNAL_FRAME_INVALID';
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`signal frame: ${field}: expected ${expected}, found ${found}`);
    this.name = 'SignalFrameInvalid';
  }
}

// ---- the hart and its memory ----
// These report bad input from the caller (the kernel, a test, a tool); what the
// guest does wrong is never an exception but a stop reason of `Hart.run`.

export abstract class ArchRiscvError extends Error {
  abstract readonly code: string;
}

/** A register index outside 0..31. */
export class RegisterIndexInvalid extends ArchRiscvError {
  override readonly name = 'RegisterIndexInvalid';
  readonly code = 'ARCH_RISCV_REGISTER_INDEX_INVALID';
  constructor(readonly index: number) {
    super(`Register index must be an integer in 0..31, found ${String(index)}`);
  }
}

/** A run budget that is not a positive safe integer within RUN_BUDGET_INSNS_MAX. */
export class BudgetInvalid extends ArchRiscvError {
  override readonly name = 'BudgetInvalid';
  readonly code = 'ARCH_RISCV_BUDGET_INVALID';
  constructor(
    readonly budget: number,
    readonly max: number,
  ) {
    super(`Run budget must be an integer in 0..${String(max)}, found ${String(budget)}`);
  }
}

/** A hart option outside its range. */
export class HartOptionInvalid extends ArchRiscvError {
  override readonly name = 'HartOptionInvalid';
  readonly code = 'ARCH_RISCV_HART_OPTION_INVALID';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`Hart option ${option} must be ${expected}, found ${found}`);
  }
}

/** A hart state value that does not describe an architectural state. */
export class HartStateInvalid extends ArchRiscvError {
  override readonly name = 'HartStateInvalid';
  readonly code = 'ARCH_RISCV_HART_STATE_INVALID';
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`Hart state field "${field}": expected ${expected}, found ${found}`);
  }
}

/** A guest address or byte range that is not usable (negative, unaligned, too large). */
export class AddressInvalid extends ArchRiscvError {
  override readonly name = 'AddressInvalid';
  readonly code = 'ARCH_RISCV_ADDRESS_INVALID';
  constructor(
    readonly address: number,
    readonly lengthBytes: number,
    readonly reason: string,
  ) {
    super(`Guest range at ${String(address)} of ${String(lengthBytes)} bytes: ${reason}`);
  }
}

/** A host-side copy touched a guest page that is not mapped. */
export class PageNotMapped extends ArchRiscvError {
  override readonly name = 'PageNotMapped';
  readonly code = 'ARCH_RISCV_PAGE_NOT_MAPPED';
  constructor(readonly address: number) {
    super(`Guest address 0x${address.toString(16)} is not mapped`);
  }
}

/** A page was mapped twice, or a mapping would exceed the memory's page limit. */
export class MappingInvalid extends ArchRiscvError {
  override readonly name = 'MappingInvalid';
  readonly code = 'ARCH_RISCV_MAPPING_INVALID';
  constructor(
    readonly address: number,
    readonly reason: string,
  ) {
    super(`Cannot map guest page at 0x${address.toString(16)}: ${reason}`);
  }
}
