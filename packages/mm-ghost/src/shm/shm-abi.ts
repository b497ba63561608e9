// The Linux ABI of SysV shm on riscv64: flag and command values
// (include/uapi/linux/ipc.h, shm.h) and the layout of `struct shmid64_ds`
// (asm-generic/shmbuf.h with asm-generic/ipcbuf.h on a 64-bit arch).

export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;

export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const IPC_INFO = 3;
export const SHM_LOCK = 11;
export const SHM_UNLOCK = 12;
export const SHM_STAT = 13;
export const SHM_INFO = 14;
export const SHM_STAT_ANY = 15;

export const SHM_RDONLY = 0o10000;
export const SHM_RND = 0o20000;
export const SHM_REMAP = 0o40000;
export const SHM_EXEC = 0o100000;

/** Mode bits of a segment the kernel sets: marked for destruction, locked in memory. */
export const SHM_DEST = 0o1000;
export const SHM_LOCKED = 0o2000;

/** rwx for user, group and other. */
export const S_IRWXUGO = 0o777;

/** sizeof(struct shmid64_ds) on riscv64. */
export const SHMID_DS_BYTES = 112;

/** What IPC_STAT reports (and IPC_SET reads back). */
export interface ShmidDs {
  readonly key: number;
  readonly uid: number;
  readonly gid: number;
  readonly cuid: number;
  readonly cgid: number;
  readonly mode: number;
  readonly seq: number;
  readonly segszBytes: number;
  readonly atimeS: number;
  readonly dtimeS: number;
  readonly ctimeS: number;
  readonly cpid: number;
  readonly lpid: number;
  readonly nattch: number;
}

/** struct shmid64_ds: ipc64_perm (48 bytes) then the segment fields. */
export function encodeShmidDs(ds: ShmidDs): Uint8Array {
  const bytes = new Uint8Array(SHMID_DS_BYTES);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, ds.key, true);
  v.setUint32(4, ds.uid, true);
  v.setUint32(8, ds.gid, true);
  v.setUint32(12, ds.cuid, true);
  v.setUint32(16, ds.cgid, true);
  v.setUint32(20, ds.mode, true);
  v.setUint16(24, ds.seq, true);
  v.setBigUint64(48, BigInt(ds.segszBytes), true);
  v.setBigInt64(56, BigInt(ds.atimeS), true);
  v.setBigInt64(64, BigInt(ds.dtimeS), true);
  v.setBigInt64(72, BigInt(ds.ctimeS), true);
  v.setInt32(80, ds.cpid, true);
  v.setInt32(84, ds.lpid, true);
  v.setBigUint64(88, BigInt(ds.nattch), true);
  return bytes;
}

/** The fields IPC_SET takes from the caller's buffer. */
export interface ShmSetFields {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

export function decodeShmSetFields(bytes: Uint8Array): ShmSetFields {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { uid: v.getUint32(4, true), gid: v.getUint32(8, true), mode: v.getUint32(20, true) };
}

/** sizeof(struct shminfo64) on riscv64: five unsigned longs and four of padding. */
export const SHMINFO_BYTES = 72;

export function encodeShminfo(info: {
  readonly shmmaxBytes: number;
  readonly shmminBytes: number;
  readonly shmmni: number;
  readonly shmseg: number;
  readonly shmallPages: number;
}): Uint8Array {
  const bytes = new Uint8Array(SHMINFO_BYTES);
  const v = new DataView(bytes.buffer);
  v.setBigUint64(0, BigInt(info.shmmaxBytes), true);
  v.setBigUint64(8, BigInt(info.shmminBytes), true);
  v.setBigUint64(16, BigInt(info.shmmni), true);
  v.setBigUint64(24, BigInt(info.shmseg), true);
  v.setBigUint64(32, BigInt(info.shmallPages), true);
  return bytes;
}

/** sizeof(struct shm_info) on riscv64: an int (padded to 8) and five unsigned longs. */
export const SHM_INFO_BYTES = 48;

/** struct shm_info as SHM_INFO fills it (shm_swp, swap_attempts, swap_successes stay 0). */
export function encodeShmInfo(info: {
  readonly usedIds: number;
  readonly totalPages: number;
  readonly rssPages: number;
}): Uint8Array {
  const bytes = new Uint8Array(SHM_INFO_BYTES);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, info.usedIds, true);
  v.setBigUint64(8, BigInt(info.totalPages), true);
  v.setBigUint64(16, BigInt(info.rssPages), true);
  return bytes;
}
