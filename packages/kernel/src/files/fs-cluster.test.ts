// Goal: the file tree is one for the whole cluster, like Kerrighed's NFS
// root: what a process writes on one node another reads on another node,
// a node's crash loses nothing written, and checkpoint/restart of open
// files reopens them by path, saves unlinked ones as ghost files, and
// refuses what it cannot honour (ghost files past their limit, a file
// shortened behind a checkpoint's back) with a typed error and nothing
// half-restored. Method: guests on chosen nodes through the Cluster API;
// the open files of the refusal tests are put in a blocked guest's table.
import { MemoryGhost } from '@krg/ghost-io';
import { describe, expect, test } from 'vitest';
import { Cluster, ConsoleInput } from '../index.js';
import { CHECKPOINT, RESTART, startGuest } from '../cluster/guests.test-util.js';
import { FILES_SLOT } from '../process/task-slots.js';
import { GHOST_FILES_BYTES_MAX } from '../limits.js';
import { flockHeld, flockTry } from './flock.js';
import { ImageFileHandle } from './image-file.js';

describe('one file tree for every node', () => {
  test('a ping on node 1 and a pong on node 3 read each other through files', async () => {
    const cluster = new Cluster({ nodes: 4, seed: 3 });
    const ping = startGuest(cluster, 1, 'fs-pingpong', ['ping', '/tmp', '5']);
    const pong = startGuest(cluster, 3, 'fs-pingpong', ['pong', '/tmp', '5']);
    await cluster.run();
    const lines = (who: string, of: string) =>
      [0, 1, 2, 3, 4].map((i) => `${who} read: ${of} ${i}\n`).join('');
    expect(ping.stdout()).toBe(lines('ping', 'pong'));
    expect(pong.stdout()).toBe(lines('pong', 'ping'));
    expect([ping.status(), pong.status()]).toEqual([0, 0]);
    const log = cluster.store.lookup('/tmp/pong.log');
    expect(log.ok && log.node.type === 'file' && log.node.size).toBe(35);
  });

  test("what a node wrote survives that node's crash and reboot", async () => {
    const cluster = new Cluster({ nodes: 3, seed: 4 });
    const writer = startGuest(cluster, 2, 'fs-ckpt', ['/tmp']);
    await cluster.run();
    expect(writer.status()).toBe(0);
    cluster.crashNode(2);
    const rebooted = cluster.rebootNode(2);
    await cluster.run();
    await rebooted;
    const reader = startGuest(cluster, 2, 'fs-stat', ['/tmp/ck/out', '/tmp/ck/table', '/tmp/ck']);
    await cluster.run();
    expect(reader.stdout()).toBe(
      [
        '1: file 0644 nlink 1 size 3120',
        '1: statx agrees',
        '2: file 0600 nlink 1 size 960',
        '2: statx agrees',
        '3: directory 0755 nlink 2 size 0',
        '3: statx agrees',
        '',
      ].join('\n'),
    );
  });
});

