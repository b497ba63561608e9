// KDDM benchmarks (issue 4), each next to a baseline measured in the same run:
//  1. local get+put pairs per second (fast path) vs a plain Map get/set of the same objects;
//  2. KDDM messages per wall second on a 64-node random workload, on the in-test network vs
//     that network bare (one engine event and one codec round trip per message), and over
//     krg-rpc (BENCH_ROUNDS rounds, default 4) vs bare krg-rpc casts of the same count, both
//     as bytes casts of KDDM's mean frame size and as codec casts of a KDDM-shaped value;
//  3. messages per remote grab of an object with k read copies.
// Run: pnpm --filter @krg/kddm-core bench   (uses `nice` in the package script)
import { RpcLayer, SimNetwork } from '@krg/krg-rpc';
import { SimEngine } from '@krg/sim-engine';
import { KddmNode } from '../src/kddm-node.js';
import { kddmOverRpc } from '../src/rpc-transport.js';
import { type KddmSet } from '../src/kddm-set.js';
import { totalMessages } from '../src/set-counters.js';
import { counterLinker, makeCluster } from '../src/sim-net.test-util.js';

interface Box {
  value: number;
}

/** Wall and CPU milliseconds of `f` (the machine is shared: CPU time is the steadier figure). */
async function timed(f: () => Promise<unknown>): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000];
}

