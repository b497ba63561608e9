// IO linkers (reference §1.7, include/kddm/io_linker.h): how a set's objects
// are created, shipped and dropped on one node. Every callback is optional
// except that a set must be able to create an object (`firstTouch` or
// `alloc`). Callbacks are synchronous: they manipulate local data only.
import { type NodeId } from './node-id.js';
import { type ObjectId } from './object-id.js';
import { type ObjectState } from './object-state.js';

export interface IoLinker<T> {
  /** Registered name; a node that looks a set up remotely instantiates the linker of this name. */
  readonly name: string;
  /** Create a brand-new object (first touch). Default: `alloc`. */
  firstTouch?(objId: ObjectId): T;
  /** Allocate an object before a received copy is imported; also the default first touch. */
  alloc?(objId: ObjectId): T;
  /** The value shipped in OBJECT_SEND (must be encodable by ghost-io's codec). Default: the object itself. */
  exportObject?(obj: T, objId: ObjectId): unknown;
  /** Build the local copy from a received value; `current` is the copy being refreshed, if any. Default: the value. */
  importObject?(data: unknown, objId: ObjectId, current: T | undefined): T;
  /** The object became present locally in `state`. */
  insertObject?(obj: T, objId: ObjectId, state: ObjectState): void;
  /** The local copy is dropped because another node took the object (invalidation, flush). */
  invalidateObject?(obj: T, objId: ObjectId): void;
  /** The local copy is dropped because the object is removed cluster-wide. */
  removeObject?(obj: T, objId: ObjectId): void;
  /** A holder released the object (kddm_put_object). */
  putObject?(obj: T, objId: ObjectId): void;
  /** FT_LINKED sets: the default owner received a synced copy (or synced locally). */
  syncObject?(obj: T, objId: ObjectId): void;
  /** Every state change of a local entry. */
  changeState?(objId: ObjectId, from: ObjectState | undefined, to: ObjectState | undefined): void;
  /** The home of `objId` for sets created with the `custom` home policy. */
  defaultOwner?(objId: ObjectId, presentNodes: readonly NodeId[], self: NodeId): NodeId;
}
