// epm-signal's ghost section (reference §3 export_private_signals and
// export_signal_struct): the blocked mask, both pending queues and the
// resource limits. Checkpoint writes the objects themselves (they vanish
// with the process); the section is read back from untrusted files, so
// every value is checked.
import {
  ProcessImportFailed,
  importedTask,
  type GhostSection,
  type Task,
  type TaskImportTarget,
} from '@krg/epm-core';
import type { SigInfo } from '@krg/arch-riscv';
import { RLIM_NLIMITS } from './rlimits.js';
import { SIGNAL_SLOT, newSignalState, setBlocked } from './signal-state.js';
import { SigPending } from './sigpending.js';

const SECTION = 'signal';
/** Queued signals one queue may hold in a ghost (RLIMIT_SIGPENDING's default). */
const QUEUED_MAX = 32768;

function toInfo(raw: unknown): SigInfo {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const int = (k: string): number => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw new ProcessImportFailed(SECTION, `siginfo ${k} as an integer`, String(v));
    return v;
  };
  const signo = int('signo');
  if (signo < 1 || signo > 64)
    throw new ProcessImportFailed(SECTION, 'a signal number in 1..64', String(signo));
  if (r.kind === 'kill')
    return { kind: 'kill', signo, code: int('code'), pid: int('pid'), uid: int('uid') };
  if (r.kind === 'rt') {
    const value = r.value;
    if (typeof value !== 'bigint' && typeof value !== 'number')
      throw new ProcessImportFailed(SECTION, 'an rt siginfo value', typeof value);
    return {
      kind: 'rt',
      signo,
      code: int('code'),
      pid: int('pid'),
      uid: int('uid'),
      value: BigInt.asUintN(64, BigInt(value)),
    };
  }
  throw new ProcessImportFailed(SECTION, 'a queued siginfo of kind kill or rt', String(r.kind));
}

async function readQueue(
  ghost: Parameters<GhostSection<Task, TaskImportTarget>['import']>[1],
): Promise<SigPending> {
  const raw = await ghost.readRecord();
  if (!Array.isArray(raw) || raw.length > QUEUED_MAX)
    throw new ProcessImportFailed(SECTION, `a queue of at most ${QUEUED_MAX} signals`, typeof raw);
  return SigPending.fromImage((raw as unknown[]).map(toInfo));
}

export const SIGNAL_SECTION: GhostSection<Task, TaskImportTarget> = {
  name: 'signal',
  version: 1,
  async export(task, ghost) {
    const state = task.get(SIGNAL_SLOT);
    for (const info of [...state.pending.toImage(), ...state.sharedPending.toImage()]) {
      if (info.kind !== 'kill' && info.kind !== 'rt')
        throw new Error(`a pending ${info.kind} siginfo cannot be saved yet`);
    }
    await ghost.writeU64(state.blocked);
    await ghost.writeRecord(state.pending.toImage());
    await ghost.writeRecord(state.sharedPending.toImage());
    await ghost.writeU32(state.rlimits.length);
    for (const r of state.rlimits) {
      await ghost.writeU64(r.soft);
      await ghost.writeU64(r.hard);
    }
  },
  async import(target, ghost) {
    const task = importedTask(target, SECTION);
    const blocked = await ghost.readU64();
    const pending = await readQueue(ghost);
    const shared = await readQueue(ghost);
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
    setBlocked(state, blocked);
    task.set(SIGNAL_SLOT, state);
  },
  async unimport(target) {
    target.task?.delete(SIGNAL_SLOT);
  },
};
