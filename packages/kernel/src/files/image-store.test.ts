// Goal: the cluster's file tree resolves paths as Linux does (dots,
// slashes, symbolic links, ELOOP), applies each mutation's rules, keeps its
// accounting exact (an unlinked open file keeps its bytes until the last
// close) and refuses what exceeds its limits without changing anything.
// Method: drive the store directly; the syscall-level errnos are compared
// with Linux by the fs guests under qemu (apps/cluster-sim fs.test.ts).
import { describe, expect, test } from 'vitest';
import { IMAGE_FILE_BYTES_MAX, IMAGE_TREE_BYTES_MAX, SYMLINKS_FOLLOWED_MAX } from '../limits.js';
import { ImageFileHandle } from './image-file.js';
import { ImageStore, ImageStoreError, RENAME_EXCHANGE, RENAME_NOREPLACE } from './image-store.js';
import type { ImageDirectory, ImageNode } from './inode.js';
import { walkPath } from './path-walk.js';

const data = new Uint8Array([1, 2, 3]);
const root = { uid: 0, gid: 0 };
const T = 5n;

function dirAt(store: ImageStore, path: string): ImageDirectory {
  const found = store.lookup(path);
  if (!found.ok || found.node.type !== 'directory') throw new Error(`${path} is not a directory`);
  return found.node;
}

function nodeAt(store: ImageStore, path: string): ImageNode | undefined {
  const found = store.lookup(path);
  return found.ok ? found.node : undefined;
}

