// The file-system operations ghost-io uses, behind one small interface: the
// real Node file system implements it (node-fs.ts), the simulation engine can
// gate it, and the crash-model file system of the tests stands in for it.
// Failures carry Node's `code` (ENOENT, EEXIST, ENOTEMPTY, ...) so callers can
// tell "absent" from "broken" whichever implementation they run on.

/** An open file. Positions are explicit: no shared file offset. */
export interface FilePort {
  /** Writes all of `parts`, in order, starting at `position` (short writes are retried). */
  writeAt(parts: readonly Uint8Array[], position: number): Promise<void>;
  /** Reads up to `target.byteLength` bytes at `position`; resolves with the count (0 at end of file). */
  readAt(target: Uint8Array, position: number): Promise<number>;
  /** The file's current size in bytes. */
  size(): Promise<number>;
  /** Makes the file's data durable (fsync). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FsPort {
  /** Creates a new file for writing, mode 0600; fails with code EEXIST if the name exists (O_CREAT|O_EXCL). */
  createExclusive(path: string): Promise<FilePort>;
  /** Opens an existing file read-only; fails with code ENOENT if absent. */
  openForReading(path: string): Promise<FilePort>;
  /** Creates one directory, mode 0700; its parent must exist; EEXIST if the name exists. */
  mkdir(path: string): Promise<void>;
  /** The names in a directory, sorted. */
  readdir(path: string): Promise<string[]>;
  /** Atomically renames (replacing an existing file at `to`). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes an empty directory; ENOTEMPTY otherwise. */
  rmdir(path: string): Promise<void>;
  /** Makes a directory's entries durable (fsync on the directory itself). */
  syncDirectory(path: string): Promise<void>;
}

/** The Node-style error code of a failure, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}
