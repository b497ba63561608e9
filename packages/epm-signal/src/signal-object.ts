// The `signal` KDDM set (reference §1.2 SIGNAL_STRUCT_KDDM_ID, §1.7
// "signal"): one object per thread group, keyed by its TGID and homed on
// the TGID's origin node. On that node the object is the live signal state
// (Kerrighed's wrapper pointing at the signal_struct); a copy another node
// gets carries the shared fields below, read at the moment it is sent.
import { LIVE_OBJECT_SET_IDS, type LiveObjectSpec } from '@krg/epm-core';
import { SIGNAL_SLOT, type SignalState } from './signal-state.js';

/** Signal numbers (1–64) present in a set. */
function members(set: bigint): number[] {
  const out: number[] = [];
  for (let sig = 1; sig <= 64; sig++) if (((set >> BigInt(sig - 1)) & 1n) !== 0n) out.push(sig);
  return out;
}

export const SIGNAL_OBJECT: LiveObjectSpec<SignalState> = {
  section: 'signal',
  setId: LIVE_OBJECT_SET_IDS.SIGNAL_STRUCT,
  linker: 'signal',
  key: 'tgid',
  struct: (task) => task.get(SIGNAL_SLOT),
  fields: (s) => ({
    // Threads sharing the structure (krg has no threads yet: always 1).
    count: 1,
    sharedPending: members(s.sharedPending.set),
    // Limits as decimal strings: RLIM_INFINITY is 2^64 − 1.
    rlimits: s.rlimits.map((r) => [r.soft.toString(), r.hard.toString()]),
  }),
};
