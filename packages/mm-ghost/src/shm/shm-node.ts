// One node's System V shared memory (reference §8, ipc/shm_handler.c):
// segment descriptors in the SHMID KDDM set (objid = index), keys in SHMKEY
// (objid = key), the index map and cluster-wide totals in SHMMAP (object 0),
// and one memory KDDM set per segment whose pages are its objects (objid =
// offset / 4096, home = the creating node). Every node of a cluster runs
// one ShmNode over its own KddmNode; they share nothing but KDDM objects.
//
// Lock order, so that nodes never wait on each other in a cycle: a key
// object before the map object before a descriptor, and a descriptor is
// released before the map is taken again to free its index.
import { assert, type Credentials, type ErrnoName } from '@krg/epm-core';
import type { AddressSpace } from '../address-space.js';
import {
  MMAP_MIN_ADDR,
  PAGE_BYTES,
  SHMALL_PAGES,
  SHMLBA_BYTES,
  SHMMAX_BYTES,
  SHMMIN_BYTES,
  SHMMNI,
  SHM_ID_SEQ_MAX,
  TASK_SIZE,
} from '../limits.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '@krg/arch-riscv';
import {
  SHMID_SET_ID,
  SHMKEY_SET_ID,
  SHMMAP_SET_ID,
  type ShmKddm,
  type ShmKddmSet,
} from './kddm-port.js';
import {
  IPC_CREAT,
  IPC_EXCL,
  IPC_PRIVATE,
  SHM_DEST,
  SHM_EXEC,
  SHM_LOCKED,
  SHM_RDONLY,
  SHM_REMAP,
  SHM_RND,
  S_IRWXUGO,
  type ShmidDs,
  type ShmSetFields,
} from './shm-abi.js';
import {
  buildShmId,
  freeDescriptor,
  hasIpcPermission,
  isSegment,
  mayControl,
  splitShmId,
  toShmidDs,
  type ShmDescriptor,
} from './shm-descriptor.js';
import { ShmPager } from './shm-pager.js';

/** The SHMKEY object: the segment a key names, or -1. */
interface ShmKeyEntry {
  shmId: number;
}

/** The SHMMAP object 0: indices in use, the next sequence number, pages of all segments. */
interface ShmMap {
  usedIndices: number[];
  nextSeq: number;
  totalPages: number;
}

const DESCRIPTOR_LINKER = 'shm-descriptor';
const KEY_LINKER = 'shm-key';
const MAP_LINKER = 'shm-map';
const MAP_OBJECT = 0;

/** Who calls, for permissions, times and pids. */
export interface ShmCaller {
  readonly pid: number;
  readonly credentials: Credentials;
  /** CLOCK_REALTIME now, in whole seconds (shm_atime, shm_dtime, shm_ctime). */
  readonly nowS: number;
}

export interface ShmNodeOptions {
  readonly kddm: ShmKddm;
  /**
   * Runs background work on the node's scheduler: applying the attachment
   * changes that fork and exit make (their hooks cannot wait), and freeing a
   * destroyed segment's pages.
   */
  readonly spawn: (name: string, work: () => Promise<void>) => void;
}

/** What SHM_INFO reports (struct shm_info; krg never swaps, so the swap fields are 0). */
export interface ShmInfo {
  readonly usedIds: number;
  readonly totalPages: number;
  readonly rssPages: number;
  readonly highestIndex: number;
}

export type ShmResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: ErrnoName };

const ok = <T>(value: T): ShmResult<T> => ({ ok: true, value });
const err = (errno: ErrnoName): ShmResult<never> => ({ ok: false, errno });

export class ShmNode {
  readonly #kddm: ShmKddm;
  readonly #spawn: ShmNodeOptions['spawn'];
  readonly #descriptors: ShmKddmSet<ShmDescriptor>;
  readonly #keys: ShmKddmSet<ShmKeyEntry>;
  readonly #map: ShmKddmSet<ShmMap>;
  /** Pagers of segments this node created or attached, by segment id. */
  readonly #pagers = new Map<number, ShmPager>();
  /** Attachment changes by fork and exit not yet written to their descriptors. */
  readonly #pendingAttach = new Map<number, number>();
  /** Pages first touched here (the segments' home) not yet counted in their descriptors. */
  readonly #pendingTouched = new Map<number, number>();
  #isFlushScheduled = false;

