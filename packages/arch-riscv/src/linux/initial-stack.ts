// The Linux initial process stack, built as a pure function: the bytes from
// the new sp up to the stack top, laid out as fs/exec.c (the strings) and
// fs/binfmt_elf.c create_elf_tables (argc, argv, envp, auxv) lay them out on
// riscv64 without address-space randomisation. The caller writes the bytes
// at `sp` and starts the hart with that sp.

import { ArgumentListTooLong, InitialStackInvalid } from '../errors.js';
import {
  ARG_COUNT_MAX,
  ARG_STRING_MAX_BYTES,
  ARG_TOTAL_MAX_BYTES,
  AT_RANDOM_BYTES,
  PAGE_SIZE_BYTES,
  USER_ADDRESS_END,
} from '../limits.js';
import {
  AT_BASE,
  AT_CLKTCK,
  AT_EGID,
  AT_ENTRY,
  AT_EUID,
  AT_EXECFN,
  AT_FLAGS,
  AT_GID,
  AT_HWCAP,
  AT_NULL,
  AT_PAGESZ,
  AT_PHDR,
  AT_PHENT,
  AT_PHNUM,
  AT_RANDOM,
  AT_SECURE,
  AT_UID,
  CLOCKS_PER_SEC,
  HWCAP_RV64GC,
} from './auxv.js';

const POINTER_BYTES = 8;

export interface InitialStackInput {
  /** End (exclusive) of the stack mapping; 16-byte aligned. */
  readonly stackTop: number;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** The path given to execve (AT_EXECFN); Linux places it above the environment. */
  readonly execfn: string;
  /** The AT_RANDOM bytes (16), from the caller's seeded generator. */
  readonly random: Uint8Array;
  /** From the parsed ELF: AT_ENTRY, AT_PHDR, AT_PHENT, AT_PHNUM. */
  readonly image: {
    readonly entry: number;
    readonly phdrAddress: number;
    readonly phentSize: number;
    readonly phnum: number;
  };
  readonly uid?: number;
  readonly euid?: number;
  readonly gid?: number;
  readonly egid?: number;
  /** AT_SECURE: 1 for set-uid style executions. Default false. */
  readonly isSecure?: boolean;
  /** AT_HWCAP; default HWCAP_RV64GC. */
  readonly hwcap?: number;
}

export interface InitialStack {
  /** The initial stack pointer (16-byte aligned): it points at argc. */
  readonly sp: number;
  /** The bytes of [sp, stackTop), to write at sp. */
  readonly bytes: Uint8Array;
  readonly argvAddress: number;
  readonly envpAddress: number;
  readonly auxvAddress: number;
  readonly randomAddress: number;
  readonly execfnAddress: number;
  /** Tag/value pairs in the order they were written, AT_NULL last. */
  readonly auxv: readonly (readonly [number, number])[];
}

const encoder = new TextEncoder();

/** Encodes argv/envp strings with the checks of Linux's copy_strings (E2BIG),
 *  bounding each before it is encoded: UTF-8 never has fewer bytes than UTF-16 units. */
function encodeArgStrings(argv: readonly string[], envp: readonly string[]): Uint8Array[][] {
  const count = argv.length + envp.length;
  if (count > ARG_COUNT_MAX)
    throw new ArgumentListTooLong('argv + envp count', ARG_COUNT_MAX, count);
  let totalBytes = count * POINTER_BYTES;
  if (totalBytes > ARG_TOTAL_MAX_BYTES) {
    throw new ArgumentListTooLong('argv + envp bytes', ARG_TOTAL_MAX_BYTES, totalBytes);
  }
  return [argv, envp].map((list, which) =>
    list.map((text, index) => {
      const what = `${which === 0 ? 'argv' : 'envp'}[${index}] bytes`;
      if (text.length + 1 > ARG_STRING_MAX_BYTES) {
        throw new ArgumentListTooLong(what, ARG_STRING_MAX_BYTES, text.length + 1);
      }
      const bytes = encodeCString(text, what);
      if (bytes.length > ARG_STRING_MAX_BYTES) {
        throw new ArgumentListTooLong(what, ARG_STRING_MAX_BYTES, bytes.length);
      }
      totalBytes += bytes.length;
      if (totalBytes > ARG_TOTAL_MAX_BYTES) {
        throw new ArgumentListTooLong('argv + envp bytes', ARG_TOTAL_MAX_BYTES, totalBytes);
      }
      return bytes;
    }),
  );
}

function encodeCString(text: string, what: string): Uint8Array {
  if (text.includes('\0'))
    throw new InitialStackInvalid(what, 'a string without NUL', JSON.stringify(text));
  const encoded = encoder.encode(text);
  const bytes = new Uint8Array(encoded.length + 1);
  bytes.set(encoded);
  return bytes;
}

