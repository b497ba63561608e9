// The syscall table: every subsystem's rows, by riscv64 number, assembled
// in one place so a reader sees which room owns which call. A number that
// no row claims answers ENOSYS and is counted per process.
import { LIFECYCLE_SYSCALLS, PROCESS_SYSCALLS, type SyscallEntry } from '@krg/epm-core';
import { SIGHAND_SYSCALLS } from '@krg/epm-sighand';
import { createSignalSyscalls, type SignalPlatform } from '@krg/epm-signal';
import { MM_SYSCALLS, createShmSyscalls, type ShmNode } from '@krg/mm-ghost';
import { assert } from '@krg/epm-core';
import type { ImageStore } from './files/image-store.js';
import { FD_IO_SYSCALLS } from './syscalls/fd-io.js';
import { POLL_SYSCALLS } from './syscalls/poll.js';
import { createMachineSyscalls, type MachineInfo } from './syscalls/machine.js';
import { createFileAttrSyscalls } from './syscalls/file-attrs.js';
import { createPathArgs } from './syscalls/path-args.js';
import { createPathChangeSyscalls } from './syscalls/path-changes.js';
import { createPathSyscalls } from './syscalls/paths.js';
import { PRCTL_SYSCALLS } from './syscalls/prctl.js';
import { SCHED_SYSCALLS } from './syscalls/sched.js';

export function buildSyscallTable(
  store: ImageStore,
  signals: SignalPlatform,
  machine: MachineInfo,
  shm: ShmNode,
): Map<number, SyscallEntry> {
  const paths = createPathArgs(store);
  const rows: readonly (readonly SyscallEntry[])[] = [
    PROCESS_SYSCALLS, // epm-core: ids, groups, exit, futex, accounting
    LIFECYCLE_SYSCALLS, // epm-core: clone (fork), execve, wait4
    createSignalSyscalls(signals), // epm-signal: kill, masks, waits, sigreturn, timers, rlimits
    SIGHAND_SYSCALLS, // epm-sighand: rt_sigaction
    MM_SYSCALLS, // mm-ghost: brk and the mmap family
    createShmSyscalls(shm, machine.epochNs), // mm-ghost: SysV shm over the node's KDDM
    FD_IO_SYSCALLS, // kernel: descriptor I/O
    POLL_SYSCALLS, // kernel: ppoll and pselect6 (glibc's poll, select and pause)
    createPathSyscalls(store, paths), // kernel: open, stat, list and walk the file tree
    createPathChangeSyscalls(paths), // kernel: create, link, rename and remove names
    createFileAttrSyscalls(paths), // kernel: modes, owners, times, sizes, statfs
    createMachineSyscalls(machine), // kernel: uname, clocks, getrandom
    SCHED_SYSCALLS, // kernel: one CPU per node, SCHED_OTHER only
    PRCTL_SYSCALLS, // kernel: the task's name and fixed answers
  ];
  const table = new Map<number, SyscallEntry>();
  for (const group of rows) {
    for (const entry of group) {
      assert(!table.has(entry.nr), `syscall ${entry.nr} (${entry.name}) has one owner`);
      table.set(entry.nr, entry);
    }
  }
  return table;
}
