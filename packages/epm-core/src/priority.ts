// Process priorities (getpriority, setpriority): the nice value of a
// process, a process group or a user's processes wherever they run. Each
// node applies these rules to its own tasks (Kerrighed's remote syscalls,
// reference §7); the kernel routes a request to the node that runs the
// process, or to every live node for a group or a user, and the caller
// combines the replies. Requests and replies cross the network and are
// checked field by field on arrival.
import type { Task } from './task.js';

/** Linux's nice range. */
export const NICE_MIN = -20;
export const NICE_MAX = 19;

export type PriorityTarget =
  | { readonly kind: 'process'; readonly pid: number }
  | { readonly kind: 'group'; readonly pgid: number }
  | { readonly kind: 'user'; readonly uid: number };

export interface PriorityRequest {
  readonly target: PriorityTarget;
  /** setpriority's value (already clamped); undefined for getpriority. */
  readonly nice: number | undefined;
  readonly caller: { readonly uid: number; readonly euid: number };
}

/** One node's answer: processes named there, the lowest nice among them (before a change), the last failure. */
export interface PriorityReply {
  readonly found: number;
  readonly lowestNice: number;
  readonly error: 'EPERM' | 'EACCES' | undefined;
}

export const NO_PRIORITY: PriorityReply = { found: 0, lowestNice: NICE_MAX, error: undefined };

function isNamed(t: Task, target: PriorityTarget): boolean {
  if (t.state === 'dead') return false;
  switch (target.kind) {
    case 'process':
      return t.pid === target.pid;
    case 'group':
      return t.pgid === target.pgid;
    case 'user':
      return t.credentials.uid === target.uid;
  }
}

/**
 * A priority request served for one node's tasks (Linux's getpriority and
 * set_one_prio): the caller may renice a process whose uid or euid is its
 * euid, or any as root (CAP_SYS_NICE) — EPERM otherwise; lowering a nice
 * value needs root (EACCES; krg has no RLIMIT_NICE grant).
 */
export function priorityOnNode(tasks: readonly Task[], request: PriorityRequest): PriorityReply {
  let found = 0;
  let lowestNice = NICE_MAX;
  let error: PriorityReply['error'];
  for (const t of tasks) {
    if (!isNamed(t, request.target)) continue;
    found++;
    lowestNice = Math.min(lowestNice, t.nice);
    const nice = request.nice;
    if (nice === undefined) continue;
    const isRoot = request.caller.euid === 0;
    if (
      !isRoot &&
      t.credentials.uid !== request.caller.euid &&
      t.credentials.euid !== request.caller.euid
    ) {
      error = 'EPERM';
      continue;
    }
    if (nice < t.nice && !isRoot) {
      error = 'EACCES';
      continue;
    }
    t.nice = nice;
  }
  return { found, lowestNice, error };
}

/** getpriority's answer from every node's reply: 20 − the lowest nice, or ESRCH. */
export function priorityResult(replies: readonly PriorityReply[]): number | 'ESRCH' {
  const named = replies.filter((r) => r.found > 0);
  if (named.length === 0) return 'ESRCH';
  return 20 - Math.min(...named.map((r) => r.lowestNice));
}

/** setpriority's answer: ESRCH when nothing was named, else the last failure, else 0. */
export function reniceResult(replies: readonly PriorityReply[]): 0 | 'ESRCH' | 'EPERM' | 'EACCES' {
  if (!replies.some((r) => r.found > 0)) return 'ESRCH';
  const errors = replies.map((r) => r.error).filter((e) => e !== undefined);
  return errors.at(-1) ?? 0;
}

type Fields = Record<string, unknown>;
const asFields = (v: unknown): Fields | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const U32_MAX = 2 ** 32 - 1;

/** A request received from another node, or undefined when malformed. */
export function checkPriorityRequest(value: unknown): PriorityRequest | undefined {
  const f = asFields(value);
  const target = asFields(f?.target);
  const caller = asFields(f?.caller);
  if (f === undefined || target === undefined || caller === undefined) return undefined;
  if (!isInt(caller.uid, 0, U32_MAX) || !isInt(caller.euid, 0, U32_MAX)) return undefined;
  if (f.nice !== undefined && !isInt(f.nice, NICE_MIN, NICE_MAX)) return undefined;
  const nice = f.nice;
  const who = { uid: caller.uid, euid: caller.euid };
  if (target.kind === 'process' && isInt(target.pid, 1, 2 ** 31 - 1))
    return { target: { kind: 'process', pid: target.pid }, nice, caller: who };
  if (target.kind === 'group' && isInt(target.pgid, 1, 2 ** 31 - 1))
    return { target: { kind: 'group', pgid: target.pgid }, nice, caller: who };
  if (target.kind === 'user' && isInt(target.uid, 0, U32_MAX))
    return { target: { kind: 'user', uid: target.uid }, nice, caller: who };
  return undefined;
}

/** A reply received from another node, or undefined when malformed. */
export function checkPriorityReply(value: unknown): PriorityReply | undefined {
  const f = asFields(value);
  if (f === undefined) return undefined;
  const { found, lowestNice, error } = f;
  if (!isInt(found, 0, 2 ** 31 - 1) || !isInt(lowestNice, NICE_MIN, NICE_MAX)) return undefined;
  if (error !== undefined && error !== 'EPERM' && error !== 'EACCES') return undefined;
  return { found, lowestNice, error };
}