  constructor(options: ShmNodeOptions) {
    this.#kddm = options.kddm;
    this.#spawn = options.spawn;
    const k = this.#kddm;
    k.registerLinker<ShmDescriptor>({ name: DESCRIPTOR_LINKER, firstTouch: freeDescriptor });
    k.registerLinker<ShmKeyEntry>({ name: KEY_LINKER, firstTouch: () => ({ shmId: -1 }) });
    k.registerLinker<ShmMap>({
      name: MAP_LINKER,
      firstTouch: () => ({ usedIndices: [], nextSeq: 0, totalPages: 0 }),
    });
    // System sets: every node creates them with the same static id (reference §1.2, all LOCAL_EXCLUSIVE).
    const system = { home: 'round-robin', localExclusive: true } as const;
    this.#descriptors = k.createSet({ id: SHMID_SET_ID, linker: DESCRIPTOR_LINKER, ...system });
    this.#keys = k.createSet({ id: SHMKEY_SET_ID, linker: KEY_LINKER, ...system });
    this.#map = k.createSet({ id: SHMMAP_SET_ID, linker: MAP_LINKER, ...system });
  }

  /** shmget: the id of the segment `key` names, creating it as `flags` ask. */
  async get(
    caller: ShmCaller,
    key: number,
    sizeBytes: number,
    flags: number,
  ): Promise<ShmResult<number>> {
    if (key === IPC_PRIVATE) return this.#create(caller, key, sizeBytes, flags);
    const keyObj = key >>> 0;
    const entry = await this.#keys.grab(keyObj);
    assert(entry !== null, 'a key object is created on first touch');
    try {
      if (entry.shmId < 0) {
        if ((flags & IPC_CREAT) === 0) return err('ENOENT');
        const created = await this.#create(caller, key, sizeBytes, flags);
        if (created.ok) entry.shmId = created.value;
        return created;
      }
      if ((flags & IPC_CREAT) !== 0 && (flags & IPC_EXCL) !== 0) return err('EEXIST');
      const { index } = splitShmId(entry.shmId)!;
      const d = await this.#descriptors.get(index);
      assert(d !== null && isSegment(d, entry.shmId), 'a key names a live segment');
      try {
        // shm_more_checks, then ipc_check_perms (ipc/util.c ipcget_public).
        if (d.sizeBytes < sizeBytes) return err('EINVAL');
        if (!hasIpcPermission(d, caller.credentials, flags)) return err('EACCES');
        return ok(entry.shmId);
      } finally {
        this.#descriptors.put(index);
      }
    } finally {
      this.#keys.put(keyObj);
    }
  }

