// Path resolution over the cluster's file tree, as Linux's namei walks it:
// absolute or relative to a starting directory, `.` and `..` (the root's
// `..` is the root), repeated slashes, symbolic links followed in every
// component but the last (the last only when asked, or when a trailing
// slash demands a directory), at most SYMLINKS_FOLLOWED_MAX of them (ELOOP).
// The answer names where the last component lives — its parent directory
// and name — and the node there if any, so create, unlink and rename share
// one walk. Directory search permission is not checked: every guest runs
// as root today (README, "what does not work").
import { NAME_BYTES_MAX, PATH_BYTES_MAX, SYMLINKS_FOLLOWED_MAX } from '../limits.js';
import type { ImageDirectory, ImageNode } from './inode.js';

export type PathErrno = 'ENOENT' | 'ENOTDIR' | 'ENAMETOOLONG' | 'ELOOP';

/** What the last component was: a name, `.`, `..`, or nothing but slashes (the root). */
export type LastComponent = 'name' | 'dot' | 'dotdot' | 'root';

export interface Walked {
  readonly ok: true;
  /** The directory holding the last component (for `.`/`..`/root: the node itself). */
  readonly parent: ImageDirectory;
  readonly name: string;
  /** The node the last component names, or undefined when there is none yet. */
  readonly node: ImageNode | undefined;
  readonly last: LastComponent;
  /** The path ended in `/` (the last component must be a directory). */
  readonly hasTrailingSlash: boolean;
}

export type WalkResult = Walked | { readonly ok: false; readonly errno: PathErrno };

/**
 * Walks `path` from `start` (a relative path's base; `root` for an
 * absolute one). `followLast` follows a symbolic link in the last
 * component (stat, open without O_NOFOLLOW); a trailing slash follows it
 * regardless.
 */
export function walkPath(
  root: ImageDirectory,
  start: ImageDirectory,
  path: string,
  followLast: boolean,
): WalkResult {
  if (path.length === 0) return { ok: false, errno: 'ENOENT' };
  if (Buffer.byteLength(path) >= PATH_BYTES_MAX) return { ok: false, errno: 'ENAMETOOLONG' };
  let dir = path.startsWith('/') ? root : start;
  const hasTrailingSlash = path.endsWith('/') && /[^/]/.test(path);
  // Components still to walk, the next one last (links push their target's).
  const pending = path.split('/').filter((c) => c !== '');
  pending.reverse();
  let links = 0;
  let last: LastComponent = 'root';
  for (;;) {
    const name = pending.pop();
    if (name === undefined)
      return { ok: true, parent: dir, name: '', node: dir, last, hasTrailingSlash };
    const isLast = pending.length === 0;
    if (name === '.' || name === '..') {
      if (name === '..') dir = dir.parent ?? dir;
      if (isLast)
        return {
          ok: true,
          parent: dir,
          name,
          node: dir,
          last: name === '.' ? 'dot' : 'dotdot',
          hasTrailingSlash,
        };
      continue;
    }
    if (Buffer.byteLength(name) > NAME_BYTES_MAX) return { ok: false, errno: 'ENAMETOOLONG' };
    // A removed directory holds nothing and takes nothing new.
    const node = dir.isRemoved ? undefined : dir.children.get(name);
    if (node?.type === 'symlink' && (!isLast || followLast || hasTrailingSlash)) {
      if (++links > SYMLINKS_FOLLOWED_MAX) return { ok: false, errno: 'ELOOP' };
      if (node.target.length === 0) return { ok: false, errno: 'ENOENT' };
      const parts = node.target.split('/').filter((c) => c !== '');
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
      if (node.target.startsWith('/')) {
        dir = root;
        if (parts.length === 0) last = 'root';
      }
      continue;
    }
    if (isLast) return { ok: true, parent: dir, name, node, last: 'name', hasTrailingSlash };
    if (node === undefined) return { ok: false, errno: 'ENOENT' };
    if (node.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
    dir = node;
  }
}

/** The node a walk found, with Linux's checks for a path that must exist. */
export function existing(
  walked: WalkResult,
):
  | { readonly ok: true; readonly node: ImageNode }
  | { readonly ok: false; readonly errno: PathErrno } {
  if (!walked.ok) return walked;
  if (walked.node === undefined) return { ok: false, errno: 'ENOENT' };
  if (walked.hasTrailingSlash && walked.node.type !== 'directory')
    return { ok: false, errno: 'ENOTDIR' };
  return { ok: true, node: walked.node };
}