describe('ImageStore: paths', () => {
  test('resolves absolute, relative, dotted and repeated-slash paths', () => {
    const store = new ImageStore();
    const file = store.addFile('/bin/hello', data);
    expect(store.lookup('/bin/hello')).toMatchObject({ ok: true, node: file, path: '/bin/hello' });
    expect(store.lookup('hello', '/bin')).toMatchObject({ ok: true, node: file });
    expect(store.lookup('//bin/./../bin//hello')).toMatchObject({
      ok: true,
      node: file,
      path: '/bin/hello',
    });
    expect(store.lookup('/../..')).toMatchObject({ ok: true, node: store.root, path: '/' });
    expect(store.lookup('/bin/')).toMatchObject({ ok: true, path: '/bin' });
  });

  test('answers Linux errnos for paths that do not resolve', () => {
    const store = new ImageStore();
    store.addFile('/bin/hello', data);
    expect(store.lookup('')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(store.lookup('/bin/nope')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(store.lookup('/bin/hello/')).toEqual({ ok: false, errno: 'ENOTDIR' });
    expect(store.lookup('/bin/hello/x')).toEqual({ ok: false, errno: 'ENOTDIR' });
    expect(store.lookup(`/${'a'.repeat(256)}`)).toEqual({ ok: false, errno: 'ENAMETOOLONG' });
    expect(store.lookup(`/${'a/'.repeat(2048)}`)).toEqual({ ok: false, errno: 'ENAMETOOLONG' });
  });

  test('follows symbolic links, relative and absolute, up to SYMLINKS_FOLLOWED_MAX', () => {
    const store = new ImageStore();
    const file = store.addFile('/data/f', data);
    const d = dirAt(store, '/data');
    store.symlink(d, 'rel', 'f', root, T);
    store.symlink(store.root, 'abs', '/data', root, T);
    expect(store.lookup('/data/rel')).toMatchObject({ ok: true, node: file });
    expect(store.lookup('/abs/rel')).toMatchObject({ ok: true, node: file, path: '/data/f' });
    // A chain of exactly SYMLINKS_FOLLOWED_MAX links resolves; one more is ELOOP.
    let target = 'f';
    for (let i = 0; i <= SYMLINKS_FOLLOWED_MAX; i++) {
      store.symlink(d, `c${i}`, target, root, T);
      target = `c${i}`;
    }
    expect(store.lookup(`/data/c${SYMLINKS_FOLLOWED_MAX - 1}`)).toMatchObject({
      ok: true,
      node: file,
    });
    expect(store.lookup(`/data/c${SYMLINKS_FOLLOWED_MAX}`)).toEqual({ ok: false, errno: 'ELOOP' });
    // The last component is not followed unless asked.
    const walked = walkPath(store.root, store.root, '/data/rel', false);
    expect(walked.ok && walked.node?.type).toBe('symlink');
  });

  test('lists `.`, `..`, then names in byte order; inodes in creation order', () => {
    const store = new ImageStore();
    store.addFile('/bin/zeta', data);
    store.addFile('/bin/Alpha', data);
    store.addFile('/bin/beta', data);
    const bin = dirAt(store, '/bin');
    expect(store.list(bin).map((e) => [e.name, e.node.ino])).toEqual([
      ['.', 2],
      ['..', 1],
      ['Alpha', 4],
      ['beta', 5],
      ['zeta', 3],
    ]);
    expect(store.namesAfter(bin, 'Alpha')).toEqual(['beta', 'zeta']);
  });

  test('the owner cannot add a bad or duplicate file, and a refusal adds nothing', () => {
    const store = new ImageStore();
    store.addFile('/bin/hello', data);
    expect(() => store.addFile('/bin/hello', data)).toThrow(ImageStoreError);
    expect(() => store.addFile('/bin/hello/x', data)).toThrow(ImageStoreError);
    expect(() => store.addFile('relative', data)).toThrow(ImageStoreError);
    expect(() => store.addFile('/a/../b', data)).toThrow(ImageStoreError);
    expect(() => store.addFile('/', data)).toThrow(ImageStoreError);
    expect(() => store.addFile('/x', data, 0o10000)).toThrow(ImageStoreError);
    expect(store.lookup('/a')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(store.list(store.root).map((e) => e.name)).toEqual(['.', '..', 'bin']);
  });
});

describe('ImageStore: changes', () => {
  test('write grows a file with a zero-filled hole; the snapshot exec and mmap got stays as it was', () => {
    const store = new ImageStore();
    const file = store.addFile('/f', data);
    const before = file.bytes;
    expect(store.write(file, 6, new Uint8Array([9]), T)).toBe(1);
    expect([...file.read(0, 10)]).toEqual([1, 2, 3, 0, 0, 0, 9]);
    expect([...before]).toEqual([1, 2, 3]);
    expect([...data]).toEqual([1, 2, 3]); // the caller's array is never written into
    expect(store.usedBytes).toBe(7);
    expect(file.mtimeNs).toBe(T);
    expect(store.truncate(file, 2, 6n)).toBe(0);
    expect([...file.bytes]).toEqual([1, 2]);
    expect(store.truncate(file, 4, 6n)).toBe(0);
    expect([...file.bytes]).toEqual([1, 2, 0, 0]);
    expect(store.usedBytes).toBe(4);
  });

  test('a write past the file-size limit is EFBIG, one across it is cut there', () => {
    const store = new ImageStore();
    const file = store.addFile('/f', new Uint8Array(0));
    expect(store.write(file, IMAGE_FILE_BYTES_MAX, data, T)).toBe('EFBIG');
    expect(store.truncate(file, IMAGE_FILE_BYTES_MAX + 1, T)).toBe('EFBIG');
    expect(file.size).toBe(0);
    expect(store.write(file, IMAGE_FILE_BYTES_MAX - 1, data, T)).toBe(1);
    expect(file.size).toBe(IMAGE_FILE_BYTES_MAX);
    expect(store.truncate(file, 0, T)).toBe(0);
    expect(store.usedBytes).toBe(0);
  });

  test('a full tree cuts a write to the room left, then answers ENOSPC', () => {
    const store = new ImageStore({ treeBytesMax: 100 });
    const a = store.addFile('/a', new Uint8Array(60));
    const b = store.addFile('/b', new Uint8Array(0));
    expect(store.write(b, 0, new Uint8Array(50), T)).toBe(40);
    expect(store.usedBytes).toBe(100);
    expect(store.write(b, 40, data, T)).toBe('ENOSPC');
    expect(store.truncate(b, 41, T)).toBe('ENOSPC');
    expect(b.size).toBe(40);
    // Rewriting bytes that exist needs no room; freeing a file makes some.
    expect(store.write(a, 0, data, T)).toBe(3);
    store.unlink(store.root, 'a', T);
    expect(store.write(b, 40, data, T)).toBe(3);
    expect(store.usedBytes).toBe(43);
    expect(() => new ImageStore({ treeBytesMax: IMAGE_TREE_BYTES_MAX + 1 })).toThrow(
      ImageStoreError,
    );
  });

  test('an unlinked file keeps its bytes while open and frees them at the last close', () => {
    const store = new ImageStore();
    const file = store.addFile('/tmp/f', new Uint8Array(10));
    const tmp = dirAt(store, '/tmp');
    const a = new ImageFileHandle(store, file, '/tmp/f', 0);
    const b = a.retain();
    const inodes = store.inodeCount;
    store.unlink(tmp, 'f', T);
    expect(file.nlink).toBe(0);
    expect(store.lookup('/tmp/f').ok).toBe(false);
    expect(store.pathOf(file, '/tmp/f')).toBeUndefined();
    expect(store.usedBytes).toBe(10);
    a.release();
    expect(store.usedBytes).toBe(10);
    b.release();
    expect(store.usedBytes).toBe(0);
    expect(store.inodeCount).toBe(inodes - 1);
  });

  test('rename follows vfs_rename: refusals change nothing, a move carries a directory', () => {
    const store = new ImageStore();
    const f = store.addFile('/a/f', data);
    store.addFile('/a/sub/g', data);
    store.addDirectory('/empty');
    const a = dirAt(store, '/a');
    const sub = dirAt(store, '/a/sub');
    const empty = dirAt(store, '/empty');
    const at = (parent: ImageDirectory, name: string) => ({ parent, name });
    expect(store.rename(at(store.root, 'a'), at(sub, 'x'), 0, T)).toBe('EINVAL');
    expect(store.rename(at(a, 'f'), at(store.root, 'empty'), 0, T)).toBe('EISDIR');
    expect(store.rename(at(store.root, 'empty'), at(a, 'f'), 0, T)).toBe('ENOTDIR');
    expect(store.rename(at(store.root, 'empty'), at(store.root, 'a'), 0, T)).toBe('ENOTEMPTY');
    expect(store.rename(at(a, 'f'), at(sub, 'g'), RENAME_NOREPLACE, T)).toBe('EEXIST');
    expect(store.rename(at(a, 'f'), at(sub, 'none'), RENAME_EXCHANGE, T)).toBe('ENOENT');
    expect(nodeAt(store, '/a/f')).toBe(f);
    expect(store.rename(at(a, 'sub'), at(empty, 'moved'), 0, T)).toBe(0);
    expect(store.lookup('/empty/moved/g').ok).toBe(true);
    expect(sub.path).toBe('/empty/moved');
    expect([a.nlink, empty.nlink]).toEqual([2, 3]);
    expect(store.pathOf(f)).toBe('/a/f');
    // Over an existing file: the old one loses its link.
    const g = nodeAt(store, '/empty/moved/g')!;
    expect(store.rename(at(a, 'f'), at(sub, 'g'), 0, T)).toBe(0);
    expect(g.nlink).toBe(0);
    expect(nodeAt(store, '/empty/moved/g')).toBe(f);
    // Exchange swaps two names.
    store.addFile('/a/h', data);
    const h = nodeAt(store, '/a/h');
    expect(store.rename(at(a, 'h'), at(sub, 'g'), RENAME_EXCHANGE, T)).toBe(0);
    expect(nodeAt(store, '/a/h')).toBe(f);
    expect(nodeAt(store, '/empty/moved/g')).toBe(h);
  });

  test('a removed directory takes no new entries and lists nothing', () => {
    const store = new ImageStore();
    store.addDirectory('/d');
    const d = dirAt(store, '/d');
    store.rmdir(store.root, 'd', T);
    expect(d.isRemoved).toBe(true);
    expect(store.namesAfter(d, undefined)).toEqual([]);
    const walked = walkPath(store.root, d, 'x', false);
    expect(walked.ok && walked.node).toBeUndefined();
    expect(store.root.nlink).toBe(2);
  });
});
