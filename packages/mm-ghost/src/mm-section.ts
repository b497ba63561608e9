// mm-ghost's ghost section (reference §3 export_mm_struct, §8): the
// mappings, the brk pair and every resident page, in runs of contiguous
// pages. Migration, checkpoint and restart all use it; a restart reads it
// from an untrusted file, so every field is checked before anything is
// built, and a failed import leaves the task without an address space.
import {
  ProcessImportFailed,
  importedTask,
  intField,
  type GhostSection,
  type MappableFile,
  type MappableFiles,
  type Task,
  type TaskImportTarget,
} from '@krg/epm-core';
import { PAGE_RUN_MAX_PAGES, type GhostReader, type GhostWriter } from '@krg/ghost-io';
import { AddressSpace } from './address-space.js';
import {
  FILE_PATH_BYTES_MAX,
  MMAP_MIN_ADDR,
  PAGE_BYTES,
  PAGES_PER_SPACE_MAX,
  TASK_SIZE,
  VMAS_MAX,
} from './limits.js';
import { MAP_SHARED } from './address-map.js';
import { sharedFileMaxProt } from './file-mapping.js';
import { MM_SLOT } from './mm-syscalls.js';
import type { ShmNode } from './shm/shm-node.js';
import type { Vma, VmaKind } from './vma.js';

const SECTION = 'mm';
const KINDS: readonly VmaKind[] = ['elf', 'heap', 'stack', 'anon', 'trampoline', 'shm', 'file'];

function checkVmas(raw: unknown): Vma[] {
  if (!Array.isArray(raw) || raw.length > VMAS_MAX)
    throw new ProcessImportFailed(SECTION, `at most ${VMAS_MAX} mappings`, typeof raw);
  const out: Vma[] = [];
  let previousEnd = 0;
  for (const v of raw as unknown[]) {
    const start = intField(v, 'start', SECTION, MMAP_MIN_ADDR, TASK_SIZE);
    const end = intField(v, 'end', SECTION, start + 1, TASK_SIZE);
    if (start % PAGE_BYTES !== 0 || end % PAGE_BYTES !== 0 || start < previousEnd) {
      throw new ProcessImportFailed(
        SECTION,
        'page-aligned, ascending, disjoint mappings',
        `${start}-${end}`,
      );
    }
    const r = v as Record<string, unknown>;
    if (
      typeof r.kind !== 'string' ||
      !KINDS.includes(r.kind as VmaKind) ||
      typeof r.isShared !== 'boolean'
    ) {
      throw new ProcessImportFailed(
        SECTION,
        'a known mapping kind and sharing flag',
        String(r.kind),
      );
    }
    if (r.name !== undefined && typeof r.name !== 'string')
      throw new ProcessImportFailed(SECTION, 'a string name', typeof r.name);
    if (r.kind === 'file' && typeof r.name !== 'string')
      throw new ProcessImportFailed(SECTION, "a file mapping's path", typeof r.name);
    const vma: Vma = {
      start,
      end,
      prot: intField(v, 'prot', SECTION, 0, 7),
      kind: r.kind as VmaKind,
      isShared: r.isShared,
      offset: intField(v, 'offset', SECTION, 0, Number.MAX_SAFE_INTEGER),
      ...(typeof r.name === 'string' ? { name: r.name } : {}),
      ...(r.shmId === undefined ? {} : { shmId: intField(v, 'shmId', SECTION, 0, 2 ** 31 - 1) }),
      ...(r.maxProt !== undefined
        ? { maxProt: intField(v, 'maxProt', SECTION, 0, 7) }
        : r.kind === 'file' && r.isShared
          ? // A ghost written before shared file mappings carried their maxProt.
            { maxProt: sharedFileMaxProt(MAP_SHARED)! }
          : {}),
    };
    out.push(vma);
    previousEnd = end;
  }
  return out;
}

/**
 * The files the saved mappings view, found again in the image store: the
 * same path and size (the store never changes a file, so a different size
 * means a different store, and the mapping cannot be rebuilt).
 */
function checkFiles(raw: unknown, vmas: readonly Vma[], files: MappableFiles): MappableFile[] {
  const list = raw === undefined ? [] : raw;
  if (!Array.isArray(list) || list.length > VMAS_MAX)
    throw new ProcessImportFailed(SECTION, `at most ${VMAS_MAX} mapped files`, typeof list);
  const out: MappableFile[] = [];
  for (const f of list as unknown[]) {
    const path = (f as Record<string, unknown> | null)?.path;
    if (typeof path !== 'string' || path.length === 0 || path.length > FILE_PATH_BYTES_MAX)
      throw new ProcessImportFailed(SECTION, 'a mapped file path', typeof path);
    const sizeBytes = intField(f, 'sizeBytes', SECTION, 0, Number.MAX_SAFE_INTEGER);
    const file = files.ofPath(path);
    if (file === undefined || file.bytes.length !== sizeBytes) {
      throw new ProcessImportFailed(
        SECTION,
        `${path} (${sizeBytes} bytes) in the image store`,
        file === undefined ? 'no such file' : `${file.bytes.length} bytes`,
      );
    }
    out.push(file);
  }
  for (const v of vmas) {
    if (v.kind === 'file' && !out.some((f) => f.path === v.name))
      throw new ProcessImportFailed(SECTION, 'a saved file for every file mapping', String(v.name));
  }
  return out;
}

