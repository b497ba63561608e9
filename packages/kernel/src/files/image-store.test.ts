// Goal: the image store resolves paths as Linux does and refuses bad
// additions without changing anything. Method: direct cases.
import { describe, expect, test } from 'vitest';
import { ImageStore, ImageStoreError } from './image-store.js';

const data = new Uint8Array([1, 2, 3]);

describe('ImageStore', () => {
  test('resolves absolute and relative paths with . and .. and repeated slashes', () => {
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

  test('answers the errnos Linux gives', () => {
    const store = new ImageStore();
    store.addFile('/bin/hello', data);
    expect(store.lookup('')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(store.lookup('/bin/nope')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(store.lookup('/bin/hello/')).toEqual({ ok: false, errno: 'ENOTDIR' });
    expect(store.lookup('/bin/hello/x')).toEqual({ ok: false, errno: 'ENOTDIR' });
    expect(store.lookup('/bin/hello/.')).toEqual({ ok: false, errno: 'ENOTDIR' });
    expect(store.lookup(`/${'a'.repeat(256)}`)).toEqual({ ok: false, errno: 'ENAMETOOLONG' });
    expect(store.lookup(`/${'a/'.repeat(2048)}`)).toEqual({ ok: false, errno: 'ENAMETOOLONG' });
  });

  test('lists . and .. then names in byte order, with stable inode numbers', () => {
    const store = new ImageStore();
    store.addFile('/bin/zeta', data);
    store.addFile('/bin/Alpha', data);
    store.addFile('/bin/beta', data);
    const bin = store.lookup('/bin');
    expect(bin.ok && bin.node.type === 'directory').toBe(true);
    if (!bin.ok || bin.node.type !== 'directory') return;
    expect(store.list(bin.node).map((e) => [e.name, e.node.ino])).toEqual([
      ['.', 2],
      ['..', 1],
      ['Alpha', 4],
      ['beta', 5],
      ['zeta', 3],
    ]);
  });

  test('refuses bad additions and leaves the tree unchanged', () => {
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
