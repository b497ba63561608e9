// BSD file locks (flock(2)): advisory, whole-file, shared or exclusive,
// owned by an open file description — dup'd and inherited descriptors share
// one — and dropped when it is unlocked or its last reference goes. The
// lock lives on what the description opens (a tree inode, a pipe), so it
// is seen by every process of every node that opens the same file: the
// tree is one for the cluster. A conversion drops the old lock first, as
// Linux's flock_lock_inode does, so it is not atomic.
import { WaitQueue, assert } from '@krg/epm-core';

export type FlockKind = 'shared' | 'exclusive';

interface Locks {
  readonly holders: Map<object, FlockKind>;
  /** Woken whenever a lock on the file goes: blocked lockers try again. */
  readonly released: WaitQueue;
}

// Keyed by the locked object itself, so each cluster's files carry their own.
const LOCKS = new WeakMap<object, Locks>();

function locksOf(file: object): Locks {
  let locks = LOCKS.get(file);
  if (locks === undefined) {
    locks = { holders: new Map(), released: new WaitQueue() };
    LOCKS.set(file, locks);
  }
  return locks;
}

/** The lock `owner` (an open file description) holds on `file`, if any. */
export function flockHeld(file: object, owner: object): FlockKind | undefined {
  return LOCKS.get(file)?.holders.get(owner);
}

/**
 * Takes (or converts to) a lock of `kind` for `owner`; answers the queue
 * to wait on when another owner's lock is in the way.
 */
export function flockTry(file: object, owner: object, kind: FlockKind): 'ok' | WaitQueue {
  const locks = locksOf(file);
  if (locks.holders.get(owner) === kind) return 'ok';
  flockRelease(file, owner);
  for (const [other, held] of locks.holders) {
    assert(other !== owner, 'released above');
    if (kind === 'exclusive' || held === 'exclusive') return locks.released;
  }
  locks.holders.set(owner, kind);
  return 'ok';
}

/** Drops `owner`'s lock on `file` (LOCK_UN, or its last close) and wakes the waiters. */
export function flockRelease(file: object, owner: object): void {
  const locks = LOCKS.get(file);
  if (locks === undefined || !locks.holders.delete(owner)) return;
  locks.released.wakeAll();
}
