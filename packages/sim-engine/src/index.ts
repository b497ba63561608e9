// Public surface of @krg/sim-engine: simulated time, the deterministic event
// loop with cooperative tasks, seeded randomness, cost models, fault
// injection and the host-operation gate.
export type {
  Deferred,
  Engine,
  RunOptions,
  RunResult,
  Scheduler,
  Scope,
  Task,
  Timer,
} from './engine.js';
export { SimEngine } from './sim-engine.js';
export type { SimEngineOptions } from './sim-engine.js';
export { Rng } from './rng.js';
export type { RngState } from './rng.js';
export { TraceHash } from './trace-hash.js';
export { checkTimeNs, NS_PER_MS, NS_PER_S, NS_PER_US } from './time.js';
export type { SimTimeNs } from './time.js';
export {
  cpuTimeNs,
  DEFAULT_COST_MODEL,
  diskIoTimeNs,
  fsyncTimeNs,
  linkCost,
  nodeCost,
  transferTimeNs,
  validateCostModel,
} from './cost-model.js';
export type { CostModel, LinkCostModel, NodeCostModel } from './cost-model.js';
export { FaultInjector } from './faults.js';
export type { LinkEnd, LinkFaults, LinkVerdict } from './faults.js';
export {
  EngineBusy,
  InvalidArgument,
  InvalidCostModel,
  InvalidRngState,
  InvalidSimTime,
  LimitExceeded,
  SimEngineError,
  TaskFailed,
} from './errors.js';
export {
  MAX_LINK_FAULT_RULES,
  MAX_NAME_LENGTH,
  MAX_NODE_ID,
  MAX_PARTITION_NODES,
  MAX_PARTITIONS,
  MAX_PENDING_EVENTS,
  MAX_PENDING_HOST_OPS,
  MAX_RECYCLED_EVENTS,
  MAX_SCHEDULED_CRASHES,
  MAX_SIM_TIME_NS,
} from './limits.js';