/**
 * The mm section of a kernel whose nodes run SysV shm: `shmOf` gives the
 * ShmNode of the node an import lands on. A shm mapping is saved as its
 * VMA (segment id, offset, rights), never its pages: they live in the
 * segment's KDDM set, and an import reattaches the mapping to the segment,
 * which must still exist (it survives while its home node lives and it is
 * not destroyed: a process killed after a checkpoint is one detach, and
 * IPC_RMID plus the last detach destroys it).
 */
export function createMmSection<I extends TaskImportTarget>(
  shmOf: (target: I) => ShmNode | undefined,
): GhostSection<Task, I> {
  return {
    name: 'mm',
    version: 2,
    export: exportMm,
    import: (target, ghost) => importMm(target, ghost, shmOf(target)),
    unimport: unimportMm,
  };
}

/** The mm section of a kernel without SysV shm: an import with shm mappings fails. */
export const MM_SECTION: GhostSection<Task, TaskImportTarget> = createMmSection(() => undefined);

async function exportMm(task: Task, ghost: GhostWriter): Promise<void> {
  const space = task.get(MM_SLOT);
  await ghost.writeRecord({
    vmas: space.map.vmas.list(),
    startBrk: space.map.startBrk,
    brk: space.map.brk,
    // File mappings are saved by name: restart finds the file again in the image store.
    files: space.mappedFiles().map((f) => ({ path: f.path, sizeBytes: f.bytes.length })),
  });
  // Runs of contiguous resident pages: (first page index, pages).
  const pages = space.residentEntries();
  const runs: [number, Uint8Array[]][] = [];
  for (const [index, bytes] of pages) {
    const last = runs[runs.length - 1];
    if (
      last !== undefined &&
      last[0] + last[1].length === index &&
      last[1].length < PAGE_RUN_MAX_PAGES
    )
      last[1].push(bytes);
    else runs.push([index, [bytes]]);
  }
  await ghost.writeU32(runs.length);
  for (const [first, run] of runs) {
    await ghost.writeU64(BigInt(first));
    await ghost.writePages(Buffer.concat(run));
  }
}

async function importMm(
  target: TaskImportTarget,
  ghost: GhostReader,
  shm: ShmNode | undefined,
): Promise<void> {
  const task = importedTask(target, SECTION);
  const header = await ghost.readRecord();
  const vmas = checkVmas((header as Record<string, unknown> | null)?.vmas);
  if (shm === undefined && vmas.some((v) => v.kind === 'shm'))
    throw new ProcessImportFailed(SECTION, 'no SysV shm mappings (this kernel has no shm)', 'shm');
  const startBrk = intField(header, 'startBrk', SECTION, 0, TASK_SIZE);
  const brk = intField(header, 'brk', SECTION, startBrk, TASK_SIZE);
  const files = checkFiles((header as Record<string, unknown> | null)?.files, vmas, target.files);
  const runCount = await ghost.readU32();
  if (runCount > PAGES_PER_SPACE_MAX)
    throw new ProcessImportFailed(
      SECTION,
      `at most ${PAGES_PER_SPACE_MAX} page runs`,
      String(runCount),
    );
  const pages: [number, Uint8Array][] = [];
  for (let i = 0; i < runCount; i++) {
    const first = await ghost.readU64();
    const bytes = await ghost.readPages();
    const count = bytes.length / PAGE_BYTES;
    if (first > BigInt(TASK_SIZE / PAGE_BYTES) || pages.length + count > PAGES_PER_SPACE_MAX) {
      throw new ProcessImportFailed(
        SECTION,
        'pages inside the user range and the page budget',
        String(first),
      );
    }
    for (let p = 0; p < count; p++) {
      const index = Number(first) + p;
      if (!vmas.some((v) => v.start <= index * PAGE_BYTES && index * PAGE_BYTES < v.end)) {
        throw new ProcessImportFailed(
          SECTION,
          'every saved page inside a saved mapping',
          `page ${index}`,
        );
      }
      pages.push([index, bytes.slice(p * PAGE_BYTES, (p + 1) * PAGE_BYTES)]);
    }
  }
  const space = AddressSpace.fromParts(vmas, startBrk, brk, pages, files);
  if (shm !== undefined) {
    const failed = await shm.reattach(space);
    if (failed !== undefined) {
      space.release();
      throw new ProcessImportFailed(
        SECTION,
        'a live SysV shm segment for every shm mapping',
        `segment ${failed}`,
      );
    }
  }
  task.set(MM_SLOT, space);
}

function unimportMm(target: TaskImportTarget): Promise<void> {
  const task = target.task;
  if (task === undefined || !task.has(MM_SLOT)) return Promise.resolve();
  task.get(MM_SLOT).release();
  task.delete(MM_SLOT);
  return Promise.resolve();
}
