// The kernel's 'task' and 'pids' ghost sections (reference §3 steps 2 and
// 5): the task fields, its accounting, the complete CPU state and a system
// call it was blocked in (run again after a restart, as Linux restarts an
// interrupted call); then the PIDs, which a restart reserves again on the
// node's pidmap — the PID is free once the killed process is gone.
import { Hart, type HartState } from '@krg/arch-riscv';
import {
  ACCOUNTING_SLOT,
  CHILD_EVENTS_SLOT,
  ProcessImportFailed,
  Task,
  WaitQueue,
  importedTask,
  intField,
  newAccounting,
  type GhostSection,
} from '@krg/epm-core';
import type { GhostReader, GhostWriter } from '@krg/ghost-io';
import { MM_SLOT } from '@krg/mm-ghost';
import { isGlobalPid, origNode, shortPid } from '@krg/pid-mgmt';
import type { KernelImportTarget } from './import-target.js';
import { RUNTIME_SLOT, newRuntime } from './task-runtime.js';
import { HART_SLOT } from './task-slots.js';

const U32_MAX = 0xffffffff;

async function writeHart(ghost: GhostWriter, s: HartState): Promise<void> {
  await ghost.writeU64(s.pc);
  for (const x of s.x) await ghost.writeU64(x);
  for (const f of s.f) await ghost.writeU64(f);
  await ghost.writeU32(s.fcsr);
  await ghost.writeU64(s.instret);
  await ghost.writeBool(s.reservation !== null);
  if (s.reservation !== null) {
    await ghost.writeU64(s.reservation.address);
    await ghost.writeU8(s.reservation.widthBytes);
    await ghost.writeU64(s.reservation.value);
  }
}

async function readHart(ghost: GhostReader): Promise<HartState> {
  const pc = await ghost.readU64();
  const x: bigint[] = [];
  for (let i = 0; i < 32; i++) x.push(await ghost.readU64());
  const f: bigint[] = [];
  for (let i = 0; i < 32; i++) f.push(await ghost.readU64());
  const fcsr = await ghost.readU32();
  const instret = await ghost.readU64();
  const hasReservation = await ghost.readBool();
  let reservation: HartState['reservation'] = null;
  if (hasReservation) {
    const address = await ghost.readU64();
    const width = await ghost.readU8();
    const value = await ghost.readU64();
    if (width !== 4 && width !== 8)
      throw new ProcessImportFailed('task', 'a 4- or 8-byte reservation', String(width));
    reservation = { address, widthBytes: width, value };
  }
  return { pc, x, f, fcsr, reservation, instret };
}

/** A recorded stop or continue the parent has not waited for, checked. */
function readJobControl(value: unknown): Task['jobControl'] {
  if (value === null || value === undefined) return undefined;
  const r = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  if (r.kind === 'continued') return { kind: 'continued' };
  if (r.kind === 'stopped')
    return { kind: 'stopped', signal: intField(value, 'signal', 'task', 1, 64) };
  throw new ProcessImportFailed('task', 'a stopped or continued report', JSON.stringify(value));
}

