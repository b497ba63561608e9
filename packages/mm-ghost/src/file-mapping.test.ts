// Goal: mmap of a file shows the file's bytes from the mapping's offset,
// zeros past the end of the file in its last page and SIGBUS beyond it;
// a private mapping's writes stay its own (copy-on-write against the file
// and across fork); a shared mapping of the read-only store never becomes
// writable; and the mm ghost section saves a file mapping by name and
// restart maps the same file again, or refuses a store without it. Method:
// direct cases on an AddressSpace, and an export/import round trip through a
// MemoryGhost.
import { PROT_READ, PROT_WRITE } from '@krg/arch-riscv';
import {
  ProcessImportFailed,
  ROOT_CREDENTIALS,
  Task,
  type EpmAction,
  type MappableFile,
  type MappableFiles,
} from '@krg/epm-core';
import { MemoryGhost } from '@krg/ghost-io';
import { describe, expect, test } from 'vitest';
import {
  AddressSpace,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  MM_SECTION,
  MM_SLOT,
  PAGE_BYTES,
} from './index.js';

const CHECKPOINT: EpmAction = { type: 'checkpoint', appId: 1, shared: 'save-now' };
const RESTART: EpmAction = {
  type: 'restart',
  appId: 1,
  shared: 'load-now',
  replacePgrp: false,
  replaceSid: false,
};
const BASE = 0x200000;
const PAGE = BASE / PAGE_BYTES;
// Two and a half pages of a recognisable pattern.
const bytes = new Uint8Array(2.5 * PAGE_BYTES).map((_, i) => (i * 7 + 3) & 0xff);
const file: MappableFile = { path: '/data/blob', bytes };

function mapped(prot: number, flags: number, offset = 0, pages = 4) {
  const space = new AddressSpace();
  const r = space.mmapFile(file, {
    addr: BASE,
    length: pages * PAGE_BYTES,
    prot,
    flags: MAP_FIXED | flags,
    offset,
  });
  expect(r.ok).toBe(true);
  return space;
}

describe('file mappings', () => {
  test("show the file's bytes, zeros past its end in the last page, and SIGBUS beyond", () => {
    const space = mapped(PROT_READ, MAP_PRIVATE);
    expect(space.residentPages).toBe(0);
    expect(space.page(PAGE, 'read')).toEqual(bytes.subarray(0, PAGE_BYTES));
    expect(space.page(PAGE + 1, 'read')).toEqual(bytes.subarray(PAGE_BYTES, 2 * PAGE_BYTES));
    const last = space.page(PAGE + 2, 'read')!;
    expect(last.subarray(0, PAGE_BYTES / 2)).toEqual(bytes.subarray(2 * PAGE_BYTES));
    expect(last.subarray(PAGE_BYTES / 2)).toEqual(new Uint8Array(PAGE_BYTES / 2));
    expect(space.page(PAGE + 3, 'read')).toBeUndefined();
    expect(space.classifyFault(BASE + 3 * PAGE_BYTES, 'read')).toBe('bus');
    expect(space.readUser(BASE + 3 * PAGE_BYTES, 1)).toBe('EFAULT');
    expect(space.page(PAGE, 'write')).toBeUndefined();
    expect(space.classifyFault(BASE, 'write')).toBe('accerr');
  });

  test('start at their page offset in the file', () => {
    const space = mapped(PROT_READ, MAP_PRIVATE, PAGE_BYTES, 1);
    expect(space.page(PAGE, 'read')).toEqual(bytes.subarray(PAGE_BYTES, 2 * PAGE_BYTES));
    const far = mapped(PROT_READ, MAP_PRIVATE, 8 * PAGE_BYTES, 1);
    expect(far.classifyFault(BASE, 'read')).toBe('bus');
  });

  test("a private mapping's writes are its own: the file and a forked child's copy stay", () => {
    const space = mapped(PROT_READ | PROT_WRITE, MAP_PRIVATE);
    expect(space.writeUser(BASE + 5, new Uint8Array([0xee]))).toBe('ok');
    expect(space.page(PAGE, 'read')![5]).toBe(0xee);
    expect(bytes[5]).toBe((5 * 7 + 3) & 0xff);
    const child = space.fork();
    expect(child.page(PAGE, 'read')![5]).toBe(0xee);
    expect(child.writeUser(BASE + 5, new Uint8Array([0x11]))).toBe('ok');
    expect(space.page(PAGE, 'read')![5]).toBe(0xee);
    // A page neither touched before the fork reads from the file in both.
    expect(child.page(PAGE + 1, 'read')).toEqual(bytes.subarray(PAGE_BYTES, 2 * PAGE_BYTES));
    const other = mapped(PROT_READ, MAP_PRIVATE);
    expect(other.page(PAGE, 'read')![5]).toBe(bytes[5]);
  });

  test('a shared mapping of the read-only store never becomes writable', () => {
    const space = mapped(PROT_READ, MAP_SHARED);
    expect(space.page(PAGE, 'read')).toEqual(bytes.subarray(0, PAGE_BYTES));
    expect(space.mprotect(BASE, PAGE_BYTES, PROT_READ | PROT_WRITE)).toEqual({
      ok: false,
      errno: 'EACCES',
    });
    expect(space.mprotect(BASE, PAGE_BYTES, PROT_READ)).toMatchObject({ ok: true });
    // Before the shared mapping, mprotect changes what it walked over.
    space.mmap({
      addr: BASE - PAGE_BYTES,
      length: PAGE_BYTES,
      prot: PROT_READ,
      flags: MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
    });
    expect(space.mprotect(BASE - PAGE_BYTES, 2 * PAGE_BYTES, PROT_READ | PROT_WRITE)).toEqual({
      ok: false,
      errno: 'EACCES',
    });
    expect(space.map.vmas.find(BASE - PAGE_BYTES)!.prot).toBe(PROT_READ | PROT_WRITE);
    expect(space.map.vmas.find(BASE)!.prot).toBe(PROT_READ);
  });

  test('munmap and mprotect split a file mapping, each part keeping its file offset', () => {
    const space = mapped(PROT_READ, MAP_PRIVATE);
    expect(space.munmap(BASE + PAGE_BYTES, PAGE_BYTES)).toMatchObject({ ok: true });
    expect(space.page(PAGE + 1, 'read')).toBeUndefined();
    expect(space.classifyFault(BASE + PAGE_BYTES, 'read')).toBe('maperr');
    expect(space.page(PAGE + 2, 'read')!.subarray(0, 8)).toEqual(
      bytes.subarray(2 * PAGE_BYTES, 2 * PAGE_BYTES + 8),
    );
    expect(space.mprotect(BASE + 2 * PAGE_BYTES, PAGE_BYTES, PROT_READ | PROT_WRITE)).toMatchObject(
      {
        ok: true,
      },
    );
    expect(space.map.vmas.find(BASE + 2 * PAGE_BYTES)!.offset).toBe(2 * PAGE_BYTES);
    expect(space.mappedFiles()).toEqual([file]);
    expect(space.munmap(BASE, 4 * PAGE_BYTES)).toMatchObject({ ok: true });
    expect(space.mappedFiles()).toEqual([]);
  });
});

