// The kernel's 'fs' and 'files' ghost sections (reference §3 step 13,
// kerrighed/fs/mobility.c): cwd and umask; then the open file descriptions
// (each once, so descriptors that shared one share it again) and the
// descriptor table. Consoles reattach to the importing run's streams by
// role; files of the cluster's tree reopen by path, as CRIU's reg-files do:
// the path (looked up again if the file was renamed since it was opened),
// the status flags (O_APPEND included) and the offset. The file's bytes are
// not saved — they live in the cluster's tree, which outlives the process —
// so restart checks the file is still there and at least as long as the
// offset, and fails with a typed error otherwise (nothing half-restored).
// A file open but unlinked at checkpoint time cannot be reopened by any
// path: as CRIU does, its contents are saved as a ghost file (once per
// inode, so descriptions sharing it share it again, up to
// GHOST_FILES_BYTES_MAX per process) and restart recreates it unlinked.
// Pipes cannot be saved yet: exporting a process that holds one fails.
import {
  ProcessImportFailed,
  importedTask,
  intField,
  type GhostSection,
  type Task,
} from '@krg/epm-core';
import { RLIMIT_NOFILE, SIGNAL_SLOT } from '@krg/epm-signal';
import type { GhostReader } from '@krg/ghost-io';
import type { KernelImportTarget } from '../process/import-target.js';
import { FILES_SLOT, FS_SLOT } from '../process/task-slots.js';
import {
  FDS_PER_PROCESS_MAX,
  GHOST_FILES_BYTES_MAX,
  NAME_BYTES_MAX,
  PATH_BYTES_MAX,
} from '../limits.js';
import type { ImageFile } from './inode.js';
import { flockHeld, flockTry, type FlockKind } from './flock.js';
import { ConsoleFile } from './console.js';
import { FdTable } from './fd-table.js';
import { ImageDeviceHandle, ImageDirectoryHandle, ImageFileHandle } from './image-file.js';
import type { OpenFile } from './open-file.js';

/** An open file the checkpoint cannot record (unlinked, or of a kind not saved yet). */
export class OpenFileNotCheckpointable extends Error {
  override readonly name = 'OpenFileNotCheckpointable';
  readonly code = 'OPEN_FILE_NOT_CHECKPOINTABLE';
  constructor(
    readonly kind: string,
    readonly reason: string,
  ) {
    super(`an open ${kind} cannot be checkpointed: ${reason}`);
  }
}

export const FS_SECTION: GhostSection<Task, KernelImportTarget> = {
  name: 'fs',
  version: 1,
  async export(task, ghost) {
    const fs = task.get(FS_SLOT);
    await ghost.writeString(fs.cwdDir?.path ?? fs.cwd);
    await ghost.writeU32(fs.umask);
  },
  async import(target, ghost) {
    const task = importedTask(target, 'fs');
    const cwd = await ghost.readString();
    const umask = await ghost.readU32();
    if (!cwd.startsWith('/') || cwd.length >= PATH_BYTES_MAX || umask > 0o777) {
      throw new ProcessImportFailed('fs', 'an absolute cwd and a umask', `${cwd} ${umask}`);
    }
    task.set(FS_SLOT, { cwd, umask });
  },
  async unimport(target) {
    target.task?.delete(FS_SLOT);
  },
};

type SavedFile =
  | { kind: 'console'; role: 'stdin' | 'stdout' | 'stderr'; flags: number }
  | { kind: 'image'; path: string; offset: number; flags: number }
  | { kind: 'ghost'; ghost: number; offset: number; flags: number }
  | { kind: 'device'; path: string; flags: number }
  | {
      kind: 'directory';
      path: string;
      position: number;
      after: string | null;
      flags: number;
    };

