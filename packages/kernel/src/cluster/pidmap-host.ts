// The pidmaps a node holds and the pidmap-host map (reference §7): a node
// hosts its own pidmap, and may hold foreign ones it adopted. The map (the
// `pidmap` KDDM set's object 0) says who holds which. A node that reboots
// takes its pidmap back from the node that adopted it (EPM_PIDMAP_STEAL);
// when a node crashes, its heir — the next live node in ring order — starts
// a fresh pidmap for every owner the dead node held, with the PIDs of that
// owner's processes still alive elsewhere reserved (pid-mgmt's
// adoptAfterCrash). So a PID is never handed out twice while its process
// or its reservation lives.
import {
  PIDMAP_MAP_OBJECT,
  PIDMAP_MAP_SET_ID,
  Pidmap,
  adoptAfterCrash,
  joinNode,
  origNode,
  shortPid,
  NODES_MAX,
  type PidmapHostChange,
  type PidmapHosts,
  type PidmapMapObject,
  type PidmapMove,
} from '@krg/pid-mgmt';
import type { KddmSet } from '@krg/kddm-core';
import { RpcError } from '@krg/krg-rpc';
import { assert } from '@krg/epm-core';
import type { NodeKernel } from '../process/node-kernel.js';
import { clusterPs } from './process-view.js';

/** krg-rpc service id of pidmap moves ("PM"). */
export const PIDMAP_SERVICE = 0x504d;

export interface PidmapHostOptions {
  /** Is node `n` up (the cluster's membership)? */
  readonly isUp: (n: number) => boolean;
  /** Every node id of the cluster. */
  readonly nodeIds: readonly number[];
}

export class PidmapHost {
  readonly #kernel: NodeKernel;
  readonly #options: PidmapHostOptions;
  /** Pidmaps of other node ids this node adopted, by owner. */
  readonly foreign = new Map<number, Pidmap>();
  /** Map updates that failed (the map's home was down): adoption waits for its return. */
  failures = 0;

  constructor(kernel: NodeKernel, options: PidmapHostOptions) {
    this.#kernel = kernel;
    this.#options = options;
    kernel.rpc.register(PIDMAP_SERVICE, (args) => this.#serve(args));
  }

  #map(): KddmSet<PidmapMapObject> {
    const set = this.#kernel.kddm.set<PidmapMapObject>(PIDMAP_MAP_SET_ID);
    assert(set !== undefined, 'the pidmap set exists on every node');
    return set;
  }

  #serve(args: unknown): Promise<unknown> {
    const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
    if (a.op === 'steal') return Promise.resolve(this.#handOver(a.owner));
    const request = checkMapRequest(a);
    if (request === undefined) return Promise.resolve(null);
    return this.#applyHere(request);
  }