export const TASK_SECTION: GhostSection<Task, KernelImportTarget> = {
  name: 'task',
  version: 1,
  async export(task, ghost) {
    const acc = task.get(ACCOUNTING_SLOT);
    const runtime = task.get(RUNTIME_SLOT);
    await ghost.writeRecord({
      pid: task.pid,
      tgid: task.tgid,
      parentPid: task.parentPid,
      credentials: task.credentials,
      comm: task.comm,
      exitSignal: task.exitSignal,
      hasExeced: task.hasExeced,
      exePath: acc.exePath,
      instret: acc.instret,
      userNs: acc.userNs,
      systemNs: acc.systemNs,
      childUserNs: acc.childUserNs,
      childSystemNs: acc.childSystemNs,
      clearChildTid: acc.clearChildTid,
      robustListHead: acc.robustListHead,
      syscalls: [...acc.syscalls],
      // Job control: a stopped task comes back stopped (SIGCONT resumes
      // it), and a change its parent has not waited for is still reported.
      isStopped: task.state === 'stopped',
      nice: task.nice,
      jobControl: task.jobControl ?? null,
      pending:
        runtime.pendingSyscall === undefined
          ? null
          : {
              nr: runtime.pendingSyscall.entry.nr,
              args: runtime.pendingSyscall.args.map(String),
              progress: runtime.pendingSyscall.progress,
            },
    });
    await writeHart(ghost, task.get(HART_SLOT).getState());
  },
  async import(target, ghost) {
    const r = await ghost.readRecord();
    const rec = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const pid = intField(r, 'pid', 'task', 2, 2 ** 30 - 1);
    if (!isGlobalPid(pid)) throw new ProcessImportFailed('task', 'a cluster PID', String(pid));
    const cred = rec.credentials;
    const credentials = {
      uid: intField(cred, 'uid', 'task', 0, U32_MAX),
      euid: intField(cred, 'euid', 'task', 0, U32_MAX),
      gid: intField(cred, 'gid', 'task', 0, U32_MAX),
      egid: intField(cred, 'egid', 'task', 0, U32_MAX),
    };
    if (
      typeof rec.comm !== 'string' ||
      typeof rec.exePath !== 'string' ||
      typeof rec.hasExeced !== 'boolean'
    ) {
      throw new ProcessImportFailed('task', 'comm, exePath and hasExeced', 'missing fields');
    }
    const task = new Task({
      pid,
      tgid: intField(r, 'tgid', 'task', 2, 2 ** 30 - 1),
      node: target.node.id,
      parentPid: intField(r, 'parentPid', 'task', 0, 2 ** 30 - 1),
      pgid: pid,
      sid: 1,
      credentials,
      comm: rec.comm,
      exitSignal: intField(r, 'exitSignal', 'task', 0, 64),
    });
    task.hasExeced = rec.hasExeced;
    // Absent in ghosts written before job control was recorded: running.
    if (rec.isStopped !== undefined && typeof rec.isStopped !== 'boolean')
      throw new ProcessImportFailed('task', 'isStopped a boolean', typeof rec.isStopped);
    if (rec.isStopped === true) task.state = 'stopped';
    // Absent in older ghosts: 0, the only value there was.
    if (rec.nice !== undefined) task.nice = intField(r, 'nice', 'task', -20, 19);
    task.jobControl = readJobControl(rec.jobControl);
    const acc = newAccounting(target.node.scope.nowNs, rec.exePath);
    acc.instret = intField(r, 'instret', 'task', 0, Number.MAX_SAFE_INTEGER);
    acc.userNs = intField(r, 'userNs', 'task', 0, Number.MAX_SAFE_INTEGER);
    acc.systemNs = intField(r, 'systemNs', 'task', 0, Number.MAX_SAFE_INTEGER);
    acc.childUserNs = intField(r, 'childUserNs', 'task', 0, Number.MAX_SAFE_INTEGER);
    acc.childSystemNs = intField(r, 'childSystemNs', 'task', 0, Number.MAX_SAFE_INTEGER);
    acc.clearChildTid = intField(r, 'clearChildTid', 'task', 0, Number.MAX_SAFE_INTEGER);
    acc.robustListHead = intField(r, 'robustListHead', 'task', 0, Number.MAX_SAFE_INTEGER);
    if (Array.isArray(rec.syscalls)) {
      for (const entry of rec.syscalls as unknown[]) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number')
          acc.syscalls.set(entry[0], entry[1]);
      }
    }
    task.set(ACCOUNTING_SLOT, acc);
    task.set(CHILD_EVENTS_SLOT, new WaitQueue());
    const runtime = newRuntime();
    const pending = rec.pending;
    if (pending !== null && pending !== undefined) {
      const nr = intField(pending, 'nr', 'task', 0, 4096);
      const entry = target.node.syscallEntry(nr);
      const args = (pending as Record<string, unknown>).args;
      if (
        entry === undefined ||
        !Array.isArray(args) ||
        args.length !== 6 ||
        !args.every((a) => typeof a === 'string' && /^\d{1,20}$/.test(a))
      ) {
        throw new ProcessImportFailed(
          'task',
          'a known pending system call with six arguments',
          String(nr),
        );
      }
      runtime.pendingSyscall = {
        entry,
        args: (args as string[]).map((a) => BigInt.asUintN(64, BigInt(a))),
        progress: intField(pending, 'progress', 'task', 0, Number.MAX_SAFE_INTEGER),
      };
    }
    task.set(RUNTIME_SLOT, runtime);
    // The CPU is built over the address space once the mm section is in
    // (attachHart); its state is checked here, on a CPU with no memory yet.
    const state = await readHart(ghost);
    const hart = new Hart({ page: () => undefined });
    try {
      hart.setState(state);
    } catch (e) {
      throw new ProcessImportFailed('task', 'a valid CPU state', (e as Error).message);
    }
    task.set(HART_SLOT, hart);
    target.task = task;
  },
  async unimport(target) {
    target.task = undefined;
  },
};

/** After every section is in: the CPU runs over the imported address space. */
export function attachHart(task: Task): void {
  const state = task.get(HART_SLOT).getState();
  const space = task.get(MM_SLOT);
  const hart = new Hart(space);
  space.onInvalidate = (address, length) => hart.invalidate(address, length);
  hart.setState(state);
  task.set(HART_SLOT, hart);
}

export const PIDS_SECTION: GhostSection<Task, KernelImportTarget> = {
  name: 'pids',
  version: 1,
  async export(task, ghost) {
    await ghost.writeU32(task.pid);
    await ghost.writeU32(task.pgid);
    await ghost.writeU32(task.sid);
  },
  async import(target, ghost, action) {
    const task = importedTask(target, 'pids');
    const pid = await ghost.readU32();
    const pgid = await ghost.readU32();
    const sid = await ghost.readU32();
    if (pid !== task.pid) throw new ProcessImportFailed('pids', `pid ${task.pid}`, String(pid));
    if (action.type === 'restart' && origNode(pid) !== target.node.id) {
      // Restart on another node needs the pidmap-host rules (reference §6.a): not yet.
      throw new ProcessImportFailed(
        'pids',
        `a PID of node ${target.node.id}`,
        `one of node ${origNode(pid)}`,
      );
    }
    try {
      target.node.pidmap.reserve(shortPid(pid));
    } catch (e) {
      throw new ProcessImportFailed(
        'pids',
        `PID ${pid} free for the restart`,
        (e as Error).message,
      );
    }
    task.pgid = pgid;
    task.sid = sid;
  },
  async unimport(target) {
    const task = target.task;
    if (task !== undefined && target.node.pidmap.isAllocated(shortPid(task.pid)))
      target.node.pidmap.free(shortPid(task.pid));
  },
};
