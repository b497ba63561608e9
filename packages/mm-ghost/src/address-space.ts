// A process's address space: its mappings (AddressMap) and their pages. It
// is the GuestMemory the CPU runs against: pages appear on first touch
// (demand-zero), ELF segments are filled at exec, fork shares every frame
// copy-on-write, and every change a CPU may have cached is reported through
// `onInvalidate` so the kernel can tell the hart (arch-riscv's contract).
// Syscalls copy from and to user memory through readUser / writeUser, which
// apply the same permissions a user access would (EFAULT otherwise).
import type { AccessKind, ElfImage, GuestMemory } from '@krg/arch-riscv';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '@krg/arch-riscv';
import {
  AddressMap,
  MAP_FIXED,
  MAP_PRIVATE,
  type MmResult,
  type PageEffect,
} from './address-map.js';
import { assert } from '@krg/epm-core';
import {
  PAGE_BYTES,
  PAGES_PER_SPACE_MAX,
  STACK_LIMIT_BYTES_DEFAULT,
  STACK_TOP,
  USER_COPY_BYTES_MAX,
} from './limits.js';
import { PageFrame } from './page-frame.js';
import type { Vma } from './vma.js';

const ACCESS_PROT: Record<AccessKind, number> = {
  read: PROT_READ,
  write: PROT_WRITE,
  execute: PROT_EXEC,
};

// RISC-V has no write-only pages: Linux maps PROT_WRITE as read-write.
function allows(vma: Vma, access: AccessKind): boolean {
  const prot = (vma.prot & PROT_WRITE) !== 0 ? vma.prot | PROT_READ : vma.prot;
  return (prot & ACCESS_PROT[access]) !== 0;
}

/** Why a CPU access could not be satisfied (the kernel's page-fault verdict). */
export type FaultKind =
  /** No mapping at the address: SIGSEGV with SEGV_MAPERR. */
  | 'maperr'
  /** A mapping without the needed permission: SIGSEGV with SEGV_ACCERR. */
  | 'accerr'
  /** The address space reached PAGES_PER_SPACE_MAX: the process is killed, as by the OOM killer. */
  | 'oom';

export class AddressSpace implements GuestMemory {
  readonly map = new AddressMap();
  readonly #frames = new Map<number, PageFrame>();
  /** Called with (address, lengthBytes) whenever cached translations of that range become stale. */
  onInvalidate: (address: number, lengthBytes: number) => void = () => {};

  /** Pages with a frame (resident set, in pages). */
  get residentPages(): number {
    return this.#frames.size;
  }

  page(pageIndex: number, access: AccessKind): Uint8Array | undefined {
    const frame = this.#frameFor(pageIndex, access);
    return typeof frame === 'string' ? undefined : frame.bytes;
  }

  /** Classifies a fault the CPU stopped on (called after `page` said no). */
  classifyFault(address: number, access: AccessKind): FaultKind {
    const vma = this.map.vmas.find(address);
    if (vma === undefined) return 'maperr';
    if (!allows(vma, access)) return 'accerr';
    return 'oom';
  }

  /**
   * Maps an ELF image and the main stack into an empty address space (exec):
   * segments with their file bytes, the brk start after the highest
   * segment, and a demand-zero stack of RLIMIT_STACK below STACK_TOP.
   */
  loadImage(image: ElfImage, stackBytes = STACK_LIMIT_BYTES_DEFAULT): void {
    assert(this.map.vmas.count === 0, 'an image is loaded into an empty address space');
    // Segments may share a page (the end of one and the start of the next):
    // Linux maps both over it; here the page is mapped once, with the union
    // of both segments' rights, and receives both segments' bytes.
    let mappedEnd = 0;
    for (const seg of image.segments) {
      const first = Math.floor(seg.vaddr / PAGE_BYTES) * PAGE_BYTES;
      const end = Math.ceil((seg.vaddr + seg.memsz) / PAGE_BYTES) * PAGE_BYTES;
      const prot =
        (seg.isReadable ? PROT_READ : 0) |
        (seg.isWritable ? PROT_WRITE : 0) |
        (seg.isExecutable ? PROT_EXEC : 0);
      if (first < mappedEnd) {
        const shared = mappedEnd - PAGE_BYTES;
        assert(first === shared, 'parseElf guarantees segments overlap by at most a page');
        this.map.vmas.update(shared, mappedEnd, (v) => ({ ...v, prot: v.prot | prot }));
      }
      const start = Math.max(first, mappedEnd);
      if (start < end) {
        const r = this.map.mmap({
          addr: start,
          length: end - start,
          prot,
          flags: MAP_FIXED | MAP_PRIVATE,
          kind: 'elf',
          offset: 0,
        });
        assert(r.ok, 'parseElf guarantees disjoint user-range segments');
      }
      mappedEnd = Math.max(mappedEnd, end);
      this.#fill(seg.vaddr, seg.fileBytes);
    }
    this.map.setBrkStart(image.brkStart);
    const stack = this.map.mmap({
      addr: STACK_TOP - stackBytes,
      length: stackBytes,
      prot: PROT_READ | PROT_WRITE,
      flags: MAP_FIXED | MAP_PRIVATE,
      kind: 'stack',
    });
    assert(stack.ok, 'the stack range is free in a fresh address space');
  }

