// epm-signal's ghost section (reference §3 export_private_signals and
// export_signal_struct): the blocked mask and the mask sigsuspend saved,
// both pending queues with every queued siginfo, the resource limits, the
// alternate stack and the interval timers. Checkpoint writes the objects
// themselves (they vanish with the process); the section is read back from
// untrusted files, so every value is checked.
import {
  ProcessImportFailed,
  importedTask,
  sanitizeMask,
  type GhostSection,
  type Task,
  type TaskImportTarget,
} from '@krg/epm-core';
import { SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, type SigInfo } from '@krg/arch-riscv';
import { SIGNALS_QUEUED_MAX } from './limits.js';
import { RLIM_NLIMITS } from './rlimits.js';
import { SIGNAL_SLOT, newSignalState, setBlocked } from './signal-state.js';
import { SigPending } from './sigpending.js';

const SECTION = 'signal';
const U64_MAX = (1n << 64n) - 1n;

type GhostIn = Parameters<GhostSection<Task, TaskImportTarget>['import']>[1];

function fieldsOf(raw: unknown): (k: string) => number {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return (k) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw new ProcessImportFailed(SECTION, `siginfo ${k} as an integer`, String(v));
    return v;
  };
}

function bigFieldOf(raw: unknown, k: string): bigint {
  const v = (raw as Record<string, unknown>)[k];
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt.asUintN(64, BigInt(v));
  throw new ProcessImportFailed(SECTION, `siginfo ${k} as an integer`, typeof v);
}

function toInfo(raw: unknown): SigInfo {
  const int = fieldsOf(raw);
  const kind = (raw as Record<string, unknown> | null)?.kind;
  const signo = int('signo');
  if (signo < 1 || signo > 64)
    throw new ProcessImportFailed(SECTION, 'a signal number in 1..64', String(signo));
  const code = int('code');
  switch (kind) {
    case 'kill':
      return { kind, signo, code, pid: int('pid'), uid: int('uid') };
    case 'rt':
      return {
        kind,
        signo,
        code,
        pid: int('pid'),
        uid: int('uid'),
        value: bigFieldOf(raw, 'value'),
      };
    case 'child':
      return {
        kind,
        signo,
        code,
        pid: int('pid'),
        uid: int('uid'),
        status: int('status'),
        utimeTicks: bigFieldOf(raw, 'utimeTicks'),
        stimeTicks: bigFieldOf(raw, 'stimeTicks'),
      };
    case 'fault':
      return { kind, signo, code, address: bigFieldOf(raw, 'address') };
    case 'timer':
      return {
        kind,
        signo,
        code,
        timerId: int('timerId'),
        overrun: int('overrun'),
        value: bigFieldOf(raw, 'value'),
      };
    default:
      throw new ProcessImportFailed(SECTION, 'a queued siginfo of a known kind', String(kind));
  }
}

async function readQueue(ghost: GhostIn): Promise<SigPending> {
  const raw = await ghost.readRecord();
  if (!Array.isArray(raw) || raw.length > SIGNALS_QUEUED_MAX)
    throw new ProcessImportFailed(
      SECTION,
      `a queue of at most ${SIGNALS_QUEUED_MAX} signals`,
      typeof raw,
    );
  return SigPending.fromImage((raw as unknown[]).map(toInfo));
}

async function readTimeNs(ghost: GhostIn, what: string): Promise<number> {
  const v = await ghost.readU64();
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ProcessImportFailed(SECTION, `${what} as a safe integer of ns`, String(v));
  return Number(v);
}

export const SIGNAL_SECTION: GhostSection<Task, TaskImportTarget> = {
  name: 'signal',
  version: 2,
  async export(task, ghost) {
    const state = task.get(SIGNAL_SLOT);
    await ghost.writeU64(state.blocked);
    // U64_MAX stands for "no saved mask" (no real mask has SIGKILL in it).
    await ghost.writeU64(state.savedMask ?? U64_MAX);
    await ghost.writeRecord(state.pending.toImage());
    await ghost.writeRecord(state.sharedPending.toImage());
    await ghost.writeU32(state.rlimits.length);
    for (const r of state.rlimits) {
      await ghost.writeU64(r.soft);
      await ghost.writeU64(r.hard);
    }
    await ghost.writeU64(state.altStack.sp);
    await ghost.writeU32(state.altStack.flags >>> 0);
    await ghost.writeU64(state.altStack.size);
    for (const timer of state.itimers) {
      await ghost.writeU64(BigInt(timer.deadlineNs));
      await ghost.writeU64(BigInt(timer.intervalNs));
    }
  },
  async import(target, ghost) {
    const task = importedTask(target, SECTION);
    const blocked = await ghost.readU64();
    const saved = await ghost.readU64();
    const pending = await readQueue(ghost);
    const shared = await readQueue(ghost);
    if (pending.queued + shared.queued > SIGNALS_QUEUED_MAX)
      throw new ProcessImportFailed(
        SECTION,
        `at most ${SIGNALS_QUEUED_MAX} queued signals`,
        String(pending.queued + shared.queued),
      );
    const count = await ghost.readU32();
    if (count !== RLIM_NLIMITS)
      throw new ProcessImportFailed(SECTION, `${RLIM_NLIMITS} resource limits`, String(count));
    const state = { ...newSignalState(), pending, sharedPending: shared };
    for (let i = 0; i < count; i++) {
      const soft = await ghost.readU64();
      const hard = await ghost.readU64();
      if (soft > hard)
        throw new ProcessImportFailed(
          SECTION,
          'soft limits at most the hard ones',
          `${soft} > ${hard}`,
        );
      state.rlimits[i] = { soft, hard };
    }
    const sp = await ghost.readU64();
    const flags = await ghost.readU32();
    const size = await ghost.readU64();
    const mode = (flags & ~SS_AUTODISARM) >>> 0;
    if (mode !== 0 && mode !== SS_ONSTACK && mode !== SS_DISABLE)
      throw new ProcessImportFailed(SECTION, 'sigaltstack flags', `0x${flags.toString(16)}`);
    state.altStack = { sp, flags, size };
    for (const timer of state.itimers) {
      timer.deadlineNs = await readTimeNs(ghost, 'an itimer deadline');
      timer.intervalNs = await readTimeNs(ghost, 'an itimer interval');
    }
    setBlocked(state, blocked);
    state.savedMask = saved === U64_MAX ? undefined : sanitizeMask(saved);
    task.set(SIGNAL_SLOT, state);
  },
  async unimport(target) {
    target.task?.delete(SIGNAL_SLOT);
  },
};
