// Goal: a process attached to a SysV shm segment is checkpointed, killed
// and restarted on another node, and carries on exchanging data through
// the segment: the mm section saves its shm mappings (segment id, offset,
// rights, never the pages, which live in the segment's KDDM set) and the
// restart reattaches them. Method: shm-pingpong's consumer on node 1 and
// producer on node 0; the consumer is frozen at seeded random instructions,
// exported with the checkpoint action, killed, and imported with the
// restart action on its node (reusing its PID; the producer spins
// meanwhile); both must print what the uninterrupted pair prints (whose
// checksum lines both sides computed: a lost or stale byte shows). A restart whose segment is gone fails with a typed error.
import { ProcessImportFailed } from '@krg/epm-core';
import { MemoryGhost } from '@krg/ghost-io';
import { Rng } from '@krg/sim-engine';
import { ACCOUNTING_SLOT } from '@krg/epm-core';
import { describe, expect, test } from 'vitest';
import { Cluster } from '../cluster.js';
import { CHECKPOINT, RESTART, startGuest } from '../cluster/guests.test-util.js';

const SEED = Number(process.env.KRG_SEED ?? 20261125);
const POINTS = 4;
/** A short exchange (8 rounds) keeps each run a fraction of a second. */
const CONSUMER = ['consumer', '0x6b726753', '8'];
const PRODUCER = ['producer', '0x6b726753', '8'];
const EXPECTED =
  'consumer: rounds=8 bytes=131072 fnv1a=84b86339\n' +
  'producer: rounds=8 bytes=131072 fnv1a=84b86339\n';

let reference: { instret: number; stdout: string } | undefined;

/** The uninterrupted pair: its output and the consumer's instruction count. */
async function uninterrupted(): Promise<{ instret: number; stdout: string }> {
  if (reference !== undefined) return reference;
  const cluster = new Cluster({ nodes: 2, seed: 3 });
  const consumer = startGuest(cluster, 1, 'shm-pingpong', CONSUMER, '');
  const producer = startGuest(cluster, 0, 'shm-pingpong', PRODUCER, '');
  let instret = 0;
  const previous = cluster.onTaskReaped;
  cluster.onTaskReaped = (t) => {
    if (t.pid === consumer.pid) instret = t.get(ACCOUNTING_SLOT).instret;
    previous(t);
  };
  await cluster.run();
  reference = { instret, stdout: consumer.stdout() + producer.stdout() };
  return reference;
}

describe('checkpoint and restart of a process attached to SysV shm', () => {
  test('the restarted consumer reattaches and the exchange completes', async () => {
    const { instret: total, stdout } = await uninterrupted();
    expect(stdout).toBe(EXPECTED);
    const rng = new Rng(SEED);
    for (let i = 0; i < POINTS; i++) {
      const at = 1 + rng.nextInt(total - 1);
      const where = `consumer checkpointed at instruction ${at} (KRG_SEED=${SEED})`;
      const cluster = new Cluster({ nodes: 2, seed: 3 });
      const consumer = startGuest(cluster, 1, 'shm-pingpong', CONSUMER, '');
      const producer = startGuest(cluster, 0, 'shm-pingpong', PRODUCER, '');
      const frozen = cluster.freeze(consumer.task, at);
      // The producer spins while the consumer is frozen: stop at the freeze.
      void frozen.then(() => cluster.engine.stop());
      await cluster.run();
      expect(await frozen, where).toBe('frozen');
      const ghost = MemoryGhost.create();
      await cluster.exportProcess(consumer.task, ghost, CHECKPOINT);
      await ghost.close();
      cluster.kill(consumer.task);
      // The import waits on KDDM (reattaching the segment): the engine runs meanwhile.
      const importing = cluster.importProcess(ghost.toReader(), RESTART, 1, consumer.streams);
      const running = cluster.run();
      const restarted = await importing;
      expect(restarted.pid, where).toBe(consumer.pid);
      consumer.adopt(restarted);
      await running;
      await cluster.run();
      expect(consumer.stdout() + producer.stdout(), where).toBe(EXPECTED);
      expect([consumer.status(), producer.status()], where).toEqual([0, 0]);
    }
  });

  test('a restart whose segment was destroyed meanwhile fails with a typed error', async () => {
    const { instret: total } = await uninterrupted();
    const cluster = new Cluster({ nodes: 2, seed: 3 });
    const errors = startGuest(cluster, 1, 'shm-pingpong', CONSUMER, '');
    const producer = startGuest(cluster, 0, 'shm-pingpong', PRODUCER, '');
    // Freeze the consumer once it has attached: well into its run.
    const frozen = cluster.freeze(errors.task, Math.floor(total / 2));
    void frozen.then(() => cluster.engine.stop());
    await cluster.run();
    expect(await frozen).toBe('frozen');
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(errors.task, ghost, CHECKPOINT);
    await ghost.close();
    // Both killed: the segment stays (nobody removed it) until a third process removes it.
    cluster.kill(errors.task);
    cluster.kill(producer.task);
    await cluster.run();
    const cleaner = startGuest(cluster, 0, 'shm-pingpong', ['rmid'], '');
    await cluster.run();
    expect(cleaner.stdout()).toBe('');
    const importing = cluster.importProcess(ghost.toReader(), RESTART, 1, errors.streams);
    const running = cluster.run();
    await expect(importing).rejects.toBeInstanceOf(ProcessImportFailed);
    await running;
    expect(cluster.tasks()).toEqual([]);
  });
});