function rate(n: number, ms: number): number {
  return (n / ms) * 1000;
}

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`;
}

async function localGetPut(): Promise<void> {
  const OBJECTS = 1024;
  const PAIRS = 4_000_000;
  const c = makeCluster(1, 1, () => [counterLinker()]);
  const set = c.nodes[0]!.createSet<Box>({ id: 1, linker: 'counter', home: 'round-robin' });
  c.scopes[0]!.spawn('setup', async () => {
    for (let i = 0; i < OBJECTS; i++) {
      await set.grab(i);
      set.put(i);
    }
  });
  await c.engine.run();
  const map = new Map<number, Box>();
  for (let i = 0; i < OBJECTS; i++) map.set(i, { value: 0 });

  let sink = 0;
  for (let round = 0; round < 2; round++) {
    // warm-up round, then the measured round
    let t = performance.now();
    for (let i = 0; i < PAIRS; i++) {
      const id = i & (OBJECTS - 1);
      const o = set.tryGetLocal(id);
      if (o === undefined) throw new Error('fast path missed');
      sink += o.value;
      set.put(id);
    }
    const kddmMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < PAIRS; i++) {
      const id = i & (OBJECTS - 1);
      const o = map.get(id)!;
      sink += o.value;
      map.set(id, o);
    }
    const mapMs = performance.now() - t;
    if (round === 1) {
      const k = rate(PAIRS, kddmMs);
      const m = rate(PAIRS, mapMs);
      console.log(
        `local get+put: ${fmt(k)} pairs/s   Map get+set: ${fmt(m)} pairs/s   ratio ${(k / m).toFixed(3)}   (goal >= 2 M/s)`,
      );
    }
  }
  if (sink < 0) console.log(sink);
}

async function randomWorkload(): Promise<void> {
  const NODES = 64;
  const OBJECTS = 256;
  const TASKS_PER_NODE = 2;
  const OPS = 300;
  const c = makeCluster(NODES, 7, () => [counterLinker()], {
    minDelayNs: 5_000,
    maxDelayNs: 50_000,
  });
  const sets = c.nodes.map((n) =>
    n.createSet<Box>({ id: 1, linker: 'counter', home: 'round-robin' }),
  );
  const rng = c.engine.rng.fork('bench');
  for (let n = 0; n < NODES; n++) {
    for (let t = 0; t < TASKS_PER_NODE; t++) {
      const set = sets[n] as KddmSet<Box>;
      const scope = c.scopes[n]!;
      scope.spawn(`t${n}.${t}`, async () => {
        for (let i = 0; i < OPS; i++) {
          const id = rng.nextInt(OBJECTS);
          if (rng.chance(0.3)) {
            const o = await set.grab(id);
            o!.value++;
          } else {
            await set.get(id);
          }
          await scope.sleep(rng.intBetween(1_000, 20_000));
          set.put(id);
        }
      });
    }
  }
  const [ms, cpuMs] = await timed(() => c.engine.run());
  const msgs = c.net.delivered;
  const kddmRate = rate(msgs, ms);

  // Baseline: the same number of frames of the same mean size through the bare in-test
  // network (one engine event each, with the same delays), without KDDM.
  const meanBytes = Math.max(1, Math.round(c.net.wireBytes / c.net.sent));
  const engine = new SimEngine({ seed: 7 });
  const brng = engine.rng.fork('net');
  const frame = new Uint8Array(meanBytes).fill(7);
  let delivered = 0;
  let sink = 0;
  for (let i = 0; i < msgs; i++) {
    engine.schedule(brng.intBetween(5_000, 50_000), () => {
      sink += frame[i % meanBytes]!;
      delivered++;
    });
  }
  const [bareMs, bareCpuMs] = await timed(() => engine.run());
  const bareRate = rate(delivered, bareMs);
  if (sink < 0) console.log(sink);
  console.log(
    `64-node random workload: ${msgs} KDDM messages, ${fmt(kddmRate)} msg/s (${fmt(rate(msgs, cpuMs))} per CPU s)   bare network: ${fmt(bareRate)} msg/s (${fmt(rate(delivered, bareCpuMs))} per CPU s)   ratio ${(kddmRate / bareRate).toFixed(3)}, CPU ratio ${(bareCpuMs / delivered / (cpuMs / msgs)).toFixed(3)}   (goal >= 200 k/s)`,
  );
}

/** One run of the 64-node workload over krg-rpc: messages, wall ms, CPU ms, mean frame bytes. */
async function kddmOverRpcRun(): Promise<{
  msgs: number;
  ms: number;
  cpuMs: number;
  meanBytes: number;
}> {
  const NODES = 64;
  const OBJECTS = 256;
  const TASKS_PER_NODE = 2;
  const OPS = 100;
  const engine = new SimEngine({ seed: 7 });
  const rpc = new RpcLayer(engine, new SimNetwork(engine));
  const nodeMap = Array.from({ length: NODES }, (_, i) => i);
  const sets: KddmSet<Box>[] = [];
  let frames = 0;
  let frameBytes = 0;
  for (const id of nodeMap) {
    const node = rpc.boot(id);
    const binding = kddmOverRpc(node);
    const k = new KddmNode({
      self: id,
      nodeMap,
      // Counts frame sizes for the bytes-cast baseline (a cost on KDDM's side of the comparison).
      transport: {
        send: (to, frame) => {
          frames++;
          frameBytes += frame.byteLength;
          binding.transport.send(to, frame);
        },
      },
      scheduler: node.scope,
    });
    binding.attach(k);
    k.registerLinker({ name: 'box', firstTouch: () => ({ value: 0 }) });
    sets.push(k.createSet<Box>({ id: 1, linker: 'box', home: 'round-robin' }));
  }
  const rng = engine.rng.fork('bench');
  for (const id of nodeMap) {
    const scope = rpc.node(id)!.scope;
    const set = sets[id] as KddmSet<Box>;
    for (let t = 0; t < TASKS_PER_NODE; t++) {
      scope.spawn(`t${id}.${t}`, async () => {
        for (let i = 0; i < OPS; i++) {
          const oid = rng.nextInt(OBJECTS);
          if (rng.chance(0.3)) (await set.grab(oid))!.value++;
          else await set.get(oid);
          await scope.sleep(rng.intBetween(1_000, 20_000));
          set.put(oid);
        }
      });
    }
  }
  const [ms, cpuMs] = await timed(() => engine.run());
  const msgs = sets.reduce((a, s) => a + totalMessages(s.counters.messagesReceived), 0);
  return { msgs, ms, cpuMs, meanBytes: Math.max(1, Math.round(frameBytes / frames)) };
}

/**
 * The bare RPC layer: `msgs` casts between random nodes of a 64-node cluster, in bursts of 8
 * with random pauses, to a handler that does nothing. `bytes`: casts of a frame of `meanBytes`
 * (castBytes, the path KDDM uses); otherwise casts of a KDDM-shaped value through the codec.
 */
async function bareCastRun(
  msgs: number,
  meanBytes: number,
  bytes: boolean,
): Promise<{ msgs: number; ms: number; cpuMs: number }> {
  const NODES = 64;
  const engine = new SimEngine({ seed: 7 });
  const rpc = new RpcLayer(engine, new SimNetwork(engine));
  const nodeMap = Array.from({ length: NODES }, (_, i) => i);
  for (const id of nodeMap) {
    const node = rpc.boot(id);
    if (bytes) node.registerBytes(1, () => undefined);
    else node.register(1, async () => undefined);
  }
  const rng = engine.rng.fork('bench');
  const wire = {
    kind: 'object',
    type: 'REQ_OBJECT_COPY',
    setId: 1,
    objId: 17,
    flags: 1,
    replyNode: 3,
    reqId: 9,
  };
  const frame = new Uint8Array(meanBytes).fill(7);
  const perNode = Math.ceil(msgs / NODES);
  for (const id of nodeMap) {
    const node = rpc.node(id)!;
    node.scope.spawn('caster', async () => {
      for (let i = 0; i < perNode; i++) {
        const to = (id + 1 + rng.nextInt(NODES - 1)) % NODES;
        if (bytes) node.castBytes(1, to, frame);
        else node.cast(1, to, wire);
        if (i % 8 === 7) await node.scope.sleep(rng.intBetween(1_000, 20_000));
      }
    });
  }
  const [ms, cpuMs] = await timed(() => engine.run());
  return { msgs: perNode * NODES, ms, cpuMs };
}

/**
 * KDDM over krg-rpc, round after round (the first round includes the JIT's warm-up), each
 * round followed by its two baselines: bare krg-rpc bytes casts of KDDM's mean frame size (the
 * path KDDM uses) and bare krg-rpc casts of a KDDM-shaped value through the codec.
 */
async function randomWorkloadOverRpc(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const kddmRates: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const k = await kddmOverRpcRun();
    const raw = await bareCastRun(k.msgs, k.meanBytes, true);
    const codec = await bareCastRun(k.msgs, k.meanBytes, false);
    const kRate = rate(k.msgs, k.ms);
    kddmRates.push(kRate);
    const line = (b: { msgs: number; ms: number; cpuMs: number }) =>
      `${fmt(rate(b.msgs, b.ms))} msg/s (${fmt(rate(b.msgs, b.cpuMs))} per CPU s), ratio ${(kRate / rate(b.msgs, b.ms)).toFixed(3)}`;
    console.log(
      `64-node random workload over krg-rpc, round ${r}: ${k.msgs} KDDM messages (mean frame ${k.meanBytes} B), ${fmt(kRate)} msg/s (${fmt(rate(k.msgs, k.cpuMs))} per CPU s)   bare krg-rpc bytes casts: ${line(raw)}   bare krg-rpc codec casts: ${line(codec)}`,
    );
  }
  const sorted = [...kddmRates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `64-node random workload over krg-rpc: median of ${rounds} rounds ${fmt(median)} msg/s, best ${fmt(sorted[sorted.length - 1]!)}, first (cold) ${fmt(kddmRates[0]!)}   (goal >= 200 k/s)`,
  );
}

async function messagesPerRemoteGrab(): Promise<void> {
  const parts: string[] = [];
  for (const k of [0, 1, 4, 16]) {
    const n = k + 3;
    const c = makeCluster(n, 11, () => [counterLinker()]);
    const sets = c.nodes.map((node) =>
      node.createSet<Box>({ id: 7, linker: 'counter', home: { fixed: 0 } }),
    );
    let before = 0;
    let after = 0;
    const total = () => sets.reduce((a, s) => a + totalMessages(s.counters.messagesSent), 0);
    c.scopes[1]!.spawn('t', async () => {
      await sets[1]!.grab(3);
      sets[1]!.put(3);
      for (let r = 2; r < 2 + k; r++) {
        await sets[r]!.get(3);
        sets[r]!.put(3);
      }
      before = total();
      await sets[k + 2]!.grab(3);
      sets[k + 2]!.put(3);
      after = total();
    });
    await c.engine.run();
    parts.push(`k=${k}: ${after - before} (expected ${2 * k + 3})`);
  }
  console.log(`messages per remote grab with k read copies: ${parts.join(', ')}`);
}

if (!process.env.SKIP_LOCAL) await localGetPut();
if (!process.env.ONLY_LOCAL && !process.env.ONLY_RPC) await randomWorkload();
if (!process.env.ONLY_LOCAL) await randomWorkloadOverRpc();
if (!process.env.ONLY_LOCAL && !process.env.ONLY_RPC) await messagesPerRemoteGrab();