  /** A rebooted owner takes its pidmap back (EPM_PIDMAP_STEAL): the image, and this node forgets it. */
  #handOver(owner: unknown): unknown {
    if (typeof owner !== 'number') return null;
    const map = this.foreign.get(owner);
    if (map === undefined) return null;
    this.foreign.delete(owner);
    return map.toImage();
  }

  /**
   * Applies a map change on the map's home (this node), under the object's
   * write lock. The map's ownership never leaves its home: KDDM cannot yet
   * recover an object whose owner crashed (kddm-core README), and the map
   * must outlive any node but its home.
   */
  async #applyHere(request: MapRequest): Promise<PidmapHostChange | null> {
    const set = this.#map();
    if (set.defaultOwnerOf(PIDMAP_MAP_OBJECT) !== this.#kernel.id) return null;
    const obj = set.tryGrabLocal(PIDMAP_MAP_OBJECT) ?? (await set.grab(PIDMAP_MAP_OBJECT));
    assert(obj !== null, 'grab with first touch returns the map');
    const change = applyMapRequest(obj.hosts, request, this.#options.isUp);
    obj.hosts = change.hosts;
    set.put(PIDMAP_MAP_OBJECT);
    return change;
  }

  /** Asks the map's home to apply a change; undefined if the home is down (reregister on its return). */
  async #change(request: MapRequest): Promise<PidmapHostChange | undefined> {
    const home = this.#map().defaultOwnerOf(PIDMAP_MAP_OBJECT);
    if (home === this.#kernel.id) return (await this.#applyHere(request)) ?? undefined;
    if (!this.#options.isUp(home)) {
      this.failures++;
      return undefined;
    }
    try {
      const answer = await this.#kernel.rpc.call(PIDMAP_SERVICE, home, request);
      const change = checkChange(answer);
      if (change === undefined) this.failures++;
      return change;
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      this.failures++;
      return undefined;
    }
  }

  /**
   * First boot of the whole cluster: every node hosts its own pidmap. Run on
   * the map's home node, where it completes at once (no other node has
   * touched the map yet).
   */
  static initialMap(kernel: NodeKernel, nodeIds: readonly number[]): void {
    const set = kernel.kddm.set<PidmapMapObject>(PIDMAP_MAP_SET_ID);
    assert(set !== undefined, 'the pidmap set exists on every node');
    assert(set.defaultOwnerOf(PIDMAP_MAP_OBJECT) === kernel.id, 'the map is set up at its home');
    const obj = set.tryGrabLocal(PIDMAP_MAP_OBJECT);
    let done = false;
    const fill = (o: PidmapMapObject): void => {
      let hosts = o.hosts;
      for (const id of nodeIds) hosts = joinNode(hosts, id, () => true).hosts;
      o.hosts = hosts;
      set.put(PIDMAP_MAP_OBJECT);
      done = true;
    };
    if (obj !== undefined) fill(obj);
    else
      set.startOp(PIDMAP_MAP_OBJECT, { verb: 'grab', flags: 0, waiting: false }, (c) => {
        if (c.ok && c.value !== null) fill(c.value);
      });
    assert(done, 'the first map is written synchronously on its home');
  }

  /**
   * A rebooted node joins (reference §7): it hosts its own pidmap again,
   * stealing it back from the node that adopted it, so the PIDs reserved
   * there meanwhile stay taken. The node allocates no PID before the join
   * completes (the Cluster does not start programs on a joining node).
   */
  async join(): Promise<void> {
    const self = this.#kernel.id;
    const change = await this.#change({ op: 'join', node: self });
    if (change === undefined) return;
    for (const move of change.moves) {
      if (move.kind !== 'steal') continue;
      let image: unknown = null;
      try {
        image = await this.#kernel.rpc.call(PIDMAP_SERVICE, move.from, {
          op: 'steal',
          owner: self,
        });
      } catch (e) {
        if (!(e instanceof RpcError)) throw e;
      }
      if (image === null) continue;
      this.#kernel.installPidmap(Pidmap.fromImage(image));
    }
  }

  /**
   * Node `dead` crashed and this node is its heir: adopt a fresh pidmap for
   * each owner the dead node held, with the PIDs of that owner's processes
   * still alive on the other nodes reserved.
   */
  async adopt(dead: number): Promise<void> {
    const self = this.#kernel.id;
    const change = await this.#change({ op: 'adopt', node: dead, heir: self });
    if (change === undefined || change.moves.length === 0) return;
    const live = this.#options.nodeIds.filter((n) => n !== dead && this.#options.isUp(n));
    const rows = await clusterPs(this.#kernel, live);
    for (const move of change.moves) {
      const map = new Pidmap(move.owner);
      for (const row of rows)
        if (origNode(row.pid) === move.owner && !map.isAllocated(shortPid(row.pid)))
          map.reserve(shortPid(row.pid));
      this.foreign.set(move.owner, map);
    }
  }

  /**
   * The map's home came back with an empty map (its copy died with it):
   * this node registers again every pidmap it holds, its own and adopted ones.
   */
  async reregister(): Promise<void> {
    const self = this.#kernel.id;
    const owners = [self, ...this.foreign.keys()];
    await this.#change({ op: 'register', node: self, owners });
  }

  /** The heir of `dead`: the next live node after it in ring order (every node computes the same). */
  static heirOf(dead: number, nodeIds: readonly number[], isUp: (n: number) => boolean): number {
    const ring = [...nodeIds.filter((n) => n > dead), ...nodeIds.filter((n) => n < dead)];
    return ring.find(isUp) ?? dead;
  }
}

/** A change of the pidmap-host map, as sent to the map's home. */
type MapRequest =
  | { readonly op: 'join'; readonly node: number }
  | { readonly op: 'adopt'; readonly node: number; readonly heir: number }
  | { readonly op: 'register'; readonly node: number; readonly owners: readonly number[] };

const isNode = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < NODES_MAX;

/** A request from the network, checked field by field. */
function checkMapRequest(a: Record<string, unknown>): MapRequest | undefined {
  if (!isNode(a.node)) return undefined;
  if (a.op === 'join') return { op: 'join', node: a.node };
  if (a.op === 'adopt' && isNode(a.heir)) return { op: 'adopt', node: a.node, heir: a.heir };
  if (
    a.op === 'register' &&
    Array.isArray(a.owners) &&
    a.owners.length <= NODES_MAX &&
    a.owners.every(isNode)
  )
    return { op: 'register', node: a.node, owners: a.owners };
  return undefined;
}

/** pid-mgmt's rules, applied to the map. */
function applyMapRequest(
  hosts: PidmapHosts,
  request: MapRequest,
  isUp: (n: number) => boolean,
): PidmapHostChange {
  switch (request.op) {
    case 'join':
      return joinNode(hosts, request.node, isUp);
    case 'adopt':
      return adoptAfterCrash(hosts, request.node, request.heir);
    case 'register': {
      const next = [...hosts];
      for (const owner of request.owners) next[owner] = request.node;
      return { hosts: next, moves: [] };
    }
  }
}

const MOVE_KINDS: readonly string[] = ['steal', 'inject', 'create'];

/** The home's answer, checked (moves only; the map itself stays at the home). */
function checkChange(answer: unknown): PidmapHostChange | undefined {
  const a = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<
    string,
    unknown
  >;
  if (!Array.isArray(a.hosts) || a.hosts.length !== NODES_MAX || !Array.isArray(a.moves))
    return undefined;
  const moves: PidmapMove[] = [];
  for (const m of a.moves as unknown[]) {
    const r = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
    if (typeof r.kind !== 'string' || !MOVE_KINDS.includes(r.kind) || !isNode(r.owner))
      return undefined;
    moves.push(r as unknown as PidmapMove);
  }
  return { hosts: a.hosts as number[], moves };
}
