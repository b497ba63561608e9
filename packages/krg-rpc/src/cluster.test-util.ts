// A small simulated cluster for tests: engine, faults, network, RPC layer.
import {
  DEFAULT_COST_MODEL,
  FaultInjector,
  SimEngine,
  type CostModel,
  type Scope,
} from '@krg/sim-engine';
import { RpcLayer, type RpcLayerOptions } from './rpc-layer.js';
import { SimNetwork } from './sim-network.js';

export interface TestCluster {
  engine: SimEngine;
  faults: FaultInjector;
  network: SimNetwork;
  rpc: RpcLayer;
}

export function makeCluster(
  nodes: number,
  options: { seed?: number; costModel?: CostModel } & Omit<RpcLayerOptions, 'faults'> = {},
): TestCluster {
  const engine = new SimEngine({ seed: options.seed ?? 1 });
  const faults = new FaultInjector(engine, engine.rng.fork('faults'));
  const network = new SimNetwork(engine, {
    costModel: options.costModel ?? DEFAULT_COST_MODEL,
    faults,
  });
  const rpc = new RpcLayer(engine, network, {
    faults,
    ...(options.failureDetectionNs === undefined
      ? {}
      : { failureDetectionNs: options.failureDetectionNs }),
  });
  for (let i = 0; i < nodes; i++) rpc.boot(i);
  return { engine, faults, network, rpc };
}

/** Runs `body` as a task in `scope` and returns a promise of its outcome, settled after the run. */
export function runIn<T>(
  scope: Scope,
  body: () => Promise<T>,
): { outcome: () => { isOk: true; value: T } | { isOk: false; error: unknown } | undefined } {
  let result: { isOk: true; value: T } | { isOk: false; error: unknown } | undefined;
  scope.spawn('test', async () => {
    try {
      result = { isOk: true, value: await body() };
    } catch (error) {
      result = { isOk: false, error };
    }
  });
  return { outcome: () => result };
}

/** Seed for randomized tests: KRG_SEED replays one. */
export function testSeed(fallback: number): number {
  const env = process.env['KRG_SEED'];
  return env === undefined ? fallback : Number(env);
}
