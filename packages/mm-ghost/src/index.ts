// Public surface of @krg/mm-ghost.
export { MM_OBJECT } from './mm-object.js';
export {
  AddressMap,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_STACK,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
} from './address-map.js';
export { AddressSpace } from './address-space.js';
export { MM_HOOKS, MM_SLOT, MM_SYSCALLS } from './mm-syscalls.js';
export { MM_SECTION, createMmSection } from './mm-section.js';
export { ShmNode } from './shm/shm-node.js';
export { ShmPager } from './shm/shm-pager.js';
export { SingleNodeKddm } from './shm/single-node-kddm.js';
export { createShmSyscalls } from './shm/shm-syscalls.js';
export { ShmBadUsage } from './shm/shm-errors.js';
export { SHMID_SET_ID, SHMKEY_SET_ID, SHMMAP_SET_ID } from './shm/kddm-port.js';
export {
  IPC_CREAT,
  IPC_EXCL,
  IPC_INFO,
  IPC_PRIVATE,
  IPC_RMID,
  IPC_SET,
  IPC_STAT,
  SHMID_DS_BYTES,
  SHM_DEST,
  SHM_EXEC,
  SHM_LOCK,
  SHM_LOCKED,
  SHM_RDONLY,
  SHM_REMAP,
  SHM_INFO,
  SHM_RND,
  SHM_STAT,
  SHM_STAT_ANY,
  SHM_UNLOCK,
} from './shm/shm-abi.js';
export { PageFrame } from './page-frame.js';
export { VmaMap } from './vma-map.js';
export { canMerge, permString, sliceVma } from './vma.js';
export {
  MAPPING_BYTES_MAX,
  MMAP_BASE,
  MMAP_GAP_MIN_BYTES,
  MMAP_MIN_ADDR,
  PAGES_PER_SPACE_MAX,
  PAGE_BYTES,
  SHMALL_PAGES,
  SHMLBA_BYTES,
  SHMMAX_BYTES,
  SHMMIN_BYTES,
  SHMMNI,
  SHM_ID_SEQ_MAX,
  SHM_ID_SEQ_MULTIPLIER,
  STACK_LIMIT_BYTES_DEFAULT,
  STACK_TOP,
  TASK_SIZE,
  USER_COPY_BYTES_MAX,
  USER_FAULT_PAGES_MAX,
  VMAS_MAX,
} from './limits.js';
export { AssertionError } from '@krg/epm-core';
export type { MmErrno, MmResult, MmapRequest, PageEffect } from './address-map.js';
export type { Vma, VmaKind } from './vma.js';
export type { AbsentPage, FaultKind, PageHold } from './address-space.js';
export type {
  ShmCreateSetOptions,
  ShmHomeSpec,
  ShmKddm,
  ShmKddmLinker,
  ShmKddmSet,
} from './shm/kddm-port.js';
export type { ShmCaller, ShmInfo, ShmNodeOptions, ShmResult } from './shm/shm-node.js';
export type { ShmAttacher } from './shm/shm-pager.js';
export type { ShmidDs, ShmSetFields } from './shm/shm-abi.js';
