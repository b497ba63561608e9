// One node's KDDM: its sets (system sets created at boot with static ids,
// dynamic sets created at run time with unique ids), the IO linkers it knows
// by name, remote set lookup (REQ_KDDM_SET_LOOKUP to the set's manager), and
// the dispatch of incoming messages to sets. Messages for a set this node has
// not looked up yet wait for the lookup (reference §1.5, `__find_get_kddm_set`).
import { decodeValue, encodeValue } from '@krg/ghost-io';
import type { Scheduler } from '@krg/sim-engine';
import {
  KddmBadMessage,
  KddmBadUsage,
  KddmLimitExceeded,
  KddmSetExists,
  KddmUnknownSet,
  assert,
} from './errors.js';
import { type IoLinker } from './io-linker.js';
import { KddmSet, type HomeSpec, type SetHost } from './kddm-set.js';
import {
  MAX_PRIVATE_DATA_BYTES,
  MAX_RECOVERY_QUEUED_MESSAGES,
  MAX_QUEUED_MESSAGES_PER_OBJECT,
  MAX_SETS_PER_NODE,
  MAX_STATIC_SET_ID,
} from './limits.js';
import { checkNodeId, type NodeId } from './node-id.js';
import { type ObjectId } from './object-id.js';
import { RecoveryRound, type SetRecoveryReport, checkRecoveryWire } from './recovery.js';
import {
  MIN_DYNAMIC_SET_LOCAL,
  checkSetId,
  dynamicSetId,
  setManagerNode,
  type SetId,
} from './set-id.js';
import { type ObjectFrame, decodeFrame, encodeControlFrame } from './frame.js';
import { type KddmEndpoint, type KddmTransport } from './transport.js';
import { type KddmWire, type SetDescriptorWire, checkDescriptor } from './wire.js';

export interface KddmNodeOptions {
  readonly self: NodeId;
  /** The KDDM node map: the cluster's nodes, ascending. Default owners are computed over it. */
  readonly nodeMap: readonly NodeId[];
  readonly transport: KddmTransport;
  /** The node's scheduler (a sim-engine scope): promises of the verbs are settled through it. */
  readonly scheduler: Scheduler;
  /**
   * A rebooted node rejoining a running cluster (kddmOverRpc sets this up for
   * a node's second and later incarnations through `rejoin()`). The node
   * answers nothing and holds its local operations until the live nodes'
   * recovery round, which they start when they see it come back, has told it
   * what they own.
   */
  readonly rejoining?: boolean;
}

export interface CreateSetOptions {
  /** A static system-set id (1..31); omit for a dynamic set with a fresh unique id. */
  readonly id?: SetId;
  /** Name of a linker registered on every node that may touch the set. */
  readonly linker: string;
  readonly home: HomeSpec;
  /** KDDM_LOCAL_EXCLUSIVE: a held object is also a node-local mutex. */
  readonly localExclusive?: boolean;
  /** KDDM_FT_LINKED: first touch happens on the default owner. */
  readonly ftLinked?: boolean;
  /** Sent to every node that looks the set up (encoded size at most MAX_PRIVATE_DATA_BYTES). */
  readonly privateData?: unknown;
}

interface PendingLookup {
  readonly waiters: ((set: KddmSet<unknown> | undefined) => void)[];
  readonly queued: { from: NodeId; frame: ObjectFrame }[];
}

export class KddmNode implements KddmEndpoint {
  readonly self: NodeId;
  readonly nodeMap: readonly NodeId[];
  private readonly transport: KddmTransport;
  private readonly scheduler: Scheduler;
  private readonly linkers = new Map<string, IoLinker<unknown>>();
  private readonly sets = new Map<SetId, KddmSet<unknown>>();
  private readonly lookups = new Map<SetId, PendingLookup>();
  private nextDynamicLocal = MIN_DYNAMIC_SET_LOCAL;
  private nextRequestId = 1;
  /** Messages dropped because their set could not be found. */
  droppedForUnknownSet = 0;
  private readonly host: SetHost;
  /** Nodes known to be down. */
  private readonly down = new Set<NodeId>();
  private readonly recovery: RecoveryRound;
  /** Object messages that arrived during a recovery round; `post`: after this node resolved it. */
  private queue: { from: NodeId; frame: ObjectFrame; post: boolean }[] = [];

