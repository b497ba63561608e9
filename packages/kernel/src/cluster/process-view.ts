// The one-system-image view of processes (reference §7 "/proc" and remote
// syscalls): every node answers for the processes it runs, from their task
// objects; `ps` from any node asks every live node over RPC and merges the
// answers; a question about one process (getpgid, getsid, getpriority) is
// routed through its task object's `node` to the node that runs it.
import {
  TASK_NODE_NONE,
  TASK_SET_ID,
  NO_PRIORITY,
  checkPriorityReply,
  checkPriorityRequest,
  priorityOnNode,
  type PriorityReply,
  type PriorityRequest,
  type ProcessSelector,
  type Task,
  type TaskObject,
  type TaskQuery,
  type TaskState,
} from '@krg/epm-core';
import { KddmError, type KddmSet } from '@krg/kddm-core';
import { RpcError } from '@krg/krg-rpc';
import { isGlobalPid } from '@krg/pid-mgmt';
import { assert } from '@krg/epm-core';
import { TASKS_PER_NODE_MAX } from '../limits.js';
import type { NodeKernel } from '../process/node-kernel.js';

/** krg-rpc service ids of the process view ("PS", "TQ"). */
export const PS_SERVICE = 0x5053;
export const TASK_QUERY_SERVICE = 0x5451;
/** krg-rpc service id of the cluster-wide process count ("SV"). */
export const SURVEY_SERVICE = 0x5356;

/** One line of `ps`. */
export interface PsRow {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly uid: number;
  /** The node that runs the process (its task object's `node`). */
  readonly node: number;
  readonly state: TaskState;
  readonly command: string;
}

function taskSet(kernel: NodeKernel): KddmSet<TaskObject> {
  const set = kernel.kddm.set<TaskObject>(TASK_SET_ID);
  assert(set !== undefined, 'the task set exists on every node');
  return set;
}

/**
 * A row from a task object. The object carries the fields the lifecycle
 * publishes; whether a live task is running or sleeping changes at every
 * system call and is not published, so it is read from the task itself —
 * as Kerrighed's per-pid /proc files are served by the node in `node`.
 */
function rowOf(obj: TaskObject, task: Task): PsRow {
  return {
    pid: obj.pid,
    ppid: obj.parent,
    pgid: obj.pgid,
    sid: obj.sid,
    uid: obj.uid,
    node: obj.node,
    state: obj.exitState === 'zombie' ? 'zombie' : task.state,
    command: obj.comm,
  };
}

/**
 * This node's processes as its task objects describe them, read without
 * waiting (KDDM's local fast path). An object that cannot be read at once
 * (an update of it is still in flight) is reported in `unreadable`: the
 * synchronous view for invariant checkers.
 */
export function peekLocalPs(kernel: NodeKernel): { rows: PsRow[]; unreadable: number[] } {
  const set = taskSet(kernel);
  const rows: PsRow[] = [];
  const unreadable: number[] = [];
  for (const task of kernel.tasks()) {
    const obj = set.tryGetLocal(task.pid);
    if (obj === undefined) {
      unreadable.push(task.pid);
      continue;
    }
    rows.push(rowOf(obj, task));
    set.put(task.pid);
  }
  return { rows, unreadable };
}

/** This node's processes from their task objects, waiting for any still being updated. */
export async function localPs(kernel: NodeKernel): Promise<PsRow[]> {
  const set = taskSet(kernel);
  const rows: PsRow[] = [];
  for (const task of kernel.tasks()) {
    let obj: TaskObject | null | undefined = set.tryGetLocal(task.pid);
    if (obj === undefined) obj = await set.getNoFt(task.pid);
    // A task reaped or vanished while we waited has no row.
    if (obj !== null && task.state !== 'dead') rows.push(rowOf(obj, task));
    set.put(task.pid);
  }
  return rows;
}

const STATES: readonly TaskState[] = ['running', 'sleeping', 'stopped', 'zombie'];

/**
 * A row on the wire: a tuple [pid, ppid, pgid, sid, uid, node, state index,
 * command] — a third of the bytes of the object and cheaper to encode and
 * decode, which is most of what ps costs beyond the RPC itself.
 */
type WireRow = [number, number, number, number, number, number, number, string];

function toWire(r: PsRow): WireRow {
  return [r.pid, r.ppid, r.pgid, r.sid, r.uid, r.node, STATES.indexOf(r.state), r.command];
}

