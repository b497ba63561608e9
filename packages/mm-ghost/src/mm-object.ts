// The `mm_struct` KDDM set (reference §1.2 MM_STRUCT_KDDM_ID, §8): one
// object per address space, named by a unique id from the creating node
// (homed there). On that node the object is the live address space; a copy
// carries its summary — the brk pair, the VMAs and the resident page count —
// read when it is sent. (Kerrighed creates the object at the first
// migration; krg creates it with the process, so every address space is
// named in the cluster from the start.)
import { LIVE_OBJECT_SET_IDS, type LiveObjectSpec } from '@krg/epm-core';
import type { AddressSpace } from './address-space.js';
import { MM_SLOT } from './mm-syscalls.js';

export const MM_OBJECT: LiveObjectSpec<AddressSpace> = {
  section: 'mm',
  setId: LIVE_OBJECT_SET_IDS.MM_STRUCT,
  linker: 'mm_struct',
  key: 'unique-id',
  struct: (task) => task.get(MM_SLOT),
  fields: (space) => ({
    startBrk: space.map.startBrk,
    brk: space.map.brk,
    vmas: space.map.vmas.list().map((v) => [v.start, v.end, v.prot, v.kind]),
    residentPages: space.residentPages,
  }),
};
