// The crash recovery round (README "Crash semantics"). After a membership
// change (a node down, or a rebooted node back) every live node stops serving
// KDDM object messages, flushes its links with a mark (phase 1), then reports
// which objects it owns and which are being removed (phase 2), counting the
// ownership carried by messages that reached it before the senders' marks.
// Only with every live node's report does a node resolve its entries and
// answer again: so a home never first-touches an object a survivor owns, and
// a copy of a lost object is dropped before the object can get a new
// incarnation. Rounds are named by a view number: every node counts the
// membership changes it has seen (a rebooted node is told the count).
import { KddmBadMessage, KddmLimitExceeded } from './errors.js';
import { MAX_NODES, MAX_RECOVERY_REPORT_OBJECTS, MAX_REJOIN_WAIT_NS } from './limits.js';
import { isNodeId, type NodeId } from './node-id.js';
import { isObjectId, type ObjectId } from './object-id.js';
import { isSetId, type SetId } from './set-id.js';

/** What one node owns and removes in one set, as the round reports it. */
export interface SetRecoveryReport {
  readonly setId: SetId;
  readonly owned: readonly ObjectId[];
  readonly removing: readonly ObjectId[];
}

export interface RecoveryWire {
  readonly kind: 'recovery';
  /** 1: mark (links flushed), 2: report, 3: resolved (copies of lost objects are gone here). */
  readonly phase: 1 | 2 | 3;
  /** The sender's view number: the membership changes it has seen. */
  readonly view: number;
  /** Phase 1: the live nodes of that view, ascending (a node that missed the change adopts them). */
  readonly live?: readonly number[];
  /** Phase 2: the sender's reports, one per set it knows. */
  readonly sets?: readonly SetRecoveryReport[];
}

function bad(what: string): never {
  throw new KddmBadMessage(`bad KDDM recovery message: ${what}`);
}

function objectList(v: unknown, what: string): readonly ObjectId[] {
  if (!Array.isArray(v)) bad(`${what} is not a list`);
  if (v.length > MAX_RECOVERY_REPORT_OBJECTS)
    bad(`${what} lists more than ${MAX_RECOVERY_REPORT_OBJECTS} objects`);
  if (!v.every(isObjectId)) bad(`${what} holds an invalid object id`);
  return v;
}

/** Validate a recovery message from the network. */
export function checkRecoveryWire(w: RecoveryWire): RecoveryWire {
  if (w.phase !== 1 && w.phase !== 2 && w.phase !== 3) bad(`phase ${String(w.phase)}`);
  if (!Number.isSafeInteger(w.view) || w.view < 0) bad(`view ${String(w.view)}`);
  if (w.phase === 1) {
    if (!Array.isArray(w.live) || w.live.length === 0 || w.live.length > MAX_NODES)
      bad('phase 1 without its live nodes');
    if (!w.live.every(isNodeId)) bad('a live node id is invalid');
  }
  if (w.phase === 2) {
    if (!Array.isArray(w.sets)) bad('phase 2 without reports');
    for (const raw of w.sets as readonly unknown[]) {
      if (typeof raw !== 'object' || raw === null) bad('set report');
      const r = raw as { setId?: unknown; owned?: unknown; removing?: unknown };
      if (!isSetId(r.setId)) bad('set report');
      objectList(r.owned, 'owned');
      objectList(r.removing, 'removing');
    }
  }
  return w;
}

/** What the round needs from its node. */
export interface RecoveryHost {
  readonly self: NodeId;
  send(to: NodeId, wire: RecoveryWire): void;
  /** Phase 1 is complete: what this node owns and removes, per set. */
  report(): SetRecoveryReport[];
  /** Phase 2 is complete: every live node's reports (this node's included). */
  resolve(reports: ReadonlyMap<NodeId, readonly SetRecoveryReport[]>): void;
  /** A peer's mark names a newer view: take its live nodes as this node's. */
  adopt(live: readonly NodeId[]): void;
  /** Every live node has resolved: serve again. */
  resume(): void;
}

/**
 * One node's side of the rounds. `active` while a round runs: the node parks
 * object messages and holds local operations meanwhile.
 */
