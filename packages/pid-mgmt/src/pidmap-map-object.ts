// The `pidmap` KDDM set (Kerrighed's PIDMAP_MAP_KDDM_ID, reference §7): one
// object, id 0, homed round-robin (object 0 → the first node of the map),
// holding `hosts[node]`: the node that currently holds the pidmap of node
// id `node`, or NO_HOST. The rules that change it are pidmap-host-map.ts.
import { SystemSetId, type IoLinker, type KddmNode } from '@krg/kddm-core';
import { NODES_MAX } from './limits.js';
import { NO_HOST, emptyPidmapHosts, type PidmapHosts } from './pidmap-host-map.js';

export interface PidmapMapObject {
  hosts: PidmapHosts;
}

/** The object id of the one pidmap-host map. */
export const PIDMAP_MAP_OBJECT = 0;

/** The pidmap set's static id (Kerrighed's PIDMAP_MAP_KDDM_ID). */
export const PIDMAP_MAP_SET_ID = SystemSetId.PIDMAP_MAP;

function readHosts(data: unknown): PidmapHosts {
  const hosts = (data as { hosts?: unknown } | null)?.hosts;
  // A map from outside is checked entry by entry; a bad one reads as empty.
  if (!Array.isArray(hosts) || hosts.length !== NODES_MAX) return emptyPidmapHosts();
  const ok = hosts.every(
    (h) => typeof h === 'number' && Number.isInteger(h) && h >= NO_HOST && h < NODES_MAX,
  );
  return ok ? (hosts as number[]) : emptyPidmapHosts();
}

export const PIDMAP_MAP_LINKER: IoLinker<PidmapMapObject> = {
  name: 'pidmap-map',
  firstTouch: () => ({ hosts: emptyPidmapHosts() }),
  alloc: () => ({ hosts: emptyPidmapHosts() }),
  importObject: (data) => ({ hosts: readHosts(data) }),
};

/** Creates the pidmap set on a node at boot (every node, the same static id). */
export function createPidmapMapSet(kddm: KddmNode): void {
  kddm.registerLinker(PIDMAP_MAP_LINKER);
  kddm.createSet({ id: PIDMAP_MAP_SET_ID, linker: PIDMAP_MAP_LINKER.name, home: 'round-robin' });
}
