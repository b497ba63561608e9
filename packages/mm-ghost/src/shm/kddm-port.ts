// What SysV shm needs from a node's KDDM, as a port: the exact subset of
// kddm-core's `KddmNode`, `KddmSet` and `IoLinker` shapes that shm uses, so
// the kernel hands its node's `KddmNode` over as is (TypeScript checks the
// fit where the kernel does it). mm-ghost does not import kddm-core itself:
// the kernel composes the two, the way it composes every subsystem's table.
// `SingleNodeKddm` implements the port for a kernel without a cluster KDDM.

/** One KDDM set as shm uses it (a subset of kddm-core's `KddmSet<T>`). */
export interface ShmKddmSet<T> {
  readonly id: number;
  /** kddm_get_object: a read copy, frozen until `put`; first touch if nobody has it. */
  get(objId: number): Promise<T | null>;
  /** kddm_grab_object: the exclusive writable copy, frozen until `put`. */
  grab(objId: number): Promise<T | null>;
  /** kddm_put_object. */
  put(objId: number): void;
  /** kddm_remove_object: gone cluster-wide. */
  remove(objId: number): Promise<void>;
  /** The synchronous fast path of get: the local copy if readable and uncontended (then frozen). */
  tryGetLocal(objId: number): T | undefined;
  /** The synchronous fast path of grab: the local copy if it is already the writable one. */
  tryGrabLocal(objId: number): T | undefined;
}

/** An IO linker as shm writes them (a subset of kddm-core's `IoLinker<T>`). */
export interface ShmKddmLinker<T> {
  readonly name: string;
  firstTouch?(objId: number): T;
  exportObject?(obj: T, objId: number): unknown;
  importObject?(data: unknown, objId: number, current: T | undefined): T;
  /** The local copy is dropped because another node took the object. */
  invalidateObject?(obj: T, objId: number): void;
  /** The local copy is dropped because the object is removed cluster-wide. */
  removeObject?(obj: T, objId: number): void;
  /** Every state change of the local entry (the numbers are kddm-core's `ObjectState`). */
  changeState?(objId: number, from: number | undefined, to: number | undefined): void;
}

/** Where a set's objects are born: system sets spread round-robin, a segment's pages on its creator. */
export type ShmHomeSpec = 'round-robin' | { readonly fixed: number };

export interface ShmCreateSetOptions {
  /** A static system-set id (SHMID 9, SHMKEY 10, SHMMAP 11); omitted for a dynamic set. */
  readonly id?: number;
  readonly linker: string;
  readonly home: ShmHomeSpec;
  readonly localExclusive?: boolean;
  readonly privateData?: unknown;
}

/** One node's KDDM as shm uses it (a subset of kddm-core's `KddmNode`). */
export interface ShmKddm {
  readonly self: number;
  registerLinker<T>(linker: ShmKddmLinker<T>): void;
  createSet<T>(options: ShmCreateSetOptions): ShmKddmSet<T>;
  set<T>(id: number): ShmKddmSet<T> | undefined;
  /** find_get_kddm_set: the set, looked up on its manager node if unknown here. */
  lookupSet<T>(id: number): Promise<ShmKddmSet<T>>;
}

/** kddm-core's static ids of the SysV shm sets (reference §1.2: SHMID 9, SHMKEY 10, SHMMAP 11). */
export const SHMID_SET_ID = 9;
export const SHMKEY_SET_ID = 10;
export const SHMMAP_SET_ID = 11;