  /** newseg: a new segment and its memory set, homed on this node. */
  async #create(
    caller: ShmCaller,
    key: number,
    sizeBytes: number,
    flags: number,
  ): Promise<ShmResult<number>> {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < SHMMIN_BYTES || sizeBytes > SHMMAX_BYTES)
      return err('EINVAL');
    const pages = Math.ceil(sizeBytes / PAGE_BYTES);
    const map = await this.#map.grab(MAP_OBJECT);
    assert(map !== null, 'the shm map is created on first touch');
    try {
      if (map.totalPages + pages > SHMALL_PAGES) return err('ENOSPC');
      if (map.usedIndices.length >= SHMMNI) return err('ENOSPC');
      let index = 0;
      for (const used of map.usedIndices) {
        if (used !== index) break;
        index++;
      }
      const seq = map.nextSeq;
      const shmId = buildShmId(index, seq);
      const pager = this.#newPager(shmId, sizeBytes, undefined);
      const d = await this.#descriptors.grab(index);
      assert(d !== null && !d.isUsed, 'a free index has a free descriptor');
      Object.assign(d, {
        isUsed: true,
        seq,
        key,
        uid: caller.credentials.euid,
        gid: caller.credentials.egid,
        cuid: caller.credentials.euid,
        cgid: caller.credentials.egid,
        mode: flags & S_IRWXUGO,
        sizeBytes,
        atimeS: 0,
        dtimeS: 0,
        ctimeS: caller.nowS,
        cpid: caller.pid,
        lpid: 0,
        nattch: 0,
        rssPages: 0,
        memSetId: pager.pages.id,
        homeNode: this.#kddm.self,
      } satisfies ShmDescriptor);
      this.#descriptors.put(index);
      map.usedIndices.splice(index, 0, index);
      map.nextSeq = (seq + 1) % SHM_ID_SEQ_MAX;
      map.totalPages += pages;
      return ok(shmId);
    } finally {
      this.#map.put(MAP_OBJECT);
    }
  }

  /**
   * shmat (ipc/shm.c do_shmat): checks the address and the caller's rights,
   * maps the segment into `space` and counts the attachment. The address
   * the segment was mapped at, or Linux's errno.
   */
  async attach(
    caller: ShmCaller,
    space: AddressSpace,
    shmId: number,
    addr: number,
    flags: number,
  ): Promise<ShmResult<number>> {
    const split = splitShmId(shmId);
    if (split === undefined) return err('EINVAL');
    let at = addr;
    if (at !== 0) {
      if (at % SHMLBA_BYTES !== 0) {
        if ((flags & SHM_RND) === 0) return err('EINVAL');
        at -= at % SHMLBA_BYTES;
        if (at === 0 && (flags & SHM_REMAP) !== 0) return err('EINVAL');
      }
    } else if ((flags & SHM_REMAP) !== 0) return err('EINVAL');
    const isReadOnly = (flags & SHM_RDONLY) !== 0;
    let prot = isReadOnly ? PROT_READ : PROT_READ | PROT_WRITE;
    let access = isReadOnly ? 0o444 : 0o666;
    if ((flags & SHM_EXEC) !== 0) {
      prot |= PROT_EXEC;
      access |= 0o111;
    }
    const d = await this.#descriptors.grab(split.index);
    assert(d !== null, 'descriptors are created on first touch');
    try {
      if (!isSegment(d, shmId)) return err('EINVAL');
      if (!hasIpcPermission(d, caller.credentials, access)) return err('EACCES');
      const length = Math.ceil(d.sizeBytes / PAGE_BYTES) * PAGE_BYTES;
      if (at !== 0) {
        if (at < MMAP_MIN_ADDR || at + length > TASK_SIZE) return err('EINVAL');
        if ((flags & SHM_REMAP) === 0 && !space.map.vmas.isFree(at, at + length))
          return err('EINVAL');
      }
      const pager = await this.#pagerOf(shmId, d);
      // SHM_RDONLY opens the segment read-only: mprotect can never add PROT_WRITE (no VM_MAYWRITE).
      const maxProt = isReadOnly ? PROT_READ | PROT_EXEC : undefined;
      const r = space.attachShm(pager, at, prot, at !== 0, maxProt);
      if (!r.ok) return err(r.errno);
      this.#applyPending(shmId, d);
      d.atimeS = caller.nowS;
      d.lpid = caller.pid;
      return ok(r.addr);
    } finally {
      this.#descriptors.put(split.index);
    }
  }

  /**
   * Reattaches the shm mappings of an imported address space (restart,
   * migration) to their segments: each must still be the live segment its
   * id names and as large as its mappings. The id of the first segment that
   * is not, with nothing attached; undefined when all are reattached.
   */
  async reattach(space: AddressSpace): Promise<number | undefined> {
    const ids = space.shmIdsMapped();
    for (const shmId of ids) {
      const split = splitShmId(shmId);
      if (split === undefined) return this.#undoReattach(space, shmId);
      const d = await this.#descriptors.grab(split.index);
      assert(d !== null, 'descriptors are created on first touch');
      try {
        const pageCount = Math.ceil(d.sizeBytes / PAGE_BYTES);
        const fits = space.map.vmas
          .list()
          .every(
            (v) =>
              v.kind !== 'shm' ||
              v.shmId !== shmId ||
              v.offset + (v.end - v.start) <= pageCount * PAGE_BYTES,
          );
        if (!isSegment(d, shmId) || !fits) return this.#undoReattach(space, shmId);
        space.reattachShm(await this.#pagerOf(shmId, d));
        this.#applyPending(shmId, d);
      } finally {
        this.#descriptors.put(split.index);
      }
    }
    return undefined;
  }

  /** A failed reattach: the caller releases the space, which detaches what was reattached. */
  #undoReattach(_space: AddressSpace, failed: number): number {
    return failed;
  }

  /** shmdt: detaches the segment attached at `addr`. */
  async detach(caller: ShmCaller, space: AddressSpace, addr: number): Promise<ShmResult<0>> {
    const vma = space.map.vmas.find(addr);
    const shmId = vma?.kind === 'shm' ? vma.shmId : undefined;
    if (space.detachShm(addr) === 'EINVAL') return err('EINVAL');
    assert(shmId !== undefined, 'a detached mapping was a shm mapping');
    const split = splitShmId(shmId)!;
    const d = await this.#descriptors.grab(split.index);
    assert(d !== null, 'descriptors are created on first touch');
    let destroy: ShmDescriptor | undefined;
    try {
      if (isSegment(d, shmId)) {
        d.dtimeS = caller.nowS;
        d.lpid = caller.pid;
        destroy = this.#applyPending(shmId, d);
      }
    } finally {
      this.#descriptors.put(split.index);
    }
    if (destroy !== undefined) await this.#freeIndex(shmId, destroy);
    return ok(0);
  }

  /** shmctl IPC_STAT / SHM_STAT: the descriptor as the caller may read it. */
  async stat(caller: ShmCaller, shmId: number): Promise<ShmResult<ShmidDs>> {
    return this.#withSegment(shmId, (d) => {
      if (!hasIpcPermission(d, caller.credentials, 0o444)) return err('EACCES');
      return ok(toShmidDs(d));
    });
  }

  /**
   * shmctl SHM_STAT / SHM_STAT_ANY (ipc/shm.c shmctl_stat): the segment at
   * `index` (not an id) and its full id. SHM_STAT checks read permission,
   * SHM_STAT_ANY does not (it is /proc/sysvipc's view). EINVAL for an
   * index with no segment.
   */
  async statIndex(
    caller: ShmCaller,
    index: number,
    isAny: boolean,
  ): Promise<ShmResult<{ shmId: number; ds: ShmidDs }>> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= SHMMNI) return err('EINVAL');
    const d = await this.#descriptors.get(index);
    assert(d !== null, 'descriptors are created on first touch');
    try {
      if (!d.isUsed) return err('EINVAL');
      if (!isAny && !hasIpcPermission(d, caller.credentials, 0o444)) return err('EACCES');
      return ok({ shmId: buildShmId(index, d.seq), ds: toShmidDs(d) });
    } finally {
      this.#descriptors.put(index);
    }
  }

  /**
   * shmctl SHM_INFO (shmctl_shm_info): segments in use, their pages, the
   * pages first touched (resident: krg never swaps) and the highest index
   * in use. This node's pending counts are written first; another node's
   * just-made first touches may still be on their way.
   */
  async info(): Promise<ShmInfo> {
    await this.flushAttachments();
    const map = await this.#map.get(MAP_OBJECT);
    assert(map !== null, 'the shm map is created on first touch');
    const indices = [...map.usedIndices];
    const totalPages = map.totalPages;
    this.#map.put(MAP_OBJECT);
    let rssPages = 0;
    for (const index of indices) {
      const d = await this.#descriptors.get(index);
      assert(d !== null, 'descriptors are created on first touch');
      if (d.isUsed) rssPages += d.rssPages;
      this.#descriptors.put(index);
    }
    return {
      usedIds: indices.length,
      totalPages,
      rssPages,
      highestIndex: indices[indices.length - 1] ?? 0,
    };
  }

  /** shmctl IPC_SET: new owner and permission bits. */
  async set(caller: ShmCaller, shmId: number, fields: ShmSetFields): Promise<ShmResult<0>> {
    return this.#withSegment(shmId, (d) => {
      if (!mayControl(d, caller.credentials)) return err('EPERM');
      d.uid = fields.uid;
      d.gid = fields.gid;
      d.mode = (d.mode & ~S_IRWXUGO) | (fields.mode & S_IRWXUGO);
      d.ctimeS = caller.nowS;
      return ok(0);
    });
  }

  /** shmctl SHM_LOCK / SHM_UNLOCK: only the SHM_LOCKED bit (every krg page is resident). */
  async lock(caller: ShmCaller, shmId: number, isLock: boolean): Promise<ShmResult<0>> {
    return this.#withSegment(shmId, (d) => {
      // Without CAP_IPC_LOCK Linux checks RLIMIT_MEMLOCK; krg lets only euid 0 lock.
      if (caller.credentials.euid !== 0) return err('EPERM');
      d.mode = isLock ? d.mode | SHM_LOCKED : d.mode & ~SHM_LOCKED;
      return ok(0);
    });
  }

  /**
   * shmctl IPC_RMID: the key is forgotten at once; the segment is destroyed
   * now if nobody is attached, else marked SHM_DEST and destroyed by the
   * last detach.
   */
  async remove(caller: ShmCaller, shmId: number): Promise<ShmResult<0>> {
    const split = splitShmId(shmId);
    if (split === undefined) return err('EINVAL');
    // Read the key first: the key object is taken before the descriptor (lock order).
    const peek = await this.#descriptors.get(split.index);
    assert(peek !== null, 'descriptors are created on first touch');
    const isLive = isSegment(peek, shmId);
    const key = peek.key;
    this.#descriptors.put(split.index);
    if (!isLive) return err('EINVAL');
    const keyObj = key >>> 0;
    const keyEntry = key === IPC_PRIVATE ? undefined : await this.#keys.grab(keyObj);
    let destroy: ShmDescriptor | undefined;
    try {
      const d = await this.#descriptors.grab(split.index);
      assert(d !== null, 'descriptors are created on first touch');
      try {
        if (!isSegment(d, shmId)) return err('EINVAL');
        if (!mayControl(d, caller.credentials)) return err('EPERM');
        if (keyEntry !== undefined && keyEntry !== null && keyEntry.shmId === shmId)
          keyEntry.shmId = -1;
        d.key = IPC_PRIVATE;
        d.mode |= SHM_DEST;
        d.ctimeS = caller.nowS;
        this.#applyPending(shmId, d);
        if (d.nattch === 0) destroy = this.#release(d);
      } finally {
        this.#descriptors.put(split.index);
      }
    } finally {
      if (keyEntry !== undefined) this.#keys.put(keyObj);
    }
    if (destroy !== undefined) await this.#freeIndex(shmId, destroy);
    return ok(0);
  }

  /** IPC_INFO's answer: the highest index in use (or 0) and the limits. */
  async highestIndex(): Promise<number> {
    const map = await this.#map.get(MAP_OBJECT);
    assert(map !== null, 'the shm map is created on first touch');
    const highest = map.usedIndices[map.usedIndices.length - 1] ?? 0;
    this.#map.put(MAP_OBJECT);
    return highest;
  }

  /**
   * Writes every attachment change fork and exit left pending on this node,
   * and the first touches counted here; resolves when done.
   */
  async flushAttachments(): Promise<void> {
    const ids = new Set([...this.#pendingAttach.keys(), ...this.#pendingTouched.keys()]);
    for (const shmId of [...ids].sort((a, b) => a - b)) {
      const split = splitShmId(shmId)!;
      const d = await this.#descriptors.grab(split.index);
      assert(d !== null, 'descriptors are created on first touch');
      let destroy: ShmDescriptor | undefined;
      try {
        if (isSegment(d, shmId)) destroy = this.#applyPending(shmId, d);
        else {
          // destroyed meanwhile
          this.#pendingAttach.delete(shmId);
          this.#pendingTouched.delete(shmId);
        }
      } finally {
        this.#descriptors.put(split.index);
      }
      if (destroy !== undefined) await this.#freeIndex(shmId, destroy);
    }
  }

  /** The pager of a segment on this node (tests, the kernel's counters). */
  pager(shmId: number): ShmPager | undefined {
    return this.#pagers.get(shmId);
  }

  async #withSegment<T>(
    shmId: number,
    act: (d: ShmDescriptor) => ShmResult<T>,
  ): Promise<ShmResult<T>> {
    const split = splitShmId(shmId);
    if (split === undefined) return err('EINVAL');
    const d = await this.#descriptors.grab(split.index);
    assert(d !== null, 'descriptors are created on first touch');
    let destroy: ShmDescriptor | undefined;
    let result: ShmResult<T>;
    try {
      if (!isSegment(d, shmId)) return err('EINVAL');
      destroy = this.#applyPending(shmId, d);
      result = destroy === undefined ? act(d) : err('EINVAL');
    } finally {
      this.#descriptors.put(split.index);
    }
    if (destroy !== undefined) await this.#freeIndex(shmId, destroy);
    return result;
  }

  /**
   * Adds this node's pending attachment change to a held descriptor. When
   * that leaves a removed segment unattached, the descriptor is freed and
   * returned: the caller frees its index and pages after the put.
   */
  #applyPending(shmId: number, d: ShmDescriptor): ShmDescriptor | undefined {
    d.rssPages += this.#pendingTouched.get(shmId) ?? 0;
    this.#pendingTouched.delete(shmId);
    const delta = this.#pendingAttach.get(shmId) ?? 0;
    this.#pendingAttach.delete(shmId);
    d.nattch += delta;
    assert(d.nattch >= 0, 'shm_nattch never goes below zero');
    if (delta !== 0 && d.nattch === 0 && (d.mode & SHM_DEST) !== 0) return this.#release(d);
    return undefined;
  }

  /** Frees a held descriptor (its index stays used in the map until #freeIndex). */
  #release(d: ShmDescriptor): ShmDescriptor {
    const gone = { ...d };
    d.isUsed = false;
    d.key = IPC_PRIVATE;
    d.nattch = 0;
    return gone;
  }

  /** shm_destroy's second half: the index and pages back to the map, the pages out of KDDM. */
  async #freeIndex(shmId: number, gone: ShmDescriptor): Promise<void> {
    const { index } = splitShmId(shmId)!;
    const map = await this.#map.grab(MAP_OBJECT);
    assert(map !== null, 'the shm map is created on first touch');
    const at = map.usedIndices.indexOf(index);
    assert(at >= 0, 'a destroyed segment held its index');
    map.usedIndices.splice(at, 1);
    map.totalPages -= Math.ceil(gone.sizeBytes / PAGE_BYTES);
    this.#map.put(MAP_OBJECT);
    const pages = await this.#lookupPages(shmId, gone.memSetId);
    this.#pagers.delete(shmId);
    this.#spawn(`shm:${shmId}:free-pages`, async () => {
      for (let p = 0; p < Math.ceil(gone.sizeBytes / PAGE_BYTES); p++) await pages.remove(p);
    });
  }

  async #pagerOf(shmId: number, d: ShmDescriptor): Promise<ShmPager> {
    const known = this.#pagers.get(shmId);
    if (known !== undefined) return known;
    return this.#newPager(shmId, d.sizeBytes, await this.#lookupPages(shmId, d.memSetId));
  }

  #lookupPages(shmId: number, memSetId: number): Promise<ShmKddmSet<Uint8Array>> {
    this.#registerPageLinker(shmId);
    return this.#kddm.lookupSet<Uint8Array>(memSetId);
  }

  /** A pager over an existing memory set, or over a new one homed here (`pages` undefined). */
  #newPager(shmId: number, sizeBytes: number, pages: ShmKddmSet<Uint8Array> | undefined): ShmPager {
    let set = pages;
    if (set === undefined) {
      this.#registerPageLinker(shmId);
      set = this.#kddm.createSet<Uint8Array>({
        linker: pageLinkerName(shmId),
        home: { fixed: this.#kddm.self },
        privateData: { shmId },
      });
    }
    const pager = new ShmPager(shmId, sizeBytes, set, (_, delta) => this.#noteAttach(shmId, delta));
    this.#pagers.set(shmId, pager);
    return pager;
  }

  readonly #registeredLinkers = new Set<string>();

  /**
   * The memory linker of one segment (reference: SHM_MEMORY_LINKER): zero
   * pages on first touch, the 4096 bytes on the wire, and every change of
   * the local copy reported to the segment's pager here. Named per segment
   * because a linker's callbacks do not say which set they serve.
   */
  #registerPageLinker(shmId: number): void {
    const name = pageLinkerName(shmId);
    if (this.#registeredLinkers.has(name)) return;
    this.#registeredLinkers.add(name);
    const changed = (segPage: number): void => this.#pagers.get(shmId)?.pageChanged(segPage);
    this.#kddm.registerLinker<Uint8Array>({
      name,
      // First touch happens on the home (this node, the creator): shm_rss counts it.
      firstTouch: () => {
        this.#notePending(this.#pendingTouched, shmId, 1);
        return new Uint8Array(PAGE_BYTES);
      },
      exportObject: (page) => page,
      importObject: (data, _segPage, current) => {
        if (!(data instanceof Uint8Array) || data.length !== PAGE_BYTES)
          throw new TypeError(`a shm page is ${PAGE_BYTES} bytes`);
        if (current === undefined) return new Uint8Array(data);
        current.set(data);
        return current;
      },
      invalidateObject: (_page, segPage) => changed(segPage),
      removeObject: (_page, segPage) => changed(segPage),
      changeState: (segPage) => changed(segPage),
    });
  }

  #noteAttach(shmId: number, delta: number): void {
    this.#notePending(this.#pendingAttach, shmId, delta);
  }

  #notePending(pending: Map<number, number>, shmId: number, delta: number): void {
    pending.set(shmId, (pending.get(shmId) ?? 0) + delta);
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    this.#spawn('shm:attachments', async () => {
      this.#isFlushScheduled = false;
      await this.flushAttachments();
    });
  }
}

function pageLinkerName(shmId: number): string {
  return `shm-pages:${shmId}`;
}