function checkId(name: string, value: number | undefined): number {
  const id = value ?? 0;
  if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
    throw new InitialStackInvalid(name, 'an integer in [0, 2^32)', `${id}`);
  }
  return id;
}

/** Builds the initial stack of a new process. Throws ArgumentListTooLong
 *  (E2BIG) for oversized argv/envp and InitialStackInvalid for bad input. */
export function buildInitialStack(input: InitialStackInput): InitialStack {
  const { stackTop, image } = input;
  if (
    !Number.isSafeInteger(stackTop) ||
    stackTop % 16 !== 0 ||
    stackTop <= 0 ||
    stackTop > USER_ADDRESS_END
  ) {
    throw new InitialStackInvalid('stackTop', 'a 16-byte aligned user address', `${stackTop}`);
  }
  if (input.random.length !== AT_RANDOM_BYTES) {
    throw new InitialStackInvalid(
      'random',
      `${AT_RANDOM_BYTES} bytes`,
      `${input.random.length} bytes`,
    );
  }
  const [argvStrings = [], envpStrings = []] = encodeArgStrings(input.argv, input.envp);
  if (input.execfn.length + 1 > ARG_STRING_MAX_BYTES) {
    throw new ArgumentListTooLong('execfn bytes', ARG_STRING_MAX_BYTES, input.execfn.length + 1);
  }
  const execfn = encodeCString(input.execfn, 'execfn');
  if (execfn.length > ARG_STRING_MAX_BYTES) {
    throw new ArgumentListTooLong('execfn bytes', ARG_STRING_MAX_BYTES, execfn.length);
  }

  // fs/exec.c: bprm->p starts one pointer below the top; the file name is
  // copied first (highest), then envp, then argv, each list last-to-first.
  let p = stackTop - POINTER_BYTES;
  p -= execfn.length;
  const execfnAddress = p;
  const place = (strings: Uint8Array[]): number[] => {
    const addresses: number[] = new Array<number>(strings.length);
    for (let i = strings.length - 1; i >= 0; i--) {
      p -= (strings[i] as Uint8Array).length;
      addresses[i] = p;
    }
    return addresses;
  };
  const envpAddresses = place(envpStrings);
  const argvAddresses = place(argvStrings);
  const stringsStart = p;

  // create_elf_tables: align, no AT_PLATFORM on riscv, then the random bytes.
  p -= p % 16; // addresses exceed 32 bits: no bitwise masks
  p -= AT_RANDOM_BYTES;
  const randomAddress = p;

  const auxv: (readonly [number, number])[] = [
    [AT_HWCAP, input.hwcap ?? HWCAP_RV64GC],
    [AT_PAGESZ, PAGE_SIZE_BYTES],
    [AT_CLKTCK, CLOCKS_PER_SEC],
    [AT_PHDR, image.phdrAddress],
    [AT_PHENT, image.phentSize],
    [AT_PHNUM, image.phnum],
    [AT_BASE, 0],
    [AT_FLAGS, 0],
    [AT_ENTRY, image.entry],
    [AT_UID, checkId('uid', input.uid)],
    [AT_EUID, checkId('euid', input.euid)],
    [AT_GID, checkId('gid', input.gid)],
    [AT_EGID, checkId('egid', input.egid)],
    [AT_SECURE, input.isSecure === true ? 1 : 0],
    [AT_RANDOM, randomAddress],
    [AT_EXECFN, execfnAddress],
    [AT_NULL, 0],
  ];
  const words = 1 + argvStrings.length + 1 + envpStrings.length + 1 + auxv.length * 2;
  const unaligned = p - words * POINTER_BYTES;
  const sp = unaligned - (unaligned % 16);
  if (sp < 0)
    throw new InitialStackInvalid(
      'stackTop',
      `at least ${stackTop - sp} bytes of stack`,
      `${stackTop}`,
    );

  const bytes = new Uint8Array(stackTop - sp);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const word = (value: number): void => {
    view.setBigUint64(at, BigInt(value), true);
    at += POINTER_BYTES;
  };
  word(argvStrings.length);
  const argvAddress = sp + at;
  argvAddresses.forEach(word);
  word(0);
  const envpAddress = sp + at;
  envpAddresses.forEach(word);
  word(0);
  const auxvAddress = sp + at;
  for (const [tag, value] of auxv) {
    word(tag);
    word(value);
  }
  bytes.set(input.random, randomAddress - sp);
  let stringAt = stringsStart - sp;
  for (const s of [...argvStrings, ...envpStrings, execfn]) {
    bytes.set(s, stringAt);
    stringAt += s.length;
  }
  return { sp, bytes, argvAddress, envpAddress, auxvAddress, randomAddress, execfnAddress, auxv };
}