/** Rows received from another node, checked and bounded like any input from the network. */
function checkRows(value: unknown, from: number): PsRow[] {
  if (!Array.isArray(value) || value.length > TASKS_PER_NODE_MAX) return [];
  const rows: PsRow[] = [];
  for (const r of value as unknown[]) {
    if (!Array.isArray(r) || r.length !== 8) continue;
    const [pid, ppid, pgid, sid, uid, node, state, command] = r as unknown[];
    const ints = [pid, ppid, pgid, sid, uid, node];
    if (!ints.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) continue;
    if (typeof state !== 'number' || STATES[state] === undefined) continue;
    if (typeof command !== 'string' || command.length > 15) continue;
    // A node answers only for the processes it runs.
    if (node !== from) continue;
    rows.push({
      pid: pid as number,
      ppid: ppid as number,
      pgid: pgid as number,
      sid: sid as number,
      uid: uid as number,
      node,
      state: STATES[state],
      command,
    });
  }
  return rows;
}

/**
 * `ps` as node `kernel` sees the cluster: its own processes, and every other
 * live node's answer over RPC (a node that crashed meanwhile answers
 * RpcPeerDown once its crash is noticed, and its processes are not listed).
 */
export async function clusterPs(kernel: NodeKernel, nodeIds: readonly number[]): Promise<PsRow[]> {
  const others = nodeIds.filter((n) => n !== kernel.id);
  const [own, outcomes] = await Promise.all([
    localPs(kernel),
    kernel.rpc.callMany(PS_SERVICE, others, null),
  ]);
  const rows = [...own];
  for (const [node, outcome] of outcomes)
    if (outcome.isOk) rows.push(...checkRows(outcome.value, node));
  return rows.sort((a, b) => a.pid - b.pid);
}

/** The answer to a task query from the node running the task. */
function answerLocally(task: Task, what: TaskQuery): number {
  switch (what) {
    case 'pgid':
      return task.pgid;
    case 'sid':
      return task.sid;
    case 'nice':
      return task.nice;
  }
}

const QUERIES: readonly string[] = ['pgid', 'sid', 'nice'];

/**
 * The node that runs process `pid` as its task object says
 * (krg_lock_pid_location), or undefined when no other node runs it: no
 * object, no node (being created or moving), or the object unreadable
 * because its home is gone.
 */
export async function locateProcess(kernel: NodeKernel, pid: number): Promise<number | undefined> {
  if (!isGlobalPid(pid)) return undefined;
  const set = taskSet(kernel);
  let node = TASK_NODE_NONE;
  try {
    const obj = await set.getNoFt(pid);
    if (obj !== null) node = obj.node;
    set.put(pid);
  } catch (e) {
    if (e instanceof KddmError) return undefined;
    throw e;
  }
  return node === TASK_NODE_NONE || node === kernel.id ? undefined : node;
}

/**
 * getpgid/getsid/getpriority on `pid` from a task of `kernel`'s node: a
 * local process answers at once; otherwise the task object gives the node
 * that runs it, which is asked over RPC. A process whose object is gone, or
 * whose node is down, does not exist: ESRCH.
 */
export async function queryTask(
  kernel: NodeKernel,
  pid: number,
  what: TaskQuery,
): Promise<number | 'ESRCH'> {
  const local = pid === 1 ? kernel.init : kernel.task(pid);
  if (local !== undefined && local.state !== 'dead') return answerLocally(local, what);
  const node = await locateProcess(kernel, pid);
  if (node === undefined) return 'ESRCH';
  try {
    const answer = await kernel.rpc.call(TASK_QUERY_SERVICE, node, { pid, what });
    return typeof answer === 'number' ? answer : 'ESRCH';
  } catch (e) {
    if (e instanceof RpcError) return 'ESRCH';
    throw e;
  }
}

/** How many of this node's processes `selector` names (zombies included, init not). */
function countLocally(kernel: NodeKernel, selector: ProcessSelector): number {
  let n = 0;
  for (const t of kernel.tasks()) {
    if (t.state === 'dead') continue;
    if (selector.kind === 'user') n += t.credentials.uid === selector.uid ? 1 : 0;
    else if (selector.kind === 'group') n += matchesGroup(t, selector) ? 1 : 0;
    else n += isAnchor(kernel, t, selector.pgid) ? 1 : 0;
  }
  return n;
}

/**
 * Does `t` keep its group `pgid` from being orphaned: alive, in the group,
 * with a parent that is not init in another group of its session? Its
 * parent runs on its node (fork is local), so the node answers alone.
 */
function isAnchor(kernel: NodeKernel, t: Task, pgid: number): boolean {
  if (t.pgid !== pgid || t.state === 'zombie' || t.parentPid === 1) return false;
  const parent = kernel.task(t.parentPid);
  return (
    parent !== undefined && parent.state !== 'dead' && parent.pgid !== pgid && parent.sid === t.sid
  );
}

