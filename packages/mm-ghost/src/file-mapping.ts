// File mappings (mmap of an image-store file): the Linux rules of do_mmap
// for a file — which descriptors may be mapped and how — and the page a
// file mapping shows at an address: the file's bytes from the mapping's
// offset, zeros past the end of the file within its last page, and SIGBUS
// beyond that page (Linux's filemap_fault past i_size). The image store is
// read-only, so a page filled from the file never goes stale; a private
// mapping's writes go to its own frame, copy-on-write against the file.
import type { MappableDescriptor, MappableFile } from '@krg/epm-core';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '@krg/arch-riscv';
import { MAP_SHARED } from './address-map.js';
import { PAGE_BYTES } from './limits.js';
import type { Vma } from './vma.js';

/**
 * Why mmap refuses a descriptor, in Linux's order: a writable shared
 * mapping needs a file open for writing, any file mapping one open for
 * reading, and the file must be of a kind that maps (ENODEV otherwise).
 */
export function checkFileMapping(
  open: MappableDescriptor,
  prot: number,
  flags: number,
): MappableFile | 'EACCES' | 'ENODEV' {
  if ((flags & MAP_SHARED) !== 0 && (prot & PROT_WRITE) !== 0) {
    if (!open.isWritable) return 'EACCES';
    // Writes through a shared mapping would have to reach the file (and
    // every other node's view of it): not modelled, so refused as a file
    // without that mapping operation is.
    if (open.file !== undefined) return 'ENODEV';
  }
  if (!open.isReadable) return 'EACCES';
  return open.file ?? 'ENODEV';
}

/**
 * The rights a file mapping may ever have (its maxProt), set at mmap: a
 * shared mapping of a file opened read-only can never be made writable
 * (Linux clears VM_MAYWRITE), and the image store is read-only, so that is
 * every shared file mapping. undefined: any right (a private mapping).
 */
export function sharedFileMaxProt(flags: number): number | undefined {
  return (flags & MAP_SHARED) !== 0 ? PROT_READ | PROT_EXEC : undefined;
}

/** The file offset a file mapping shows at page `pageIndex`. */
export function fileOffsetOf(vma: Vma, pageIndex: number): number {
  return vma.offset + (pageIndex * PAGE_BYTES - vma.start);
}

/** The page at `pageIndex` of a file mapping, filled from the file; 'bus' past the file's last page. */
export function filePage(vma: Vma, file: MappableFile, pageIndex: number): Uint8Array | 'bus' {
  const fileOffset = fileOffsetOf(vma, pageIndex);
  if (fileOffset >= file.bytes.length) return 'bus';
  const page = new Uint8Array(PAGE_BYTES);
  page.set(file.bytes.subarray(fileOffset, Math.min(fileOffset + PAGE_BYTES, file.bytes.length)));
  return page;
}
