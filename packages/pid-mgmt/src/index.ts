// Public surface of @krg/pid-mgmt.
export {
  checkLocalPid,
  checkNodeId,
  globalPid,
  isGlobalPid,
  origNode,
  shortPid,
} from './pid-layout.js';
export { Pidmap } from './pidmap.js';
export { PID_LINKER, PID_SET_ID, createPidSet, pidHome } from './pid-object.js';
export {
  PIDMAP_MAP_LINKER,
  PIDMAP_MAP_OBJECT,
  PIDMAP_MAP_SET_ID,
  createPidmapMapSet,
} from './pidmap-map-object.js';
export {
  NO_HOST,
  adoptAfterCrash,
  emptyPidmapHosts,
  hostForReservation,
  joinNode,
  leaveNode,
} from './pidmap-host-map.js';
export {
  GLOBAL_PID_FLAG,
  NODES_MAX,
  PID_LOCAL_BITS,
  PID_LOCAL_LIMIT,
  PID_MAX_DEFAULT,
  PID_NODE_BITS,
  PID_NODE_SHIFT,
  PID_RESERVED_LOW,
} from './limits.js';
export {
  PidBusy,
  PidInvalid,
  PidNotAllocated,
  PidmapExhausted,
  PidmapImageInvalid,
} from './errors.js';
export { AssertionError } from './assert.js';
export type { PidmapImage, PidmapOptions } from './pidmap.js';
export type { PidObject } from './pid-object.js';
export type { PidmapMapObject } from './pidmap-map-object.js';
export type { PidmapHostChange, PidmapHosts, PidmapMove } from './pidmap-host-map.js';
