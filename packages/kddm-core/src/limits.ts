// Every bound of kddm-core, named with its unit. Inputs from outside (object
// ids, set ids, node ids, private data, queued requests) are checked against
// these before anything is allocated or changed.

/** Node ids are 0..255: Kerrighed's 8 node bits (reference §7, KERRIGHED_MAX_NODES). */
export const MAX_NODES = 256;

/** Object ids are JavaScript safe integers: 0 .. 2^53 - 1. */
export const MAX_OBJECT_ID = Number.MAX_SAFE_INTEGER;

/**
 * Unique ids put the creating node in bits 45..52 (8 bits) and a per-node
 * counter in bits 0..44. Kerrighed uses the top 8 of 64 bits
 * (UNIQUE_ID_NODE_SHIFT = 56); we stay below 2^53 so ids are plain numbers.
 */
export const UNIQUE_ID_NODE_SHIFT = 45;

/** Largest per-node counter value of a unique id: 2^45 - 1. */
export const UNIQUE_ID_LOCAL_MAX = 2 ** UNIQUE_ID_NODE_SHIFT - 1;

/** Largest static (system) set id; dynamic ids start above (MIN_KDDM_ID = 32 in Kerrighed). */
export const MAX_STATIC_SET_ID = 31;

/** Set private data is sent to every node that looks the set up: at most one page, as in Kerrighed. */
export const MAX_PRIVATE_DATA_BYTES = 4096;

/** Encoded size of one object in an OBJECT_SEND (a page plus room for metadata-rich objects). */
export const MAX_OBJECT_BYTES = 1 << 20;

/** Protocol messages parked on one object (frozen or transient) before the node refuses more: a bug guard. */
export const MAX_QUEUED_MESSAGES_PER_OBJECT = 4096;

/** Local operations (tasks) waiting on one object at once. */
export const MAX_WAITERS_PER_OBJECT = 4096;

/** Sets one node may know at once (static + dynamic). */
export const MAX_SETS_PER_NODE = 65_536;

/** Nested get/grab freezes of one object on one node. */
export const MAX_FROZEN_COUNT = 65_536;

/** Write rounds one object entry may hold early invalidation acks for (a bug guard). */
export const MAX_EARLY_ACK_ROUNDS = 64;

/** Objects one node may report (owned + being removed, all sets) in one recovery round. */
export const MAX_RECOVERY_REPORT_OBJECTS = 1 << 20;

/** Object messages a node parks while a recovery round runs. */
export const MAX_RECOVERY_QUEUED_MESSAGES = 1 << 16;

/** Local operations a set holds while a recovery round runs. */
export const MAX_HELD_OPERATIONS = 1 << 16;

/**
 * How long a rebooted node waits for a live node's recovery round before it
 * concludes it is alone (every other node down): 1 s of simulated time, far
 * above a failure-detection delay plus a message delay.
 */
export const MAX_REJOIN_WAIT_NS = 1_000_000_000;

/** Frames a krg-rpc binding keeps for its KddmNode before `attach` (more are dropped and counted). */
export const MAX_FRAMES_BEFORE_ATTACH = 1 << 16;
