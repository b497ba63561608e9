// What every cluster's file tree holds before the owner adds programs: the
// directories and files unmodified programs take for granted — a
// world-writable /tmp (sticky, 1777), /etc/passwd and /etc/group naming
// root and nobody (so getpwuid(0) answers and `whoami` prints root), root's
// home, and the /dev/null, /dev/zero, /dev/full, /dev/random and
// /dev/urandom devices (the random ones when a seeded source is given).
import type { ImageStore } from './image-store.js';
import type { RandomSource } from './inode.js';

const PASSWD =
  'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

export function installDefaultTree(store: ImageStore, random?: RandomSource): void {
  store.addDirectory('/tmp', 0o1777);
  store.addDirectory('/root', 0o700);
  store.addFile('/etc/passwd', new TextEncoder().encode(PASSWD), 0o644);
  store.addFile('/etc/group', new TextEncoder().encode(GROUP), 0o644);
  store.addDevice('/dev/null', 'null', 0o666);
  store.addDevice('/dev/zero', 'zero', 0o666);
  store.addDevice('/dev/full', 'full', 0o666);
  if (random !== undefined) {
    store.addDevice('/dev/random', 'random', 0o666, random);
    store.addDevice('/dev/urandom', 'urandom', 0o666, random);
  }
}
