// The system calls whose effects stay inside the calling task: they read or
// change only the caller's own state (its ids, its address space, its fd
// table; they may read the cluster's file tree) or the clock, never wake another task,
// never schedule an engine event and never block. The scheduler runs them on
// the fast path: their charged time is added to the slice's debt instead of
// costing an engine event (see NodeKernel's slice loop). Every other call pays
// the debt first and then runs at an engine instant equal to the task's own
// clock, so what it does to other tasks is ordered exactly.
//
// A call belongs here only when its handler answers synchronously and never
// with `block`; the scheduler asserts both. What a private call reads of
// other tasks (getppid after a parent on another node exited) may be up to
// one slice old, the same latency a CPU-bound burst has for signals.
import type { SyscallEntry, Task } from '@krg/epm-core';
import { O_CREAT, O_TRUNC } from '../files/open-flags.js';
import { FILES_SLOT } from './task-slots.js';

const PRIVATE_SYSCALL_NAMES: ReadonlySet<string> = new Set([
  // identities (epm-core)
  'getpid',
  'getppid',
  'gettid',
  'getuid',
  'geteuid',
  'getgid',
  'getegid',
  'set_tid_address',
  'set_robust_list',
  'rseq',
  'times',
  'getrusage',
  // the caller's signal mask and actions (epm-signal, epm-sighand)
  'rt_sigprocmask',
  'rt_sigpending',
  'rt_sigaction',
  // the caller's address space (mm-ghost)
  'brk',
  'mmap',
  'munmap',
  'mremap',
  'mprotect',
  'madvise',
  // paths looked up in the file tree and the caller's fs state (kernel);
  // openat only when it creates and truncates nothing (below)
  'getcwd',
  'chdir',
  'umask',
  'newfstatat',
  'statx',
  'faccessat',
  'faccessat2',
  'readlinkat',
  'getdents64',
  'fstat',
  // the machine and the clocks (kernel)
  'uname',
  'getrandom',
  'clock_gettime',
  'clock_getres',
  'gettimeofday',
]);

/**
 * Descriptor calls that are private when the descriptor (a0) is a file or
 * directory of the file tree: nobody waits on such a file, and its offset
 * is shared only with processes of the same node (fork), which cannot run
 * while this task's slice does. What they read of a file another node
 * writes may be up to one slice old, as above. On a pipe or a console they
 * may wake another task or reach the host, so they pay the debt. Writes
 * change the shared tree and always pay it.
 */
const IMAGE_DESCRIPTOR_SYSCALL_NAMES: ReadonlySet<string> = new Set([
  'read',
  'readv',
  'pread64',
  'lseek',
  'close',
]);

/** True when the call runs on the fast path (no engine event, its time added to the slice's debt). */
export function isPrivateSyscall(
  entry: SyscallEntry,
  task: Task,
  args: readonly bigint[],
): boolean {
  if (PRIVATE_SYSCALL_NAMES.has(entry.name)) return true;
  if (entry.name === 'openat') {
    const flags = Number(BigInt.asIntN(32, args[2] ?? 0n));
    return (flags & (O_CREAT | O_TRUNC)) === 0;
  }
  if (!IMAGE_DESCRIPTOR_SYSCALL_NAMES.has(entry.name)) return false;
  const fd = Number(BigInt.asIntN(32, args[0] ?? 0n));
  const kind = task.get(FILES_SLOT).get(fd)?.file.kind;
  return kind === 'image' || kind === 'directory' || kind === 'device';
}