function matchesGroup(t: Task, g: { readonly pgid: number; readonly sid?: number }): boolean {
  return t.pgid === g.pgid && (g.sid === undefined || t.sid === g.sid);
}

/** A selector received from another node, or undefined when malformed. */
function checkSelector(value: unknown): ProcessSelector | undefined {
  const a = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const isId = (v: unknown): v is number =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 0xffff_ffff;
  if (a.kind === 'user') return isId(a.uid) ? { kind: 'user', uid: a.uid } : undefined;
  if (a.kind === 'group-anchors')
    return isId(a.pgid) ? { kind: 'group-anchors', pgid: a.pgid } : undefined;
  if (a.kind !== 'group' || !isId(a.pgid)) return undefined;
  if (a.sid === undefined) return { kind: 'group', pgid: a.pgid };
  return isId(a.sid) ? { kind: 'group', pgid: a.pgid, sid: a.sid } : undefined;
}

/**
 * Counts the processes `selector` names on every live node: this node's at
 * once, the others' over RPC (a node that dies before answering has none).
 * Synchronous when no other node is up.
 */
export function surveyProcesses(
  kernel: NodeKernel,
  liveNodes: readonly number[],
  selector: ProcessSelector,
): number | Promise<number> {
  const own = countLocally(kernel, selector);
  const others = liveNodes.filter((n) => n !== kernel.id);
  if (others.length === 0) return own;
  return kernel.rpc.callMany(SURVEY_SERVICE, others, selector).then((outcomes) => {
    let n = own;
    for (const outcome of outcomes.values()) {
      const v = outcome.isOk ? outcome.value : 0;
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= TASKS_PER_NODE_MAX)
        n += v;
    }
    return n;
  });
}

/** krg-rpc service id of getpriority/setpriority on other nodes ("PR"). */
export const PRIORITY_SERVICE = 0x5052;

/**
 * getpriority/setpriority where the processes run: one process on its node
 * (at once here, else where its task object says, over RPC), a group or a
 * user's processes on every live node. A node that dies before it answers
 * has none of them.
 */
export function routePriority(
  kernel: NodeKernel,
  liveNodes: readonly number[],
  request: PriorityRequest,
): readonly PriorityReply[] | Promise<readonly PriorityReply[]> {
  const here = (): PriorityReply => priorityOnNode(kernel.tasks(), request);
  const target = request.target;
  if (target.kind === 'process') {
    // pid 1 is the caller's own node's init (node-local, never a cluster PID).
    if (target.pid === 1) return [priorityOnNode([kernel.init], request)];
    if (kernel.task(target.pid) !== undefined) return [here()];
    return locateProcess(kernel, target.pid).then(async (node) => {
      if (node === undefined) return [NO_PRIORITY];
      try {
        return [
          checkPriorityReply(await kernel.rpc.call(PRIORITY_SERVICE, node, request)) ?? NO_PRIORITY,
        ];
      } catch (e) {
        if (e instanceof RpcError) return [NO_PRIORITY];
        throw e;
      }
    });
  }
  const others = liveNodes.filter((n) => n !== kernel.id);
  if (others.length === 0) return [here()];
  return kernel.rpc.callMany(PRIORITY_SERVICE, others, request).then((outcomes) => {
    const replies = [...outcomes.values()].map(
      (o) => (o.isOk ? checkPriorityReply(o.value) : undefined) ?? NO_PRIORITY,
    );
    return [...replies, here()];
  });
}

/** Offers this node's part of the view to the others (at boot). */
export function registerProcessView(kernel: NodeKernel): void {
  kernel.rpc.register(PS_SERVICE, async () => (await localPs(kernel)).map(toWire));
  kernel.rpc.register(PRIORITY_SERVICE, (args) => {
    const request = checkPriorityRequest(args);
    return Promise.resolve(
      request === undefined ? NO_PRIORITY : priorityOnNode(kernel.tasks(), request),
    );
  });
  kernel.rpc.register(SURVEY_SERVICE, (args) => {
    const selector = checkSelector(args);
    return Promise.resolve(selector === undefined ? 0 : countLocally(kernel, selector));
  });
  kernel.rpc.register(TASK_QUERY_SERVICE, (args) => {
    const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
    if (typeof a.pid !== 'number' || typeof a.what !== 'string' || !QUERIES.includes(a.what))
      return Promise.resolve(null);
    const task = kernel.task(a.pid);
    if (task === undefined || task.state === 'dead') return Promise.resolve(null);
    return Promise.resolve(answerLocally(task, a.what as TaskQuery));
  });
}
