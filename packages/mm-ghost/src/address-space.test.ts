// Goal: an AddressSpace is a correct GuestMemory for the real hart —
// demand-zero pages, permissions, copy-on-write after fork, user copies with
// EFAULT, invalidation reported for every change a CPU may have cached — and
// an unmodified glibc program loaded by loadImage runs on it up to its first
// system call. Method: direct cases, then the hart on tools/guests/bin/hello.
import { readFileSync } from 'node:fs';
import {
  Hart,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  REG,
  buildInitialStack,
  parseElf,
} from '@krg/arch-riscv';
import { describe, expect, test } from 'vitest';
import {
  AddressSpace,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  PAGE_BYTES,
  STACK_TOP,
} from './index.js';

const RW = PROT_READ | PROT_WRITE;
const anon = (addr: number, length: number, prot = RW, shared = false) => ({
  addr,
  length,
  prot,
  flags: MAP_FIXED | MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE),
});

function spaceWithLog() {
  const space = new AddressSpace();
  const log: [number, number][] = [];
  space.onInvalidate = (a, n) => log.push([a, n]);
  return { space, log };
}

describe('AddressSpace as GuestMemory', () => {
  test('hands out demand-zero pages only where the mapping permits the access', () => {
    const { space } = spaceWithLog();
    space.mmap(anon(0x100000, 2 * PAGE_BYTES, PROT_READ));
    expect(space.residentPages).toBe(0);
    expect(space.page(0x100, 'read')).toEqual(new Uint8Array(PAGE_BYTES));
    expect(space.residentPages).toBe(1);
    expect(space.page(0x100, 'write')).toBeUndefined();
    expect(space.classifyFault(0x100000, 'write')).toBe('accerr');
    expect(space.page(0x200, 'read')).toBeUndefined();
    expect(space.classifyFault(0x200000, 'read')).toBe('maperr');
  });

  test('treats write-only mappings as readable, as RISC-V Linux does', () => {
    const { space } = spaceWithLog();
    space.mmap(anon(0x100000, PAGE_BYTES, PROT_WRITE));
    expect(space.page(0x100, 'read')).toBeDefined();
    expect(space.page(0x100, 'execute')).toBeUndefined();
  });

  test('fork shares frames copy-on-write and invalidates the parent', () => {
    const { space: parent, log } = spaceWithLog();
    parent.mmap(anon(0x100000, PAGE_BYTES));
    parent.page(0x100, 'write')![0] = 7;
    const child = parent.fork();
    expect(log).toContainEqual([0x100000, PAGE_BYTES]);
    const childLog: [number, number][] = [];
    child.onInvalidate = (a, n) => childLog.push([a, n]);
    expect(child.page(0x100, 'read')).toBe(parent.page(0x100, 'read'));
    const childPage = child.page(0x100, 'write')!;
    expect(childPage).not.toBe(parent.page(0x100, 'read'));
    expect(childLog).toEqual([[0x100000, PAGE_BYTES]]);
    childPage[0] = 9;
    expect(parent.page(0x100, 'read')![0]).toBe(7);
    // The parent is now the only sharer: no copy on its write.
    const before = parent.page(0x100, 'read');
    expect(parent.page(0x100, 'write')).toBe(before);
  });

  test('shared mappings stay shared across fork, even when written', () => {
    const { space: parent } = spaceWithLog();
    parent.mmap(anon(0x100000, PAGE_BYTES, RW, true));
    parent.page(0x100, 'read');
    const child = parent.fork();
    child.page(0x100, 'write')![5] = 42;
    expect(parent.page(0x100, 'read')![5]).toBe(42);
  });

  test('user copies cross pages, respect permissions and fail without partial writes', () => {
    const { space } = spaceWithLog();
    space.mmap(anon(0x100000, PAGE_BYTES));
    space.mmap(anon(0x101000, PAGE_BYTES, PROT_READ));
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    expect(space.writeUser(0x100000 + PAGE_BYTES - 50, data)).toBe('EFAULT');
    expect(space.readUser(0x100000 + PAGE_BYTES - 50, 100)).toEqual(new Uint8Array(100));
    expect(space.writeUser(0x100010, data)).toBe('ok');
    expect(space.readUser(0x100010, 100)).toEqual(data);
    expect(space.readUser(0x102000 - 10, 20)).toBe('EFAULT');
    expect(space.readUser(-1, 1)).toBe('EFAULT');
    expect(space.readUser(STACK_TOP - 1, 2)).toBe('EFAULT');
  });

  test('unmapping and mremap move frames and report the ranges', () => {
    const { space, log } = spaceWithLog();
    space.mmap(anon(0x100000, 2 * PAGE_BYTES));
    space.mmap(anon(0x102000, PAGE_BYTES, PROT_READ)); // forces the move
    space.page(0x101, 'write')![0] = 1;
    const moved = space.mremap(0x100000, 2 * PAGE_BYTES, 8 * PAGE_BYTES, 1);
    expect(moved.ok).toBe(true);
    const to = moved.ok ? moved.addr : 0;
    expect(space.page(to / PAGE_BYTES + 1, 'read')![0]).toBe(1);
    expect(to).not.toBe(0x100000);
    expect(log).toContainEqual([0x100000, 2 * PAGE_BYTES]);
    expect(space.page(0x101, 'read')).toBeUndefined();
    space.munmap(to, 8 * PAGE_BYTES);
    expect(space.residentPages).toBe(0);
  });

  test('mprotect invalidates the cached translations of its range', () => {
    const { space, log } = spaceWithLog();
    space.mmap(anon(0x100000, PAGE_BYTES));
    space.mprotect(0x100000, PAGE_BYTES, PROT_READ | PROT_EXEC);
    expect(log).toEqual([[0x100000, PAGE_BYTES]]);
  });
});

