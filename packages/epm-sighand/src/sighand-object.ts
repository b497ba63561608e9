// The `sighand` KDDM set (reference §1.2 SIGHAND_STRUCT_KDDM_ID, §1.7
// "sighand"): one object per sighand table, named by a unique id from the
// creating node (homed there). On that node the object is the live table;
// a copy carries the 64 actions (handler, flags, mask), read when it is sent.
import { LIVE_OBJECT_SET_IDS, type LiveObjectSpec } from '@krg/epm-core';
import { SIGHAND_SLOT, type Sighand } from './sighand.js';

export const SIGHAND_OBJECT: LiveObjectSpec<Sighand> = {
  section: 'sighand',
  setId: LIVE_OBJECT_SET_IDS.SIGHAND_STRUCT,
  linker: 'sighand',
  key: 'unique-id',
  struct: (task) => task.get(SIGHAND_SLOT),
  fields: (table) => ({
    // Tasks sharing the table (krg has no threads yet: always 1).
    count: 1,
    actions: Array.from({ length: 64 }, (_, i) => {
      const a = table.action(i + 1);
      return [a.handler.toString(), a.flags, a.mask.toString()];
    }),
  }),
};
