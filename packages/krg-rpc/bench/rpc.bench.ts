// RPC throughput: RPC messages (requests + replies) per wall second on a
// 64-node cluster where every node calls random peers, payloads encoded with
// ghost-io's msgpackr codec; against a bare encode/decode loop of the same
// payloads with the same codec (no engine, no network).
//
// Run: pnpm bench   (node --conditions=@krg/source --import tsx bench/rpc.bench.ts)
import { decodeValue, encodeValue } from '@krg/ghost-io';
import { FaultInjector, SimEngine } from '@krg/sim-engine';
import { RpcLayer, SimNetwork } from '../src/index.js';

const NODES = 64;
const CALLS_PER_NODE = 2000;
const CONCURRENCY_PER_NODE = 4;
const SERVICE = 1;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
// BENCH_RPC_ONLY=1 skips the codec baseline (for profiling the RPC path alone).
const isRpcOnly = process.env['BENCH_RPC_ONLY'] === '1';

// A fixed table of request payloads, KDDM-like: ids, a flag word, a small blob.
const PAYLOADS = Array.from({ length: 1024 }, (_, i) => ({
  set: i % 17,
  objid: i * 7919,
  flags: i & 0xff,
  data: new Uint8Array(16 + (i % 64)).fill(i & 0xff),
}));
const reply = (args: { objid: number }) => ({ objid: args.objid, state: 3, owner: 5 });

interface Rate {
  /** Per wall-clock second. */
  wall: number;
  /** Per second of this process's CPU time (user + system): steadier on a shared machine. */
  cpu: number;
}

function measure(count: number, run: () => Promise<void>): Promise<Rate>;
function measure(count: number, run: () => void): Rate;
function measure(count: number, run: () => void | Promise<void>): Rate | Promise<Rate> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const finish = (): Rate => {
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    return { wall: count / wall, cpu: count / ((cpu.user + cpu.system) / 1e6) };
  };
  const r = run();
  return r instanceof Promise ? r.then(finish) : finish();
}

async function timeRpc(): Promise<{ rate: Rate; packets: number; simNs: number }> {
  const engine = new SimEngine({ seed: 7 });
  const faults = new FaultInjector(engine, engine.rng.fork('faults'));
  const network = new SimNetwork(engine, { faults });
  const rpc = new RpcLayer(engine, network, { faults });
  rpc.onBoot((node) => node.register(SERVICE, async (args) => reply(args as { objid: number })));
  for (let i = 0; i < NODES; i++) rpc.boot(i);
  const rng = engine.rng.fork('workload');
  let calls = 0;
  for (const node of rpc.liveNodes()) {
    for (let w = 0; w < CONCURRENCY_PER_NODE; w++) {
      node.scope.spawn('client', async () => {
        for (let i = 0; i < CALLS_PER_NODE / CONCURRENCY_PER_NODE; i++) {
          const to = rng.nextInt(NODES);
          await node.call(SERVICE, to, PAYLOADS[(calls + i) & 1023]);
          calls++;
        }
      });
    }
  }
  const rate = await measure(2 * NODES * CALLS_PER_NODE, async () => {
    await engine.run();
  });
  if (calls !== NODES * CALLS_PER_NODE) throw new Error(`only ${calls} calls completed`);
  return {
    rate,
    packets: network.stats.packetsSent,
    simNs: engine.nowNs,
  };
}

function timeCodec(): Rate {
  const n = NODES * CALLS_PER_NODE;
  let sink = 0;
  const rate = measure(2 * n, () => {
    for (let i = 0; i < n; i++) {
      const args = PAYLOADS[i & 1023]!;
      const req = decodeValue(encodeValue([0, i, SERVICE, 0, args])) as unknown[];
      const res = decodeValue(
        encodeValue([4, i, 1, reply(req[4] as { objid: number })]),
      ) as unknown[];
      sink += res.length;
    }
  });
  if (sink !== 4 * n) throw new Error('codec loop lost messages');
  return rate;
}

const fmt = (v: number): string => `${(v / 1e3).toFixed(0)} k/s`;
for (let round = 1; round <= ROUNDS; round++) {
  if (isRpcOnly) {
    const r = await timeRpc();
    console.log(`round ${round}: RPC messages ${fmt(r.rate.wall)} wall, ${fmt(r.rate.cpu)} cpu`);
    continue;
  }
  const codec = timeCodec();
  const r = await timeRpc();
  console.log(
    `round ${round}: RPC messages ${fmt(r.rate.wall)} wall, ${fmt(r.rate.cpu)} cpu | bare codec encode+decode ${fmt(codec.wall)} wall, ${fmt(codec.cpu)} cpu | ratio ${(r.rate.wall / codec.wall).toFixed(3)} wall, ${(r.rate.cpu / codec.cpu).toFixed(3)} cpu | goal >= 200 k/s wall: ${r.rate.wall >= 200_000 ? 'met' : 'NOT met'} | ${r.packets} packets, ${(r.simNs / 1e6).toFixed(1)} ms simulated`,
  );
}
