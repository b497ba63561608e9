// The memory syscalls mm-ghost owns (DESIGN.md): brk, mmap, munmap,
// mprotect, mremap, madvise. Each reads the calling task's AddressSpace from
// MM_SLOT and answers as Linux does.
import {
  TaskSlot,
  argAddress,
  argInt,
  argLong,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type TaskHooks,
} from '@krg/epm-core';
import { MAP_ANONYMOUS } from './address-map.js';
import type { AddressSpace } from './address-space.js';
import { checkFileMapping } from './file-mapping.js';
import { FILE_OFFSET_BYTES_MAX, PAGE_BYTES } from './limits.js';

/** The address space of a task. */
export const MM_SLOT = new TaskSlot<AddressSpace>('mm');

const MADV_NORMAL = 0;
const MADV_RANDOM = 1;
const MADV_SEQUENTIAL = 2;
const MADV_WILLNEED = 3;
const MADV_DONTNEED = 4;
const MADV_FREE = 8;

function sysBrk(ctx: SyscallContext): SyscallOutcome {
  const space = ctx.task.get(MM_SLOT);
  const requested = argAddress(ctx, 0);
  // Linux answers an impossible request with the current break.
  return ret(requested === undefined ? space.map.brk : space.brk(requested));
}

function sysMmap(ctx: SyscallContext): SyscallOutcome {
  const addr = argAddress(ctx, 0);
  const length = argAddress(ctx, 1);
  const prot = argInt(ctx, 2);
  const flags = argInt(ctx, 3);
  const fd = argInt(ctx, 4);
  const offset = argLong(ctx, 5);
  if (length === undefined) return fail('ENOMEM');
  if (addr === undefined) return fail((flags & 0x10) !== 0 ? 'ENOMEM' : 'EINVAL');
  if (offset % BigInt(PAGE_BYTES) !== 0n) return fail('EINVAL');
  if ((flags & MAP_ANONYMOUS) === 0)
    return mmapFile(ctx, { addr, length, prot, flags, fd, offset });
  const r = ctx.task.get(MM_SLOT).mmap({ addr, length, prot, flags });
  return r.ok ? ret(r.addr) : fail(r.errno);
}

/** mmap of a descriptor: Linux's checks in do_mmap's order, then a file mapping. */
function mmapFile(
  ctx: SyscallContext,
  req: { addr: number; length: number; prot: number; flags: number; fd: number; offset: bigint },
): SyscallOutcome {
  const open = ctx.kernel.files.ofDescriptor(ctx.task, req.fd);
  if (open === 'EBADF') return fail('EBADF');
  if (req.length === 0) return fail('EINVAL');
  // Offsets past FILE_OFFSET_BYTES_MAX would only ever show SIGBUS pages.
  if (req.offset < 0n || req.offset > BigInt(FILE_OFFSET_BYTES_MAX)) return fail('EOVERFLOW');
  const file = checkFileMapping(open, req.prot, req.flags);
  if (typeof file === 'string') return fail(file);
  const r = ctx.task.get(MM_SLOT).mmapFile(file, {
    addr: req.addr,
    length: req.length,
    prot: req.prot,
    flags: req.flags,
    offset: Number(req.offset),
  });
  return r.ok ? ret(r.addr) : fail(r.errno);
}

function sysMunmap(ctx: SyscallContext): SyscallOutcome {
  const addr = argAddress(ctx, 0);
  const length = argAddress(ctx, 1);
  if (addr === undefined || length === undefined) return fail('EINVAL');
  const r = ctx.task.get(MM_SLOT).munmap(addr, length);
  return r.ok ? ret(0) : fail(r.errno);
}

function sysMprotect(ctx: SyscallContext): SyscallOutcome {
  const addr = argAddress(ctx, 0);
  const length = argAddress(ctx, 1);
  if (addr === undefined) return fail('EINVAL');
  if (length === undefined) return fail('ENOMEM');
  const r = ctx.task.get(MM_SLOT).mprotect(addr, length, argInt(ctx, 2));
  return r.ok ? ret(0) : fail(r.errno);
}

function sysMremap(ctx: SyscallContext): SyscallOutcome {
  const oldAddr = argAddress(ctx, 0);
  const oldLength = argAddress(ctx, 1);
  const newLength = argAddress(ctx, 2);
  if (oldAddr === undefined || oldLength === undefined || newLength === undefined)
    return fail('EINVAL');
  const r = ctx.task.get(MM_SLOT).mremap(oldAddr, oldLength, newLength, argInt(ctx, 3));
  return r.ok ? ret(r.addr) : fail(r.errno);
}

function sysMadvise(ctx: SyscallContext): SyscallOutcome {
  const addr = argAddress(ctx, 0);
  const length = argAddress(ctx, 1);
  const advice = argInt(ctx, 2);
  if (addr === undefined || addr % PAGE_BYTES !== 0 || length === undefined) return fail('EINVAL');
  const space = ctx.task.get(MM_SLOT);
  switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
      // Hints about paging that a memory-resident simulation has no use for.
      return ret(0);
    case MADV_DONTNEED:
    case MADV_FREE: {
      const end = Math.ceil((addr + length) / PAGE_BYTES) * PAGE_BYTES;
      if (length > 0 && !space.map.vmas.isCovered(addr, end)) return fail('ENOMEM');
      // MADV_FREE may drop the pages at any time; dropping them now is allowed.
      space.discard(addr, end - addr);
      return ret(0);
    }
    default:
      return fail('EINVAL');
  }
}

/** mm-ghost's rows of the syscall table (riscv64 numbers). */
export const MM_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 214, name: 'brk', handler: sysBrk },
  { nr: 215, name: 'munmap', handler: sysMunmap },
  { nr: 216, name: 'mremap', handler: sysMremap },
  { nr: 222, name: 'mmap', handler: sysMmap },
  { nr: 226, name: 'mprotect', handler: sysMprotect },
  { nr: 233, name: 'madvise', handler: sysMadvise },
];

/** mm-ghost's task hooks: fork shares every page copy-on-write; exit drops the pages. */
export const MM_HOOKS: TaskHooks = {
  name: 'mm',
  fork(parent, child) {
    child.set(MM_SLOT, parent.get(MM_SLOT).fork());
  },
  unfork(child) {
    child.get(MM_SLOT).release();
    child.delete(MM_SLOT);
  },
  release(task) {
    task.get(MM_SLOT).release();
  },
};
