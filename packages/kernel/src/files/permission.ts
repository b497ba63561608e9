// Permission checks on a tree node (Linux's generic_permission): the
// owner's, the group's or the others' bits, chosen by the caller's ids;
// root may read and write anything and execute a file any x bit allows.
// Only opens, access(2), exec and chdir ask today: directory search and
// write permission are not checked (every guest runs as root so far).
import type { Credentials } from '@krg/epm-core';
import type { ImageNode } from './inode.js';
import type { Owner } from './image-store.js';

export const MAY_EXEC = 1;
export const MAY_WRITE = 2;
export const MAY_READ = 4;

export function mayAccess(
  node: ImageNode,
  credentials: Credentials,
  want: number,
  useRealIds: boolean,
): boolean {
  const uid = useRealIds ? credentials.uid : credentials.euid;
  const gid = useRealIds ? credentials.gid : credentials.egid;
  if (uid === 0) {
    if ((want & MAY_EXEC) === 0 || node.type === 'directory') return true;
    return (node.mode & 0o111) !== 0;
  }
  const bits = uid === node.uid ? node.mode >> 6 : gid === node.gid ? node.mode >> 3 : node.mode;
  return (bits & 7 & want) === want;
}

/** Who a new inode belongs to: the caller's effective ids (Linux's fsuid/fsgid). */
export function ownerOf(credentials: Credentials): Owner {
  return { uid: credentials.euid, gid: credentials.egid };
}
