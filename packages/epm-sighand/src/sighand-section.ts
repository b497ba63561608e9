// epm-sighand's ghost section (reference §3 export_sighand_struct; checkpoint
// writes the action table because the object vanishes with the process).
import {
  ProcessImportFailed,
  SIGACTION_SLOT,
  importedTask,
  sanitizeMask,
  type GhostSection,
  type Task,
  type TaskImportTarget,
} from '@krg/epm-core';
import { SIGHAND_SLOT, Sighand, isUncatchable, setSighand, SIG_DFL } from './sighand.js';

const SECTION = 'sighand';

export const SIGHAND_SECTION: GhostSection<Task, TaskImportTarget> = {
  name: 'sighand',
  version: 1,
  async export(task, ghost) {
    const actions = task.get(SIGHAND_SLOT).toImage();
    for (const a of actions) {
      await ghost.writeU64(a.handler);
      await ghost.writeU32(a.flags >>> 0);
      await ghost.writeU64(a.mask);
    }
  },
  async import(target, ghost) {
    const task = importedTask(target, SECTION);
    const table = new Sighand();
    for (let sig = 1; sig <= 64; sig++) {
      const handler = await ghost.readU64();
      const flags = await ghost.readU32();
      const mask = await ghost.readU64();
      if (isUncatchable(sig) && handler !== SIG_DFL) {
        throw new ProcessImportFailed(SECTION, `SIG_DFL for signal ${sig}`, String(handler));
      }
      table.setAction(sig, { handler, flags, mask: sanitizeMask(mask) });
    }
    setSighand(task, table);
  },
  async unimport(target) {
    target.task?.delete(SIGHAND_SLOT);
    target.task?.delete(SIGACTION_SLOT);
  },
};
