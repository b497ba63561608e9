// Goal: the export/import path that migration and checkpoint/restart share
// is exact. A process frozen at a random instruction, exported with the
// checkpoint action into a MemoryGhost, killed (its objects vanish, its PID
// is free again) and imported with the restart action on the same node —
// reusing its PID — prints exactly what an uninterrupted run prints and
// exits the same way. Method: seeded random instruction counts per guest;
// a failure names the guest, the seed and the instruction.
import { ACCOUNTING_SLOT, type Task } from '@krg/epm-core';
import { MemoryGhost } from '@krg/ghost-io';
import { Rng } from '@krg/sim-engine';
import { describe, expect, test } from 'vitest';
import { Cluster } from './index.js';
import { CHECKPOINT, RESTART, startGuest } from './cluster/guests.test-util.js';

const SEED = Number(process.env.KRG_SEED ?? 20261125);
const POINTS_PER_GUEST = 4;

interface Outcome {
  stdout: string;
  status: string;
  instret: number;
}

function setup(guest: string, args: readonly string[], stdinText: string) {
  const cluster = new Cluster({ nodes: 2, seed: 5 });
  const { task, streams, stdout } = startGuest(cluster, 1, guest, args, stdinText);
  return { cluster, task, streams, stdout };
}

function describeStatus(t: Task): string {
  return JSON.stringify(t.exitStatus);
}

async function uninterrupted(
  guest: string,
  args: readonly string[],
  stdin: string,
): Promise<Outcome> {
  const { cluster, task, stdout } = setup(guest, args, stdin);
  let instret = 0;
  cluster.onTaskReaped = (t) => {
    if (t === task) instret = t.get(ACCOUNTING_SLOT).instret;
  };
  await cluster.run();
  return { stdout: stdout(), status: describeStatus(task), instret };
}

async function interrupted(
  guest: string,
  args: readonly string[],
  stdin: string,
  at: number,
): Promise<Outcome & { pidReused: boolean }> {
  const { cluster, task, streams, stdout } = setup(guest, args, stdin);
  const frozen = cluster.freeze(task, at);
  await cluster.run();
  expect(await frozen).toBe('frozen');
  const ghost = MemoryGhost.create();
  await cluster.exportProcess(task, ghost, CHECKPOINT);
  await ghost.close();
  cluster.kill(task);
  expect(cluster.tasks()).toEqual([]);
  const restarted = await cluster.importProcess(ghost.toReader(), RESTART, 1, streams);
  await cluster.run();
  return {
    stdout: stdout(),
    status: describeStatus(restarted),
    instret: 0,
    pidReused: restarted.pid === task.pid,
  };
}

const CASES: readonly { guest: string; args?: string[]; stdin?: string }[] = [
  { guest: 'hello' },
  { guest: 'printf-int' },
  { guest: 'checksum' },
  { guest: 'sort' },
  { guest: 'argv-echo', args: ['a', 'b c'] },
  { guest: 'stdin-filter', stdin: 'one\ntwo\nthree and more\n' },
  { guest: 'die-abort' },
  // Maps its own binary: file mappings saved by name, mapped again at restart.
  { guest: 'mmap-file', args: ['/bin/mmap-file', 'nofork'] },
  // Handlers on an alternate stack, an itimer, sigsuspend's saved mask, queued RT values.
  { guest: 'sig-ckpt' },
  // Writes files of the cluster's tree through O_APPEND and positioned
  // descriptors and lists a directory while it does: every descriptor
  // continues where it was, on files the checkpoint did not copy.
  { guest: 'fs-ckpt', args: ['/tmp'] },
  // Every file operation; at some instructions a file is open but unlinked (a ghost file).
  { guest: 'fs-basic', args: ['/tmp', 'nopw'] },
];

describe('checkpoint into a MemoryGhost, kill, restart with the same PID', () => {
  for (const c of CASES) {
    test(`${c.guest}: identical output and status from ${POINTS_PER_GUEST} random instructions`, async () => {
      const reference = await uninterrupted(c.guest, c.args ?? [], c.stdin ?? '');
      const rng = new Rng(SEED ^ c.guest.length);
      for (let i = 0; i < POINTS_PER_GUEST; i++) {
        const at = 1 + rng.nextInt(Math.max(1, reference.instret - 1));
        const run = await interrupted(c.guest, c.args ?? [], c.stdin ?? '', at);
        const where = `${c.guest} checkpointed at instruction ${at} (KRG_SEED=${SEED})`;
        expect(run.stdout, where).toBe(reference.stdout);
        expect(run.status, where).toBe(reference.status);
        expect(run.pidReused, where).toBe(true);
      }
    });
  }

  test('a ghost written for migration is refused by restart and nothing is left behind', async () => {
    const { cluster, task, streams } = setup('hello', [], '');
    const frozen = cluster.freeze(task, 1000);
    await cluster.run();
    expect(await frozen).toBe('frozen');
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(task, ghost, {
      type: 'migrate',
      pid: task.pid,
      sourceNode: 1,
      targetNode: 1,
    });
    await ghost.close();
    cluster.kill(task);
    await expect(cluster.importProcess(ghost.toReader(), RESTART, 1, streams)).rejects.toThrow(
      /found one for migrate/,
    );
    expect(cluster.tasks()).toEqual([]);
    expect(cluster.nodes[1]!.pidmap.count).toBe(0);
  });

  test('restart while the PID is still in use fails and unwinds', async () => {
    const { cluster, task, streams } = setup('checksum', [], '');
    const frozen = cluster.freeze(task, 5000);
    await cluster.run();
    expect(await frozen).toBe('frozen');
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(task, ghost, CHECKPOINT);
    await ghost.close();
    await expect(cluster.importProcess(ghost.toReader(), RESTART, 1, streams)).rejects.toThrow(
      /PID .* free for the restart/,
    );
    expect(cluster.tasks().map((t) => t.pid)).toEqual([task.pid]);
  });
});
