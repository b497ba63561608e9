// A process's address space: its mappings (AddressMap) and their pages. It
// is the GuestMemory the CPU runs against: pages appear on first touch
// (demand-zero), ELF segments are filled at exec, fork shares every frame
// copy-on-write, and every change a CPU may have cached is reported through
// `onInvalidate` so the kernel can tell the hart (arch-riscv's contract).
// Syscalls copy from and to user memory through readUser / writeUser, which
// apply the same permissions a user access would (EFAULT otherwise).
import type { AccessKind, ElfImage, GuestMemory } from '@krg/arch-riscv';
import {
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  sigreturnTrampolinePage,
} from '@krg/arch-riscv';
import {
  AddressMap,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  type MmResult,
  type PageEffect,
} from './address-map.js';
import { assert, type MappableFile } from '@krg/epm-core';
import { fileOffsetOf, filePage, sharedFileMaxProt } from './file-mapping.js';
import {
  PAGE_BYTES,
  PAGES_PER_SPACE_MAX,
  STACK_LIMIT_BYTES_DEFAULT,
  STACK_TOP,
  USER_COPY_BYTES_MAX,
  USER_FAULT_PAGES_MAX,
} from './limits.js';
import { PageFrame } from './page-frame.js';
import type { ShmAttacher, ShmPager } from './shm/shm-pager.js';
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
  | 'oom'
  /** A file mapping's page past the end of its file: SIGBUS (BUS_ADRERR), as Linux sends. */
  | 'bus';

/**
 * A page an access needs that is not here but can be brought in: a SysV shm
 * page another node holds (any page that lives elsewhere, later).
 */
export interface AbsentPage {
  /** The page's first address. */
  readonly address: number;
  readonly access: AccessKind;
}

/** Pages brought in for a fault, kept here until the access that needed them has run. */
export interface PageHold {
  readonly pages: readonly AbsentPage[];
  /** Lets KDDM move the pages again (they stay mapped until it does). */
  release(): void;
}

/** A segment this space has attached, and how many of its VMAs map it (Linux's shm_nattch share). */
interface ShmLink {
  readonly pager: ShmPager;
  vmas: number;
}

export class AddressSpace implements GuestMemory, ShmAttacher {
  readonly map = new AddressMap();
  readonly #frames = new Map<number, PageFrame>();
  /** Attached SysV shm segments by id; their pages live in the segment's pager, not in #frames. */
  readonly #shm = new Map<number, ShmLink>();
  /** The files that `file` mappings view, by path (the mapping's name); the image store never changes them. */
  readonly #files = new Map<string, MappableFile>();
  /** Absent pages user copies met since `takeUserFaults` last ran. */
  #userFaults: AbsentPage[] = [];
  /** Called with (address, lengthBytes) whenever cached translations of that range become stale. */
  onInvalidate: (address: number, lengthBytes: number) => void = () => {};

  /** Pages with a frame (resident set, in pages). */
  get residentPages(): number {
    return this.#frames.size;
  }

  page(pageIndex: number, access: AccessKind): Uint8Array | undefined {
    const bytes = this.#bytesFor(pageIndex, access);
    return typeof bytes === 'string' ? undefined : bytes;
  }

