// Goal: SysV shm between processes on one node and across nodes, as Linux
// gives it. Method: the committed shm guests on a Cluster; the one-node runs
// print exactly what qemu-riscv64 prints for the same binary (expected
// outputs below were taken from it); the two-node runs check their own data
// (a checksum on each side) and print the same lines as the forked run.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Rng } from '@krg/sim-engine';
import { Cluster } from '../cluster.js';
import { startGuest } from '../cluster/guests.test-util.js';

const PINGPONG =
  'consumer: rounds=48 bytes=786432 fnv1a=a71e525d\n' +
  'producer: rounds=48 bytes=786432 fnv1a=a71e525d\n';

describe('shm-pingpong', () => {
  test('parent and forked child on one node (the qemu differential)', async () => {
    const cluster = new Cluster({ nodes: 1, seed: 1 });
    const p = startGuest(cluster, 0, 'shm-pingpong', [], '');
    await cluster.run();
    expect(p.stdout()).toBe(PINGPONG);
    expect(p.status()).toBe(0);
  });

  test('producer and consumer on two nodes print the same', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const consumer = startGuest(cluster, 1, 'shm-pingpong', ['consumer'], '');
    const producer = startGuest(cluster, 0, 'shm-pingpong', ['producer'], '');
    await cluster.run();
    expect(consumer.stdout() + producer.stdout()).toBe(PINGPONG);
    expect([consumer.status(), producer.status()]).toEqual([0, 0]);
  });
});

describe('shm-errors', () => {
  test('prints what qemu-riscv64 prints: every rule and errno of the four calls', async () => {
    const expected = readFileSync(new URL('./shm-errors.expected.txt', import.meta.url), 'utf8');
    const cluster = new Cluster({ nodes: 1, seed: 1 });
    const p = startGuest(cluster, 0, 'shm-errors', [], '');
    await cluster.run();
    expect(p.stdout()).toBe(expected);
    expect(p.status()).toBe(0);
  });
});

describe('shm-ipcs', () => {
  test('prints what qemu-riscv64 prints: IPC_INFO, SHM_INFO, SHM_STAT, SHM_LOCK', async () => {
    const expected = readFileSync(new URL('./shm-ipcs.expected.txt', import.meta.url), 'utf8');
    const cluster = new Cluster({ nodes: 1, seed: 1 });
    const p = startGuest(cluster, 0, 'shm-ipcs', [], '');
    await cluster.run();
    expect(p.stdout()).toBe(expected);
    expect(p.status()).toBe(0);
  });

  test('on node 1 of 3 (the segment descriptors live on other nodes) it prints the same', async () => {
    const expected = readFileSync(new URL('./shm-ipcs.expected.txt', import.meta.url), 'utf8');
    const cluster = new Cluster({ nodes: 3, seed: 4 });
    const p = startGuest(cluster, 1, 'shm-ipcs', [], '');
    await cluster.run();
    expect(p.stdout()).toBe(expected);
  });
});

describe('shm-pingpong with random placement', () => {
  test('the same output for every seed, node pair and start order', async () => {
    const seed0 = Number(process.env.KRG_SEED ?? 77);
    for (let i = 0; i < 4; i++) {
      const seed = seed0 + i;
      const rng = new Rng(seed);
      const cluster = new Cluster({ nodes: 4, seed });
      const [consumerNode, producerNode] = [rng.nextInt(4), rng.nextInt(4)];
      const args = (role: string) => [role, '0x6b726753', '8'];
      const producerFirst = rng.chance(0.5);
      const producer = producerFirst
        ? startGuest(cluster, producerNode, 'shm-pingpong', args('producer'), '')
        : undefined;
      const consumer = startGuest(cluster, consumerNode, 'shm-pingpong', args('consumer'), '');
      const p = producer ?? startGuest(cluster, producerNode, 'shm-pingpong', args('producer'), '');
      await cluster.run();
      const where = `seed ${seed} (KRG_SEED=${seed0}): consumer on ${consumerNode}, producer on ${producerNode}`;
      expect(consumer.stdout() + p.stdout(), where).toBe(
        'consumer: rounds=8 bytes=131072 fnv1a=84b86339\n' +
          'producer: rounds=8 bytes=131072 fnv1a=84b86339\n',
      );
      expect([consumer.status(), p.status()], where).toEqual([0, 0]);
    }
  });
});

describe('shm-counter', () => {
  const TOTAL = 'worker: total=800 expected=800\n';

  test('parent and child add atomically on one node (the qemu differential)', async () => {
    const cluster = new Cluster({ nodes: 1, seed: 1 });
    const p = startGuest(cluster, 0, 'shm-counter', [], '');
    await cluster.run();
    expect(p.stdout()).toBe(TOTAL + TOTAL);
    expect(p.status()).toBe(0);
  });

  test('two workers on two nodes: every atomic add takes the page over, none is lost', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const a = startGuest(cluster, 0, 'shm-counter', ['worker'], '');
    const b = startGuest(cluster, 1, 'shm-counter', ['worker'], '');
    await cluster.run();
    expect(a.stdout() + b.stdout()).toBe(TOTAL + TOTAL);
    expect([a.status(), b.status()]).toEqual([0, 0]);
  });
});
