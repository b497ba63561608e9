// Fault injection as an API: what can go wrong, decided deterministically from
// the engine's seeded randomness. The injector knows nothing of messages or
// nodes' contents; the network (krg-rpc) asks it for a verdict per message,
// and membership registers to be told when a node must crash.
import type { Scheduler, Timer } from './engine.js';
import { InvalidArgument, LimitExceeded } from './errors.js';
import {
  MAX_LINK_FAULT_RULES,
  MAX_NODE_ID,
  MAX_PARTITION_NODES,
  MAX_PARTITIONS,
  MAX_SCHEDULED_CRASHES,
} from './limits.js';
import type { Rng } from './rng.js';
import { checkTimeNs, type SimTimeNs } from './time.js';

/** Faults of one directed link (or of a wildcard of links). Probabilities are per message. */
export interface LinkFaults {
  /** The message is lost. */
  dropProbability?: number;
  /** The message is delivered twice (the copy has its own extra delay). */
  duplicateProbability?: number;
  /** The message (or copy) is held back by an extra delay uniform in [1, maxExtraDelayNs]. */
  delayProbability?: number;
  maxExtraDelayNs?: SimTimeNs;
}

/** What happens to one message sent on a link. */
export interface LinkVerdict {
  /** 0 (lost or partitioned), 1, or 2 (duplicated). */
  copies: 0 | 1 | 2;
  /** Extra delay of each copy, beyond the link's latency and transfer time. */
  extraDelayNs: readonly SimTimeNs[];
}

/** `'any'` in a link fault rule matches every node id at that end. */
export type LinkEnd = number | 'any';

const ANY = MAX_NODE_ID + 1;
const DELIVER_ONCE: LinkVerdict = Object.freeze({ copies: 1, extraDelayNs: Object.freeze([0]) });
const LOST: LinkVerdict = Object.freeze({ copies: 0, extraDelayNs: Object.freeze([]) });

interface Partition {
  readonly id: number;
  readonly side: ReadonlySet<number>;
  /** The other side; null means "every node not in `side`". */
  readonly other: ReadonlySet<number> | null;
}

function checkNodeId(what: string, id: number): void {
  if (!Number.isSafeInteger(id) || id < 0 || id > MAX_NODE_ID) {
    throw new InvalidArgument(what, `a node id in [0, ${MAX_NODE_ID}]`, id);
  }
}

function checkProbability(what: string, p: number | undefined): number {
  if (p === undefined) return 0;
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new InvalidArgument(what, 'a probability in [0, 1]', p);
  }
  return p;
}

function endKey(end: LinkEnd, what: string): number {
  if (end === 'any') return ANY;
  checkNodeId(what, end);
  return end;
}

function nodeSet(what: string, nodes: readonly number[]): Set<number> {
  const value: unknown = nodes;
  if (!Array.isArray(value) || value.length > MAX_PARTITION_NODES) {
    throw new InvalidArgument(what, `an array of at most ${MAX_PARTITION_NODES} node ids`, nodes);
  }
  const set = new Set<number>();
  for (const n of nodes) {
    checkNodeId(what, n);
    set.add(n);
  }
  return set;
}

export class FaultInjector {
  private readonly rules = new Map<number, Required<LinkFaults>>();
  private partitions: Partition[] = [];
  private nextPartitionId = 1;
  private readonly crashListeners: ((nodeId: number) => void)[] = [];
  private scheduledCrashes = 0;

