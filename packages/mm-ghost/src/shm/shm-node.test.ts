// Goal: shmget/shmat/shmdt/shmctl follow Linux's rules (ipc/shm.c) on one
// node: ids, keys, IPC_CREAT|IPC_EXCL, sizes and limits, permissions,
// attach addresses, SHM_RDONLY, IPC_STAT/IPC_SET, IPC_RMID destroyed by the
// last detach, nattch through fork and exit. Method: a ShmNode over the
// single-node KDDM, address spaces as processes, every errno checked.
import { PROT_READ, PROT_WRITE } from '@krg/arch-riscv';
import { ROOT_CREDENTIALS, type Credentials } from '@krg/epm-core';
import { describe, expect, test } from 'vitest';
import { AddressSpace } from '../address-space.js';
import { MMAP_BASE, PAGE_BYTES, SHMMAX_BYTES, SHMMNI } from '../limits.js';
import {
  IPC_CREAT,
  IPC_EXCL,
  IPC_PRIVATE,
  SHM_DEST,
  SHM_RDONLY,
  SHM_REMAP,
  SHM_RND,
} from './shm-abi.js';
import { ShmNode, type ShmCaller } from './shm-node.js';
import { SingleNodeKddm } from './single-node-kddm.js';

const ROOT: ShmCaller = { pid: 100, credentials: ROOT_CREDENTIALS, nowS: 1000 };
const USER: Credentials = { uid: 1000, euid: 1000, gid: 1000, egid: 1000 };
const OTHER: Credentials = { uid: 2000, euid: 2000, gid: 2000, egid: 2000 };
const as = (credentials: Credentials, pid = 200): ShmCaller => ({ pid, credentials, nowS: 2000 });

function setup() {
  const background: (() => Promise<void>)[] = [];
  const shm = new ShmNode({
    kddm: new SingleNodeKddm(),
    spawn: (_name, work) => background.push(work),
  });
  const drain = async () => {
    while (background.length > 0) await background.shift()!();
  };
  return { shm, drain };
}

function value<T>(r: { ok: true; value: T } | { ok: false; errno: string }): T {
  if (!r.ok) throw new Error(`expected success, got ${r.errno}`);
  return r.value;
}