/** A ghost file as saved: its metadata (the bytes follow in chunks). */
interface SavedGhost {
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

/** Largest chunk of a ghost file's bytes in one ghost item (ghost-io's byte-array bound). */
const GHOST_CHUNK_BYTES = 1024 * 1024;

function save(file: OpenFile, ghosts: ImageFile[]): SavedFile {
  if (file instanceof ConsoleFile)
    return { kind: 'console', role: file.role, flags: file.statusFlags };
  if (file instanceof ImageFileHandle) {
    const path = file.store.pathOf(file.node, file.path);
    if (path !== undefined)
      return { kind: 'image', path, offset: file.offset, flags: file.statusFlags };
    // Unlinked while open: saved as a ghost file (reference: CRIU's ghost files).
    let ghost = ghosts.indexOf(file.node);
    if (ghost < 0) {
      const total = ghosts.reduce((n, g) => n + g.size, 0) + file.node.size;
      if (total > GHOST_FILES_BYTES_MAX)
        throw new OpenFileNotCheckpointable(
          'file',
          `${file.path} was unlinked while open and the ghost files would take ${total} bytes (at most ${GHOST_FILES_BYTES_MAX})`,
        );
      ghost = ghosts.push(file.node) - 1;
    }
    return { kind: 'ghost', ghost, offset: file.offset, flags: file.statusFlags };
  }
  if (file instanceof ImageDeviceHandle)
    return { kind: 'device', path: file.path, flags: file.statusFlags };
  if (file instanceof ImageDirectoryHandle) {
    if (file.node.isRemoved)
      throw new OpenFileNotCheckpointable('directory', `${file.path} was removed while open`);
    return {
      kind: 'directory',
      path: file.node.path,
      position: file.position,
      after: file.after ?? null,
      flags: file.statusFlags,
    };
  }
  throw new OpenFileNotCheckpointable(file.kind, 'not saved yet');
}

/** A description's flock, saved beside it (CRIU restores file locks too). */
function withLock(file: OpenFile, saved: SavedFile): SavedFile & { lock?: FlockKind } {
  const lock = flockHeld(file.lockTarget, file);
  return lock === undefined ? saved : { ...saved, lock };
}

/** Takes the saved lock again; a conflicting holder (another process took it meanwhile) fails the restart. */
function relock(file: OpenFile, raw: unknown): OpenFile {
  const lock = (raw as { lock?: unknown }).lock;
  if (lock === undefined) return file;
  if (lock !== 'shared' && lock !== 'exclusive') {
    file.release();
    throw new ProcessImportFailed('files', 'a shared or exclusive lock', typeof lock);
  }
  if (flockTry(file.lockTarget, file, lock) !== 'ok') {
    file.release();
    throw new ProcessImportFailed('files', `the file's ${lock} lock free to take again`, 'held');
  }
  return file;
}

function restore(target: KernelImportTarget, raw: unknown, ghosts: readonly ImageFile[]): OpenFile {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const flags = intField(raw, 'flags', 'files', 0, 0o77777777);
  if (r.kind === 'console') {
    const s = target.streams;
    if (r.role === 'stdin')
      return Object.assign(ConsoleFile.input(s.stdin), { statusFlags: flags });
    if (r.role === 'stdout')
      return Object.assign(ConsoleFile.output('stdout', s.stdout.sink, s.stdout.kind), {
        statusFlags: flags,
      });
    if (r.role === 'stderr')
      return Object.assign(ConsoleFile.output('stderr', s.stderr.sink, s.stderr.kind), {
        statusFlags: flags,
      });
  }
  if (r.kind === 'ghost') {
    const ghost = typeof r.ghost === 'number' ? ghosts[r.ghost] : undefined;
    if (ghost === undefined)
      throw new ProcessImportFailed('files', 'a saved ghost file', String(r.ghost));
    const h = new ImageFileHandle(target.node.store, ghost, '(deleted)', flags);
    h.offset = intField(raw, 'offset', 'files', 0, Number.MAX_SAFE_INTEGER);
    return h;
  }
  if (
    (r.kind === 'image' || r.kind === 'directory' || r.kind === 'device') &&
    typeof r.path === 'string' &&
    r.path.length < PATH_BYTES_MAX
  ) {
    const store = target.node.store;
    const found = store.lookup(r.path);
    if (!found.ok)
      throw new ProcessImportFailed('files', `${r.path} in the cluster's file tree`, found.errno);
    if (r.kind === 'image') {
      if (found.node.type !== 'file')
        throw new ProcessImportFailed('files', `${r.path} a regular file`, found.node.type);
      const offset = intField(raw, 'offset', 'files', 0, Number.MAX_SAFE_INTEGER);
      // The process wrote up to `offset` (or read that far): a shorter file was changed behind its back.
      if (found.node.size < offset)
        throw new ProcessImportFailed(
          'files',
          `${r.path} at least ${offset} bytes long (the saved offset)`,
          `${found.node.size} bytes`,
        );
      const h = new ImageFileHandle(store, found.node, found.path, flags);
      h.offset = offset;
      return h;
    }
    if (r.kind === 'device' && found.node.type === 'device')
      return new ImageDeviceHandle(found.node, found.path, flags);
    if (r.kind === 'directory' && found.node.type === 'directory') {
      const h = new ImageDirectoryHandle(found.node, found.path, flags);
      h.position = intField(raw, 'position', 'files', 0, Number.MAX_SAFE_INTEGER);
      if (typeof r.after === 'string' && r.after.length <= NAME_BYTES_MAX) h.after = r.after;
      else if (r.after !== null)
        throw new ProcessImportFailed('files', 'a directory position name', typeof r.after);
      return h;
    }
    throw new ProcessImportFailed('files', `${r.path} a ${r.kind}`, found.node.type);
  }
  throw new ProcessImportFailed(
    'files',
    'a console, tree file, device or directory',
    String(r.kind),
  );
}

export const FILES_SECTION: GhostSection<Task, KernelImportTarget> = {
  name: 'files',
  version: 3,
  async export(task, ghost) {
    const entries = task.get(FILES_SLOT).entries();
    const ids = new Map<OpenFile, number>();
    const files: SavedFile[] = [];
    const ghosts: ImageFile[] = [];
    for (const [, e] of entries) {
      if (!ids.has(e.file)) {
        ids.set(e.file, files.length);
        files.push(withLock(e.file, save(e.file, ghosts)));
      }
    }
    // Ghost files first (their metadata, then their bytes in chunks), so
    // the import has them before any description refers to one.
    await ghost.writeRecord(
      ghosts.map((g): SavedGhost => ({ mode: g.mode, uid: g.uid, gid: g.gid, size: g.size })),
    );
    for (const g of ghosts) {
      const bytes = g.bytes;
      for (let at = 0; at < bytes.length; at += GHOST_CHUNK_BYTES)
        await ghost.writeBytes(bytes.subarray(at, at + GHOST_CHUNK_BYTES));
    }
    await ghost.writeRecord(files);
    await ghost.writeRecord(entries.map(([fd, e]) => [fd, ids.get(e.file)!, e.isCloseOnExec]));
  },
  async import(target, ghost) {
    const task = importedTask(target, 'files');
    const ghosts = await readGhostFiles(target, ghost);
    let files: unknown;
    let entries: unknown;
    try {
      files = await ghost.readRecord();
      entries = await ghost.readRecord();
    } catch (err) {
      for (const g of ghosts) target.node.store.dropOrphan(g);
      throw err;
    }
    try {
      importTable(target, task, files, entries, ghosts);
    } finally {
      // A ghost no description refers to (a failed import, a malformed list) is freed now.
      for (const g of ghosts) target.node.store.dropOrphan(g);
    }
  },
  async unimport(target) {
    const task = target.task;
    if (task === undefined || !task.has(FILES_SLOT)) return;
    task.get(FILES_SLOT).closeAll();
    task.delete(FILES_SLOT);
  },
};

/** Reads the ghost files' metadata and bytes and recreates each as an unlinked file. */
async function readGhostFiles(
  target: KernelImportTarget,
  ghost: GhostReader,
): Promise<ImageFile[]> {
  const raw = await ghost.readRecord();
  if (!Array.isArray(raw) || raw.length > FDS_PER_PROCESS_MAX)
    throw new ProcessImportFailed('files', 'a list of ghost files', typeof raw);
  const metas = raw.map((m: unknown) => ({
    mode: intField(m, 'mode', 'files', 0, 0o7777),
    uid: intField(m, 'uid', 'files', 0, 0xffffffff),
    gid: intField(m, 'gid', 'files', 0, 0xffffffff),
    size: intField(m, 'size', 'files', 0, GHOST_FILES_BYTES_MAX),
  }));
  if (metas.reduce((n, m) => n + m.size, 0) > GHOST_FILES_BYTES_MAX)
    throw new ProcessImportFailed(
      'files',
      `ghost files of at most ${GHOST_FILES_BYTES_MAX} bytes`,
      'more',
    );
  const store = target.node.store;
  const made: ImageFile[] = [];
  try {
    for (const m of metas) {
      const bytes = new Uint8Array(m.size);
      for (let at = 0; at < m.size;) {
        const chunk = await ghost.readBytes();
        if (chunk.length === 0 || at + chunk.length > m.size)
          throw new ProcessImportFailed(
            'files',
            `${m.size} bytes of a ghost file`,
            `a chunk of ${chunk.length} at ${at}`,
          );
        bytes.set(chunk, at);
        at += chunk.length;
      }
      const file = store.createOrphan(bytes, m.mode, { uid: m.uid, gid: m.gid }, store.epochNs);
      if (typeof file === 'string')
        throw new ProcessImportFailed('files', 'room for a ghost file in the tree', file);
      made.push(file);
    }
  } catch (err) {
    for (const g of made) store.dropOrphan(g);
    throw err;
  }
  return made;
}

function importTable(
  target: KernelImportTarget,
  task: Task,
  files: unknown,
  entries: unknown,
  ghosts: readonly ImageFile[],
): void {
  if (
    !Array.isArray(files) ||
    !Array.isArray(entries) ||
    files.length > entries.length ||
    entries.length > FDS_PER_PROCESS_MAX
  ) {
    throw new ProcessImportFailed('files', 'open files and descriptor entries', 'malformed lists');
  }
  const opened: OpenFile[] = [];
  const table = new FdTable(() => Number(task.get(SIGNAL_SLOT).rlimits[RLIMIT_NOFILE]!.soft));
  try {
    for (const f of files as unknown[]) opened.push(relock(restore(target, f, ghosts), f));
    const used = new Set<OpenFile>();
    for (const e of entries as unknown[]) {
      if (!Array.isArray(e) || e.length !== 3 || typeof e[2] !== 'boolean')
        throw new ProcessImportFailed('files', '[fd, file, cloexec]', typeof e);
      const fd = e[0] as unknown;
      const id = e[1] as unknown;
      if (
        typeof fd !== 'number' ||
        !Number.isSafeInteger(fd) ||
        fd < 0 ||
        fd >= FDS_PER_PROCESS_MAX ||
        table.get(fd) !== undefined
      ) {
        throw new ProcessImportFailed('files', 'distinct descriptors in range', String(fd));
      }
      const file = typeof id === 'number' ? opened[id] : undefined;
      if (file === undefined)
        throw new ProcessImportFailed('files', 'a saved open file', String(id));
      table.installAt(fd, used.has(file) ? file.retain() : file, e[2]);
      used.add(file);
    }
    if (used.size !== opened.length)
      throw new ProcessImportFailed(
        'files',
        'every saved open file in the table',
        `${opened.length - used.size} unused`,
      );
  } catch (err) {
    // Opened files not yet in the table are released here, the rest by closeAll.
    const installed = new Set(table.entries().map(([, e]) => e.file));
    for (const f of opened) if (!installed.has(f)) f.release();
    table.closeAll();
    throw err;
  }
  task.set(FILES_SLOT, table);
}