  /**
   * `rng` should be a stream of its own (`engine.rng.fork('faults')`), so that
   * turning faults on or off does not shift the draws of other subsystems.
   */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
  ) {}

  /** Installs (replaces) the faults of link `from -> to`; either end may be `'any'`. */
  setLinkFaults(from: LinkEnd, to: LinkEnd, faults: LinkFaults): void {
    const key = endKey(from, 'setLinkFaults from') * (ANY + 1) + endKey(to, 'setLinkFaults to');
    const rule: Required<LinkFaults> = {
      dropProbability: checkProbability('dropProbability', faults.dropProbability),
      duplicateProbability: checkProbability('duplicateProbability', faults.duplicateProbability),
      delayProbability: checkProbability('delayProbability', faults.delayProbability),
      maxExtraDelayNs: checkTimeNs('maxExtraDelayNs', faults.maxExtraDelayNs ?? 0),
    };
    if (rule.delayProbability > 0 && rule.maxExtraDelayNs === 0) {
      throw new InvalidArgument('maxExtraDelayNs', 'a positive delay when delayProbability > 0', 0);
    }
    if (!this.rules.has(key) && this.rules.size >= MAX_LINK_FAULT_RULES) {
      throw new LimitExceeded('MAX_LINK_FAULT_RULES', MAX_LINK_FAULT_RULES);
    }
    this.rules.set(key, rule);
  }

  /** Removes every link fault rule (partitions stay). */
  clearLinkFaults(): void {
    this.rules.clear();
  }

  /**
   * Cuts every link between `side` and `other` (both directions); without
   * `other`, between `side` and every node not in it. Returns an id for `heal`.
   */
  partition(side: readonly number[], other?: readonly number[]): number {
    if (this.partitions.length >= MAX_PARTITIONS) {
      throw new LimitExceeded('MAX_PARTITIONS', MAX_PARTITIONS);
    }
    const a = nodeSet('partition side', side);
    const b = other === undefined ? null : nodeSet('partition other', other);
    if (b !== null) {
      for (const n of a) {
        if (b.has(n)) throw new InvalidArgument('partition', 'disjoint sides', `node ${n} on both`);
      }
    }
    const id = this.nextPartitionId++;
    this.partitions.push({ id, side: a, other: b });
    return id;
  }

  /** Heals one partition (by id), or all of them without an argument. */
  heal(partitionId?: number): void {
    if (partitionId === undefined) this.partitions = [];
    else this.partitions = this.partitions.filter((p) => p.id !== partitionId);
  }

  /** False while some partition separates `from` and `to`. */
  isReachable(from: number, to: number): boolean {
    for (const p of this.partitions) {
      const fromInSide = p.side.has(from);
      const toInSide = p.side.has(to);
      if (fromInSide === toInSide) continue;
      const outside = fromInSide ? to : from;
      if (p.other === null || p.other.has(outside)) return false;
    }
    return true;
  }

  /** Decides the fate of one message `from -> to`. Draws from the rng only when a rule applies. */
  decide(from: number, to: number): LinkVerdict {
    if (this.partitions.length > 0 && !this.isReachable(from, to)) return LOST;
    if (this.rules.size === 0) return DELIVER_ONCE;
    const rule =
      this.rules.get(from * (ANY + 1) + to) ??
      this.rules.get(from * (ANY + 1) + ANY) ??
      this.rules.get(ANY * (ANY + 1) + to) ??
      this.rules.get(ANY * (ANY + 1) + ANY);
    if (rule === undefined) return DELIVER_ONCE;
    const rng = this.rng;
    if (rng.chance(rule.dropProbability)) return LOST;
    const copies = rng.chance(rule.duplicateProbability) ? 2 : 1;
    const extraDelayNs: SimTimeNs[] = [];
    for (let i = 0; i < copies; i++) {
      extraDelayNs.push(
        rng.chance(rule.delayProbability) ? rng.intBetween(1, rule.maxExtraDelayNs) : 0,
      );
    }
    return { copies, extraDelayNs };
  }

  /** Registers a listener told (in registration order) when a node crashes. Returns an unsubscribe. */
  onCrash(listener: (nodeId: number) => void): () => void {
    this.crashListeners.push(listener);
    return () => {
      const i = this.crashListeners.indexOf(listener);
      if (i >= 0) this.crashListeners.splice(i, 1);
    };
  }

  /** Crashes `nodeId` at `atNs` of simulated time (now if in the past is not allowed: atNs >= now). */
  crashAt(nodeId: number, atNs: SimTimeNs): Timer {
    checkNodeId('crashAt nodeId', nodeId);
    checkTimeNs('crashAt atNs', atNs);
    const nowNs = this.scheduler.nowNs;
    if (atNs < nowNs) {
      throw new InvalidArgument('crashAt atNs', `an instant >= now (${nowNs})`, atNs);
    }
    if (this.scheduledCrashes >= MAX_SCHEDULED_CRASHES) {
      throw new LimitExceeded('MAX_SCHEDULED_CRASHES', MAX_SCHEDULED_CRASHES);
    }
    this.scheduledCrashes++;
    return this.scheduler.schedule(atNs - nowNs, () => {
      this.scheduledCrashes--;
      this.crashNow(nodeId);
    });
  }

  /** Crashes `nodeId` now: every crash listener runs synchronously. */
  crashNow(nodeId: number): void {
    checkNodeId('crashNow nodeId', nodeId);
    for (const listener of [...this.crashListeners]) listener(nodeId);
  }
}
