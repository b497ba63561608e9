// The conversations a node opened as a client, by conversation id.
//
// The node allocates the ids itself, so the table needs no hashing: ids go
// up one by one and an entry lives in slot `id mod capacity`. Allocation
// skips an id whose slot is taken; the table doubles when it is half full, so
// a probe almost always finds a free slot at once. (A Map here cost a hash, a
// tombstone and periodic rehashing per call.) Doubling keeps every live id in
// a slot of its own: two ids that differ mod the old capacity also differ mod
// the new one.
import { assert } from './assert.js';
import { RpcLimitExceeded } from './errors.js';
import { MAX_OPEN_CONVERSATIONS } from './limits.js';

/** What the table needs of an entry. */
export interface Conversation {
  readonly convId: number;
}

const INITIAL_CAPACITY = 16;
const MAX_CONV_ID = 0xffffffff;

export class ConversationTable<E extends Conversation> {
  private slots: (E | undefined)[] = new Array<E | undefined>(INITIAL_CAPACITY).fill(undefined);
  private mask = INITIAL_CAPACITY - 1;
  private count = 0;
  private nextId = 1;

  /** Entries in the table. */
  get size(): number {
    return this.count;
  }

  /**
   * A fresh conversation id (never 0) with a free slot. Throws
   * `RpcLimitExceeded` when `openElsewhere` plus the table's entries reach
   * MAX_OPEN_CONVERSATIONS.
   */
  allocateId(openElsewhere: number): number {
    if (this.count + openElsewhere >= MAX_OPEN_CONVERSATIONS) {
      throw new RpcLimitExceeded('MAX_OPEN_CONVERSATIONS', MAX_OPEN_CONVERSATIONS);
    }
    if (2 * (this.count + 1) > this.slots.length) this.grow();
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_CONV_ID ? 1 : id + 1;
      if (this.slots[id & this.mask] === undefined) return id;
    }
  }

  /** Adds an entry whose id came from `allocateId` (and was not added since). */
  add(entry: E): void {
    const i = entry.convId & this.mask;
    assert(this.slots[i] === undefined, 'a conversation id is added to a free slot');
    this.slots[i] = entry;
    this.count++;
  }

  get(convId: number): E | undefined {
    const entry = this.slots[convId & this.mask];
    return entry !== undefined && entry.convId === convId ? entry : undefined;
  }

  /** Removes `entry` if it is the one registered under its id; returns whether it was. */
  remove(entry: E): boolean {
    const i = entry.convId & this.mask;
    if (this.slots[i] !== entry) return false;
    this.slots[i] = undefined;
    this.count--;
    return true;
  }

  /** Every entry, in slot order (not call order); for rare walks such as a peer going down. */
  entries(): E[] {
    return this.slots.filter((e): e is E => e !== undefined);
  }

  clear(): void {
    this.slots = new Array<E | undefined>(INITIAL_CAPACITY).fill(undefined);
    this.mask = INITIAL_CAPACITY - 1;
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.slots.length * 2;
    const slots = new Array<E | undefined>(capacity).fill(undefined);
    const mask = capacity - 1;
    for (const e of this.slots) {
      if (e === undefined) continue;
      assert(slots[e.convId & mask] === undefined, 'ids distinct mod n stay distinct mod 2n');
      slots[e.convId & mask] = e;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
