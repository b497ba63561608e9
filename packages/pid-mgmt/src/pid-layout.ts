// The layout of a cluster-wide PID (reference §7): with 8 node bits, the
// local number sits in bits 0–20, bit 21 flags a global PID and the origin
// node sits in bits 22–29. Node 1, local 1234 → 6292690.
import { PidInvalid } from './errors.js';
import { GLOBAL_PID_FLAG, NODES_MAX, PID_LOCAL_LIMIT, PID_NODE_SHIFT } from './limits.js';

/** Checks a node id (0 … 255) and returns it. */
export function checkNodeId(node: number): number {
  if (!Number.isInteger(node) || node < 0 || node >= NODES_MAX) {
    throw new PidInvalid(node, `a node id in 0..${NODES_MAX - 1}`);
  }
  return node;
}

/** Checks a node-local PID number (1 … 2^21 − 1) and returns it. */
export function checkLocalPid(localPid: number): number {
  if (!Number.isInteger(localPid) || localPid < 1 || localPid >= PID_LOCAL_LIMIT) {
    throw new PidInvalid(localPid, `a local PID in 1..${PID_LOCAL_LIMIT - 1}`);
  }
  return localPid;
}

/** Kerrighed's GLOBAL_PID_NODE: the cluster-wide PID of `localPid` allocated on `node`. */
export function globalPid(node: number, localPid: number): number {
  checkNodeId(node);
  checkLocalPid(localPid);
  // Multiplication keeps the result a positive safe integer (a shift by 22
  // of node 255 would still fit in 30 bits, but stays explicit this way).
  return node * 2 ** PID_NODE_SHIFT + GLOBAL_PID_FLAG + localPid;
}

/** True when `pid` carries the global flag and decodes to a valid node. */
export function isGlobalPid(pid: number): boolean {
  return (
    Number.isInteger(pid) &&
    pid > GLOBAL_PID_FLAG &&
    pid < NODES_MAX * 2 ** PID_NODE_SHIFT &&
    (pid & GLOBAL_PID_FLAG) !== 0 &&
    (pid & (PID_LOCAL_LIMIT - 1)) !== 0
  );
}

function checkGlobalPid(pid: number): void {
  if (!isGlobalPid(pid))
    throw new PidInvalid(pid, 'a global PID (flag bit 21 set, local part ≥ 1)');
}

/** Kerrighed's ORIG_NODE: the node whose pidmap allocated `pid`. */
export function origNode(pid: number): number {
  checkGlobalPid(pid);
  return Math.floor(pid / 2 ** PID_NODE_SHIFT);
}

/** Kerrighed's SHORT_PID: the node-local number of `pid`. */
export function shortPid(pid: number): number {
  checkGlobalPid(pid);
  return pid & (PID_LOCAL_LIMIT - 1);
}
