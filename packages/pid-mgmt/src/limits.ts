// Every bound of pid-mgmt, named with its unit. Relations between them are
// asserted at load so a change that breaks the PID layout fails loudly.
import { assert } from './assert.js';

/** Bits of a global PID that name its origin node (Kerrighed's NR_BITS_IN_MAX_NODE_ID with AUTONODEID). */
export const PID_NODE_BITS = 8;

/** Node ids a PID can encode: 0 … NODES_MAX − 1. */
export const NODES_MAX = 1 << PID_NODE_BITS;

/** Bits of the node-local part of a PID (29 − node bits on 64-bit, reference §7). */
export const PID_LOCAL_BITS = 29 - PID_NODE_BITS;

/** Largest value a node-local PID number can take, plus one (Kerrighed's PID_MAX_LIMIT). */
export const PID_LOCAL_LIMIT = 1 << PID_LOCAL_BITS;

/** The flag bit that marks a cluster-wide PID (Kerrighed's GLOBAL_PID_MASK). */
export const GLOBAL_PID_FLAG = PID_LOCAL_LIMIT;

/** Shift of the node id inside a global PID (Kerrighed's PID_NODE_SHIFT). */
export const PID_NODE_SHIFT = PID_LOCAL_BITS + 1;

/** Default wrap point of a pidmap's cyclic allocation, as Linux's default pid_max. */
export const PID_MAX_DEFAULT = 32768;

/** Allocation restarts here after wrapping, as Linux's RESERVED_PIDS. */
export const PID_RESERVED_LOW = 300;

/** PIDs per bitmap page: one 4 KiB page of bits, as Linux allocates pidmap pages lazily. */
export const PIDS_PER_PAGE = 4096 * 8;

assert(PID_NODE_SHIFT + PID_NODE_BITS <= 30, 'a global PID must fit in 30 bits (futex TID limit)');
assert(PID_MAX_DEFAULT <= PID_LOCAL_LIMIT, 'pid_max cannot exceed the local PID space');
assert(PID_RESERVED_LOW < PID_MAX_DEFAULT, 'the wrap point must lie below pid_max');
assert(PID_LOCAL_LIMIT % PIDS_PER_PAGE === 0, 'the local PID space is a whole number of pages');
