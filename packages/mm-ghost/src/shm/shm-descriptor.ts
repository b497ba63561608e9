// A segment's descriptor (Linux's `struct shmid_kernel`), the object of the
// SHMID KDDM set at the segment's index (reference §8: objid = ipc index),
// and the permission rules Linux applies to it (ipc/util.c ipcperms,
// ipcctl_obtain_check). Descriptors are plain records: KDDM ships them
// between nodes with ghost-io's codec.
import type { Credentials } from '@krg/epm-core';
import { SHM_ID_SEQ_MULTIPLIER, SHMMNI } from '../limits.js';
import type { ShmidDs } from './shm-abi.js';

export interface ShmDescriptor {
  /** False for a free index: its `seq` is the one the next segment here gets. */
  isUsed: boolean;
  seq: number;
  key: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  /** Permission bits, plus SHM_DEST once removed while attached, SHM_LOCKED. */
  mode: number;
  sizeBytes: number;
  atimeS: number;
  dtimeS: number;
  ctimeS: number;
  cpid: number;
  lpid: number;
  /** Attachments cluster-wide (Linux counts mapped VMAs, so a split one counts twice). */
  nattch: number;
  /** Pages first touched (SHM_INFO's shm_rss): counted on the home node, written in the background. */
  rssPages: number;
  /** The segment's memory KDDM set (one page object per 4096 bytes), homed on its creator. */
  memSetId: number;
  homeNode: number;
}

/** A free SHMID slot (first touch of an index nobody used). */
export function freeDescriptor(): ShmDescriptor {
  return {
    isUsed: false,
    seq: 0,
    key: 0,
    uid: 0,
    gid: 0,
    cuid: 0,
    cgid: 0,
    mode: 0,
    sizeBytes: 0,
    atimeS: 0,
    dtimeS: 0,
    ctimeS: 0,
    cpid: 0,
    lpid: 0,
    nattch: 0,
    rssPages: 0,
    memSetId: 0,
    homeNode: 0,
  };
}

/** The index and sequence an id names, or undefined for an id no segment can have. */
export function splitShmId(shmId: number): { index: number; seq: number } | undefined {
  if (!Number.isSafeInteger(shmId) || shmId < 0) return undefined;
  const index = shmId % SHM_ID_SEQ_MULTIPLIER;
  if (index >= SHMMNI) return undefined;
  return { index, seq: Math.floor(shmId / SHM_ID_SEQ_MULTIPLIER) };
}

export function buildShmId(index: number, seq: number): number {
  return seq * SHM_ID_SEQ_MULTIPLIER + index;
}

/** True when `d` is the live segment `shmId` names. */
export function isSegment(d: ShmDescriptor, shmId: number): boolean {
  const split = splitShmId(shmId);
  return split !== undefined && d.isUsed && d.seq === split.seq;
}

/** CAP_IPC_OWNER and CAP_SYS_ADMIN: krg's only privileged identity is euid 0. */
function isPrivileged(cred: Credentials): boolean {
  return cred.euid === 0;
}

/**
 * ipcperms: may `cred` access the segment as `flag` asks (its low 9 bits,
 * e.g. 0o444 to read, 0o666 to read and write)? Owner bits apply to the
 * owner or creator, group bits to their groups, other bits to the rest.
 */
export function hasIpcPermission(d: ShmDescriptor, cred: Credentials, flag: number): boolean {
  const requested = ((flag >> 6) | (flag >> 3) | flag) & 0o7;
  let granted = d.mode;
  if (cred.euid === d.cuid || cred.euid === d.uid) granted >>= 6;
  else if (cred.egid === d.cgid || cred.egid === d.gid) granted >>= 3;
  return (requested & ~granted & 0o7) === 0 || isPrivileged(cred);
}

/** ipcctl_obtain_check: IPC_SET and IPC_RMID need the owner, the creator or a privileged caller. */
export function mayControl(d: ShmDescriptor, cred: Credentials): boolean {
  return cred.euid === d.cuid || cred.euid === d.uid || isPrivileged(cred);
}

/** What IPC_STAT reports for a descriptor. */
export function toShmidDs(d: ShmDescriptor): ShmidDs {
  return {
    key: d.key,
    uid: d.uid,
    gid: d.gid,
    cuid: d.cuid,
    cgid: d.cgid,
    mode: d.mode,
    seq: d.seq & 0xffff,
    segszBytes: d.sizeBytes,
    atimeS: d.atimeS,
    dtimeS: d.dtimeS,
    ctimeS: d.ctimeS,
    cpid: d.cpid,
    lpid: d.lpid,
    nattch: d.nattch,
  };
}
