// The seeded model-based test of KDDM: n nodes, tasks doing random verbs on a
// few objects over a network with random delays, and a checker that looks at
// every node's entries from outside after every delivery and every completed
// operation. Objects carry their incarnation (set at first touch) and the id
// of the write that produced their value, so the checker can tell "the last
// value released by a writer" exactly.
import { Rng, type Scope } from '@krg/sim-engine';
import {
  KddmError,
  KddmNoFlushDestination,
  KddmNoLocalCopy,
  KddmNodeDown,
  KddmObjectBusy,
  KddmObjectLost,
  KddmRemoveInProgress,
} from './errors.js';
import { type IoLinker } from './io-linker.js';
import { KddmNode } from './kddm-node.js';
import { type KddmSet } from './kddm-set.js';
import { type NodeId } from './node-id.js';
import { nodeSetHas, nodeSetToArray } from './node-set.js';
import {
  ObjectState,
  isOwnerState,
  isReadableState,
  isWritableState,
  objectStateName,
} from './object-state.js';
import { makeCluster } from './sim-net.test-util.js';

export interface Versioned {
  inc: number;
  value: number;
}

export interface ModelOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly tasksPerNode: number;
  readonly opsPerTask: number;
  readonly objects: number;
  readonly localExclusive: boolean;
  readonly maxDelayNs: number;
  /** Verbs the tasks draw from (default: all). */
  readonly verbs?: readonly Verb[];
  /**
   * Membership changes to inject: node crashes at random instants and reboots
   * of crashed nodes (default 0). Survivors hear of each change after a random
   * failure-detection delay; the next change waits until all have.
   */
  readonly crashes?: number;
  /**
   * Permuted same-instant order (the test network's `permuteQuantumNs`):
   * message deliveries, task sleeps and hold times and the chaos task's
   * instants all fall on a grid of this many ns, so arrivals, wake-ups and
   * puts meet at one instant in every order, and each instant's arrivals run
   * inline one after another. A hold of 0 puts the object back in a later
   * event of the same instant, as mm-ghost's shm pager does after a fault.
   */
  readonly permuteQuantumNs?: number;
}

export type Verb = 'get' | 'grab' | 'tryGrab' | 'find' | 'remove' | 'flush' | 'flushTo' | 'getNoFt';
const ALL_VERBS: readonly Verb[] = [
  'get',
  'get',
  'grab',
  'grab',
  'tryGrab',
  'find',
  'remove',
  'flush',
  'flushTo',
  'getNoFt',
];

export interface ModelReport {
  readonly seed: number;
  readonly ops: number;
  readonly failures: Record<string, number>;
  readonly messages: number;
  readonly unexpected: number;
  readonly checks: number;
  /** The longest any operation took, in simulated ns (a get/grab's hold time excluded). */
  readonly maxOpNs: number;
}

class ModelViolation extends Error {}

/**
 * Every operation must finish within this many message delays of simulated
 * time, waiting and recovery rounds included (its own hold time excluded). The
 * worst seen: 173 in 1000 model seeds, 130 in 300 crash seeds.
 */
const MAX_OP_DELAYS = 1000;

/** A run that has not gone idle after this many engine events is livelocked. */
const MAX_MODEL_EVENTS = 200_000;

const ALLOWED_FAILURES = [
  KddmObjectBusy,
  KddmRemoveInProgress,
  KddmNoFlushDestination,
  KddmNoLocalCopy,
];
/** With crashes, an operation on an object that died with its owner fails with these (README). */
const CRASH_FAILURES = [KddmObjectLost, KddmNodeDown];

/** The same model with permuted same-instant order: a grid of a quarter of the largest delay. */
export function permutedOrder(o: ModelOptions): ModelOptions {
  return { ...o, permuteQuantumNs: Math.max(250, Math.floor(o.maxDelayNs / 4)) };
}

/**
 * Which same-instant orders a model lane runs (KDDM_MODEL_ORDER): 'fifo'
 * (every message its own event), 'permuted' (permutedOrder), or 'both'.
 */
export function modelOrders(fallback: 'fifo' | 'permuted' | 'both'): ('fifo' | 'permuted')[] {
  const v = process.env['KDDM_MODEL_ORDER'] ?? fallback;
  if (v === 'both') return ['fifo', 'permuted'];
  if (v === 'fifo' || v === 'permuted') return [v];
  throw new Error(`KDDM_MODEL_ORDER=${v}: expected fifo, permuted or both`);
}

