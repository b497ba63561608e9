// struct stat as riscv64 Linux lays it out (asm-generic/stat.h, 128 bytes),
// and the file-type bits of st_mode.

export const S_IFMT = 0o170000;
export const S_IFIFO = 0o010000;
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
  /** Time of the last access, modification and status change, in simulated ns since the epoch. */
  readonly timeNs: number;
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
  const sec = BigInt(Math.floor(st.timeNs / 1e9));
  const nsec = BigInt(st.timeNs % 1e9);
  for (const at of [72, 88, 104]) {
    v.setBigInt64(at, sec, true);
    v.setBigUint64(at + 8, nsec, true);
  }
  return bytes;
}
