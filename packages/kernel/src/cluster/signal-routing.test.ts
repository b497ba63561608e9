// Goal: kill reaches processes wherever they run, as Kerrighed routes it —
// one process through its task object's node, a process group and −1 on
// every live node — with Linux's results, while each node's syscalls see
// only their own tasks. Method: sig-group guests started through the
// Cluster API on seeded random nodes, with seeded random link latencies and
// CPU speeds; every signal each one takes is
// counted and printed, and the spread runs print what one-node runs print;
// a target node that crashes while it holds the request.
import { RLIMIT_NOFILE, SIGNAL_SLOT } from '@krg/epm-signal';
import { DEFAULT_COST_MODEL, Rng, type CostModel } from '@krg/sim-engine';
import { describe, expect, test } from 'vitest';
import { Cluster } from '../index.js';
import { startGuest, type Started } from './guests.test-util.js';
import { SIGNAL_SERVICE } from './signal-routing.js';

const SEED = Number(process.env.KRG_SEED ?? 20261125);
const SIGUSR1 = 10;
const SIGUSR2 = 12;
const SIGTERM = 15;

/**
 * Random delays: every directed link gets its own latency (5 µs to 0.5 ms)
 * and every node its own CPU speed (0.5 to 2 GIPS), so messages and
 * deliveries interleave differently from one seed to the next.
 */
function randomCost(rng: Rng, nodes: number): CostModel {
  const links: Record<string, { latencyNs: number }> = {};
  const speeds: Record<string, { cpuInstructionsPerSecond: number }> = {};
  for (let a = 0; a < nodes; a++) {
    speeds[String(a)] = { cpuInstructionsPerSecond: 500_000_000 + rng.nextInt(1_500_000_000) };
    for (let b = 0; b < nodes; b++)
      if (a !== b) links[`${a}->${b}`] = { latencyNs: 5_000 + rng.nextInt(495_000) };
  }
  return { ...DEFAULT_COST_MODEL, nodes: speeds, links };
}

/** The leader and its members on the given nodes; what each printed and how it ended. */
async function spreadGroup(
  nodes: number,
  leaderNode: number,
  memberNodes: readonly number[],
  cost?: CostModel,
) {
  const cluster = new Cluster({ nodes, seed: 5, cost });
  const lead = startGuest(cluster, leaderNode, 'sig-group', ['lead', String(memberNodes.length)]);
  const members = memberNodes.map((node, i) =>
    startGuest(cluster, node, 'sig-group', ['member', String(lead.task.pid), String(i)]),
  );
  await cluster.run();
  return {
    lead: [lead.stdout(), lead.status()],
    members: members.map((m) => [m.stdout(), m.status()]),
  };
}

describe('a process group spread over nodes (sig-group lead/member)', () => {
  test('the leader kills its group across nodes and prints what it prints on one node', async () => {
    const alone = await spreadGroup(1, 0, [0, 0, 0, 0]);
    expect(alone.lead).toEqual([
      'lead: members=4 joined=4 probe=0 usr1=0 acks=4 self=1 sum=4006 term=0 gone=4 nogroup=ESRCH bad=0\n',
      0,
    ]);
    for (const m of alone.members)
      expect(m).toEqual(['member: setpgid=0 in-group=1 usr1-from-leader=1\n', SIGTERM]);
    const rng = new Rng(SEED);
    for (let i = 0; i < 2; i++) {
      const nodes = 2 + rng.nextInt(7);
      const leaderNode = rng.nextInt(nodes);
      const memberNodes = [0, 1, 2, 3].map(() => rng.nextInt(nodes));
      const where = `leader on ${leaderNode}, members on ${memberNodes.join(',')} of ${nodes} (KRG_SEED=${SEED})`;
      expect(
        await spreadGroup(nodes, leaderNode, memberNodes, randomCost(rng, nodes)),
        where,
      ).toEqual(alone);
    }
  });
});

/** Runs `sig-group send PID SIG` on `node` to its end; what it printed. */
async function send(cluster: Cluster, node: number, pid: number, sig: number): Promise<string> {
  const sender = startGuest(cluster, node, 'sig-group', ['send', String(pid), String(sig)]);
  await cluster.run();
  expect(sender.status()).toBe(0);
  return sender.stdout();
}

