// Public surface of @krg/mm-ghost.
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
export { MM_SECTION } from './mm-section.js';
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
  STACK_LIMIT_BYTES_DEFAULT,
  STACK_TOP,
  TASK_SIZE,
  USER_COPY_BYTES_MAX,
  VMAS_MAX,
} from './limits.js';
export { AssertionError } from '@krg/epm-core';
export type { MmErrno, MmResult, MmapRequest, PageEffect } from './address-map.js';
export type { Vma, VmaKind } from './vma.js';
export type { FaultKind } from './address-space.js';
