// struct stat as riscv64 Linux lays it out (asm-generic/stat.h, 128 bytes),
// and the file-type bits of st_mode.
import type { ImageNode } from './inode.js';

export const S_IFMT = 0o170000;
export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;
export const S_IFCHR = 0o020000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export const STAT_BYTES = 128;

export interface StatInfo {
  readonly dev: number;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize: number;
  /** Times of the last access, modification and status change, in simulated ns since the epoch. */
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export function encodeStat(st: StatInfo): Uint8Array {
  const bytes = new Uint8Array(STAT_BYTES);
  const v = new DataView(bytes.buffer);
  v.setBigUint64(0, BigInt(st.dev), true);
  v.setBigUint64(8, BigInt(st.ino), true);
  v.setUint32(16, st.mode, true);
  v.setUint32(20, st.nlink, true);
  v.setUint32(24, st.uid, true);
  v.setUint32(28, st.gid, true);
  v.setBigUint64(32, BigInt(st.rdev), true);
  v.setBigInt64(48, BigInt(st.size), true);
  v.setInt32(56, st.blksize, true);
  v.setBigInt64(64, BigInt(Math.ceil(st.size / 512)), true);
  for (const [at, ns] of [
    [72, st.atimeNs],
    [88, st.mtimeNs],
    [104, st.ctimeNs],
  ] as const) {
    v.setBigInt64(at, ns / 1_000_000_000n, true);
    v.setBigUint64(at + 8, ns % 1_000_000_000n, true);
  }
  return bytes;
}

/** stat of a node of the cluster's file tree (device 1, as every node sees it). */
export function statOfNode(node: ImageNode): StatInfo {
  const common = {
    dev: 1,
    ino: node.ino,
    nlink: node.nlink,
    uid: node.uid,
    gid: node.gid,
    blksize: 4096,
    atimeNs: node.atimeNs,
    mtimeNs: node.mtimeNs,
    ctimeNs: node.ctimeNs,
  };
  switch (node.type) {
    case 'file':
      return { ...common, mode: S_IFREG | node.mode, rdev: 0, size: node.size };
    case 'directory':
      return { ...common, mode: S_IFDIR | node.mode, rdev: 0, size: 4096 };
    case 'symlink':
      return {
        ...common,
        mode: S_IFLNK | node.mode,
        rdev: 0,
        size: Buffer.byteLength(node.target),
      };
    case 'device':
      return { ...common, mode: S_IFCHR | node.mode, rdev: node.rdev, size: 0 };
  }
}

/** struct statx (linux/stat.h), 256 bytes. */
export const STATX_BYTES = 256;
/** STATX_BASIC_STATS: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks (no birth time). */
export const STATX_BASIC_STATS = 0x7ff;

export function encodeStatx(st: StatInfo): Uint8Array {
  const bytes = new Uint8Array(STATX_BYTES);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, STATX_BASIC_STATS, true);
  v.setUint32(4, st.blksize, true);
  v.setUint32(16, st.nlink, true);
  v.setUint32(20, st.uid, true);
  v.setUint32(24, st.gid, true);
  v.setUint16(28, st.mode, true);
  v.setBigUint64(32, BigInt(st.ino), true);
  v.setBigUint64(40, BigInt(st.size), true);
  v.setBigUint64(48, BigInt(Math.ceil(st.size / 512)), true);
  for (const [at, ns] of [
    [64, st.atimeNs],
    [96, st.ctimeNs],
    [112, st.mtimeNs],
  ] as const) {
    v.setBigInt64(at, ns / 1_000_000_000n, true);
    v.setUint32(at + 8, Number(ns % 1_000_000_000n), true);
  }
  // Linux's new_encode_dev numbers split into major and minor.
  const major = (d: number): number => (d >> 8) & 0xfff;
  const minor = (d: number): number => (d & 0xff) | ((d >> 12) & 0xfff00);
  v.setUint32(128, major(st.rdev), true);
  v.setUint32(132, minor(st.rdev), true);
  v.setUint32(136, major(st.dev), true);
  v.setUint32(140, minor(st.dev), true);
  return bytes;
}
