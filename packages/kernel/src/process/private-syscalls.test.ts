// Goal: the fast path takes exactly the calls whose effects stay inside the
// task — the named private calls, and descriptor calls on image-store files —
// and never a call on a pipe or a console (which may wake another task or
// reach the host). Method: ask the predicate about rows by name and a
// task with an image file, a pipe and a console in its fd table.
import { ROOT_CREDENTIALS, Task, ret, type SyscallEntry } from '@krg/epm-core';
import { describe, expect, test } from 'vitest';
import { ConsoleFile } from '../files/console.js';
import { FdTable } from '../files/fd-table.js';
import { ImageFileHandle } from '../files/image-file.js';
import { ImageStore } from '../files/image-store.js';
import { Pipe } from '../files/pipe.js';
import { isPrivateSyscall } from './private-syscalls.js';
import { FILES_SLOT } from './task-slots.js';

describe('isPrivateSyscall', () => {
  const store = new ImageStore();
  const node = store.addFile('/data/f', new Uint8Array(10));
  // The predicate reads only a row's name (and the descriptor in a0).
  const row = (name: string): SyscallEntry => ({ nr: 0, name, handler: () => ret(0) });
  const task = new Task({
    pid: 9,
    node: 0,
    parentPid: 1,
    pgid: 9,
    sid: 9,
    credentials: ROOT_CREDENTIALS,
    comm: 't',
    exitSignal: 17,
  });
  const fds = new FdTable();
  const image = fds.install(new ImageFileHandle(store, node, '/data/f', 0), false); // fd 0
  const { reader } = new Pipe().open(0);
  const pipe = fds.install(reader, false); // fd 1
  const sink = { write: () => {} };
  const console = fds.install(ConsoleFile.output('stdout', sink, 'pipe'), false); // fd 2
  task.set(FILES_SLOT, fds);
  const fd = (r: { ok: boolean; value?: number }) => BigInt(r.value ?? -1);

  test('named private calls take the fast path whatever their arguments', () => {
    for (const name of ['getpid', 'getppid', 'clock_gettime', 'mmap', 'brk', 'fstat'])
      expect(isPrivateSyscall(row(name), task, [99n]), name).toBe(true);
  });

  test('openat takes it only when it creates and truncates nothing (the tree is shared)', () => {
    const O_CREAT = 0o100n;
    const O_TRUNC = 0o1000n;
    expect(isPrivateSyscall(row('openat'), task, [-100n, 0n, 0n])).toBe(true);
    expect(isPrivateSyscall(row('openat'), task, [-100n, 0n, 2n])).toBe(true);
    expect(isPrivateSyscall(row('openat'), task, [-100n, 0n, O_CREAT | 1n])).toBe(false);
    expect(isPrivateSyscall(row('openat'), task, [-100n, 0n, O_TRUNC | 1n])).toBe(false);
  });

  test('descriptor calls take it on image-store files only', () => {
    for (const name of ['read', 'readv', 'pread64', 'lseek', 'close']) {
      expect(isPrivateSyscall(row(name), task, [fd(image)]), `${name} image`).toBe(true);
      expect(isPrivateSyscall(row(name), task, [fd(pipe)]), `${name} pipe`).toBe(false);
      expect(isPrivateSyscall(row(name), task, [fd(console)]), `${name} console`).toBe(false);
      expect(isPrivateSyscall(row(name), task, [77n]), `${name} closed`).toBe(false);
    }
  });

  test('calls that may wake, block or reach the host never take it', () => {
    for (const name of [
      'write',
      'writev',
      'exit_group',
      'futex',
      'kill',
      'clone',
      'wait4',
      'nanosleep',
      'pipe2',
      'dup3',
      'pwrite64',
      'ftruncate',
      'unlinkat',
      'renameat2',
      'mkdirat',
      'sched_yield',
      'setsid',
    ])
      expect(isPrivateSyscall(row(name), task, [fd(image)]), name).toBe(false);
  });
});