describe('kill of one process, a group and −1 from a random node', () => {
  test('every delivery is accounted for, for random placements of 2–8 nodes', async () => {
    const rng = new Rng(SEED + 1);
    for (let round = 0; round < 3; round++) {
      const nodes = 2 + rng.nextInt(7);
      const size = 2 + rng.nextInt(5);
      const where = `round ${round}: ${nodes} nodes, group of ${size} (KRG_SEED=${SEED})`;
      const cluster = new Cluster({ nodes, seed: SEED + round, cost: randomCost(rng, nodes) });
      const place = (): number => rng.nextInt(nodes);
      const leader = startGuest(cluster, place(), 'sig-group', ['count']);
      const group: Started[] = [leader];
      for (let i = 1; i < size; i++)
        group.push(startGuest(cluster, place(), 'sig-group', ['count', String(leader.task.pid)]));
      const outsider = startGuest(cluster, place(), 'sig-group', ['count']);
      await cluster.run();
      for (const m of group) expect(m.task.pgid, where).toBe(leader.task.pid);
      const one = group[rng.nextInt(size)]!;
      expect(await send(cluster, place(), one.task.pid, SIGUSR1), where).toBe('send: 0\n');
      expect(await send(cluster, place(), -leader.task.pid, SIGUSR2), where).toBe('send: 0\n');
      expect(await send(cluster, place(), -1, SIGUSR1), where).toBe('send: 0\n');
      // Probes: a live process, a group, a pid that is gone, a group nobody is in.
      expect(await send(cluster, place(), outsider.task.pid, 0), where).toBe('send: 0\n');
      expect(await send(cluster, place(), -leader.task.pid, 0), where).toBe('send: 0\n');
      const gone = startGuest(cluster, place(), 'sig-group', ['send', '1', '0']);
      await cluster.run();
      expect(await send(cluster, place(), gone.task.pid, 0), where).toBe('send: ESRCH\n');
      expect(await send(cluster, place(), -gone.task.pid, 0), where).toBe('send: ESRCH\n');
      expect(await send(cluster, place(), one.task.pid, 99), where).toBe('send: EINVAL\n');
      expect(await send(cluster, place(), gone.task.pid, 99), where).toBe('send: ESRCH\n');
      // prlimit64 and getpriority reach a process and a group on any node.
      const limits = startGuest(cluster, place(), 'sig-group', [
        'limits',
        String(one.task.pid),
        String(leader.task.pid),
      ]);
      await cluster.run();
      expect(limits.stdout(), where).toBe(
        'limits: set=0 old=1024/4096 get=0 now=100/4096 bad-resource=EINVAL no-process=ESRCH\n' +
          'priority: group=0/0 empty-group=ESRCH user=0/0\n',
      );
      // getpriority/setpriority of a process, a group and the user, wherever they run.
      const nice = startGuest(cluster, place(), 'sig-group', [
        'nice',
        String(one.task.pid),
        String(leader.task.pid),
      ]);
      await cluster.run();
      expect(nice.stdout(), where).toBe(
        'nice: process=0 now=5 group=0 now=7 no-process=ESRCH bad-which=EINVAL clamp=0 now=19 ' +
          'user=0 now=-3 process-now=-3\n',
      );
      for (const t of cluster.tasks()) expect(t.nice, where).toBe(-3);
      expect(one.task.get(SIGNAL_SLOT).rlimits[RLIMIT_NOFILE], where).toEqual({
        soft: 100n,
        hard: 4096n,
      });
      expect(await send(cluster, place(), -leader.task.pid, SIGTERM), where).toBe('send: 0\n');
      expect(await send(cluster, place(), outsider.task.pid, SIGTERM), where).toBe('send: 0\n');
      for (const m of group) {
        const usr1 = m === one ? 2 : 1;
        expect(m.stdout(), where).toBe(`count: setpgid=0 usr1=${usr1} usr2=1\n`);
        expect(m.status(), where).toBe(0);
      }
      expect(outsider.stdout(), where).toBe('count: setpgid=0 usr1=1 usr2=0\n');
      expect(cluster.tasks(), where).toEqual([]);
    }
  });
});

describe("the target's node crashes while it holds the request", () => {
  /** Node `id` takes signal requests and crashes instead of answering. */
  function crashOnRequest(cluster: Cluster, id: number): void {
    const rpc = cluster.nodes[id]!.rpc;
    rpc.unregister(SIGNAL_SERVICE);
    rpc.register(SIGNAL_SERVICE, () => {
      cluster.engine.schedule(0, () => cluster.crashNode(id));
      return new Promise<never>(() => {});
    });
  }

  test('kill of a process there answers ESRCH, never hangs', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 9 });
    const target = startGuest(cluster, 2, 'sig-group', ['count']);
    await cluster.run();
    expect(await send(cluster, 0, target.task.pid, 0)).toBe('send: 0\n');
    crashOnRequest(cluster, 2);
    expect(await send(cluster, 0, target.task.pid, SIGUSR1)).toBe('send: ESRCH\n');
    // The request did reach the node, which died holding it.
    expect(cluster.nodes[2]!.isUp).toBe(false);
    // Later: its task object died with the node (its home); ESRCH at once.
    expect(await send(cluster, 1, target.task.pid, 0)).toBe('send: ESRCH\n');
    expect(await send(cluster, 1, -target.task.pid, 0)).toBe('send: ESRCH\n');
  });

  test('kill of a group with members there: the others take it', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 9 });
    const leader = startGuest(cluster, 0, 'sig-group', ['count']);
    const far = startGuest(cluster, 2, 'sig-group', ['count', String(leader.task.pid)]);
    const near = startGuest(cluster, 1, 'sig-group', ['count', String(leader.task.pid)]);
    await cluster.run();
    crashOnRequest(cluster, 2);
    expect(await send(cluster, 1, -leader.task.pid, SIGUSR1)).toBe('send: 0\n');
    expect(await send(cluster, 1, -leader.task.pid, SIGTERM)).toBe('send: 0\n');
    for (const m of [leader, near]) expect(m.stdout()).toBe('count: setpgid=0 usr1=1 usr2=0\n');
    expect(far.task.state).toBe('dead');
    expect(far.status()).toBeUndefined();
  });
});