export class RecoveryRound {
  active = false;
  view: number;
  private live: readonly NodeId[] = [];
  private readonly marks = new Map<NodeId, number>();
  private readonly reports = new Map<
    NodeId,
    { view: number; sets: readonly SetRecoveryReport[] }
  >();
  private ownReport: readonly SetRecoveryReport[] | undefined;
  private readonly resolvedBy = new Map<NodeId, number>();
  /** This node has resolved the running round (messages arriving now were sent after it). */
  isResolved = false;
  /** Rounds completed (for tests and counters). */
  completed = 0;

  constructor(
    private readonly host: RecoveryHost,
    view: number,
  ) {
    this.view = view;
  }

  /** Membership changed: start the round of `view` over `live` (ascending, this node included). */
  start(view: number, live: readonly NodeId[]): void {
    this.view = view;
    this.live = live;
    this.active = true;
    this.ownReport = undefined;
    this.isResolved = false;
    for (const [n, v] of this.resolvedBy)
      if (v < view || !live.includes(n)) this.resolvedBy.delete(n);
    // Marks and reports of older views are stale; newer ones (a peer that saw a change first) stay.
    for (const [n, v] of this.marks) if (v < view || !live.includes(n)) this.marks.delete(n);
    for (const [n, r] of this.reports)
      if (r.view < view || !live.includes(n)) this.reports.delete(n);
    for (const to of this.peers()) {
      this.host.send(to, { kind: 'recovery', phase: 1, view, live: [...live] });
    }
    this.advance();
  }

  /**
   * A rebooted node: answer nothing until a live node's mark says which view
   * and which nodes this node rejoins (the live nodes start that round when
   * they see it come back).
   */
  awaitJoin(schedule: (delayNs: number, f: () => void) => void): void {
    this.active = true;
    this.view = -1;
    this.live = [this.host.self];
    schedule(MAX_REJOIN_WAIT_NS, () => {
      // Nobody started a round with us: every other node is down, we are the cluster.
      if (this.active && this.view === -1) {
        this.host.adopt([this.host.self]);
        this.start(0, [this.host.self]);
      }
    });
  }

  receive(from: NodeId, w: RecoveryWire): void {
    if (!isNodeId(from) || from >= MAX_NODES) bad(`sender ${String(from)}`);
    if (w.view < this.view) return; // a round that was abandoned
    if (
      w.phase === 1 &&
      w.view > this.view &&
      w.live !== undefined &&
      w.live.includes(this.host.self)
    ) {
      // The sender saw a membership change we have not (or we are rejoining): join its round.
      const live = [...w.live].sort((a, b) => a - b);
      this.host.adopt(live);
      this.start(w.view, live);
    }
    if (w.phase === 1) this.marks.set(from, w.view);
    else if (w.phase === 2) this.reports.set(from, { view: w.view, sets: w.sets ?? [] });
    else this.resolvedBy.set(from, w.view);
    this.advance();
  }

  private peers(): NodeId[] {
    return this.live.filter((n) => n !== this.host.self);
  }

  private advance(): void {
    if (!this.active) return;
    const peers = this.peers();
    if (this.ownReport === undefined) {
      if (!peers.every((p) => this.marks.get(p) === this.view)) return;
      // Every live node's messages sent before its mark have reached us: report.
      const sets = this.host.report();
      const count = sets.reduce((a, s) => a + s.owned.length + s.removing.length, 0);
      if (count > MAX_RECOVERY_REPORT_OBJECTS)
        throw new KddmLimitExceeded(
          'MAX_RECOVERY_REPORT_OBJECTS',
          MAX_RECOVERY_REPORT_OBJECTS,
          count,
        );
      this.ownReport = sets;
      for (const to of peers)
        this.host.send(to, { kind: 'recovery', phase: 2, view: this.view, sets });
    }
    if (!this.isResolved) {
      if (!peers.every((p) => this.reports.get(p)?.view === this.view)) return;
      const all = new Map<NodeId, readonly SetRecoveryReport[]>();
      all.set(this.host.self, this.ownReport);
      for (const p of peers) {
        all.set(p, (this.reports.get(p) as { sets: readonly SetRecoveryReport[] }).sets);
      }
      this.isResolved = true;
      this.host.resolve(all);
      // Nobody serves again before every node has dropped its copies of lost objects: otherwise a
      // new incarnation could exist while an old copy is still readable somewhere.
      for (const to of peers) this.host.send(to, { kind: 'recovery', phase: 3, view: this.view });
    }
    if (!peers.every((p) => this.resolvedBy.get(p) === this.view)) return;
    this.active = false;
    this.completed++;
    this.host.resume();
  }
}