describe('the mm section with file mappings', () => {
  const store = (files: MappableFile[]): MappableFiles => ({
    ofDescriptor: () => 'EBADF',
    ofPath: (path) => files.find((f) => f.path === path),
  });

  async function exported(space: AddressSpace): Promise<MemoryGhost> {
    const task = new Task({
      pid: 5,
      node: 0,
      parentPid: 1,
      pgid: 5,
      sid: 5,
      credentials: ROOT_CREDENTIALS,
      comm: 't',
      exitSignal: 17,
    });
    task.set(MM_SLOT, space);
    const ghost = MemoryGhost.create();
    await MM_SECTION.export(task, ghost, CHECKPOINT);
    await ghost.close();
    return ghost.toReader();
  }

  function target(files: MappableFiles) {
    const task = new Task({
      pid: 5,
      node: 0,
      parentPid: 1,
      pgid: 5,
      sid: 5,
      credentials: ROOT_CREDENTIALS,
      comm: 't',
      exitSignal: 17,
    });
    return { task, files };
  }

  test('restart maps the same file again: touched pages from the ghost, the rest from the file', async () => {
    const space = mapped(PROT_READ | PROT_WRITE, MAP_PRIVATE);
    space.writeUser(BASE + 1, new Uint8Array([0x99]));
    const ghost = await exported(space);
    const t = target(store([{ path: file.path, bytes }]));
    await MM_SECTION.import(t, ghost, RESTART);
    const back = t.task.get(MM_SLOT);
    expect(back.page(PAGE, 'read')![1]).toBe(0x99);
    expect(back.page(PAGE + 1, 'read')).toEqual(bytes.subarray(PAGE_BYTES, 2 * PAGE_BYTES));
    expect(back.classifyFault(BASE + 3 * PAGE_BYTES, 'read')).toBe('bus');
  });

  test('a store without the file, or with another file at its path, refuses the import', async () => {
    const ghost = await exported(mapped(PROT_READ, MAP_PRIVATE));
    await expect(MM_SECTION.import(target(store([])), ghost, RESTART)).rejects.toThrow(
      ProcessImportFailed,
    );
    const ghost2 = await exported(mapped(PROT_READ, MAP_PRIVATE));
    const shorter = { path: file.path, bytes: bytes.subarray(0, 100) };
    await expect(MM_SECTION.import(target(store([shorter])), ghost2, RESTART)).rejects.toThrow(
      /\/data\/blob/,
    );
  });
});
