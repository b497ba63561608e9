import { describe, expect, it } from 'vitest';
import {
  cpuTimeNs,
  DEFAULT_COST_MODEL,
  diskIoTimeNs,
  fsyncTimeNs,
  linkCost,
  nodeCost,
  transferTimeNs,
  validateCostModel,
  type CostModel,
} from './cost-model.js';
import { InvalidArgument, InvalidCostModel } from './errors.js';

const model: CostModel = {
  node: {
    cpuInstructionsPerSecond: 2_000_000_000,
    diskBandwidthBytesPerSecond: 100_000_000,
    diskOpLatencyNs: 5_000,
    fsyncLatencyNs: 1_000_000,
  },
  link: { latencyNs: 10_000, bandwidthBytesPerSecond: 1_000_000_000 },
  nodes: { '3': { cpuInstructionsPerSecond: 500_000_000 } },
  links: { '1->2': { latencyNs: 1_000_000 } },
};

describe('cost model', () => {
  it('validates, including the defaults', () => {
    expect(validateCostModel(model)).toBe(model);
    expect(validateCostModel(DEFAULT_COST_MODEL)).toBe(DEFAULT_COST_MODEL);
  });

  it('names the first bad field', () => {
    const bad = structuredClone<CostModel>(model);
    (bad.link as { bandwidthBytesPerSecond: number }).bandwidthBytesPerSecond = 0;
    expect(() => validateCostModel(bad)).toThrow(/link.bandwidthBytesPerSecond/);
    expect(() => validateCostModel({ ...model, links: { '1-2': {} } })).toThrow(InvalidCostModel);
    expect(() => validateCostModel({ ...model, nodes: { '1': { fsyncLatencyNs: -1 } } })).toThrow(
      /nodes\[1\].fsyncLatencyNs/,
    );
  });

  it('applies per-node and per-link overrides field by field', () => {
    expect(nodeCost(model, 3).cpuInstructionsPerSecond).toBe(500_000_000);
    expect(nodeCost(model, 3).fsyncLatencyNs).toBe(1_000_000);
    expect(nodeCost(model, 4)).toBe(model.node);
    expect(linkCost(model, 1, 2)).toEqual({ latencyNs: 1_000_000, bandwidthBytesPerSecond: 1e9 });
    expect(linkCost(model, 2, 1)).toBe(model.link);
  });

  it('computes delay = latency + size / bandwidth, rounded up to whole ns', () => {
    const link = { latencyNs: 50_000, bandwidthBytesPerSecond: 125_000_000 };
    expect(transferTimeNs(link, 0)).toBe(50_000);
    expect(transferTimeNs(link, 1250)).toBe(50_000 + 10_000);
    expect(transferTimeNs(link, 1)).toBe(50_000 + 8);
    expect(transferTimeNs({ latencyNs: 0, bandwidthBytesPerSecond: 3e9 }, 1)).toBe(1);
    expect(() => transferTimeNs(link, -1)).toThrow(InvalidArgument);
  });

  it('charges CPU and disk time', () => {
    expect(cpuTimeNs(nodeCost(model, 0), 2_000)).toBe(1_000);
    expect(cpuTimeNs(nodeCost(model, 3), 2_000)).toBe(4_000);
    expect(diskIoTimeNs(model.node, 100_000)).toBe(5_000 + 1_000_000);
    expect(fsyncTimeNs(model.node)).toBe(1_000_000);
  });
});
