// Goal: job control and queue limits hold where Linux holds them — a
// stopped process stays stopped across checkpoint/restart and SIGCONT
// resumes it after, with the signals that arrived meanwhile; sigqueue
// beyond RLIMIT_SIGPENDING is refused with EAGAIN while kill's real-time
// signal still arrives, without its sender. Method: sig-group guests
// through the Cluster API; the stop is sent by another process, from
// another node.
import { encodeWaitStatus } from '@krg/epm-core';
import { MemoryGhost } from '@krg/ghost-io';
import { describe, expect, test } from 'vitest';
import { Cluster, ConsoleInput, type StandardStreams } from './index.js';
import { CHECKPOINT, RESTART, startGuest } from './cluster/guests.test-util.js';

const SIGUSR1 = 10;
const SIGTERM = 15;
const SIGCONT = 18;
const SIGSTOP = 19;
const SIGTSTP = 20;

async function send(cluster: Cluster, node: number, pid: number, sig: number): Promise<string> {
  const sender = startGuest(cluster, node, 'sig-group', ['send', String(pid), String(sig)]);
  await cluster.run();
  return sender.stdout();
}

describe('a stopped process across checkpoint/restart', () => {
  test('comes back stopped; SIGCONT resumes it with what arrived meanwhile', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 7 });
    // The counter's own streams, so the restarted process writes where the first one did.
    const out: Uint8Array[] = [];
    const sink = { write: (b: Uint8Array) => void out.push(b.slice()) };
    const streams: StandardStreams = {
      stdin: new ConsoleInput('pipe'),
      stdout: { sink, kind: 'pipe' },
      stderr: { sink, kind: 'pipe' },
    };
    startGuest(cluster, 1, 'sig-group', ['send', '1', '0']); // brings the binary into the store
    const task = cluster.start({
      node: 1,
      path: '/bin/sig-group',
      argv: ['sig-group', 'count'],
      envp: [],
      streams,
    });
    if ('errno' in task) throw new Error(task.detail);
    await cluster.run();
    expect(await send(cluster, 0, task.pid, SIGSTOP)).toBe('send: 0\n');
    expect(task.state).toBe('stopped');
    expect(task.jobControl).toEqual({ kind: 'stopped', signal: SIGSTOP });
    const frozen = cluster.freeze(task);
    expect(await frozen).toBe('frozen');
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(task, ghost, CHECKPOINT);
    await ghost.close();
    cluster.kill(task);
    // The killed process's objects are removed before the restart publishes them again.
    await cluster.run();
    const restarted = await cluster.importProcess(ghost.toReader(), RESTART, 1, streams);
    await cluster.run();
    expect(restarted.state).toBe('stopped');
    expect(restarted.jobControl).toEqual({ kind: 'stopped', signal: SIGSTOP });
    expect((await cluster.runPs(0)).find((r) => r.pid === task.pid)?.state).toBe('stopped');
    // A signal to a stopped process waits; SIGCONT lets it run its handler.
    expect(await send(cluster, 0, task.pid, SIGUSR1)).toBe('send: 0\n');
    expect(restarted.state).toBe('stopped');
    expect(await send(cluster, 0, task.pid, SIGCONT)).toBe('send: 0\n');
    expect(restarted.state).toBe('sleeping');
    expect(await send(cluster, 0, task.pid, SIGTERM)).toBe('send: 0\n');
    expect(Buffer.concat(out).toString()).toBe('count: setpgid=0 usr1=1 usr2=0\n');
    expect(encodeWaitStatus(restarted.exitStatus!)).toBe(0);
  });
});

describe('RLIMIT_SIGPENDING', () => {
  test('sigqueue beyond it is EAGAIN; kill of an rt signal arrives without its sender', async () => {
    const cluster = new Cluster({ nodes: 1, seed: 3 });
    const q = startGuest(cluster, 0, 'sig-group', ['queue', '5']);
    await cluster.run();
    expect(q.stdout()).toBe(
      'queue: limit=5 queued=5 refused=EAGAIN kill=0 in-order=1 kill-sender=0\n',
    );
    expect(q.status()).toBe(0);
  });
});

describe('an orphaned process group spread over nodes', () => {
  test('SIGTSTP is discarded until a member on another node anchors the group', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 11 });
    // Both started by their node's init: nobody anchors the group yet.
    const leader = startGuest(cluster, 0, 'sig-group', ['count']);
    const far = startGuest(cluster, 2, 'sig-group', ['count', String(leader.task.pid)]);
    await cluster.run();
    expect(await send(cluster, 1, far.task.pid, SIGTSTP)).toBe('send: 0\n');
    expect(far.task.state).toBe('sleeping');
    // A child on node 0 joins the group; its parent, in another group of the
    // same session, anchors it: the group on node 2 is no longer orphaned.
    const adopter = startGuest(cluster, 0, 'sig-group', ['adopt', String(leader.task.pid)]);
    await cluster.run();
    expect(await send(cluster, 1, far.task.pid, SIGTSTP)).toBe('send: 0\n');
    expect(far.task.state).toBe('stopped');
    expect(await send(cluster, 1, far.task.pid, SIGCONT)).toBe('send: 0\n');
    expect(await send(cluster, 1, -leader.task.pid, SIGTERM)).toBe('send: 0\n');
    for (const m of [leader, far]) expect(m.stdout()).toBe('count: setpgid=0 usr1=0 usr2=0\n');
    expect(adopter.stdout()).toBe('count: setpgid=0 usr1=0 usr2=0\nadopt: child exited\n');
  });
});