  constructor(options: KddmNodeOptions) {
    this.self = checkNodeId(options.self);
    const map = [...options.nodeMap].map(checkNodeId).sort((a, b) => a - b);
    if (new Set(map).size !== map.length) throw new KddmBadUsage('node map lists a node twice');
    if (!map.includes(this.self))
      throw new KddmBadUsage(`node map does not list node ${this.self}`);
    this.nodeMap = map;
    this.transport = options.transport;
    this.scheduler = options.scheduler;
    const transport = this.transport;
    this.recovery = new RecoveryRound(
      {
        self: this.self,
        send: (to, wire) => transport.send(to, encodeControlFrame(wire)),
        report: () => this.recoveryReport(),
        resolve: (reports) => this.resolveRecovery(reports),
        adopt: (live) => this.adoptLive(live),
        resume: () => this.resumeAfterRecovery(),
      },
      0,
    );
    this.host = {
      self: this.self,
      nodeMap: this.nodeMap,
      scheduler: this.scheduler,
      send: (to, frame) => transport.send(to, frame),
      down: this.down,
      recovery: this.recovery,
    };
    if (options.rejoining === true) this.rejoin();
  }

  /**
   * This node is a reboot of a node the cluster knew: answer nothing until the
   * live nodes' recovery round has told it what they own (README "Crash
   * semantics"). Call before the node's sets are used.
   */
  rejoin(): void {
    if (this.recovery.view <= 0 && !this.recovery.active) {
      this.recovery.awaitJoin((delayNs, f) => void this.scheduler.schedule(delayNs, f));
    }
  }

  /** Live nodes as this node sees them, ascending. */
  liveNodes(): NodeId[] {
    return this.nodeMap.filter((n) => !this.down.has(n));
  }

  /** True while a crash recovery round runs on this node. */
  get isRecovering(): boolean {
    return this.recovery.active;
  }

  /** Recovery rounds this node completed. */
  get recoveryRounds(): number {
    return this.recovery.completed;
  }

  /** Make a linker known by its name (Kerrighed registers linkers by id at boot). */
  registerLinker<T>(linker: IoLinker<T>): void {
    if (this.linkers.has(linker.name))
      throw new KddmBadUsage(`linker ${linker.name} is already registered`);
    this.linkers.set(linker.name, linker);
  }

  /** create_new_kddm_set: a system set (static id) or a dynamic one managed by this node. */
  createSet<T>(options: CreateSetOptions): KddmSet<T> {
    let id: SetId;
    if (options.id !== undefined) {
      id = checkSetId(options.id);
      if (id > MAX_STATIC_SET_ID)
        throw new KddmBadUsage(`set id ${id} is not a static id (1..${MAX_STATIC_SET_ID})`);
    } else {
      id = dynamicSetId(this.self, this.nextDynamicLocal++);
    }
    if (options.privateData !== undefined) {
      const size = encodeValue(options.privateData).byteLength;
      if (size > MAX_PRIVATE_DATA_BYTES)
        throw new KddmLimitExceeded('MAX_PRIVATE_DATA_BYTES', MAX_PRIVATE_DATA_BYTES, size);
    }
    return this.instantiate<T>(
      id,
      options.linker,
      options.home,
      options.localExclusive ?? false,
      options.ftLinked ?? false,
      options.privateData,
    );
  }

  private instantiate<T>(
    id: SetId,
    linkerName: string,
    home: HomeSpec,
    localExclusive: boolean,
    ftLinked: boolean,
    privateData: unknown,
  ): KddmSet<T> {
    if (this.sets.has(id)) throw new KddmSetExists(id);
    if (this.sets.size >= MAX_SETS_PER_NODE)
      throw new KddmLimitExceeded('MAX_SETS_PER_NODE', MAX_SETS_PER_NODE, this.sets.size + 1);
    const linker = this.linkers.get(linkerName);
    if (linker === undefined)
      throw new KddmBadUsage(`linker ${linkerName} is not registered on node ${this.self}`);
    const set = new KddmSet<T>(this.host, {
      id,
      linker: linker as IoLinker<T>,
      home,
      localExclusive,
      ftLinked,
      privateData,
    });
    this.sets.set(id, set as KddmSet<unknown>);
    return set;
  }

  /** The set if this node knows it. */
  set<T>(id: SetId): KddmSet<T> | undefined {
    return this.sets.get(id) as KddmSet<T> | undefined;
  }