export function randomModelOptions(seed: number, scale = 1): ModelOptions {
  const r = new Rng(seed);
  return {
    seed,
    nodes: r.intBetween(2, 16),
    tasksPerNode: r.intBetween(1, 3),
    opsPerTask: Math.max(1, Math.round(r.intBetween(10, 40) * scale)),
    objects: r.intBetween(1, 4),
    localExclusive: r.chance(0.5),
    maxDelayNs: r.pick([2_000, 50_000, 500_000]),
  };
}

/** Run one seeded model; throws (with the seed in the message) on any violation. */
export async function runCoherenceModel(o: ModelOptions): Promise<ModelReport> {
  let nextInc = 1;
  let nextWrite = 1;
  const linker: IoLinker<Versioned> = {
    name: 'versioned',
    firstTouch: () => ({ inc: nextInc++, value: 0 }),
    importObject: (data) => ({ ...(data as Versioned) }),
  };
  const c = makeCluster(o.nodes, o.seed, () => [linker], {
    minDelayNs: 1_000,
    maxDelayNs: o.maxDelayNs,
    ...(o.permuteQuantumNs === undefined ? {} : { permuteQuantumNs: o.permuteQuantumNs }),
  });
  /** A duration on the permuted grid (unchanged without one). */
  const onGrid = (ns: number): number =>
    o.permuteQuantumNs === undefined ? ns : Math.ceil(ns / o.permuteQuantumNs) * o.permuteQuantumNs;
  const createSet = (n: KddmNode) =>
    n.createSet<Versioned>({
      id: 9,
      linker: 'versioned',
      home: 'round-robin',
      localExclusive: o.localExclusive,
    });
  const sets = c.nodes.map(createSet);
  const kddm = [...c.nodes];
  /** Nodes crashed and not rebooted. */
  const down = new Set<NodeId>();
  /** Survivors not yet told of the last membership change. */
  let pendingNotices = 0;
  /** Incarnations owned by a node when it crashed: lost (README "Crash semantics"). */
  const lostIncs = new Set<number>();
  const rng = c.engine.rng.fork('tasks');
  /** inc -> value released by the last writer of that incarnation. */
  const released = new Map<number, number>();
  /** objId -> node holding it for write and how many local grabs hold it (Kerrighed does not serialize
   *  local holders unless the set is LOCAL_EXCLUSIVE). */
  const writers = new Map<number, { node: NodeId; holds: number }>();
  const failures: Record<string, number> = {};
  let ops = 0;
  let checks = 0;
  let maxOpNs = 0;
  let finishedTasks = 0;
  let totalTasks = o.nodes * o.tasksPerNode;
  /** Unfinished tasks per node; a crash kills them. */
  const running = new Array<number>(o.nodes).fill(o.tasksPerNode);
  let killedTasks = 0;
  const where = () => `seed ${o.seed} (replay: KRG_SEED=${o.seed}), t=${c.engine.nowNs}ns`;

  const trace: string[] = [];
  const fail = (what: string): never => {
    const tail = process.env['KDDM_TRACE']
      ? `\n${trace.slice(-Number(process.env['KDDM_TRACE'])).join('\n')}`
      : '';
    throw new ModelViolation(`${what} — ${where()}${tail}`);
  };

  const describe = (objId: number) =>
    sets
      .map((s, n) => {
        if (down.has(n)) return `n${n}:DOWN`;
        const e = s.entryOf(objId);
        const v = s.peek(objId);
        return e
          ? `n${n}:${objectStateName(e.state)}${v ? `(${v.inc}/${v.value})` : ''}f${e.frozenCount}p${e.probOwner}`
          : `n${n}:-`;
      })
      .join(' ');

  const check = () => {
    checks++;
    for (let objId = 0; objId < o.objects; objId++) {
      let owners = 0;
      let writable: NodeId | undefined;
      let holdersOfCopy = 0;
      let inc: number | undefined;
      sets.forEach((s, n) => {
        if (down.has(n)) return;
        const e = s.entryOf(objId);
        if (e === undefined) return;
        if (isOwnerState(e.state) && e.state !== ObjectState.WAIT_CHG_OWN_ACK) owners++;
        if (isWritableState(e.state)) {
          if (writable !== undefined) fail(`two writable copies of ${objId}: ${describe(objId)}`);
          writable = n;
        }
        const v = s.peek(objId);
        // Only readable copies count: a copy being handed over (WAIT_CHG_OWN_ACK) is out of reach.
        if (v === undefined || !isReadableState(e.state)) return;
        holdersOfCopy++;
        // Once every live node has finished the recovery round, no copy of a lost object is left.
        if (
          lostIncs.has(v.inc) &&
          pendingNotices === 0 &&
          kddm.every((k, i) => down.has(i) || !k.isRecovering)
        ) {
          fail(
            `n${n} still holds a copy of lost incarnation ${v.inc} of ${objId}: ${describe(objId)}`,
          );
        }
        if (inc === undefined) inc = v.inc;
        else if (inc !== v.inc) fail(`two incarnations of ${objId} coexist: ${describe(objId)}`);
        if (writers.get(objId)?.node !== n) {
          const last = released.get(v.inc) ?? 0;
          if (v.value !== last)
            fail(
              `copy of ${objId} on n${n} holds ${v.value}, last released ${last}: ${describe(objId)}`,
            );
        }
      });
      if (owners > 1) fail(`${owners} owners of ${objId}: ${describe(objId)}`);
      if (writable !== undefined && holdersOfCopy > 1)
        fail(`writable copy of ${objId} on n${writable} is not alone: ${describe(objId)}`);
      const w = writers.get(objId)?.node;
      if (w !== undefined && holdersOfCopy > 1)
        fail(`n${w} holds ${objId} for write but other copies exist: ${describe(objId)}`);
    }
  };
  c.net.afterDelivery = (from, to, f) => {
    if (f.kind === 'object') {
      const w = f.msg;
      trace.push(
        `${c.engine.nowNs} ${w.type} ${w.objId} n${from}->n${to} reply=${w.replyNode} f=${w.flags.toString(16)}${w.objectState !== undefined ? ` st=${objectStateName(w.objectState)}` : ''}${w.master ? ` cs=${nodeSetToArray(w.master.copyset).join(',')}` : ''}${w.rmset !== undefined ? ` rm=${nodeSetToArray(w.rmset).join(',')}` : ''} :: ${describe(w.objId)}`,
      );
    }
    check();
  };

  const task = async (node: NodeId, t: number) => {
    const set = sets[node] as KddmSet<Versioned>;
    const scope = c.scopes[node]!;
    for (let i = 0; i < o.opsPerTask; i++) {
      await scope.sleep(onGrid(rng.intBetween(0, 3 * o.maxDelayNs)));
      const objId = rng.nextInt(o.objects);
      const kind = rng.pick(o.verbs ?? ALL_VERBS);
      ops++;
      const startNs = c.engine.nowNs;
      /** Time this operation held its object (the task's own think time, not KDDM's). */
      let heldNs = 0;
      trace.push(`${c.engine.nowNs} n${node}.${t} start ${kind} ${objId}`);
      try {
        switch (kind) {
          case 'get':
          case 'getNoFt':
          case 'find': {
            const v =
              kind === 'get'
                ? await set.get(objId)
                : kind === 'getNoFt'
                  ? await set.getNoFt(objId)
                  : set.find(objId);
            if (v !== null) {
              const last = released.get(v.inc) ?? 0;
              if (v.value !== last)
                fail(
                  `n${node} read ${objId} = ${v.value}, last released ${last}: ${describe(objId)}`,
                );
            } else if (kind === 'get') {
              fail(`get of ${objId} on n${node} returned null`);
            }
            check();
            heldNs = onGrid(rng.intBetween(0, o.maxDelayNs));
            await scope.sleep(heldNs);
            if (kind !== 'find' || v !== null) set.put(objId);
            break;
          }
          case 'grab':
          case 'tryGrab': {
            const v = kind === 'grab' ? await set.grab(objId) : await set.tryGrab(objId);
            if (v === null) fail(`grab of ${objId} on n${node} returned null`);
            const obj = v as Versioned;
            const held = writers.get(objId);
            if (held !== undefined && held.node !== node)
              fail(`n${node} grabbed ${objId} while n${held.node} holds it: ${describe(objId)}`);
            if (held !== undefined && o.localExclusive)
              fail(`two local holders of LOCAL_EXCLUSIVE ${objId} on n${node}`);
            const last = released.get(obj.inc) ?? 0;
            if (obj.value !== last)
              fail(`n${node} grabbed ${objId} = ${obj.value}, last released ${last}`);
            writers.set(objId, { node, holds: (held?.holds ?? 0) + 1 });
            check();
            heldNs = onGrid(rng.intBetween(0, o.maxDelayNs));
            await scope.sleep(heldNs);
            obj.value = nextWrite++;
            released.set(obj.inc, obj.value);
            const now = writers.get(objId)!;
            if (now.holds === 1) writers.delete(objId);
            else writers.set(objId, { node, holds: now.holds - 1 });
            set.put(objId);
            break;
          }
          case 'remove':
            await set.remove(objId);
            break;
          case 'flush':
            await set.flush(objId);
            break;
          case 'flushTo': {
            const dest = (node + 1 + rng.nextInt(o.nodes - 1)) % o.nodes;
            await set.flush(objId, dest);
            break;
          }
        }
      } catch (e) {
        if (e instanceof ModelViolation) throw e;
        const allowed =
          (o.crashes ?? 0) > 0 ? [...ALLOWED_FAILURES, ...CRASH_FAILURES] : ALLOWED_FAILURES;
        if (!(e instanceof KddmError) || !allowed.some((cls) => e instanceof cls)) {
          throw new ModelViolation(
            `n${node} task ${t} ${kind} ${objId}: ${String(e)} — ${where()}`,
          );
        }
        failures[e.code] = (failures[e.code] ?? 0) + 1;
      }
      maxOpNs = Math.max(maxOpNs, c.engine.nowNs - startNs - heldNs);
      trace.push(`${c.engine.nowNs} n${node}.${t} end ${kind} ${objId} :: ${describe(objId)}`);
      check();
    }
    finishedTasks++;
    running[node] = (running[node] ?? 0) - 1;
  };

  for (let n = 0; n < o.nodes; n++) {
    for (let t = 0; t < o.tasksPerNode; t++) c.scopes[n]!.spawn(`task${n}.${t}`, () => task(n, t));
  }
  if ((o.crashes ?? 0) > 0) {
    const chaosRng = c.engine.rng.fork('chaos');
    const chaos = c.engine.createScope('chaos');
    const detectNs = 4 * o.maxDelayNs;
    /** Tell every live node but `except` of a change, each after its own detection delay. */
    const notify = (except: NodeId, tell: (k: KddmNode) => void) => {
      for (let n = 0; n < o.nodes; n++) {
        if (n === except || down.has(n)) continue;
        pendingNotices++;
        const k = kddm[n] as KddmNode;
        c.engine.schedule(onGrid(chaosRng.intBetween(0, detectNs)), () => {
          pendingNotices--;
          if (kddm[n] === k && !down.has(n)) tell(k);
          check();
        });
      }
    };
    chaos.spawn('chaos', async () => {
      for (let i = 0; i < (o.crashes ?? 0); i++) {
        await chaos.sleep(onGrid(chaosRng.intBetween(0, 20 * o.maxDelayNs)));
        const up = Array.from({ length: o.nodes }, (_, n) => n).filter((n) => !down.has(n));
        const reboot = down.size > 0 && (up.length <= 2 || chaosRng.chance(0.5));
        if (reboot) {
          const n = chaosRng.pick([...down].sort((a, b) => a - b));
          const scope = c.engine.createScope(`node${n}-reboot${i}`);
          const fresh = new KddmNode({
            self: n,
            nodeMap: Array.from({ length: o.nodes }, (_, k) => k),
            transport: c.net.transportFor(n),
            scheduler: scope,
            rejoining: true,
          });
          fresh.registerLinker(linker);
          sets[n] = createSet(fresh);
          kddm[n] = fresh;
          c.scopes[n] = scope;
          c.net.reboot(fresh);
          down.delete(n);
          trace.push(`${c.engine.nowNs} REBOOT n${n}`);
          notify(n, (k) => k.nodeUp(n));
          // The rebooted node runs a task too.
          totalTasks++;
          running[n] = (running[n] ?? 0) + 1;
          scope.spawn(`task${n}.r${i}`, () => task(n, 100 + i));
        } else {
          if (up.length <= 2) continue;
          const n = chaosRng.pick(up);
          const s = sets[n] as KddmSet<Versioned>;
          for (let objId = 0; objId < o.objects; objId++) {
            const e = s.entryOf(objId);
            const v = s.peek(objId);
            // An ownership offer to the crashed node that it had not acked yet is taken back by the
            // offering node: the object lives on there (README "Crash semantics").
            const offered = sets.some((other, m) => {
              const oe = other.entryOf(objId);
              return (
                m !== n &&
                !down.has(m) &&
                oe?.state === ObjectState.WAIT_CHG_OWN_ACK &&
                oe.chgOwnTarget === n
              );
            });
            if (
              e !== undefined &&
              v !== undefined &&
              isOwnerState(e.state) &&
              e.state !== ObjectState.WAIT_CHG_OWN_ACK &&
              !offered
            ) {
              lostIncs.add(v.inc);
            }
            if (writers.get(objId)?.node === n) writers.delete(objId);
          }
          (c.scopes[n] as Scope).kill();
          c.net.crash(n);
          down.add(n);
          killedTasks += running[n] ?? 0;
          running[n] = 0;
          trace.push(`${c.engine.nowNs} CRASH n${n}`);
          notify(n, (k) => k.nodeDown(n));
        }
        // The next change waits until every live node has heard of this one.
        while (pendingNotices > 0) await chaos.sleep(onGrid(detectNs));
      }
    });
  }
  try {
    const run = await c.engine.run({ maxEvents: MAX_MODEL_EVENTS });
    if (run.reason === 'max-events') fail(`livelock: still busy after ${MAX_MODEL_EVENTS} events`);
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause ?? e;
    if (process.env['KDDM_TRACE'] && !(cause instanceof ModelViolation)) {
      console.error(trace.slice(-Number(process.env['KDDM_TRACE'])).join('\n'));
    }
    throw new Error(
      `model run failed: ${cause instanceof Error ? cause.message : String(cause)} — ${where()}`,
      { cause },
    );
  }
  if (finishedTasks + killedTasks !== totalTasks) {
    const stuck = [];
    for (let objId = 0; objId < o.objects; objId++) stuck.push(`${objId}: ${describe(objId)}`);
    fail(
      `deadlock: ${totalTasks - finishedTasks - killedTasks} of ${totalTasks} tasks never finished; ${stuck.join(' | ')}; recovering: ${kddm.map((k, i) => (down.has(i) ? '-' : k.isRecovering ? 'R' : 'ok')).join(',')}`,
    );
  }
  if (maxOpNs > MAX_OP_DELAYS * o.maxDelayNs) {
    fail(`an operation took ${maxOpNs} ns, more than ${MAX_OP_DELAYS} message delays`);
  }
  finalCheck(sets, down, o, fail, describe);
  return {
    seed: o.seed,
    ops,
    failures,
    messages: c.net.delivered,
    unexpected: sets.reduce((a, s) => a + s.counters.unexpected, 0),
    checks,
    maxOpNs,
  };
}

