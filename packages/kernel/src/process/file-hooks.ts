// The kernel's own task hooks: the filesystem context (cwd, umask: Linux's
// fs_struct) and the descriptor table (files_struct). fork copies them —
// every open file description is shared with the child — exec closes the
// close-on-exec descriptors, and exit closes everything.
import type { TaskHooks } from '@krg/epm-core';
import { RLIMIT_NOFILE, SIGNAL_SLOT } from '@krg/epm-signal';
import { FILES_SLOT, FS_SLOT } from './task-slots.js';

export const FS_HOOKS: TaskHooks = {
  name: 'fs',
  fork(parent, child) {
    child.set(FS_SLOT, { ...parent.get(FS_SLOT) });
  },
  unfork(child) {
    child.delete(FS_SLOT);
  },
  release() {
    // A copy per task: nothing shared to release.
  },
};

export const FILES_HOOKS: TaskHooks = {
  name: 'files',
  fork(parent, child) {
    // The limit is read from the child's own signal object when it is used.
    child.set(
      FILES_SLOT,
      parent
        .get(FILES_SLOT)
        .fork(() => Number(child.get(SIGNAL_SLOT).rlimits[RLIMIT_NOFILE]!.soft)),
    );
  },
  unfork(child) {
    child.get(FILES_SLOT).closeAll();
    child.delete(FILES_SLOT);
  },
  exec(task) {
    task.get(FILES_SLOT).closeOnExec();
  },
  release(task) {
    task.get(FILES_SLOT).closeAll();
  },
};
