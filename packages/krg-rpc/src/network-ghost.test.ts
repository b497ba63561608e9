// A ghost-io NetworkGhost over a lock-step descriptor: the path migration
// takes (Kerrighed's network ghost over an RPC descriptor, reference §2).
import { NetworkGhost, PAGE_SIZE_BYTES } from '@krg/ghost-io';
import { NS_PER_MS } from '@krg/sim-engine';
import { describe, expect, it } from 'vitest';
import { makeCluster, runIn } from './cluster.test-util.js';
import { RpcPeerDown } from './errors.js';
import type { RpcNode } from './rpc-node.js';

const MIGRATE = 20;
const PAGES = 64;

function pages(salt: number): Uint8Array {
  return new Uint8Array(PAGES * PAGE_SIZE_BYTES).map((_, i) => ((i >> 12) + salt) & 0xff);
}

/** The "export" side: what a migrating process writes. */
async function writeProcess(ghost: NetworkGhost, pid: number): Promise<void> {
  for (let r = 0; r < 32; r++) await ghost.writeU64(BigInt(pid) * 1000n + BigInt(r));
  await ghost.writeString(`/bin/prog-${pid}`);
  await ghost.writeRecord({ pid, tgid: pid, sigmask: 0n, fds: [0, 1, 2] });
  await ghost.writePages(pages(pid));
}

/** The "import" side: reads it back in the mirrored order. */
async function readProcess(ghost: NetworkGhost): Promise<{ pid: number; ok: boolean }> {
  const regs: bigint[] = [];
  for (let r = 0; r < 32; r++) regs.push(await ghost.readU64());
  const exe = await ghost.readString();
  const task = (await ghost.readRecord()) as { pid: number };
  const mem = await ghost.readPages();
  const ok =
    regs.every((v, r) => v === BigInt(task.pid) * 1000n + BigInt(r)) &&
    exe === `/bin/prog-${task.pid}` &&
    Buffer.compare(mem, pages(task.pid)) === 0;
  return { pid: task.pid, ok };
}

function setup(log: string[] = []) {
  const c = makeCluster(0, { seed: 3 });
  c.rpc.onBoot((node: RpcNode) =>
    node.register(MIGRATE, async (_args, ctx) => {
      try {
        const incoming = NetworkGhost.create(ctx.desc!, 'read');
        const imported = await readProcess(incoming);
        await incoming.readEnd();
        // Answer over the same conversation, in a ghost of the other direction.
        const answer = NetworkGhost.create(ctx.desc!, 'write');
        await answer.writeRecord({ imported: imported.pid, ok: imported.ok, on: node.nodeId });
        await answer.close();
        return 'migrated';
      } catch (e) {
        log.push(`server ${node.nodeId}: ${(e as { code?: string }).code ?? String(e)}`);
        throw e;
      }
    }),
  );
  for (let i = 0; i < 3; i++) c.rpc.boot(i);
  return c;
}

async function migrate(node: RpcNode, to: number, pid: number) {
  const desc = node.begin(MIGRATE, to);
  const out = NetworkGhost.create(desc, 'write');
  await writeProcess(out, pid);
  await out.close();
  const back = NetworkGhost.create(desc, 'read');
  const answer = await back.readRecord();
  await back.readEnd();
  return { answer, result: await desc.result() };
}

describe('NetworkGhost over a descriptor', () => {
  it('round-trips a process image and an answer', async () => {
    const { engine, rpc, network } = setup();
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => migrate(n0, 2, 4242));
    await engine.run();
    expect(r.outcome()).toEqual({
      isOk: true,
      value: { answer: { imported: 4242, ok: true, on: 2 }, result: 'migrated' },
    });
    expect(network.stats.bytesSent).toBeGreaterThan(PAGES * PAGE_SIZE_BYTES);
    for (const n of rpc.liveNodes()) expect(n.openConversations).toBe(0);
  });

  it('arrives intact through packet loss, duplication and reordering', async () => {
    const { engine, rpc, faults, network } = setup();
    faults.setLinkFaults('any', 'any', {
      dropProbability: 0.2,
      duplicateProbability: 0.2,
      delayProbability: 0.3,
      maxExtraDelayNs: 2 * NS_PER_MS,
    });
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => migrate(n0, 1, 7));
    await engine.run();
    expect(r.outcome()).toMatchObject({ isOk: true, value: { answer: { ok: true } } });
    expect(network.stats.packetsLost).toBeGreaterThan(0);
  });

  it('a crash of the receiving node mid-transfer fails the sender with RpcPeerDown', async () => {
    const { engine, rpc, faults } = setup();
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => migrate(n0, 1, 9));
    faults.crashAt(1, 100_000);
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk === false && o.error).toBeInstanceOf(RpcPeerDown);
    expect(n0.openConversations).toBe(0);
  });

  it('a crash of the sending node mid-transfer fails the receiver with RpcPeerDown', async () => {
    const log: string[] = [];
    const { engine, rpc, faults } = setup(log);
    const n0 = rpc.node(0)!;
    n0.scope.spawn('migrate', () => migrate(n0, 1, 11));
    faults.crashAt(0, 100_000);
    await engine.run();
    expect(log).toEqual(['server 1: RpcPeerDown']);
    expect(rpc.node(1)!.openConversations).toBe(0);
  });
});
