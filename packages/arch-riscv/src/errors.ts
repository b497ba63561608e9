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