describe('AddressSpace.loadImage', () => {
  test('two segments sharing a page get both their bytes and the union of their rights', () => {
    const space = new AddressSpace();
    const seg = (vaddr: number, bytes: number[], w: boolean, x: boolean) => ({
      vaddr,
      memsz: bytes.length,
      fileBytes: Uint8Array.from(bytes),
      isReadable: true,
      isWritable: w,
      isExecutable: x,
    });
    space.loadImage({
      kind: 'exec',
      loadBias: 0,
      entry: 0x10000,
      segments: [
        seg(0x10ff0, new Array<number>(16).fill(1), false, true),
        seg(0x11000 - 8, new Array<number>(24).fill(2), true, false),
      ],
      phdrAddress: 0,
      phentSize: 56,
      phnum: 2,
      brkStart: 0x12000,
    });
    const shared = space.map.vmas.find(0x10ff0)!;
    expect(shared.prot).toBe(PROT_READ | PROT_WRITE | PROT_EXEC);
    expect(space.readUser(0x10ff0, 8)).toEqual(new Uint8Array(8).fill(1));
    expect(space.readUser(0x10ff8, 24)).toEqual(new Uint8Array(24).fill(2));
    expect(space.map.vmas.find(0x11000)!.prot).toBe(PROT_READ | PROT_WRITE);
  });
});

describe('AddressSpace with the hart', () => {
  test('runs an unmodified glibc program from exec to its first system call', () => {
    const file = new Uint8Array(
      readFileSync(new URL('../../../tools/guests/bin/hello', import.meta.url)),
    );
    const image = parseElf(file);
    const space = new AddressSpace();
    space.loadImage(image);
    const stack = buildInitialStack({
      stackTop: STACK_TOP,
      argv: ['hello'],
      envp: ['LANG=C'],
      execfn: '/bin/hello',
      random: new Uint8Array(16),
      image,
    });
    expect(space.writeUser(stack.sp, stack.bytes)).toBe('ok');
    const hart = new Hart(space);
    space.onInvalidate = (a, n) => hart.invalidate(a, n);
    hart.pc = BigInt(image.entry);
    hart.writeX(REG.sp, BigInt(stack.sp));
    const stop = hart.run(1_000_000);
    // glibc's static start-up first asks for its thread pointer setup and the brk.
    expect(stop.kind).toBe('ecall');
    expect(Number(hart.readX(REG.a7))).toBeGreaterThan(0);
    expect(space.map.vmas.list().map((v) => v.kind)).toContain('stack');
  });
});