  /** Copies `length` bytes of user memory; EFAULT if any byte is not readable. */
  readUser(address: number, length: number): Uint8Array | 'EFAULT' {
    if (!isUserRange(address, length)) return 'EFAULT';
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = address + done;
      const frame = this.#frameFor(Math.floor(at / PAGE_BYTES), 'read');
      if (typeof frame === 'string') return 'EFAULT';
      const offset = at % PAGE_BYTES;
      const n = Math.min(PAGE_BYTES - offset, length - done);
      out.set(frame.bytes.subarray(offset, offset + n), done);
      done += n;
    }
    return out;
  }

  /** Copies bytes into user memory; EFAULT (with nothing written) if any byte is not writable. */
  writeUser(address: number, bytes: Uint8Array): 'ok' | 'EFAULT' {
    if (!isUserRange(address, bytes.length)) return 'EFAULT';
    const first = Math.floor(address / PAGE_BYTES);
    const end = Math.ceil((address + bytes.length) / PAGE_BYTES);
    // Check every page first so a failing copy writes nothing.
    for (let p = first; p < end; p++) {
      const vma = this.map.vmas.find(p * PAGE_BYTES);
      if (vma === undefined || (vma.prot & PROT_WRITE) === 0) return 'EFAULT';
    }
    let done = 0;
    let isCodeTouched = false;
    for (let p = first; p < end; p++) {
      const frame = this.#frameFor(p, 'write');
      if (typeof frame === 'string') return 'EFAULT';
      const at = Math.max(address, p * PAGE_BYTES);
      const n = Math.min((p + 1) * PAGE_BYTES, address + bytes.length) - at;
      frame.bytes.set(bytes.subarray(done, done + n), at % PAGE_BYTES);
      done += n;
      if ((this.map.vmas.find(at)!.prot & PROT_EXEC) !== 0) isCodeTouched = true;
    }
    // Writable-and-executable pages may hold decoded instructions.
    if (isCodeTouched) this.onInvalidate(address, bytes.length);
    return 'ok';
  }

  mmap(...args: Parameters<AddressMap['mmap']>): MmResult {
    return this.#apply(this.map.mmap(...args));
  }

  munmap(address: number, lengthBytes: number): MmResult {
    return this.#apply(this.map.munmap(address, lengthBytes));
  }

  mprotect(address: number, lengthBytes: number, prot: number): MmResult {
    const r = this.map.mprotect(address, lengthBytes, prot);
    if (r.ok && lengthBytes > 0) this.onInvalidate(address, lengthBytes);
    return r;
  }

  mremap(oldAddress: number, oldLength: number, newLength: number, flags: number): MmResult {
    return this.#apply(this.map.mremap(oldAddress, oldLength, newLength, flags));
  }

  brk(requested: number): number {
    const r = this.map.setBrk(requested);
    this.#applyEffects(r.effects);
    return r.brk;
  }

  /**
   * Drops the pages of a mapped range so they read as zero again
   * (MADV_DONTNEED on private memory). Shared mappings keep their contents:
   * the frame is only unlinked from this space's view when it is private.
   */
  discard(address: number, lengthBytes: number): void {
    const first = Math.floor(address / PAGE_BYTES);
    const end = Math.ceil((address + lengthBytes) / PAGE_BYTES);
    for (let p = first; p < end; p++) {
      const vma = this.map.vmas.find(p * PAGE_BYTES);
      if (vma === undefined || vma.isShared) continue;
      this.#frames.get(p)?.release();
      this.#frames.delete(p);
    }
    if (lengthBytes > 0) this.onInvalidate(address, lengthBytes);
  }

  /** A copy-on-write child for fork: the same mappings, every frame shared. */
  fork(): AddressSpace {
    const child = new AddressSpace();
    child.map.vmas.replaceAll(this.map.vmas.list());
    child.map.restoreBrk(this.map.startBrk, this.map.brk);
    for (const [index, frame] of this.#frames) child.#frames.set(index, frame.share());
    // The parent's CPU may hold write translations of now-shared frames.
    for (const vma of this.map.vmas.list()) {
      if ((vma.prot & PROT_WRITE) !== 0) this.onInvalidate(vma.start, vma.end - vma.start);
    }
    return child;
  }

  /** Drops every frame (exit, exec replacing the space). */
  release(): void {
    for (const frame of this.#frames.values()) frame.release();
    this.#frames.clear();
  }

  /** Resident pages in ascending order, for a ghost section (pages are not copied). */
  residentEntries(): [number, Uint8Array][] {
    return [...this.#frames.entries()].sort((a, b) => a[0] - b[0]).map(([i, f]) => [i, f.bytes]);
  }

  /** Rebuilds a space from a saved one (restart, migration): mappings, brk and pages. */
  static fromParts(
    vmas: readonly Vma[],
    startBrk: number,
    brk: number,
    pages: Iterable<[number, Uint8Array]>,
  ): AddressSpace {
    const space = new AddressSpace();
    space.map.vmas.replaceAll(vmas);
    space.map.restoreBrk(startBrk, brk);
    for (const [index, bytes] of pages) {
      assert(
        space.map.vmas.find(index * PAGE_BYTES) !== undefined,
        'a saved page lies in a saved mapping',
      );
      assert(space.#frames.size < PAGES_PER_SPACE_MAX, 'saved pages within PAGES_PER_SPACE_MAX');
      space.#frames.set(index, new PageFrame(bytes));
    }
    return space;
  }

  #frameFor(pageIndex: number, access: AccessKind): PageFrame | FaultKind {
    const vma = this.map.vmas.find(pageIndex * PAGE_BYTES);
    if (vma === undefined) return 'maperr';
    if (!allows(vma, access)) return 'accerr';
    let frame = this.#frames.get(pageIndex);
    if (frame === undefined) {
      if (this.#frames.size >= PAGES_PER_SPACE_MAX) return 'oom';
      frame = new PageFrame();
      this.#frames.set(pageIndex, frame);
    } else if (access === 'write' && frame.sharers > 1 && !vma.isShared) {
      frame = frame.breakCow();
      this.#frames.set(pageIndex, frame);
      // The CPU may still hold the shared frame for reading.
      this.onInvalidate(pageIndex * PAGE_BYTES, PAGE_BYTES);
    }
    return frame;
  }

  #fill(address: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = address + done;
      const index = Math.floor(at / PAGE_BYTES);
      let frame = this.#frames.get(index);
      if (frame === undefined) {
        frame = new PageFrame();
        this.#frames.set(index, frame);
      }
      const offset = at % PAGE_BYTES;
      const n = Math.min(PAGE_BYTES - offset, bytes.length - done);
      frame.bytes.set(bytes.subarray(done, done + n), offset);
      done += n;
    }
  }

  #apply(result: MmResult): MmResult {
    if (result.ok) this.#applyEffects(result.effects);
    return result;
  }

  #applyEffects(effects: readonly PageEffect[]): void {
    for (const e of effects) {
      if (e.kind === 'drop') {
        for (let p = e.start / PAGE_BYTES; p < e.end / PAGE_BYTES; p++) {
          this.#frames.get(p)?.release();
          this.#frames.delete(p);
        }
        this.onInvalidate(e.start, e.end - e.start);
      } else {
        const moved: [number, PageFrame][] = [];
        for (let i = 0; i < e.length / PAGE_BYTES; i++) {
          const from = e.from / PAGE_BYTES + i;
          const frame = this.#frames.get(from);
          this.#frames.delete(from);
          if (frame !== undefined) moved.push([e.to / PAGE_BYTES + i, frame]);
        }
        for (const [index, frame] of moved) this.#frames.set(index, frame);
        this.onInvalidate(e.from, e.length);
        this.onInvalidate(e.to, e.length);
      }
    }
  }
}

function isUserRange(address: number, length: number): boolean {
  return (
    Number.isSafeInteger(address) &&
    Number.isSafeInteger(length) &&
    address >= 0 &&
    length >= 0 &&
    length <= USER_COPY_BYTES_MAX &&
    address + length <= STACK_TOP
  );
}