  /** Sets known here, by id ascending. */
  setIds(): SetId[] {
    return [...this.sets.keys()].sort((a, b) => a - b);
  }

  /** find_get_kddm_set: the set, looked up on its manager if unknown here; KddmUnknownSet if nobody has it. */
  lookupSet<T>(id: SetId): Promise<KddmSet<T>> {
    checkSetId(id);
    const known = this.sets.get(id);
    if (known !== undefined) return Promise.resolve(known as KddmSet<T>);
    const d = this.scheduler.defer<KddmSet<T>>();
    this.startLookup(id, (set) => {
      if (set === undefined) d.reject(new KddmUnknownSet(id));
      else d.resolve(set as KddmSet<T>);
    });
    return d.promise;
  }

  private startLookup(
    id: SetId,
    onDone: ((set: KddmSet<unknown> | undefined) => void) | undefined,
  ): PendingLookup {
    let p = this.lookups.get(id);
    if (p === undefined) {
      const manager = setManagerNode(id, this.nodeMap, this.self);
      p = { waiters: [], queued: [] };
      if (manager === this.self) {
        // We manage it and do not have it: it does not exist.
        if (onDone) onDone(undefined);
        return p;
      }
      this.lookups.set(id, p);
      this.transport.send(
        manager,
        encodeControlFrame({ kind: 'setLookup', setId: id, requestId: this.nextRequestId++ }),
      );
    }
    if (onDone) p.waiters.push(onDone);
    return p;
  }

  private describe(set: KddmSet<unknown>): SetDescriptorWire {
    const home = set.home;
    const base = {
      setId: set.id,
      linker: set.linker.name,
      localExclusive: set.isLocalExclusive,
      ftLinked: set.isFtLinked,
    };
    const withHome =
      typeof home === 'string'
        ? { ...base, home }
        : { ...base, home: 'fixed', homeNode: home.fixed };
    return set.privateData === undefined
      ? withHome
      : { ...withHome, privateData: encodeValue(set.privateData) };
  }

  /**
   * Node `dead` crashed: every set forgets it (see KddmSet.nodeDown), then a
   * recovery round runs (README "Crash semantics"). The transport adapter
   * calls this once per crash; a repeated call changes nothing.
   */
  nodeDown(dead: NodeId): void {
    checkNodeId(dead);
    if (dead === this.self || this.down.has(dead) || !this.nodeMap.includes(dead)) return;
    this.down.add(dead);
    for (const id of this.setIds()) this.sets.get(id)?.nodeDown(dead);
    this.recovery.start(this.recovery.view + 1, this.liveNodes());
  }

  /** Node `node` is back (rebooted, empty): a recovery round tells it what the others own. */
  nodeUp(node: NodeId): void {
    checkNodeId(node);
    if (!this.down.has(node)) return;
    this.down.delete(node);
    this.recovery.start(this.recovery.view + 1, this.liveNodes());
  }

  private adoptLive(live: readonly NodeId[]): void {
    for (const n of this.nodeMap) {
      if (n === this.self) continue;
      if (live.includes(n)) this.down.delete(n);
      else if (!this.down.has(n)) {
        this.down.add(n);
        for (const id of this.setIds()) this.sets.get(id)?.nodeDown(n);
      }
    }
  }

  private recoveryReport(): SetRecoveryReport[] {
    return this.setIds().map((setId) => {
      const set = this.sets.get(setId) as KddmSet<unknown>;
      const early = this.queue
        .filter((q) => !q.post && q.frame.msg.setId === setId)
        .map((q) => ({ from: q.from, msg: q.frame.msg }));
      return { setId, ...set.recoveryReport(early) };
    });
  }

  private resolveRecovery(reports: ReadonlyMap<NodeId, readonly SetRecoveryReport[]>): void {
    // Per set: the lowest live node reporting ownership of each object, minus objects being removed.
    const owners = new Map<number, Map<ObjectId, NodeId>>();
    const removing = new Map<number, Set<ObjectId>>();
    for (const node of [...reports.keys()].sort((a, b) => a - b)) {
      for (const r of reports.get(node) ?? []) {
        let o = owners.get(r.setId);
        if (o === undefined) owners.set(r.setId, (o = new Map<ObjectId, NodeId>()));
        for (const objId of r.owned) if (!o.has(objId)) o.set(objId, node);
        let rm = removing.get(r.setId);
        if (rm === undefined) removing.set(r.setId, (rm = new Set<ObjectId>()));
        for (const objId of r.removing) rm.add(objId);
      }
    }
    for (const setId of this.setIds()) {
      const o = owners.get(setId) ?? new Map<ObjectId, NodeId>();
      for (const objId of removing.get(setId) ?? []) o.delete(objId);
      this.sets.get(setId)?.resolveRecovery(o);
    }
    // Messages that reached us before the round: those about lost objects and old requests go.
    this.queue = this.queue.filter((q) => {
      const set = this.sets.get(q.frame.msg.setId);
      return set === undefined || set.keepAfterRecovery(q.frame.msg);
    });
    for (const setId of this.setIds()) this.sets.get(setId)?.forgetLost();
  }

