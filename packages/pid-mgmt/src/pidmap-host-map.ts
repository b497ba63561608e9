// The pidmap-host map (Kerrighed's pidmap_map, object 0 of the `pidmap` KDDM
// set, reference §7): for every node id, which node currently holds that
// id's pidmap. These are the pure rules; the KDDM object that stores the map
// and the RPCs that move bitmaps come with the cluster (kernel issue).
import { checkNodeId } from './pid-layout.js';
import { NODES_MAX } from './limits.js';

/** `host[node]` is absent while node id `node` never had a pidmap in the cluster. */
export const NO_HOST = -1;

export type PidmapHosts = readonly number[];

/** A map in which no node id has a pidmap yet. */
export function emptyPidmapHosts(): PidmapHosts {
  return new Array<number>(NODES_MAX).fill(NO_HOST);
}

/** What a node must do with bitmaps when the map changes. */
export type PidmapMove =
  /** Fetch the bitmap of `owner` from `from` (EPM_PIDMAP_STEAL). */
  | { readonly kind: 'steal'; readonly owner: number; readonly from: number }
  /** Push the bitmap of `owner` to `to` (EPM_PIDMAP_INJECT). */
  | { readonly kind: 'inject'; readonly owner: number; readonly to: number }
  /** Create a fresh bitmap for `owner` on `at` (pidmap_map_alloc). */
  | { readonly kind: 'create'; readonly owner: number; readonly at: number };

export interface PidmapHostChange {
  readonly hosts: PidmapHosts;
  readonly moves: readonly PidmapMove[];
}

function withHost(hosts: PidmapHosts, owner: number, host: number): number[] {
  const next = [...hosts];
  next[owner] = host;
  return next;
}

/**
 * A node joins: it hosts its own pidmap again, taking it back from an
 * adoptive host if one kept it, or creating it if the id is new.
 */
export function joinNode(
  hosts: PidmapHosts,
  node: number,
  isAlive: (n: number) => boolean,
): PidmapHostChange {
  checkNodeId(node);
  const current = hosts[node] ?? NO_HOST;
  const next = withHost(hosts, node, node);
  if (current === node) return { hosts: next, moves: [] };
  if (current !== NO_HOST && isAlive(current)) {
    return { hosts: next, moves: [{ kind: 'steal', owner: node, from: current }] };
  }
  return { hosts: next, moves: [{ kind: 'create', owner: node, at: node }] };
}

/** A node leaves gracefully: every pidmap it holds moves to `heir`. */
export function leaveNode(hosts: PidmapHosts, node: number, heir: number): PidmapHostChange {
  checkNodeId(node);
  checkNodeId(heir);
  const next = [...hosts];
  const moves: PidmapMove[] = [];
  for (let owner = 0; owner < next.length; owner++) {
    if (next[owner] !== node) continue;
    next[owner] = heir;
    moves.push({ kind: 'inject', owner, to: heir });
  }
  return { hosts: next, moves };
}

/**
 * A node crashed (krg's rule; Kerrighed had none): the bitmaps it held are
 * lost with it, so `heir` (the next live node in ring order) starts a fresh
 * pidmap for each owner the dead node hosted, and becomes its host. The heir
 * must reserve in it the PIDs of that owner's processes still alive
 * elsewhere before the map is used; the owner takes it back when it
 * rejoins (joinNode's steal).
 */
export function adoptAfterCrash(hosts: PidmapHosts, dead: number, heir: number): PidmapHostChange {
  checkNodeId(dead);
  checkNodeId(heir);
  const next = [...hosts];
  const moves: PidmapMove[] = [];
  for (let owner = 0; owner < next.length; owner++) {
    if (next[owner] !== dead) continue;
    next[owner] = heir;
    moves.push({ kind: 'create', owner, at: heir });
  }
  return { hosts: next, moves };
}

/**
 * Where a PID of origin `owner` must be reserved (restart, reference §6.a):
 * its live host, or else `requester` adopts a fresh bitmap for it. A host that
 * crashed took the bitmap with it; the adopter must then re-reserve the PIDs
 * of the origin's processes that still live elsewhere before handing out new
 * ones (the kernel does that scan when it adopts).
 */
export function hostForReservation(
  hosts: PidmapHosts,
  owner: number,
  requester: number,
  isAlive: (n: number) => boolean,
): PidmapHostChange & { readonly host: number } {
  checkNodeId(owner);
  checkNodeId(requester);
  const current = hosts[owner] ?? NO_HOST;
  if (current !== NO_HOST && isAlive(current)) return { hosts, moves: [], host: current };
  return {
    hosts: withHost(hosts, owner, requester),
    moves: [{ kind: 'create', owner, at: requester }],
    host: requester,
  };
}
