// Cost models: plain, JSON-friendly data saying how long things take in
// simulated time, and the few pure functions that turn an amount of work into
// nanoseconds. Later layers charge time through these (the kernel charges
// instructions, krg-rpc charges messages, file ghosts charge disk I/O).
import { InvalidArgument, InvalidCostModel } from './errors.js';
import { MAX_NODE_ID } from './limits.js';
import { NS_PER_S, type SimTimeNs } from './time.js';

/** What one node's hardware costs. */
export interface NodeCostModel {
  /** Instructions the node's CPU retires per second of simulated time. */
  cpuInstructionsPerSecond: number;
  /** Sequential disk transfer rate, bytes per second. */
  diskBandwidthBytesPerSecond: number;
  /** Fixed cost of one disk operation (seek, syscall), nanoseconds. */
  diskOpLatencyNs: number;
  /** Cost of one fsync, nanoseconds. */
  fsyncLatencyNs: number;
}

/** What one directed link costs. */
export interface LinkCostModel {
  /** One-way propagation and stack latency, nanoseconds. */
  latencyNs: number;
  /** Transfer rate, bytes per second. */
  bandwidthBytesPerSecond: number;
}

/**
 * The cluster's cost model. `nodes` and `links` override the defaults for
 * particular node ids and directed links (`"from->to"`), field by field.
 */
export interface CostModel {
  node: NodeCostModel;
  link: LinkCostModel;
  nodes?: Readonly<Record<string, Partial<NodeCostModel>>>;
  links?: Readonly<Record<string, Partial<LinkCostModel>>>;
}

/**
 * Defaults in the spirit of a Kerrighed-era cluster: 1 GIPS cores, gigabit
 * Ethernet with 50 µs one-way latency, a 200 MB/s disk with 2 ms fsync.
 */
export const DEFAULT_COST_MODEL: CostModel = Object.freeze({
  node: Object.freeze({
    cpuInstructionsPerSecond: 1_000_000_000,
    diskBandwidthBytesPerSecond: 200_000_000,
    diskOpLatencyNs: 10_000,
    fsyncLatencyNs: 2_000_000,
  }),
  link: Object.freeze({
    latencyNs: 50_000,
    bandwidthBytesPerSecond: 125_000_000,
  }),
});

function checkPositive(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidCostModel(field, value);
  }
}

function checkLatency(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidCostModel(field, value);
  }
}

function checkNode(prefix: string, n: Partial<NodeCostModel>, isComplete: boolean): void {
  if (isComplete || n.cpuInstructionsPerSecond !== undefined)
    checkPositive(`${prefix}.cpuInstructionsPerSecond`, n.cpuInstructionsPerSecond);
  if (isComplete || n.diskBandwidthBytesPerSecond !== undefined)
    checkPositive(`${prefix}.diskBandwidthBytesPerSecond`, n.diskBandwidthBytesPerSecond);
  if (isComplete || n.diskOpLatencyNs !== undefined)
    checkLatency(`${prefix}.diskOpLatencyNs`, n.diskOpLatencyNs);
  if (isComplete || n.fsyncLatencyNs !== undefined)
    checkLatency(`${prefix}.fsyncLatencyNs`, n.fsyncLatencyNs);
}

function checkLink(prefix: string, l: Partial<LinkCostModel>, isComplete: boolean): void {
  if (isComplete || l.latencyNs !== undefined) checkLatency(`${prefix}.latencyNs`, l.latencyNs);
  if (isComplete || l.bandwidthBytesPerSecond !== undefined)
    checkPositive(`${prefix}.bandwidthBytesPerSecond`, l.bandwidthBytesPerSecond);
}

/** Throws `InvalidCostModel` naming the first bad field; returns the model unchanged. */
export function validateCostModel(model: CostModel): CostModel {
  checkNode('node', model.node ?? {}, true);
  checkLink('link', model.link ?? {}, true);
  for (const [key, n] of Object.entries(model.nodes ?? {})) {
    if (!/^\d+$/.test(key) || Number(key) > MAX_NODE_ID)
      throw new InvalidCostModel(`nodes key`, key);
    checkNode(`nodes[${key}]`, n, false);
  }
  for (const [key, l] of Object.entries(model.links ?? {})) {
    const m = /^(\d+)->(\d+)$/.exec(key);
    if (m === null || Number(m[1]) > MAX_NODE_ID || Number(m[2]) > MAX_NODE_ID) {
      throw new InvalidCostModel('links key (expected "from->to")', key);
    }
    checkLink(`links[${key}]`, l, false);
  }
  return model;
}

/** The effective cost of node `nodeId` (defaults with its overrides applied). */
export function nodeCost(model: CostModel, nodeId: number): NodeCostModel {
  const o = model.nodes?.[String(nodeId)];
  return o === undefined ? model.node : { ...model.node, ...o };
}

/** The effective cost of the directed link `from -> to`. */
export function linkCost(model: CostModel, from: number, to: number): LinkCostModel {
  const o = model.links?.[`${from}->${to}`];
  return o === undefined ? model.link : { ...model.link, ...o };
}

function checkAmount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgument(what, 'a safe integer >= 0', n);
  }
}

/** Time to execute `instructions` on a CPU of this speed, rounded up to whole nanoseconds. */
export function cpuTimeNs(node: NodeCostModel, instructions: number): SimTimeNs {
  checkAmount('cpuTimeNs instructions', instructions);
  return Math.ceil((instructions * NS_PER_S) / node.cpuInstructionsPerSecond);
}

/** Delay of one message of `sizeBytes` on a link: latency + size / bandwidth (rounded up). */
export function transferTimeNs(link: LinkCostModel, sizeBytes: number): SimTimeNs {
  checkAmount('transferTimeNs sizeBytes', sizeBytes);
  return link.latencyNs + Math.ceil((sizeBytes * NS_PER_S) / link.bandwidthBytesPerSecond);
}

/** Time of one disk read or write of `sizeBytes`: op latency + size / bandwidth. */
export function diskIoTimeNs(node: NodeCostModel, sizeBytes: number): SimTimeNs {
  checkAmount('diskIoTimeNs sizeBytes', sizeBytes);
  return (
    node.diskOpLatencyNs + Math.ceil((sizeBytes * NS_PER_S) / node.diskBandwidthBytesPerSecond)
  );
}

/** Time of one fsync. */
export function fsyncTimeNs(node: NodeCostModel): SimTimeNs {
  return node.fsyncLatencyNs;
}