  /** Classifies a fault the CPU stopped on (called after `page` said no and no page was absent). */
  classifyFault(address: number, access: AccessKind): FaultKind {
    const vma = this.map.vmas.find(address);
    if (vma === undefined) return 'maperr';
    if (!allows(vma, access)) return 'accerr';
    if (vma.kind === 'file') {
      const pageIndex = Math.floor(address / PAGE_BYTES);
      if (fileOffsetOf(vma, pageIndex) >= this.#fileOf(vma).bytes.length) return 'bus';
    }
    // A shm mapping grown by mremap past its segment: Linux sends SIGBUS, krg SIGSEGV.
    if (vma.kind === 'shm') return 'maperr';
    return 'oom';
  }

  /**
   * The pages of a range that `access` cannot use now but that can be
   * brought in: SysV shm pages this node does not hold in the right state
   * (another node has them). Bringing one in is `holdPages`; everything
   * else that fails an access is a real fault (`classifyFault`). At most
   * USER_FAULT_PAGES_MAX, in address order.
   */
  /** True while a SysV shm segment is attached: only then can a page be absent (held by another node). */
  get mayHaveAbsentPages(): boolean {
    return this.#shm.size > 0;
  }

  absentPages(address: number, lengthBytes: number, access: AccessKind): AbsentPage[] {
    const out: AbsentPage[] = [];
    if (!this.mayHaveAbsentPages || !isUserRange(address, lengthBytes) || lengthBytes === 0)
      return out;
    const end = address + lengthBytes;
    for (const vma of this.map.vmas.list()) {
      if (vma.end <= address) continue;
      if (vma.start >= end) break;
      if (vma.kind !== 'shm' || !allows(vma, access)) continue;
      const first = Math.floor(Math.max(address, vma.start) / PAGE_BYTES);
      const last = Math.ceil(Math.min(end, vma.end) / PAGE_BYTES);
      for (let p = first; p < last && out.length < USER_FAULT_PAGES_MAX; p++)
        if (this.#bytesFor(p, access) === 'absent') out.push({ address: p * PAGE_BYTES, access });
    }
    return out;
  }

  /**
   * The absent pages user copies (readUser, writeUser) met since the last
   * call, in the order met, and forgets them. A copy that meets one answers
   * EFAULT to its caller; the kernel then brings the pages in and runs the
   * system call again (a `readUser` / `writeUser` never waits).
   */
  takeUserFaults(): readonly AbsentPage[] {
    if (this.#userFaults.length === 0) return NO_PAGES;
    const faults = this.#userFaults;
    this.#userFaults = [];
    return faults;
  }

  /**
   * Brings absent pages in and holds them here until `release`: a read gets
   * the page, a write grabs it, through the segment's memory KDDM set
   * (reference §8). Pages are taken in one order on every node (segment id,
   * then page) and a page asked for both ways is grabbed once, so two
   * holders never wait on each other. A page whose mapping went away
   * meanwhile is skipped (the access then faults for real). On a KDDM
   * failure (the page's owner crashed) what was taken is put back and the
   * error is thrown.
   */
  async holdPages(pages: readonly AbsentPage[]): Promise<PageHold> {
    // One page (every CPU fault): no ordering to do.
    if (pages.length === 1) {
      const page = pages[0]!;
      const target = this.#shmTarget(page.address, page.access);
      const put =
        target === undefined ? undefined : await target.pager.hold(target.segPage, page.access);
      return { pages, release: () => put?.() };
    }
    const wanted = new Map<string, { pager: ShmPager; segPage: number; access: AccessKind }>();
    for (const page of pages) {
      const target = this.#shmTarget(page.address, page.access);
      if (target === undefined) continue;
      const key = `${target.pager.shmId}:${target.segPage}`;
      const known = wanted.get(key);
      if (known === undefined) wanted.set(key, { ...target, access: page.access });
      else if (page.access === 'write') known.access = 'write';
    }
    const order = [...wanted.values()].sort(
      (a, b) => a.pager.shmId - b.pager.shmId || a.segPage - b.segPage,
    );
    const puts: (() => void)[] = [];
    const releaseAll = (): void => {
      for (const put of puts.splice(0).reverse()) put();
    };
    try {
      for (const w of order) puts.push(await w.pager.hold(w.segPage, w.access));
    } catch (e) {
      releaseAll();
      throw e;
    }
    return { pages: [...pages], release: releaseAll };
  }

  /**
   * shmat's mapping: the whole segment, shared, at `addr` (MAP_FIXED when
   * `isFixed`) or where mmap would place it. The caller checked alignment
   * and overlap as Linux's do_shmat does.
   */
  attachShm(
    pager: ShmPager,
    addr: number,
    prot: number,
    isFixed: boolean,
    maxProt?: number,
  ): MmResult {
    const r = this.mmap({
      ...(maxProt === undefined ? {} : { maxProt }),
      addr,
      length: pager.pageCount * PAGE_BYTES,
      prot,
      flags: MAP_SHARED | (isFixed ? MAP_FIXED : 0),
      kind: 'shm',
      shmId: pager.shmId,
      offset: 0,
    });
    if (!r.ok) return r;
    if (!this.#shm.has(pager.shmId)) this.#shm.set(pager.shmId, { pager, vmas: 0 });
    this.#syncShm();
    return r;
  }

  /**
   * shmdt: unmaps the segment attached at `addr` (every piece of it, as
   * Linux does); EINVAL when no attachment starts there.
   */
  detachShm(addr: number): 'ok' | 'EINVAL' {
    if (addr % PAGE_BYTES !== 0) return 'EINVAL';
    const first = this.map.vmas
      .list()
      .find((v) => v.kind === 'shm' && v.end > addr && v.start - v.offset === addr);
    if (first === undefined) return 'EINVAL';
    const link = this.#shm.get(first.shmId ?? -1);
    assert(link !== undefined, 'a shm mapping has its segment attached');
    const end = addr + link.pager.pageCount * PAGE_BYTES;
    // A copy: each munmap changes the live list.
    for (const v of [...this.map.vmas.list()]) {
      if (v.kind !== 'shm' || v.shmId !== first.shmId || v.start < addr || v.end > end) continue;
      if (v.start - v.offset !== addr) continue;
      this.munmap(v.start, v.end - v.start);
    }
    return 'ok';
  }

  /**
   * Connects the shm mappings an import rebuilt (restart, migration) to
   * their segment's pager on this node, counting them as attachments.
   */
  reattachShm(pager: ShmPager): void {
    assert(!this.#shm.has(pager.shmId), 'a segment is reattached once');
    this.#shm.set(pager.shmId, { pager, vmas: 0 });
    this.#syncShm();
  }

  /** Segment ids of the shm mappings, attached or not yet reattached, ascending. */
  shmIdsMapped(): number[] {
    const ids = new Set<number>();
    for (const v of this.map.vmas.list())
      if (v.kind === 'shm' && v.shmId !== undefined) ids.add(v.shmId);
    return [...ids].sort((a, b) => a - b);
  }

  /** Segments attached now, by id ascending. */
  shmIds(): number[] {
    return [...this.#shm.keys()].sort((a, b) => a - b);
  }

  /** ShmAttacher: the node's copy of a segment page changed; the CPU must fault on it again. */
  shmPageChanged(shmId: number, segPage: number): void {
    for (const v of this.map.vmas.list()) {
      if (v.kind !== 'shm' || v.shmId !== shmId) continue;
      const address = v.start + segPage * PAGE_BYTES - v.offset;
      if (address >= v.start && address < v.end) this.onInvalidate(address, PAGE_BYTES);
    }
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
    // The page every handler returns through (ra = the trampoline), read and
    // execute only, at the same address in every process.
    const trampoline = this.map.mmap({
      addr: SIGRETURN_TRAMPOLINE_ADDRESS,
      length: PAGE_BYTES,
      prot: PROT_READ | PROT_EXEC,
      flags: MAP_FIXED | MAP_PRIVATE,
      kind: 'trampoline',
    });
    assert(trampoline.ok, 'the trampoline page is free in a fresh address space');
    this.#fill(SIGRETURN_TRAMPOLINE_ADDRESS, sigreturnTrampolinePage());
  }

  /**
   * Copies `length` bytes of user memory; EFAULT if any byte is not
   * readable now. Absent pages (takeUserFaults) up to the first real fault
   * are noted for the kernel, which brings them in and runs the call again.
   */
  readUser(address: number, length: number): Uint8Array | 'EFAULT' {
    if (!isUserRange(address, length)) return 'EFAULT';
    const out = new Uint8Array(length);
    let isAbsent = false;
    let done = 0;
    while (done < length) {
      const at = address + done;
      const pageIndex = Math.floor(at / PAGE_BYTES);
      const bytes = this.#bytesFor(pageIndex, 'read');
      const offset = at % PAGE_BYTES;
      const n = Math.min(PAGE_BYTES - offset, length - done);
      done += n;
      if (bytes === 'absent') {
        isAbsent = true;
        this.#noteUserFault(pageIndex, 'read');
        continue;
      }
      if (typeof bytes === 'string') return 'EFAULT';
      if (!isAbsent) out.set(bytes.subarray(offset, offset + n), done - n);
    }
    return isAbsent ? 'EFAULT' : out;
  }

  /**
   * Copies bytes into user memory; EFAULT (with nothing written) if any
   * byte is not writable now. Absent pages are noted as readUser notes them.
   */
  writeUser(address: number, bytes: Uint8Array): 'ok' | 'EFAULT' {
    if (!isUserRange(address, bytes.length)) return 'EFAULT';
    const first = Math.floor(address / PAGE_BYTES);
    const end = Math.ceil((address + bytes.length) / PAGE_BYTES);
    // Check every page first so a failing copy writes nothing.
    for (let p = first; p < end; p++) {
      const vma = this.map.vmas.find(p * PAGE_BYTES);
      if (vma === undefined || (vma.prot & PROT_WRITE) === 0) return 'EFAULT';
    }
    const targets: Uint8Array[] = [];
    let isAbsent = false;
    for (let p = first; p < end; p++) {
      const target = this.#bytesFor(p, 'write');
      if (target === 'absent') {
        isAbsent = true;
        this.#noteUserFault(p, 'write');
        continue;
      }
      if (typeof target === 'string') return 'EFAULT';
      targets.push(target);
    }
    if (isAbsent) return 'EFAULT';
    let done = 0;
    let isCodeTouched = false;
    for (let p = first; p < end; p++) {
      const at = Math.max(address, p * PAGE_BYTES);
      const n = Math.min((p + 1) * PAGE_BYTES, address + bytes.length) - at;
      targets[p - first]!.set(bytes.subarray(done, done + n), at % PAGE_BYTES);
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

  /**
   * mmap of a file (the caller checked the descriptor: file-mapping.ts): a
   * `file` mapping named for the file's path, its pages filled from the file
   * on first touch. `offset` is the file offset of the first byte.
   */
  mmapFile(
    file: MappableFile,
    req: { addr: number; length: number; prot: number; flags: number; offset: number },
  ): MmResult {
    // The file may have been written since an earlier mapping of it took its
    // snapshot: the newer snapshot serves every mapping of the path from now
    // on, so pages nobody touched yet show the file as it is — as Linux's
    // page cache shows it (pages already filled keep what they read).
    const maxProt = sharedFileMaxProt(req.flags);
    const r = this.mmap({
      ...req,
      ...(maxProt === undefined ? {} : { maxProt }),
      kind: 'file',
      name: file.path,
    });
    if (r.ok) this.#files.set(file.path, file);
    return r;
  }

  /** The files the `file` mappings view now, by path ascending (for the ghost section). */
  mappedFiles(): MappableFile[] {
    const paths = new Set<string>();
    for (const v of this.map.vmas.list()) if (v.kind === 'file') paths.add(this.#fileOf(v).path);
    return [...paths].sort().map((p) => this.#files.get(p)!);
  }

  munmap(address: number, lengthBytes: number): MmResult {
    return this.#apply(this.map.munmap(address, lengthBytes));
  }

  mprotect(address: number, lengthBytes: number, prot: number): MmResult {
    const r = this.map.mprotect(address, lengthBytes, prot);
    // EACCES may come after the mappings before the refusing one changed.
    const isChanged = r.ok || r.errno === 'EACCES';
    if (isChanged && lengthBytes > 0) this.onInvalidate(address, lengthBytes);
    if (isChanged) this.#syncShm();
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

  /** A copy-on-write child for fork: the same mappings, every frame shared, shm attachments inherited. */
  fork(): AddressSpace {
    const child = new AddressSpace();
    child.map.vmas.replaceAll(this.map.vmas.list());
    child.map.restoreBrk(this.map.startBrk, this.map.brk);
    for (const [index, frame] of this.#frames) child.#frames.set(index, frame.share());
    for (const [path, file] of this.#files) child.#files.set(path, file);
    for (const [shmId, link] of this.#shm) {
      child.#shm.set(shmId, { pager: link.pager, vmas: link.vmas });
      link.pager.attachDelta(child, link.vmas);
    }
    // The parent's CPU may hold write translations of now-shared frames.
    for (const vma of this.map.vmas.list()) {
      if ((vma.prot & PROT_WRITE) !== 0) this.onInvalidate(vma.start, vma.end - vma.start);
    }
    return child;
  }

  /** Drops every frame and detaches every shm segment (exit, exec replacing the space). */
  release(): void {
    for (const frame of this.#frames.values()) frame.release();
    this.#frames.clear();
    this.#files.clear();
    for (const link of this.#shm.values()) link.pager.attachDelta(this, -link.vmas);
    this.#shm.clear();
  }

  /** Resident pages in ascending order, for a ghost section (pages are not copied). */
  residentEntries(): [number, Uint8Array][] {
    return [...this.#frames.entries()].sort((a, b) => a[0] - b[0]).map(([i, f]) => [i, f.bytes]);
  }

  /** Rebuilds a space from a saved one (restart, migration): mappings, brk, pages and mapped files. */
  static fromParts(
    vmas: readonly Vma[],
    startBrk: number,
    brk: number,
    pages: Iterable<[number, Uint8Array]>,
    files: readonly MappableFile[] = [],
  ): AddressSpace {
    const space = new AddressSpace();
    for (const file of files) space.#files.set(file.path, file);
    assert(
      vmas.every((v) => v.kind !== 'file' || space.#files.has(v.name ?? '')),
      'every file mapping has its file',
    );
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

  /** The segment page behind a shm address `access` may use, if it is still mapped and attached. */
  #shmTarget(
    address: number,
    access: AccessKind,
  ): { pager: ShmPager; segPage: number } | undefined {
    const vma = this.map.vmas.find(address);
    if (vma === undefined || vma.kind !== 'shm' || !allows(vma, access)) return undefined;
    const link = this.#shm.get(vma.shmId ?? -1);
    if (link === undefined) return undefined;
    const segPage = shmPageOf(vma, address);
    return segPage < link.pager.pageCount ? { pager: link.pager, segPage } : undefined;
  }

  #noteUserFault(pageIndex: number, access: AccessKind): void {
    if (this.#userFaults.length < USER_FAULT_PAGES_MAX)
      this.#userFaults.push({ address: pageIndex * PAGE_BYTES, access });
  }

  /**
   * The bytes of a page for `access`: a frame of this space, or a shm page
   * of the node; 'absent' for a shm page that must be brought in first.
   */
  #bytesFor(pageIndex: number, access: AccessKind): Uint8Array | FaultKind | 'absent' {
    const vma = this.map.vmas.find(pageIndex * PAGE_BYTES);
    if (vma === undefined) return 'maperr';
    if (!allows(vma, access)) return 'accerr';
    if (vma.kind === 'shm') {
      const link = this.#shm.get(vma.shmId ?? -1);
      assert(link !== undefined, 'a shm mapping has its segment attached');
      const segPage = shmPageOf(vma, pageIndex * PAGE_BYTES);
      if (segPage >= link.pager.pageCount) return 'maperr';
      // Not here yet: the CPU faults and the kernel brings it in (holdPages).
      return link.pager.page(segPage, access) ?? 'absent';
    }
    const frame = this.#frameFor(vma, pageIndex, access);
    return typeof frame === 'string' ? frame : frame.bytes;
  }

  #frameFor(vma: Vma, pageIndex: number, access: AccessKind): PageFrame | FaultKind {
    let frame = this.#frames.get(pageIndex);
    if (frame === undefined) {
      let bytes: Uint8Array | undefined;
      if (vma.kind === 'file') {
        const page = filePage(vma, this.#fileOf(vma), pageIndex);
        if (page === 'bus') return 'bus';
        bytes = page;
      }
      if (this.#frames.size >= PAGES_PER_SPACE_MAX) return 'oom';
      frame = new PageFrame(bytes);
      this.#frames.set(pageIndex, frame);
    } else if (access === 'write' && frame.sharers > 1 && !vma.isShared) {
      frame = frame.breakCow();
      this.#frames.set(pageIndex, frame);
      // The CPU may still hold the shared frame for reading.
      this.onInvalidate(pageIndex * PAGE_BYTES, PAGE_BYTES);
    }
    return frame;
  }

  #fileOf(vma: Vma): MappableFile {
    const file = this.#files.get(vma.name ?? '');
    assert(vma.kind === 'file' && file !== undefined, 'a file mapping has its file');
    return file;
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
    if (result.ok) {
      this.#applyEffects(result.effects);
      this.#syncShm();
    }
    return result;
  }

  /**
   * Recounts the VMAs of every attached segment after a change of the
   * mappings (shmdt, munmap, a split by mprotect, MAP_FIXED over one) and
   * tells each segment's pager the difference: Linux's shm_open/shm_close.
   */
  #syncShm(): void {
    if (this.#shm.size === 0) return;
    const counts = new Map<number, number>();
    for (const v of this.map.vmas.list()) {
      if (v.kind === 'shm' && v.shmId !== undefined)
        counts.set(v.shmId, (counts.get(v.shmId) ?? 0) + 1);
    }
    for (const [shmId, link] of [...this.#shm]) {
      const now = counts.get(shmId) ?? 0;
      if (now !== link.vmas) {
        const delta = now - link.vmas;
        link.vmas = now;
        link.pager.attachDelta(this, delta);
      }
      if (now === 0) this.#shm.delete(shmId);
    }
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

const NO_PAGES: readonly AbsentPage[] = Object.freeze([]);

/** The segment page an address of a shm mapping shows. */
function shmPageOf(vma: Vma, address: number): number {
  return Math.floor((vma.offset + (address - vma.start)) / PAGE_BYTES);
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
