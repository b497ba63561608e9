// Driving a KDDM verb from synchronous kernel code (a task hook, the exit
// path). The object of a task lives on the task's own node in the common
// case, so the verb completes at once through KddmSet.startOp; when it must
// wait for messages (the object is elsewhere, or another holder has it),
// the same callback runs later, in the order the verbs were issued on this
// node. No promise is created either way.
import { RequestFlag, type KddmError, type KddmSet } from '@krg/kddm-core';

/** How a background object update ended badly: the caller decides whether that matters. */
export type KddmOpFailure = (error: KddmError) => void;

/**
 * Grabs `objId` (first touch if it exists nowhere), runs `mutate` on the
 * exclusive copy, and puts it. `mutate` may return 'remove' to destroy the
 * object cluster-wide while holding it.
 */
export function updateObject<T>(
  set: KddmSet<T>,
  objId: number,
  mutate: (obj: T) => void | 'remove',
  onFailure: KddmOpFailure,
  options: { readonly firstTouch?: boolean } = {},
): void {
  const local = set.tryGrabLocal(objId);
  if (local !== undefined) {
    finish(set, objId, local, mutate, onFailure);
    return;
  }
  set.startOp(
    objId,
    {
      verb: 'grab',
      flags: options.firstTouch === false ? RequestFlag.NO_FT_REQ : 0,
      waiting: false,
    },
    (c) => {
      if (!c.ok) {
        onFailure(c.error);
        return;
      }
      if (c.value === null) {
        // No first touch and no object: nothing to update, but the hold is ours.
        set.put(objId);
        return;
      }
      finish(set, objId, c.value, mutate, onFailure);
    },
  );
}

function finish<T>(
  set: KddmSet<T>,
  objId: number,
  obj: T,
  mutate: (obj: T) => void | 'remove',
  onFailure: KddmOpFailure,
): void {
  if (mutate(obj) !== 'remove') {
    set.put(objId);
    return;
  }
  set.startOp(objId, { verb: 'remove', dropOwnFreeze: true, waiting: false }, (c) => {
    if (!c.ok) onFailure(c.error);
  });
}
