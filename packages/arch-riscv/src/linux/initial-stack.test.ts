import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentListTooLong, InitialStackInvalid } from '../errors.js';
import { ARG_STRING_MAX_BYTES, ARG_TOTAL_MAX_BYTES } from '../limits.js';
import {
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
  AT_BASE,
  HWCAP_RV64GC,
} from './auxv.js';
import { buildInitialStack, type InitialStackInput } from './initial-stack.js';

const TOP = 0x40_0000_0000 - 0x1000;
const random = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const image = { entry: 0x10558, phdrAddress: 0x10040, phentSize: 56, phnum: 7 };

function input(overrides: Partial<InitialStackInput> = {}): InitialStackInput {
  return {
    stackTop: TOP,
    argv: ['./prog', 'arg'],
    envp: ['A=1', 'PATH=/bin'],
    execfn: './prog',
    random,
    image,
    ...overrides,
  };
}

/** Reads the stack back the way a C runtime does. */
function readBack(sp: number, bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (address: number): number => Number(view.getBigUint64(address - sp, true));
  const cString = (address: number): string => {
    let end = address - sp;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(address - sp, end));
  };
  let at = sp;
  const argc = word(at);
  at += 8;
  const argv: string[] = [];
  for (let i = 0; i < argc; i++, at += 8) argv.push(cString(word(at)));
  expect(word(at)).toBe(0);
  at += 8;
  const envp: string[] = [];
  for (; word(at) !== 0; at += 8) envp.push(cString(word(at)));
  at += 8;
  const auxv: [number, number][] = [];
  for (;;) {
    const tag = word(at);
    auxv.push([tag, word(at + 8)]);
    at += 16;
    if (tag === AT_NULL) break;
  }
  return { argc, argv, envp, auxv, cString, end: at };
}

