// The signal operations one node carries out for a caller on any node
// (Kerrighed's remote kill and remote prlimit, reference §7): kill, tkill,
// tgkill and sigqueue name processes that may run anywhere, so the kernel
// routes each request to the node(s) that run them — one process through its
// task object's `node`, a process group or every process by asking every
// live node — and that node applies Linux's rules here, to its own tasks
// only. The caller's syscall then combines the nodes' replies as Linux's
// kill_pgrp and kill(-1) loops combine their results. Requests and replies
// cross the network: each is checked field by field on arrival.
import { SIGNAL, isValidSignal, type SignalInfo, type Task } from '@krg/epm-core';
import { SI_KERNEL } from '@krg/arch-riscv';
import type { GenerationResult } from './signal-state.js';
import { SIGNAL_SLOT } from './signal-state.js';
import { RLIMIT_NOFILE, RLIM_INFINITY, RLIM_NLIMITS, type Rlimit } from './rlimits.js';

/** Which processes a kill-family call names. */
export type KillTarget =
  /** kill(pid > 0), rt_sigqueueinfo: one process. */
  | { readonly kind: 'process'; readonly pid: number }
  /** tkill (tgid −1), tgkill, rt_tgsigqueueinfo: one thread, of group `tgid`. */
  | { readonly kind: 'thread'; readonly tgid: number; readonly tid: number }
  /** kill(0), kill(−pgid): every process of a group, zombies included. */
  | { readonly kind: 'group'; readonly pgid: number }
  /** kill(−1): every process but init and the caller. */
  | { readonly kind: 'all' };

/** Who sends: what check_kill_permission and kill(−1) look at. */
export interface Sender {
  readonly tgid: number;
  readonly uid: number;
  readonly euid: number;
  readonly sid: number;
}

export interface KillRequest {
  readonly op: 'kill';
  readonly target: KillTarget;
  /** 0 probes: the checks run, nothing is sent. */
  readonly sig: number;
  readonly info: SignalInfo;
  readonly sender: Sender;
}

/** One node's answer to a kill: processes named there, how many took the signal, the last failure. */
export interface KillReply {
  readonly found: number;
  readonly succeeded: number;
  readonly error: 'EPERM' | 'EAGAIN' | undefined;
}

/** prlimit64 on a process of another node: its limit `resource`, replaced by `next` if given. */
export interface PrlimitRequest {
  readonly op: 'prlimit';
  readonly pid: number;
  readonly resource: number;
  readonly next: Rlimit | undefined;
  readonly sender: Sender;
}

export type PrlimitReply =
  | { readonly ok: true; readonly old: Rlimit }
  | { readonly ok: false; readonly errno: 'ESRCH' | 'EINVAL' | 'EPERM' };

export type SignalRequest = KillRequest | PrlimitRequest;

/** What a node lends to serve requests: its own processes and its way of sending a signal. */
export interface SignalNode {
  /** The node's processes in pid order, zombies included (init is not among them). */
  tasks(): readonly Task[];
  /** The node's own init (pid 1 is node-local): it takes no signal it has no handler for. */
  readonly init: Task;
  /** Generates `sig` for one of the node's tasks and wakes it (Linux's send_signal). */
  send(task: Task, sig: number, info: SignalInfo): GenerationResult;
}

export function senderOf(task: Task): Sender {
  return {
    tgid: task.tgid,
    uid: task.credentials.uid,
    euid: task.credentials.euid,
    sid: task.sid,
  };
}

const isGone = (t: Task): boolean => t.state === 'dead';

function named(node: SignalNode, target: KillTarget, sender: Sender): Task[] {
  switch (target.kind) {
    case 'process':
      if (target.pid === 1) return [node.init];
      return node.tasks().filter((t) => t.pid === target.pid && t.tgid === t.pid && !isGone(t));
    case 'thread':
      if (target.tid === 1 && (target.tgid === -1 || target.tgid === 1)) return [node.init];
      return node
        .tasks()
        .filter(
          (t) =>
            t.pid === target.tid && (target.tgid === -1 || t.tgid === target.tgid) && !isGone(t),
        );
    case 'group':
      return node.tasks().filter((t) => t.pgid === target.pgid && !isGone(t));
    case 'all':
      return node.tasks().filter((t) => t.pid > 1 && t.tgid !== sender.tgid && !isGone(t));
  }
}

/**
 * Linux's check_kill_permission for a user's signal: root (CAP_KILL) or a
 * matching real or effective uid, or SIGCONT within the sender's session.
 * The kernel's own signals are always allowed.
 */