  private resumeAfterRecovery(): void {
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) this.receiveObject(q.from, q.frame);
    for (const setId of this.setIds()) this.sets.get(setId)?.endRecovery();
  }

  /** An object message: to its set, parked while a recovery round runs, or queued behind a set lookup. */
  private receiveObject(from: NodeId, frame: ObjectFrame): void {
    if (this.recovery.active) {
      if (this.queue.length >= MAX_RECOVERY_QUEUED_MESSAGES) {
        throw new KddmLimitExceeded(
          'MAX_RECOVERY_QUEUED_MESSAGES',
          MAX_RECOVERY_QUEUED_MESSAGES,
          this.queue.length + 1,
        );
      }
      this.queue.push({ from, frame, post: this.recovery.isResolved });
      return;
    }
    const setId = frame.msg.setId;
    const set = this.sets.get(setId);
    if (set !== undefined) {
      set.receive(from, frame.msg, frame.payload);
      return;
    }
    const p = this.startLookup(setId, undefined);
    if (!this.lookups.has(setId)) {
      this.droppedForUnknownSet++;
      return;
    }
    if (p.queued.length >= MAX_QUEUED_MESSAGES_PER_OBJECT) {
      throw new KddmLimitExceeded(
        'MAX_QUEUED_MESSAGES_PER_OBJECT',
        MAX_QUEUED_MESSAGES_PER_OBJECT,
        p.queued.length + 1,
      );
    }
    p.queued.push({ from, frame });
  }

  /** A frame from `from` (called by the transport adapter). Bad frames throw KddmBadMessage and change nothing. */
  receive(from: NodeId, frame: Uint8Array): void {
    checkNodeId(from);
    const decoded = decodeFrame(frame);
    if (decoded.kind === 'object') {
      this.receiveObject(from, decoded);
      return;
    }
    const wire = decoded.wire;
    switch (wire.kind) {
      case 'recovery':
        this.recovery.receive(from, checkRecoveryWire(wire));
        return;
      case 'setLookup': {
        if (!Number.isSafeInteger(wire.requestId))
          throw new KddmBadMessage('bad set lookup request id');
        checkSetId(wire.setId);
        const set = this.sets.get(wire.setId);
        const reply: KddmWire =
          set === undefined
            ? { kind: 'setLookupReply', setId: wire.setId, requestId: wire.requestId }
            : {
                kind: 'setLookupReply',
                setId: wire.setId,
                requestId: wire.requestId,
                descriptor: this.describe(set),
              };
        this.transport.send(from, encodeControlFrame(reply));
        return;
      }
      case 'setLookupReply': {
        checkSetId(wire.setId);
        const p = this.lookups.get(wire.setId);
        if (p === undefined) return; // a late duplicate
        this.lookups.delete(wire.setId);
        let set: KddmSet<unknown> | undefined = this.sets.get(wire.setId);
        if (set === undefined && wire.descriptor !== undefined) {
          const d = checkDescriptor(wire.descriptor, wire.setId);
          const home: HomeSpec =
            d.home === 'fixed' ? { fixed: d.homeNode as NodeId } : (d.home as HomeSpec);
          const privateData = d.privateData === undefined ? undefined : decodeValue(d.privateData);
          set = this.instantiate<unknown>(
            d.setId,
            d.linker,
            home,
            d.localExclusive,
            d.ftLinked,
            privateData,
          );
        }
        for (const w of p.waiters) w(set);
        if (set === undefined) {
          this.droppedForUnknownSet += p.queued.length;
          return;
        }
        for (const q of p.queued) {
          assert(q.frame.msg.setId === set.id, 'queued message belongs to the looked-up set');
          this.receiveObject(q.from, q.frame);
        }
        return;
      }
    }
  }
}