/** At quiescence: one owner per live object, every copy in its copyset, every probable-owner chain reaches it. */
function finalCheck(
  sets: KddmSet<Versioned>[],
  down: ReadonlySet<NodeId>,
  o: ModelOptions,
  fail: (w: string) => never,
  describe: (objId: number) => string,
): void {
  for (let objId = 0; objId < o.objects; objId++) {
    const owners: NodeId[] = [];
    const copies: NodeId[] = [];
    sets.forEach((s, n) => {
      if (down.has(n)) return;
      const e = s.entryOf(objId);
      if (e === undefined) return;
      if (isOwnerState(e.state)) owners.push(n);
      if (s.peek(objId) !== undefined) copies.push(n);
      if (e.frozenCount !== 0)
        fail(`object ${objId} still frozen on n${n} at the end: ${describe(objId)}`);
      if (s.waitingOps(objId) !== 0 || s.parkedMessages(objId) !== 0)
        fail(`object ${objId} has waiters or parked messages on n${n}: ${describe(objId)}`);
      if (
        ![
          ObjectState.INV_COPY,
          ObjectState.READ_COPY,
          ObjectState.INV_OWNER,
          ObjectState.READ_OWNER,
          ObjectState.WRITE_OWNER,
          ObjectState.WRITE_GHOST,
        ].includes(e.state as never)
      ) {
        fail(`object ${objId} left in ${objectStateName(e.state)} on n${n}: ${describe(objId)}`);
      }
    });
    if (copies.length === 0) continue;
    if (owners.length !== 1)
      fail(`object ${objId} has copies but ${owners.length} owners: ${describe(objId)}`);
    const owner = owners[0] as NodeId;
    const oe = sets[owner]!.entryOf(objId)!;
    for (const n of copies)
      if (!nodeSetHas(oe.copyset, n))
        fail(`copy on n${n} missing from the owner's copyset: ${describe(objId)}`);
    // Every node's request reaches the owner along probable owners (no entry: the default owner).
    for (let n = 0; n < o.nodes; n++) {
      if (down.has(n)) continue;
      let at = n;
      for (let hops = 0; at !== owner; hops++) {
        if (hops > o.nodes + 1)
          fail(
            `probable-owner chain from n${n} for ${objId} never reaches n${owner}: ${describe(objId)}`,
          );
        if (down.has(at))
          fail(
            `probable-owner chain from n${n} for ${objId} reaches down n${at}: ${describe(objId)}`,
          );
        const e = sets[at]!.entryOf(objId);
        at = e === undefined ? sets[at]!.defaultOwnerOf(objId) : e.probOwner;
      }
    }
  }
}