export function mayKill(sender: Sender, info: SignalInfo, sig: number, t: Task): boolean {
  if (info.code === SI_KERNEL) return true;
  if (sender.euid === 0) return true;
  const c = t.credentials;
  if (sender.euid === c.uid || sender.uid === c.uid) return true;
  return sig === SIGNAL.SIGCONT && sender.sid === t.sid;
}

/**
 * A kill request served by one node for its own processes: each named
 * process is checked (EPERM), a zombie takes the signal and does nothing,
 * signal 0 only probes; the sender, when it is among them, is signalled
 * last, so the others get the signal even if it dies of it at once.
 */
export function serveKill(node: SignalNode, request: KillRequest): KillReply {
  const targets = named(node, request.target, request.sender);
  targets.sort((a, b) =>
    a.tgid === request.sender.tgid ? 1 : b.tgid === request.sender.tgid ? -1 : a.pid - b.pid,
  );
  let succeeded = 0;
  let error: KillReply['error'];
  for (const t of targets) {
    if (!mayKill(request.sender, request.info, request.sig, t)) {
      error = 'EPERM';
      continue;
    }
    if (request.sig === 0 || t.state === 'zombie') {
      succeeded++;
      continue;
    }
    if (node.send(t, request.sig, request.info) === 'overflow') {
      error = 'EAGAIN';
      continue;
    }
    succeeded++;
  }
  return { found: targets.length, succeeded, error };
}

/**
 * The result of a kill-family call from every node's reply: one process or
 * thread — its node's verdict, ESRCH if no node has it; a group — 0 if any
 * member took the signal, else the last failure (ESRCH when no node found a
 * member); every process — ESRCH if there was none, else the last failure
 * other than EPERM, else 0 (Linux's kill(−1) ignores EPERM).
 */
export function killResult(
  target: KillTarget,
  replies: readonly KillReply[],
): 0 | 'ESRCH' | 'EPERM' | 'EAGAIN' {
  const found = replies.reduce((n, r) => n + r.found, 0);
  if (found === 0) return 'ESRCH';
  if (target.kind === 'all') {
    const errors = replies.map((r) => r.error).filter((e) => e !== undefined && e !== 'EPERM');
    return errors.at(-1) ?? 0;
  }
  if (replies.some((r) => r.succeeded > 0)) return 0;
  const errors = replies.map((r) => r.error).filter((e) => e !== undefined);
  return errors.at(-1) ?? 'ESRCH';
}

/** Linux's prlimit permission: the caller's ids match the target's, or the caller is root. */
function mayPrlimit(sender: Sender, t: Task): boolean {
  return (
    sender.euid === 0 || (sender.uid === t.credentials.uid && sender.euid === t.credentials.euid)
  );
}

/**
 * Reads limit `resource` of `t` and replaces it with `next` when given
 * (Linux's do_prlimit): soft above hard is EINVAL; raising a hard limit
 * needs root (CAP_SYS_RESOURCE); RLIMIT_NOFILE's hard limit stays within
 * nr_open (1048576).
 */
export function applyRlimit(t: Task, resource: number, next: Rlimit | undefined): PrlimitReply {
  if (resource < 0 || resource >= RLIM_NLIMITS) return { ok: false, errno: 'EINVAL' };
  const limits = t.get(SIGNAL_SLOT).rlimits;
  const current = limits[resource]!;
  const old = { soft: current.soft, hard: current.hard };
  if (next !== undefined) {
    if (next.soft > next.hard) return { ok: false, errno: 'EINVAL' };
    if (next.hard > current.hard && t.credentials.euid !== 0) return { ok: false, errno: 'EPERM' };
    if (resource === RLIMIT_NOFILE && next.hard > 1048576n) return { ok: false, errno: 'EPERM' };
    limits[resource] = { soft: next.soft, hard: next.hard };
  }
  return { ok: true, old };
}

/** A prlimit request served by the node that runs `pid`. */
export function servePrlimit(node: SignalNode, request: PrlimitRequest): PrlimitReply {
  const t = node.tasks().find((x) => x.pid === request.pid && x.state !== 'dead');
  // A zombie has released its signal object: Linux's do_prlimit finds no sighand (ESRCH).
  if (t === undefined || t.state === 'zombie') return { ok: false, errno: 'ESRCH' };
  if (!mayPrlimit(request.sender, t)) return { ok: false, errno: 'EPERM' };
  return applyRlimit(t, request.resource, request.next);
}

// ---- checking what arrives from the network ----

type Fields = Record<string, unknown>;

