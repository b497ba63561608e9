// Goal: whatever sequence of creates, mkdirs, links, renames (plain,
// NOREPLACE, EXCHANGE), unlinks, rmdirs, writes, truncates, opens and
// closes guests make, the tree stays consistent: every directory's link
// count is 2 plus its subdirectories, every file's is the number of names
// it has, parent pointers and names agree with the entries, every live
// node's path leads back to it, and the inode and byte counts equal what
// is reachable or held open. Method: fast-check runs random operations on a
// small name space (seeded: KRG_SEED replays a failure; fast-check prints
// the seed and path). `pnpm fuzz:fs` is the long lane.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ImageFileHandle } from './image-file.js';
import { ImageStore, RENAME_EXCHANGE, RENAME_NOREPLACE } from './image-store.js';
import type { ImageDirectory, ImageFile, ImageNode } from './inode.js';

const SEED = Number(process.env.KRG_SEED ?? 20261125);
/** Runs in the normal suite; `pnpm fuzz:fs` runs many more (KRG_FS_RUNS). */
const RUNS = Number(process.env.KRG_FS_RUNS ?? 200);
const NAMES = ['a', 'b', 'c'];
const owner = { uid: 0, gid: 0 };

type Op =
  | { op: 'create' | 'mkdir' | 'symlink'; dir: number; name: string }
  | { op: 'unlink' | 'rmdir' | 'open' | 'close'; at: number }
  | { op: 'link'; at: number; dir: number; name: string }
  | { op: 'rename'; at: number; dir: number; name: string; flags: number }
  | { op: 'write'; at: number; offset: number; length: number }
  | { op: 'truncate'; at: number; size: number };

const index = fc.nat({ max: 40 });
const name = fc.constantFrom(...NAMES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('create', 'mkdir', 'symlink'), dir: index, name }),
  fc.record({ op: fc.constantFrom('unlink', 'rmdir', 'open', 'close'), at: index }),
  fc.record({ op: fc.constant('link'), at: index, dir: index, name }),
  fc.record({
    op: fc.constant('rename'),
    at: index,
    dir: index,
    name,
    flags: fc.constantFrom(0, 0, RENAME_NOREPLACE, RENAME_EXCHANGE),
  }),
  fc.record({
    op: fc.constant('write'),
    at: index,
    offset: fc.nat({ max: 300 }),
    length: fc.nat({ max: 200 }),
  }),
  fc.record({ op: fc.constant('truncate'), at: index, size: fc.nat({ max: 400 }) }),
);

/** Every (directory, name, node) entry reachable from the root, directories in order. */
function entries(store: ImageStore): { parent: ImageDirectory; name: string; node: ImageNode }[] {
  const out: { parent: ImageDirectory; name: string; node: ImageNode }[] = [];
  const stack = [store.root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const [n, node] of [...dir.children].sort()) {
      out.push({ parent: dir, name: n, node });
      if (node.type === 'directory') stack.push(node);
    }
  }
  return out;
}

function checkInvariants(store: ImageStore, open: readonly ImageFileHandle[]): void {
  const all = entries(store);
  const names = new Map<ImageNode, number>();
  for (const e of all) names.set(e.node, (names.get(e.node) ?? 0) + 1);
  const dirs = [store.root, ...all.filter((e) => e.node.type === 'directory').map((e) => e.node)];
  for (const d of dirs as ImageDirectory[]) {
    const subdirs = [...d.children.values()].filter((c) => c.type === 'directory').length;
    expect(d.nlink, `nlink of ${d.path}`).toBe(2 + subdirs);
    expect(d.isRemoved).toBe(false);
    if (d.parent !== undefined) expect(d.parent.children.get(d.name)).toBe(d);
  }
  for (const [node, count] of names) {
    expect(store.pathOf(node) === undefined, `path of inode ${node.ino}`).toBe(false);
    const back = store.lookup(store.pathOf(node)!);
    if (node.type !== 'symlink') expect(back.ok && back.node).toBe(node);
    if (node.type === 'directory') expect(count).toBe(1);
    else expect(node.nlink, `nlink of inode ${node.ino}`).toBe(count);
  }
  // Open but unlinked files still count; nothing else does.
  const live = new Set<ImageNode>(names.keys());
  for (const h of open) live.add(h.node);
  expect(store.inodeCount).toBe(live.size);
  let bytes = 0;
  for (const n of live) if (n.type === 'file') bytes += n.size;
  expect(store.usedBytes).toBe(bytes);
}

function apply(store: ImageStore, open: ImageFileHandle[], op: Op, time: bigint): void {
  const all = entries(store);
  const dirs = [store.root, ...all.filter((e) => e.node.type === 'directory').map((e) => e.node)];
  const pick = <T>(xs: readonly T[], i: number): T | undefined =>
    xs.length === 0 ? undefined : xs[i % xs.length];
  const files = all.filter((e) => e.node.type === 'file');
  switch (op.op) {
    case 'create':
    case 'mkdir':
    case 'symlink': {
      const dir = pick(dirs, op.dir) as ImageDirectory;
      if (dir.children.has(op.name)) return;
      if (op.op === 'create') store.createFile(dir, op.name, 0o644, owner, time);
      else if (op.op === 'mkdir') store.mkdir(dir, op.name, 0o755, owner, time);
      else store.symlink(dir, op.name, '../a', owner, time);
      return;
    }
    case 'unlink': {
      const e = pick(
        all.filter((x) => x.node.type !== 'directory'),
        op.at,
      );
      if (e !== undefined) store.unlink(e.parent, e.name, time);
      return;
    }
    case 'rmdir': {
      const e = pick(
        all.filter((x) => x.node.type === 'directory' && x.node.children.size === 0),
        op.at,
      );
      if (e !== undefined) store.rmdir(e.parent, e.name, time);
      return;
    }
    case 'open': {
      const e = pick(files, op.at);
      if (e !== undefined) open.push(new ImageFileHandle(store, e.node as ImageFile, '/x', 2));
      return;
    }
    case 'close': {
      const h = open.splice(op.at % Math.max(1, open.length), 1)[0];
      h?.release();
      return;
    }
    case 'link': {
      const e = pick(files, op.at);
      const dir = pick(dirs, op.dir) as ImageDirectory;
      if (e !== undefined && !dir.children.has(op.name)) store.link(dir, op.name, e.node, time);
      return;
    }
    case 'rename': {
      const e = pick(all, op.at);
      const dir = pick(dirs, op.dir) as ImageDirectory;
      if (e !== undefined)
        store.rename(
          { parent: e.parent, name: e.name },
          { parent: dir, name: op.name },
          op.flags,
          time,
        );
      return;
    }
    case 'write':
    case 'truncate': {
      const targets = [...files.map((f) => f.node as ImageFile), ...open.map((h) => h.node)];
      const f = pick(targets, op.at);
      if (f === undefined) return;
      if (op.op === 'write') store.write(f, op.offset, new Uint8Array(op.length).fill(1), time);
      else store.truncate(f, op.size, time);
      return;
    }
  }
}

describe('ImageStore (property)', () => {
  test('random changes keep links, parents, paths and accounting consistent', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 60 }), (ops) => {
        const store = new ImageStore({ treeBytesMax: 2000 });
        const open: ImageFileHandle[] = [];
        ops.forEach((op, i) => {
          apply(store, open, op, BigInt(i));
          checkInvariants(store, open);
        });
        for (const h of open.splice(0)) h.release();
        checkInvariants(store, open);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
