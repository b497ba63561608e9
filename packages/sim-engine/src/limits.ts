// Every bound of @krg/sim-engine, with its unit. Anything that grows or comes
// from a caller is checked against one of these before allocating.

/**
 * Simulated time is a safe integer of nanoseconds (a JavaScript `number`, not
 * a `bigint`: arithmetic on it stays in the fast path of the JIT). The largest
 * representable instant is 2^53 - 1 ns, about 104 days of simulated time.
 */
export const MAX_SIM_TIME_NS = Number.MAX_SAFE_INTEGER;

/** Events (timers, resumptions) that may be pending in one engine at once. */
export const MAX_PENDING_EVENTS = 16_777_216;

/** Queue entries of fired `post` events kept for reuse (memory held when the load drops). */
export const MAX_RECYCLED_EVENTS = 65_536;

/** Host operations (disk I/O, stdin) that may be in flight at once. */
export const MAX_PENDING_HOST_OPS = 4096;

/** Length in UTF-16 code units of a task or scope name (names appear in errors and traces). */
export const MAX_NAME_LENGTH = 256;

/** Node ids accepted by the fault injector and the cost model: 0 .. MAX_NODE_ID. */
export const MAX_NODE_ID = 65_535;

/** Link fault rules installed at once in one fault injector. */
export const MAX_LINK_FAULT_RULES = 4096;

/** Partitions active at once in one fault injector. */
export const MAX_PARTITIONS = 256;

/** Nodes named in one partition side. */
export const MAX_PARTITION_NODES = 65_536;

/** Scheduled crashes pending at once in one fault injector. */
export const MAX_SCHEDULED_CRASHES = 65_536;