const asFields = (v: unknown): Fields | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;

const isU64 = (v: unknown): v is bigint => typeof v === 'bigint' && v >= 0n && v <= RLIM_INFINITY;

function checkSender(v: unknown): Sender | undefined {
  const f = asFields(v);
  if (f === undefined) return undefined;
  const { tgid, uid, euid, sid } = f;
  if (!isInt(tgid, 0, INT32_MAX) || !isInt(sid, 0, INT32_MAX)) return undefined;
  if (!isInt(uid, 0, UINT32_MAX) || !isInt(euid, 0, UINT32_MAX)) return undefined;
  return { tgid, uid, euid, sid };
}

function checkInfo(v: unknown): SignalInfo | undefined {
  const f = asFields(v);
  if (f === undefined) return undefined;
  const { code, senderPid, senderUid, value } = f;
  if (!isInt(code, INT32_MIN, INT32_MAX) || !isInt(senderPid, INT32_MIN, INT32_MAX))
    return undefined;
  if (!isInt(senderUid, 0, UINT32_MAX)) return undefined;
  if (value !== undefined && !isU64(value)) return undefined;
  // A child's status travels only from the kernel to a parent, never in a kill request.
  return value === undefined
    ? { code, senderPid, senderUid }
    : { code, senderPid, senderUid, value };
}

function checkTarget(v: unknown): KillTarget | undefined {
  const f = asFields(v);
  if (f === undefined) return undefined;
  switch (f.kind) {
    case 'process':
      return isInt(f.pid, 1, INT32_MAX) ? { kind: 'process', pid: f.pid } : undefined;
    case 'thread':
      return isInt(f.tid, 1, INT32_MAX) && (f.tgid === -1 || isInt(f.tgid, 1, INT32_MAX))
        ? { kind: 'thread', tgid: f.tgid, tid: f.tid }
        : undefined;
    case 'group':
      return isInt(f.pgid, 1, INT32_MAX) ? { kind: 'group', pgid: f.pgid } : undefined;
    case 'all':
      return { kind: 'all' };
    default:
      return undefined;
  }
}

/** A request received from another node, or undefined when any field is out of its range. */
export function checkSignalRequest(value: unknown): SignalRequest | undefined {
  const f = asFields(value);
  if (f === undefined) return undefined;
  const sender = checkSender(f.sender);
  if (sender === undefined) return undefined;
  if (f.op === 'kill') {
    const target = checkTarget(f.target);
    const info = checkInfo(f.info);
    const sig = f.sig;
    if (target === undefined || info === undefined) return undefined;
    if (!isInt(sig, 0, 64) || (sig !== 0 && !isValidSignal(sig))) return undefined;
    return { op: 'kill', target, sig, info, sender };
  }
  if (f.op === 'prlimit') {
    if (!isInt(f.pid, 1, INT32_MAX) || !isInt(f.resource, INT32_MIN, INT32_MAX)) return undefined;
    let next: Rlimit | undefined;
    if (f.next !== undefined) {
      const n = asFields(f.next);
      if (n === undefined || !isU64(n.soft) || !isU64(n.hard)) return undefined;
      next = { soft: n.soft, hard: n.hard };
    }
    return { op: 'prlimit', pid: f.pid, resource: f.resource, next, sender };
  }
  return undefined;
}

/** A kill reply received from another node, or undefined when malformed. */
export function checkKillReply(value: unknown): KillReply | undefined {
  const f = asFields(value);
  if (f === undefined) return undefined;
  const { found, succeeded, error } = f;
  if (!isInt(found, 0, INT32_MAX) || !isInt(succeeded, 0, found)) return undefined;
  if (error !== undefined && error !== 'EPERM' && error !== 'EAGAIN') return undefined;
  return { found, succeeded, error };
}

/** A prlimit reply received from another node, or undefined when malformed. */
export function checkPrlimitReply(value: unknown): PrlimitReply | undefined {
  const f = asFields(value);
  if (f === undefined) return undefined;
  if (f.ok === true) {
    const old = asFields(f.old);
    if (old === undefined || !isU64(old.soft) || !isU64(old.hard)) return undefined;
    return { ok: true, old: { soft: old.soft, hard: old.hard } };
  }
  if (f.ok === false && (f.errno === 'ESRCH' || f.errno === 'EINVAL' || f.errno === 'EPERM'))
    return { ok: false, errno: f.errno };
  return undefined;
}

/** The empty reply: a node that runs none of the named processes (or did not answer). */
export const NOBODY: KillReply = { found: 0, succeeded: 0, error: undefined };