describe('shmget', () => {
  test('IPC_PRIVATE always creates; a key is created once and found again', async () => {
    const { shm } = setup();
    const a = value(await shm.get(ROOT, IPC_PRIVATE, 100, 0o600));
    const b = value(await shm.get(ROOT, IPC_PRIVATE, 100, 0o600));
    expect(a).not.toBe(b);
    expect(await shm.get(ROOT, 0x1234, 100, 0o600)).toEqual({ ok: false, errno: 'ENOENT' });
    const k = value(await shm.get(ROOT, 0x1234, 8192, IPC_CREAT | 0o600));
    expect(await shm.get(ROOT, 0x1234, 100, 0)).toEqual({ ok: true, value: k });
    expect(await shm.get(ROOT, 0x1234, 100, IPC_CREAT)).toEqual({ ok: true, value: k });
    expect(await shm.get(ROOT, 0x1234, 100, IPC_CREAT | IPC_EXCL)).toEqual({
      ok: false,
      errno: 'EEXIST',
    });
    // A request larger than the existing segment: EINVAL.
    expect(await shm.get(ROOT, 0x1234, 8193, 0)).toEqual({ ok: false, errno: 'EINVAL' });
  });

  test('sizes outside SHMMIN..SHMMAX are EINVAL; SHMMNI segments at most (ENOSPC)', async () => {
    const { shm } = setup();
    expect(await shm.get(ROOT, IPC_PRIVATE, 0, 0o600)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(await shm.get(ROOT, IPC_PRIVATE, SHMMAX_BYTES + 1, 0o600)).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    for (let i = 0; i < SHMMNI; i++) value(await shm.get(ROOT, IPC_PRIVATE, 1, 0o600));
    expect(await shm.get(ROOT, IPC_PRIVATE, 1, 0o600)).toEqual({ ok: false, errno: 'ENOSPC' });
  });

  test('permissions: owner, group and other bits; root passes', async () => {
    const { shm } = setup();
    const id = value(await shm.get(as(USER), 0x77, 4096, IPC_CREAT | 0o640));
    expect((await shm.get(as(USER), 0x77, 0, 0o600)).ok).toBe(true);
    expect(await shm.get(as(OTHER), 0x77, 0, 0o400)).toEqual({ ok: false, errno: 'EACCES' });
    expect(await shm.get(as({ ...OTHER, egid: 1000 }), 0x77, 0, 0o040)).toEqual({
      ok: true,
      value: id,
    });
    expect(await shm.get(as({ ...OTHER, egid: 1000 }), 0x77, 0, 0o020)).toEqual({
      ok: false,
      errno: 'EACCES',
    });
    expect((await shm.get(ROOT, 0x77, 0, 0o666)).ok).toBe(true);
    expect(await shm.attach(as(OTHER), new AddressSpace(), id, 0, SHM_RDONLY)).toEqual({
      ok: false,
      errno: 'EACCES',
    });
    expect(await shm.stat(as(OTHER), id)).toEqual({ ok: false, errno: 'EACCES' });
    expect(await shm.remove(as(OTHER), id)).toEqual({ ok: false, errno: 'EPERM' });
    expect(await shm.set(as(OTHER), id, { uid: 2000, gid: 2000, mode: 0o777 })).toEqual({
      ok: false,
      errno: 'EPERM',
    });
  });
});

describe('shmat and shmdt', () => {
  test('attach anywhere, at a fixed address, with SHM_RND; bad addresses are EINVAL', async () => {
    const { shm } = setup();
    const id = value(await shm.get(ROOT, IPC_PRIVATE, 3 * PAGE_BYTES, 0o600));
    const space = new AddressSpace();
    const a = value(await shm.attach(ROOT, space, id, 0, 0));
    expect(a).toBeLessThan(MMAP_BASE);
    const fixed = 0x10_0000_0000;
    expect(value(await shm.attach(ROOT, space, id, fixed, 0))).toBe(fixed);
    // Overlapping without SHM_REMAP: EINVAL; with it: replaced.
    expect(await shm.attach(ROOT, space, id, fixed + PAGE_BYTES, 0)).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    expect(await shm.attach(ROOT, space, id, fixed + 123, 0)).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    const rounded = 0x20_0000_0000;
    expect(value(await shm.attach(ROOT, space, id, rounded + 123, SHM_RND))).toBe(rounded);
    expect(await shm.attach(ROOT, space, id, 0, SHM_REMAP)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(await shm.attach(ROOT, space, id + 1, 0, 0)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(await shm.attach(ROOT, space, -1, 0, 0)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(3);
    // The three mappings show the same bytes.
    expect(space.writeUser(a + PAGE_BYTES + 5, new Uint8Array([42]))).toBe('ok');
    expect(space.readUser(fixed + PAGE_BYTES + 5, 1)).toEqual(new Uint8Array([42]));
    expect(space.readUser(rounded + PAGE_BYTES + 5, 1)).toEqual(new Uint8Array([42]));
    expect(await shm.detach(ROOT, space, fixed + PAGE_BYTES)).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    expect(value(await shm.detach(ROOT, space, fixed))).toBe(0);
    expect(await shm.detach(ROOT, space, fixed)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(2);
  });

  test('SHM_RDONLY maps read-only: the CPU cannot write it', async () => {
    const { shm } = setup();
    const id = value(await shm.get(ROOT, IPC_PRIVATE, PAGE_BYTES, 0o600));
    const space = new AddressSpace();
    const a = value(await shm.attach(ROOT, space, id, 0, SHM_RDONLY));
    expect(space.page(a / PAGE_BYTES, 'read')).toBeDefined();
    expect(space.page(a / PAGE_BYTES, 'write')).toBeUndefined();
    expect(space.absentPages(a, 1, 'write')).toEqual([]);
    expect(space.classifyFault(a, 'write')).toBe('accerr');
    expect(space.map.vmas.find(a)?.prot).toBe(PROT_READ);
    // No VM_MAYWRITE: mprotect cannot make it writable.
    expect(space.mprotect(a, PAGE_BYTES, PROT_READ | PROT_WRITE)).toEqual({
      ok: false,
      errno: 'EACCES',
    });
    const rw = value(await shm.attach(ROOT, space, id, 0, 0));
    expect(space.map.vmas.find(rw)?.prot).toBe(PROT_READ | PROT_WRITE);
    // Linux's walk: a range that reaches the read-only attachment from below
    // changes the mapping before it, then stops with EACCES.
    const below = a - PAGE_BYTES;
    expect(space.mmap({ addr: below, length: PAGE_BYTES, prot: PROT_READ, flags: 0x32 }).ok).toBe(
      true,
    );
    expect(space.mprotect(below, 2 * PAGE_BYTES, PROT_READ | PROT_WRITE)).toEqual({
      ok: false,
      errno: 'EACCES',
    });
    expect(space.map.vmas.find(below)?.prot).toBe(PROT_READ | PROT_WRITE);
    expect(space.map.vmas.find(a)?.prot).toBe(PROT_READ);
  });

  test('fork inherits attachments and exit detaches them (nattch follows)', async () => {
    const { shm, drain } = setup();
    const id = value(await shm.get(ROOT, IPC_PRIVATE, PAGE_BYTES, 0o600));
    const parent = new AddressSpace();
    const a = value(await shm.attach(ROOT, parent, id, 0, 0));
    const child = parent.fork();
    await drain();
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(2);
    // A write by the child is seen by the parent: shared, not copy-on-write.
    expect(child.writeUser(a, new Uint8Array([7, 8, 9]))).toBe('ok');
    expect(parent.readUser(a, 3)).toEqual(new Uint8Array([7, 8, 9]));
    child.release();
    await drain();
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(1);
    // munmap of part of an attachment splits it: Linux counts each VMA.
    parent.munmap(a, PAGE_BYTES);
    await drain();
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(0);
  });
});

describe('shmctl', () => {
  test('IPC_STAT reports the segment; IPC_SET changes owner and mode', async () => {
    const { shm } = setup();
    const id = value(await shm.get(ROOT, 0x99, 5000, IPC_CREAT | 0o640));
    const ds = value(await shm.stat(ROOT, id));
    expect(ds).toMatchObject({
      key: 0x99,
      mode: 0o640,
      segszBytes: 5000,
      cpid: 100,
      lpid: 0,
      nattch: 0,
      ctimeS: 1000,
      atimeS: 0,
    });
    value(await shm.set(ROOT, id, { uid: 1000, gid: 1000, mode: 0o7604 }));
    expect(value(await shm.stat(ROOT, id))).toMatchObject({ uid: 1000, gid: 1000, mode: 0o604 });
    expect(await shm.stat(ROOT, id + 1)).toEqual({ ok: false, errno: 'EINVAL' });
  });

  test('IPC_RMID: key forgotten at once, segment destroyed by the last detach', async () => {
    const { shm, drain } = setup();
    const id = value(await shm.get(ROOT, 0x55, PAGE_BYTES, IPC_CREAT | 0o600));
    const space = new AddressSpace();
    const a = value(await shm.attach(ROOT, space, id, 0, 0));
    expect(space.writeUser(a, new Uint8Array([1]))).toBe('ok');
    value(await shm.remove(ROOT, id));
    const ds = value(await shm.stat(ROOT, id));
    expect(ds.mode & SHM_DEST).toBe(SHM_DEST);
    expect(ds.key).toBe(IPC_PRIVATE);
    expect(await shm.get(ROOT, 0x55, 0, 0)).toEqual({ ok: false, errno: 'ENOENT' });
    const again = value(await shm.get(ROOT, 0x55, PAGE_BYTES, IPC_CREAT | 0o600));
    expect(again).not.toBe(id);
    // Still attached: the old segment keeps its bytes.
    expect(space.readUser(a, 1)).toEqual(new Uint8Array([1]));
    value(await shm.detach(ROOT, space, a));
    await drain();
    expect(await shm.stat(ROOT, id)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(await shm.attach(ROOT, space, id, 0, 0)).toEqual({ ok: false, errno: 'EINVAL' });
    // A new segment starts zeroed.
    const b = value(await shm.attach(ROOT, space, again, 0, 0));
    expect(space.readUser(b, 1)).toEqual(new Uint8Array([0]));
  });
});

describe('attachments as Linux counts them', () => {
  test('a split attachment counts twice and stays split, as shm VMAs never merge', async () => {
    const { shm } = setup();
    const id = value(await shm.get(ROOT, IPC_PRIVATE, 2 * PAGE_BYTES, 0o600));
    const space = new AddressSpace();
    const a = value(await shm.attach(ROOT, space, id, 0, 0));
    expect(space.mprotect(a, PAGE_BYTES, PROT_READ).ok).toBe(true);
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(2);
    expect(space.mprotect(a, PAGE_BYTES, PROT_READ | PROT_WRITE).ok).toBe(true);
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(2);
    // shmdt takes every piece of the attachment.
    value(await shm.detach(ROOT, space, a));
    expect(value(await shm.stat(ROOT, id)).nattch).toBe(0);
    expect(space.shmIds()).toEqual([]);
  });
});

describe('the ipcs interface (SHM_STAT, SHM_STAT_ANY, SHM_INFO)', () => {
  test('SHM_STAT needs read permission, SHM_STAT_ANY does not; both answer the full id', async () => {
    const { shm } = setup();
    value(await shm.get(ROOT, IPC_PRIVATE, 100, 0o600)); // index 0
    const id = value(await shm.get(as(USER), IPC_PRIVATE, 100, 0o600)); // index 1
    expect(value(await shm.statIndex(as(USER), 1, false)).shmId).toBe(id);
    expect(await shm.statIndex(as(OTHER), 1, false)).toEqual({ ok: false, errno: 'EACCES' });
    const any = value(await shm.statIndex(as(OTHER), 1, true));
    expect([any.shmId, any.ds.uid, any.ds.segszBytes]).toEqual([id, 1000, 100]);
    for (const index of [2, -1, SHMMNI])
      expect(await shm.statIndex(ROOT, index, true)).toEqual({ ok: false, errno: 'EINVAL' });
  });

  test('SHM_INFO counts segments, their pages and the pages first touched', async () => {
    const { shm, drain } = setup();
    expect(await shm.info()).toEqual({ usedIds: 0, totalPages: 0, rssPages: 0, highestIndex: 0 });
    value(await shm.get(ROOT, IPC_PRIVATE, 3 * PAGE_BYTES, 0o600));
    const id = value(await shm.get(ROOT, IPC_PRIVATE, PAGE_BYTES + 1, 0o600));
    const space = new AddressSpace();
    const a = value(await shm.attach(ROOT, space, id, 0, 0));
    expect(space.writeUser(a, new Uint8Array([1]))).toBe('ok');
    expect(space.readUser(a + PAGE_BYTES, 1)).toEqual(new Uint8Array([0]));
    expect(space.readUser(a + 5, 1)).toEqual(new Uint8Array([0])); // the same page again
    expect(await shm.info()).toEqual({ usedIds: 2, totalPages: 5, rssPages: 2, highestIndex: 1 });
    value(await shm.remove(ROOT, id));
    value(await shm.detach(ROOT, space, a));
    await drain();
    expect(await shm.info()).toEqual({ usedIds: 1, totalPages: 3, rssPages: 0, highestIndex: 0 });
  });
});
