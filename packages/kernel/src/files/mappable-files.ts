// The kernel's side of file mappings (epm-core's MappableFiles): the open
// file behind a descriptor as mmap checks it, and a tree file by path for
// a restart that maps it again. Only regular files can be mapped; pipes,
// consoles, devices and directories answer ENODEV, as files without an
// mmap operation do on Linux. A mapping gets the file's bytes as they are
// at mmap time (ImageFile.bytes: a snapshot later writes do not change).
import type { MappableFiles } from '@krg/epm-core';
import { ImageFileHandle } from './image-file.js';
import type { ImageStore } from './image-store.js';
import { FILES_SLOT } from '../process/task-slots.js';

export function createMappableFiles(store: ImageStore): MappableFiles {
  return {
    ofDescriptor(task, fd) {
      const entry = task.get(FILES_SLOT).get(fd);
      if (entry === undefined) return 'EBADF';
      const open = entry.file;
      return {
        file:
          open instanceof ImageFileHandle
            ? { path: store.pathOf(open.node, open.path) ?? open.path, bytes: open.node.bytes }
            : undefined,
        isReadable: open.isReadable,
        isWritable: open.isWritable,
      };
    },
    ofPath(path) {
      if (!path.startsWith('/')) return undefined;
      const found = store.lookup(path);
      if (!found.ok || found.node.type !== 'file') return undefined;
      return { path: found.path, bytes: found.node.bytes };
    },
  };
}