describe('checkpoint and restart of open files', () => {
  /** A guest blocked reading stdin, with `/tmp/data` (20 bytes) open at offset 10 as fd 5. */
  async function blockedWithFile(cluster: Cluster) {
    const file = cluster.store.addFile('/tmp/data', new Uint8Array(20), 0o644);
    const started = startGuest(cluster, 1, 'stdin-filter');
    const handle = new ImageFileHandle(cluster.store, file, '/tmp/data', 2);
    handle.offset = 10;
    started.task.get(FILES_SLOT).installAt(5, handle, false);
    await cluster.run();
    expect(await cluster.freeze(started.task)).toBe('frozen');
    return { ...started, file };
  }

  const streams = () => ({
    stdin: new ConsoleInput('pipe'),
    stdout: { sink: { write: () => {} }, kind: 'pipe' as const },
    stderr: { sink: { write: () => {} }, kind: 'pipe' as const },
  });

  test('a file unlinked while open is saved as a ghost file and comes back unlinked, shared as before', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const { task, file } = await blockedWithFile(cluster);
    cluster.store.write(file, 0, new TextEncoder().encode('ghostly'), 6n);
    // A second description of the same inode, and a dup of the first.
    const table = task.get(FILES_SLOT);
    table.installAt(6, new ImageFileHandle(cluster.store, file, '/tmp/data', 0), false);
    table.dup2(5, 7);
    const tmp = cluster.store.lookup('/tmp');
    if (!tmp.ok || tmp.node.type !== 'directory') throw new Error('no /tmp');
    const inodes = cluster.store.inodeCount;
    cluster.store.unlink(tmp.node, 'data', 7n);
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(task, ghost, CHECKPOINT);
    await ghost.close();
    cluster.kill(task);
    expect(file.isDiscarded).toBe(true);
    expect(cluster.store.inodeCount).toBe(inodes - 1);
    const back = await cluster.importProcess(ghost.toReader(), RESTART, 1, streams());
    const fds = back.get(FILES_SLOT);
    const [five, six, seven] = [5, 6, 7].map((fd) => fds.get(fd)?.file);
    if (!(five instanceof ImageFileHandle) || !(six instanceof ImageFileHandle))
      throw new Error('tree files expected');
    expect(seven).toBe(five);
    expect(six.node).toBe(five.node);
    expect(five.node).not.toBe(file);
    expect([five.node.nlink, five.offset, five.node.mode]).toEqual([0, 10, 0o644]);
    expect(new TextDecoder().decode(five.node.read(0, 7))).toBe('ghostly');
    expect(cluster.store.lookup('/tmp/data').ok).toBe(false);
    expect(cluster.store.inodeCount).toBe(inodes);
    cluster.kill(back);
    expect(five.node.isDiscarded).toBe(true);
    expect(cluster.store.inodeCount).toBe(inodes - 1);
  });

  test('ghost files past GHOST_FILES_BYTES_MAX are refused at checkpoint time', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const { task, file } = await blockedWithFile(cluster);
    expect(cluster.store.truncate(file, GHOST_FILES_BYTES_MAX + 1, 6n)).toBe(0);
    const tmp = cluster.store.lookup('/tmp');
    if (!tmp.ok || tmp.node.type !== 'directory') throw new Error('no /tmp');
    cluster.store.unlink(tmp.node, 'data', 7n);
    await expect(cluster.exportProcess(task, MemoryGhost.create(), CHECKPOINT)).rejects.toThrow(
      /unlinked while open and the ghost files would take/,
    );
  });

  test('a file renamed since it was opened is saved under its new name and reopened there', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const { task, file } = await blockedWithFile(cluster);
    const tmp = cluster.store.lookup('/tmp');
    if (!tmp.ok || tmp.node.type !== 'directory') throw new Error('no /tmp');
    expect(
      cluster.store.rename(
        { parent: tmp.node, name: 'data' },
        { parent: tmp.node, name: 'moved' },
        0,
        7n,
      ),
    ).toBe(0);
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(task, ghost, CHECKPOINT);
    await ghost.close();
    cluster.kill(task);
    expect(file.openCount).toBe(0);
    const streams = {
      stdin: new ConsoleInput('pipe'),
      stdout: { sink: { write: () => {} }, kind: 'pipe' as const },
      stderr: { sink: { write: () => {} }, kind: 'pipe' as const },
    };
    const back = await cluster.importProcess(ghost.toReader(), RESTART, 1, streams);
    const reopened = back.get(FILES_SLOT).get(5)?.file;
    expect(reopened instanceof ImageFileHandle && reopened.node === file && reopened.offset).toBe(
      10,
    );
    expect(reopened instanceof ImageFileHandle && reopened.path).toBe('/tmp/moved');
    expect(file.openCount).toBe(1);
    cluster.kill(back);
  });

  test('a flock comes back with its description, and a restart whose lock was taken meanwhile fails', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const { task, file } = await blockedWithFile(cluster);
    const locked = task.get(FILES_SLOT).get(5)!.file;
    expect(flockTry(locked.lockTarget, locked, 'exclusive')).toBe('ok');
    // Two copies of one checkpoint (a memory ghost is read once).
    const [ghost, copy] = [MemoryGhost.create(), MemoryGhost.create()];
    for (const g of [ghost, copy]) {
      await cluster.exportProcess(task, g, CHECKPOINT);
      await g.close();
    }
    cluster.kill(task);
    // The kill dropped the lock: another description takes it, and the restart cannot.
    const other = new ImageFileHandle(cluster.store, file, '/tmp/data', 0);
    expect(flockTry(file, other, 'shared')).toBe('ok');
    await expect(cluster.importProcess(ghost.toReader(), RESTART, 1, streams())).rejects.toThrow(
      /exclusive lock free to take again/,
    );
    expect(file.openCount).toBe(1);
    other.release();
    const back = await cluster.importProcess(copy.toReader(), RESTART, 1, streams());
    const again = back.get(FILES_SLOT).get(5)!.file;
    expect(flockHeld(file, again)).toBe('exclusive');
    cluster.kill(back);
    expect(flockHeld(file, again)).toBeUndefined();
  });

  test('restart refuses a file shorter than the saved offset, and restores nothing', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 1 });
    const { task, file } = await blockedWithFile(cluster);
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(task, ghost, CHECKPOINT);
    await ghost.close();
    cluster.kill(task);
    expect(cluster.store.truncate(file, 5, 9n)).toBe(0);
    const streams = {
      stdin: new ConsoleInput('pipe'),
      stdout: { sink: { write: () => {} }, kind: 'pipe' as const },
      stderr: { sink: { write: () => {} }, kind: 'pipe' as const },
    };
    await expect(cluster.importProcess(ghost.toReader(), RESTART, 1, streams)).rejects.toThrow(
      /at least 10 bytes long \(the saved offset\), found 5 bytes/,
    );
    expect(cluster.tasks().filter((t) => t.state !== 'dead')).toEqual([]);
    expect(file.openCount).toBe(0);
  });
});
