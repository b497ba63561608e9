// exec of a static ELF binary from the image store (Linux's execve path for
// a static executable): parse and validate the file first, then build the
// new address space and initial stack, and only then replace the task's
// memory and registers, so a failed exec leaves the task untouched.
import {
  ArgumentListTooLong,
  ElfInvalid,
  ElfNotSupported,
  Hart,
  InitialStackInvalid,
  REG,
  buildInitialStack,
  parseElf,
} from '@krg/arch-riscv';
import { ACCOUNTING_SLOT, type ErrnoName, type Task } from '@krg/epm-core';
import { AddressSpace, MM_SLOT, STACK_TOP } from '@krg/mm-ghost';
import type { ImageStore } from '../files/image-store.js';
import { HART_SLOT } from './task-slots.js';

export interface ExecRequest {
  /** The path as the caller gave it (AT_EXECFN). */
  readonly path: string;
  readonly cwd: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** 16 bytes for AT_RANDOM, from the node's seeded generator. */
  readonly random: Uint8Array;
}

/** A ready-to-run image: what exec installs once nothing can fail any more. */
export interface LoadedImage {
  readonly space: AddressSpace;
  readonly entry: number;
  readonly sp: number;
  /** The resolved absolute path (/proc/self/exe). */
  readonly exePath: string;
}

export type ExecFailure = { readonly errno: ErrnoName; readonly detail: string };

/** Resolves, reads and loads a program without touching any task. */
export function loadProgram(store: ImageStore, req: ExecRequest): LoadedImage | ExecFailure {
  const found = store.lookup(req.path, req.cwd);
  if (!found.ok) return { errno: found.errno, detail: `${req.path}: ${found.errno}` };
  if (found.node.type !== 'file') return { errno: 'EACCES', detail: `${req.path} is a directory` };
  if ((found.node.mode & 0o111) === 0)
    return { errno: 'EACCES', detail: `${req.path} is not executable` };
  try {
    const image = parseElf(found.node.bytes);
    const stack = buildInitialStack({
      stackTop: STACK_TOP,
      argv: req.argv,
      envp: req.envp,
      execfn: req.path,
      random: req.random,
      image,
    });
    const space = new AddressSpace();
    space.loadImage(image);
    const written = space.writeUser(stack.sp, stack.bytes);
    if (written !== 'ok') return { errno: 'E2BIG', detail: 'the arguments do not fit the stack' };
    return { space, entry: image.entry, sp: stack.sp, exePath: found.path };
  } catch (e) {
    if (e instanceof ElfInvalid || e instanceof ElfNotSupported)
      return { errno: 'ENOEXEC', detail: `${req.path}: ${e.message}` };
    if (e instanceof ArgumentListTooLong || e instanceof InitialStackInvalid)
      return { errno: 'E2BIG', detail: e.message };
    throw e;
  }
}

/** Installs a loaded image into a task: new memory, fresh CPU state at the entry point. */
export function installImage(task: Task, loaded: LoadedImage): Hart {
  if (task.has(MM_SLOT)) task.get(MM_SLOT).release();
  const hart = new Hart(loaded.space);
  loaded.space.onInvalidate = (address, length) => hart.invalidate(address, length);
  hart.pc = BigInt(loaded.entry);
  hart.writeX(REG.sp, BigInt(loaded.sp));
  task.set(MM_SLOT, loaded.space);
  task.set(HART_SLOT, hart);
  if (task.has(ACCOUNTING_SLOT)) task.get(ACCOUNTING_SLOT).exePath = loaded.exePath;
  const name = loaded.exePath.slice(loaded.exePath.lastIndexOf('/') + 1);
  task.comm = name.slice(0, 15);
  return hart;
}