describe('buildInitialStack', () => {
  it('lays out argc, argv, envp and auxv as create_elf_tables does', () => {
    const stack = buildInitialStack(input({ uid: 1000, euid: 1001, gid: 100, egid: 101 }));
    expect(stack.sp % 16).toBe(0);
    expect(stack.bytes.length).toBe(TOP - stack.sp);
    const back = readBack(stack.sp, stack.bytes);
    expect(back.argc).toBe(2);
    expect(back.argv).toEqual(['./prog', 'arg']);
    expect(back.envp).toEqual(['A=1', 'PATH=/bin']);
    expect(stack.argvAddress).toBe(stack.sp + 8);
    expect(stack.envpAddress).toBe(stack.sp + 8 * 4);
    expect(stack.auxvAddress).toBe(stack.sp + 8 * 7);
    expect(back.auxv.map(([tag]) => tag)).toEqual([
      AT_HWCAP,
      AT_PAGESZ,
      AT_CLKTCK,
      AT_PHDR,
      AT_PHENT,
      AT_PHNUM,
      AT_BASE,
      AT_FLAGS,
      AT_ENTRY,
      AT_UID,
      AT_EUID,
      AT_GID,
      AT_EGID,
      AT_SECURE,
      AT_RANDOM,
      AT_EXECFN,
      AT_NULL,
    ]);
    const aux = new Map(back.auxv);
    expect(aux.get(AT_HWCAP)).toBe(0x112d);
    expect(HWCAP_RV64GC).toBe(0x112d);
    expect(aux.get(AT_PAGESZ)).toBe(4096);
    expect(aux.get(AT_CLKTCK)).toBe(100);
    expect(aux.get(AT_PHDR)).toBe(0x10040);
    expect(aux.get(AT_PHENT)).toBe(56);
    expect(aux.get(AT_PHNUM)).toBe(7);
    expect(aux.get(AT_ENTRY)).toBe(0x10558);
    expect([aux.get(AT_UID), aux.get(AT_EUID), aux.get(AT_GID), aux.get(AT_EGID)]).toEqual([
      1000, 1001, 100, 101,
    ]);
    expect(aux.get(AT_SECURE)).toBe(0);
    expect(aux.get(AT_RANDOM)).toBe(stack.randomAddress);
    const randomAt = stack.randomAddress - stack.sp;
    expect(stack.bytes.subarray(randomAt, randomAt + 16)).toEqual(random);
    expect(aux.get(AT_EXECFN)).toBe(stack.execfnAddress);
    expect(back.cString(stack.execfnAddress)).toBe('./prog');
  });

  it('puts the strings at the top: argv, envp, the file name, then 8 zero bytes', () => {
    const stack = buildInitialStack(input());
    const tail = new TextDecoder().decode(stack.bytes.subarray(stack.bytes.length - 40));
    expect(tail).toBe('./prog\0arg\0A=1\0PATH=/bin\0./prog\0\0\0\0\0\0\0\0\0'.slice(-40));
    expect(stack.execfnAddress).toBe(TOP - 8 - 7);
    // random bytes sit 16-aligned below the strings, the vectors below them
    expect(stack.randomAddress % 16).toBe(0);
    const stringsStart = TOP - 8 - 7 - 14 - 11;
    expect(stack.randomAddress).toBe(stringsStart - (stringsStart % 16) - 16);
    expect(readBack(stack.sp, stack.bytes).end).toBeLessThanOrEqual(stack.randomAddress);
    expect(stack.randomAddress - readBack(stack.sp, stack.bytes).end).toBeLessThan(16);
  });

  it('round-trips any argv and envp (UTF-8 strings)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 12 }),
        fc.array(text, { maxLength: 12 }),
        (argv, envp) => {
          const stack = buildInitialStack(input({ argv, envp }));
          const back = readBack(stack.sp, stack.bytes);
          expect(stack.sp % 16).toBe(0);
          expect(back.argv).toEqual(argv);
          expect(back.envp).toEqual(envp);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses absurd argument lists with E2BIG before building anything', () => {
    const long = 'x'.repeat(ARG_STRING_MAX_BYTES);
    const e2big = (overrides: Partial<InitialStackInput>): ArgumentListTooLong => {
      try {
        buildInitialStack(input(overrides));
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentListTooLong);
        expect((error as ArgumentListTooLong).code).toBe('E2BIG');
        return error as ArgumentListTooLong;
      }
      throw new Error('expected E2BIG');
    };
    expect(e2big({ argv: [long] }).what).toBe('argv[0] bytes');
    expect(e2big({ envp: ['ok', '€'.repeat(ARG_STRING_MAX_BYTES / 3 + 1)] }).what).toBe(
      'envp[1] bytes',
    );
    expect(e2big({ execfn: long }).what).toBe('execfn bytes');
    const many = new Array<string>(ARG_TOTAL_MAX_BYTES / 8 + 1).fill('');
    expect(e2big({ argv: many }).what).toBe('argv + envp bytes'); // the pointers alone
    const big = new Array<string>(20).fill('y'.repeat(ARG_STRING_MAX_BYTES - 1));
    expect(e2big({ envp: big }).what).toBe('argv + envp bytes');
    // the largest legal single string still builds
    expect(() =>
      buildInitialStack(input({ argv: ['z'.repeat(ARG_STRING_MAX_BYTES - 1)] })),
    ).not.toThrow();
  });

  it('refuses invalid inputs', () => {
    expect(() => buildInitialStack(input({ argv: ['a\0b'] }))).toThrow(InitialStackInvalid);
    expect(() => buildInitialStack(input({ random: new Uint8Array(8) }))).toThrow(/random/);
    expect(() => buildInitialStack(input({ stackTop: TOP + 8 }))).toThrow(/stackTop/);
    expect(() => buildInitialStack(input({ stackTop: 64 }))).toThrow(/stackTop/);
    expect(() => buildInitialStack(input({ uid: -1 }))).toThrow(/uid/);
  });
});
