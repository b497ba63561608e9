// FsPort over the real file system (node:fs/promises).
import {
  constants,
  type FileHandle,
  mkdir,
  open,
  readdir,
  rename,
  rmdir,
  unlink,
} from 'node:fs/promises';
import type { FilePort, FsPort } from './fs-port.js';

class NodeFile implements FilePort {
  constructor(private readonly handle: FileHandle) {}

  async writeAt(parts: readonly Uint8Array[], position: number): Promise<void> {
    let pending = parts.filter((part) => part.byteLength > 0);
    let at = position;
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending, at);
      at += bytesWritten;
      pending = dropBytes(pending, bytesWritten);
    }
  }

  async readAt(target: Uint8Array, position: number): Promise<number> {
    let filled = 0;
    // read() may return fewer bytes than asked before end of file; keep going.
    while (filled < target.byteLength) {
      const { bytesRead } = await this.handle.read(
        target,
        filled,
        target.byteLength - filled,
        position + filled,
      );
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled;
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** The parts left after the first `count` bytes were written. */
function dropBytes(parts: readonly Uint8Array[], count: number): Uint8Array[] {
  const left: Uint8Array[] = [];
  let skip = count;
  for (const part of parts) {
    if (skip >= part.byteLength) {
      skip -= part.byteLength;
      continue;
    }
    left.push(skip === 0 ? part : part.subarray(skip));
    skip = 0;
  }
  return left;
}

/** The real file system. */
export const nodeFs: FsPort = {
  async createExclusive(path) {
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
    return new NodeFile(await open(path, flags, 0o600));
  },
  async openForReading(path) {
    return new NodeFile(await open(path, constants.O_RDONLY));
  },
  async mkdir(path) {
    await mkdir(path, { mode: 0o700 });
  },
  async readdir(path) {
    return (await readdir(path)).sort();
  },
  rename,
  unlink,
  async rmdir(path) {
    await rmdir(path);
  },
  async syncDirectory(path) {
    const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
