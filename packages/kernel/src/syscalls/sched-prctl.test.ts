// Goal: what krg answers about scheduling and the task's name, where the
// answer is krg's own (one CPU per node, time-shared only) and so cannot be
// compared with qemu, and that a name set by prctl is what ps shows from
// another node (the task object follows the change). The host-independent
// part of the guest is compared with qemu in apps/cluster-sim's exec tests.
import { describe, expect, test } from 'vitest';
import { Cluster } from '../index.js';
import { startGuest } from '../cluster/guests.test-util.js';

describe('sched_* and prctl', () => {
  test('krg answers as one CPU per node, SCHED_OTHER only', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 5 });
    const g = startGuest(cluster, 1, 'sched-prctl', ['details'], '');
    await cluster.run();
    expect(g.status()).toBe(0);
    const details = g
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('details') || l.startsWith('  0.'))
      .map((l) => l.replace(/ +/g, ' '));
    expect(details).toEqual([
      'details: cpus=1',
      'details: sched_setscheduler(FIFO, 10) r=-1 errno=Operation not permitted',
      'details: sched_setscheduler(BATCH, 0) r=-1 errno=Operation not permitted',
      'details: sched_getscheduler(0) r=0',
      'details: prctl(PR_CAPBSET_READ, 0) r=1',
      'details: prctl(PR_GET_SECCOMP) r=0',
      'details: getgroups(0) r=0',
      'details: sched_rr_get_interval(0) r=0',
      ' 0.001000000',
      'details: getcpu r=0',
    ]);
  });

  test('a name set by prctl(PR_SET_NAME) is what ps on another node shows', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 6 });
    const g = startGuest(cluster, 2, 'sched-prctl', ['hold']);
    await cluster.run({ maxEvents: 2000 });
    const rows = await cluster.runPs(0);
    const row = rows.find((r) => r.pid === g.task.pid);
    expect(row?.command).toBe('renamed-task');
    expect(row?.node).toBe(2);
    g.stdin.end();
    await cluster.run();
    expect(g.status()).toBe(0);
  });
});
