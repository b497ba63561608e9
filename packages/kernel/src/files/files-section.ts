// The kernel's 'fs' and 'files' ghost sections (reference §3 step 13,
// kerrighed/fs/mobility.c): cwd and umask; then the open file descriptions
// (each once, so descriptors that shared one share it again) and the
// descriptor table. Consoles reattach to the importing run's streams by
// role; image-store files reopen by path at their offset. Pipes cannot be
// saved yet: exporting a process that holds one fails with a clear error.
import {
  ProcessImportFailed,
  importedTask,
  intField,
  type GhostSection,
  type Task,
} from '@krg/epm-core';
import { RLIMIT_NOFILE, SIGNAL_SLOT } from '@krg/epm-signal';
import type { KernelImportTarget } from '../process/import-target.js';
import { FILES_SLOT, FS_SLOT } from '../process/task-slots.js';
import { PATH_BYTES_MAX, FDS_PER_PROCESS_MAX } from '../limits.js';
import { ConsoleFile } from './console.js';
import { FdTable } from './fd-table.js';
import { ImageDirectoryHandle, ImageFileHandle } from './image-file.js';
import type { OpenFile } from './open-file.js';

export const FS_SECTION: GhostSection<Task, KernelImportTarget> = {
  name: 'fs',
  version: 1,
  async export(task, ghost) {
    const fs = task.get(FS_SLOT);
    await ghost.writeString(fs.cwd);
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
  | { kind: 'directory'; path: string; position: number; flags: number };

function save(file: OpenFile): SavedFile {
  if (file instanceof ConsoleFile)
    return { kind: 'console', role: file.role, flags: file.statusFlags };
  if (file instanceof ImageFileHandle)
    return { kind: 'image', path: file.path, offset: file.offset, flags: file.statusFlags };
  if (file instanceof ImageDirectoryHandle)
    return { kind: 'directory', path: file.path, position: file.position, flags: file.statusFlags };
  throw new Error(`an open ${file.kind} cannot be saved yet`);
}

function restore(target: KernelImportTarget, raw: unknown): OpenFile {
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
  if ((r.kind === 'image' || r.kind === 'directory') && typeof r.path === 'string') {
    const found = target.node.store.lookup(r.path);
    if (!found.ok)
      throw new ProcessImportFailed('files', `${r.path} in the image store`, found.errno);
    if (r.kind === 'image' && found.node.type === 'file') {
      const h = new ImageFileHandle(found.node, found.path, flags);
      h.offset = intField(raw, 'offset', 'files', 0, Number.MAX_SAFE_INTEGER);
      return h;
    }
    if (r.kind === 'directory' && found.node.type === 'directory') {
      const h = new ImageDirectoryHandle(found.node, found.path, flags);
      h.position = intField(raw, 'position', 'files', 0, Number.MAX_SAFE_INTEGER);
      return h;
    }
  }
  throw new ProcessImportFailed('files', 'a console, image file or directory', String(r.kind));
}

export const FILES_SECTION: GhostSection<Task, KernelImportTarget> = {
  name: 'files',
  version: 1,
  async export(task, ghost) {
    const entries = task.get(FILES_SLOT).entries();
    const ids = new Map<OpenFile, number>();
    const files: SavedFile[] = [];
    for (const [, e] of entries) {
      if (!ids.has(e.file)) {
        ids.set(e.file, files.length);
        files.push(save(e.file));
      }
    }
    await ghost.writeRecord(files);
    await ghost.writeRecord(entries.map(([fd, e]) => [fd, ids.get(e.file)!, e.isCloseOnExec]));
  },
  async import(target, ghost) {
    const task = importedTask(target, 'files');
    const files = await ghost.readRecord();
    const entries = await ghost.readRecord();
    if (
      !Array.isArray(files) ||
      !Array.isArray(entries) ||
      files.length > entries.length ||
      entries.length > FDS_PER_PROCESS_MAX
    ) {
      throw new ProcessImportFailed(
        'files',
        'open files and descriptor entries',
        'malformed lists',
      );
    }
    const opened: OpenFile[] = [];
    const table = new FdTable(() => Number(task.get(SIGNAL_SLOT).rlimits[RLIMIT_NOFILE]!.soft));
    try {
      for (const f of files as unknown[]) opened.push(restore(target, f));
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
    } catch (err) {
      table.closeAll();
      throw err;
    }
    task.set(FILES_SLOT, table);
  },
  async unimport(target) {
    const task = target.task;
    if (task === undefined || !task.has(FILES_SLOT)) return;
    task.get(FILES_SLOT).closeAll();
    task.delete(FILES_SLOT);
  },
};
