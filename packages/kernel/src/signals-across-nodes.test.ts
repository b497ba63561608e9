// Goal: signals between processes on different nodes are delivered as on
// one node — every sigqueue value accounted for, in order, with the right
// sender. Method: the sig-peer pair started through the Cluster API on
// chosen nodes (seeded random placement on a 4-node cluster), compared with
// both on one node; each side checks its own values and prints a checksum.
// Each sigqueue to the other node goes through the target's task object and
// an RPC to the node that runs it (cluster/signal-routing.ts).
import { readFileSync } from 'node:fs';
import { Rng } from '@krg/sim-engine';
import { describe, expect, test } from 'vitest';
import { Cluster, ConsoleInput, type StandardStreams } from './index.js';

const SEED = Number(process.env.KRG_SEED ?? 20261125);
const ROUNDS = 60;

function streams(cluster: Cluster, out: Uint8Array[]): StandardStreams {
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const sink = { write: (b: Uint8Array) => void out.push(b.slice()) };
  return { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } };
}

async function pair(serverNode: number, askerNode: number): Promise<[string, string]> {
  const cluster = new Cluster({ nodes: 4, seed: 3 });
  cluster.store.addFile(
    '/bin/sig-peer',
    new Uint8Array(readFileSync(new URL('../../../tools/guests/bin/sig-peer', import.meta.url))),
  );
  const serverOut: Uint8Array[] = [];
  const askerOut: Uint8Array[] = [];
  const server = cluster.start({
    node: serverNode,
    path: '/bin/sig-peer',
    argv: ['sig-peer', 'serve', String(ROUNDS)],
    envp: [],
    streams: streams(cluster, serverOut),
  });
  if ('errno' in server) throw new Error(server.detail);
  const asker = cluster.start({
    node: askerNode,
    path: '/bin/sig-peer',
    argv: ['sig-peer', 'ask', String(server.pid), String(ROUNDS)],
    envp: [],
    streams: streams(cluster, askerOut),
  });
  if ('errno' in asker) throw new Error(asker.detail);
  await cluster.run();
  expect(server.exitStatus).toEqual({ kind: 'exited', code: 0 });
  expect(asker.exitStatus).toEqual({ kind: 'exited', code: 0 });
  return [Buffer.concat(serverOut).toString(), Buffer.concat(askerOut).toString()];
}

describe('sigqueue ping-pong between processes on different nodes', () => {
  test('every value arrives, in order, from the right sender, as on one node', async () => {
    const [server, asker] = await pair(0, 0);
    expect(server).toMatch(new RegExp(`^serve: rounds=${ROUNDS} bad=0 checksum=[0-9a-f]{16}\\n$`));
    expect(asker).toMatch(new RegExp(`^ask: rounds=${ROUNDS} bad=0 checksum=[0-9a-f]{16}\\n$`));
    const rng = new Rng(SEED);
    for (let i = 0; i < 3; i++) {
      const a = rng.nextInt(4);
      const b = (a + 1 + rng.nextInt(3)) % 4;
      const where = `server on node ${a}, asker on node ${b} (KRG_SEED=${SEED})`;
      expect(await pair(a, b), where).toEqual([server, asker]);
    }
  });
});
