// The KDDM of a kernel that is the whole cluster: every object lives here,
// so get and grab answer at once (first touch when new) and nothing is ever
// invalidated. It implements the shm port for single-node kernels and for
// mm-ghost's own tests; a cluster passes its nodes' real `KddmNode`s instead.
import { ShmBadUsage } from './shm-errors.js';
import type { ShmCreateSetOptions, ShmKddm, ShmKddmLinker, ShmKddmSet } from './kddm-port.js';

const DYNAMIC_SET_BASE = 1 << 16;

class SingleNodeSet<T> implements ShmKddmSet<T> {
  readonly #objects = new Map<number, T>();

  constructor(
    readonly id: number,
    private readonly linker: ShmKddmLinker<T>,
  ) {}

  get(objId: number): Promise<T | null> {
    return Promise.resolve(this.#take(objId));
  }

  grab(objId: number): Promise<T | null> {
    return Promise.resolve(this.#take(objId));
  }

  put(): void {}

  remove(objId: number): Promise<void> {
    const obj = this.#objects.get(objId);
    if (obj !== undefined) this.linker.removeObject?.(obj, objId);
    this.#objects.delete(objId);
    return Promise.resolve();
  }

  tryGetLocal(objId: number): T | undefined {
    return this.#take(objId);
  }

  tryGrabLocal(objId: number): T | undefined {
    return this.#take(objId);
  }

  /** Objects present (for tests). */
  get size(): number {
    return this.#objects.size;
  }

  #take(objId: number): T {
    let obj = this.#objects.get(objId);
    if (obj === undefined) {
      if (this.linker.firstTouch === undefined)
        throw new ShmBadUsage(`linker ${this.linker.name} cannot create objects`);
      obj = this.linker.firstTouch(objId);
      this.#objects.set(objId, obj);
    }
    return obj;
  }
}

export class SingleNodeKddm implements ShmKddm {
  readonly self: number;
  readonly #linkers = new Map<string, ShmKddmLinker<unknown>>();
  readonly #sets = new Map<number, SingleNodeSet<unknown>>();
  #nextDynamic = DYNAMIC_SET_BASE;

  constructor(self = 0) {
    this.self = self;
  }

  registerLinker<T>(linker: ShmKddmLinker<T>): void {
    if (this.#linkers.has(linker.name))
      throw new ShmBadUsage(`linker ${linker.name} is already registered`);
    this.#linkers.set(linker.name, linker);
  }

  createSet<T>(options: ShmCreateSetOptions): ShmKddmSet<T> {
    const id = options.id ?? this.#nextDynamic++;
    if (this.#sets.has(id)) throw new ShmBadUsage(`set ${id} exists`);
    const linker = this.#linkers.get(options.linker);
    if (linker === undefined) throw new ShmBadUsage(`linker ${options.linker} is not registered`);
    const set = new SingleNodeSet<unknown>(id, linker);
    this.#sets.set(id, set);
    return set as unknown as ShmKddmSet<T>;
  }

  set<T>(id: number): ShmKddmSet<T> | undefined {
    return this.#sets.get(id) as unknown as ShmKddmSet<T> | undefined;
  }

  lookupSet<T>(id: number): Promise<ShmKddmSet<T>> {
    const set = this.set<T>(id);
    if (set === undefined) return Promise.reject(new ShmBadUsage(`no set ${id}`));
    return Promise.resolve(set);
  }
}
