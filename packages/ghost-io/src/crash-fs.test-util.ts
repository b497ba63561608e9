// A crash model of a file system for tests (not a mock that makes every write
// durable). It keeps, per file, the data as of its last fsync and, per
// directory, the entries as of its last directory fsync. crash() returns the
// file system a reboot would find:
//   'drop-unsynced'  data not fsynced is lost, and so are directory entries,
//                    renames and removals whose directory was not fsynced;
//   'keep-entries'   directory changes all survive, but file data not fsynced
//                    is still lost (a file can come back shorter or empty).
// Every mutating call is a numbered step; `crashBeforeStep = k` makes the k-th
// one throw SimulatedCrash before it acts, and every call after it too.
import type { FilePort, FsPort } from './fs-port.js';

export class SimulatedCrash extends Error {
  constructor(readonly step: number) {
    super(`simulated crash before step ${step}`);
    this.name = 'SimulatedCrash';
  }
}

export type CrashMode = 'drop-unsynced' | 'keep-entries';

class FileNode {
  data = new Uint8Array(0);
  size = 0;
  durable = new Uint8Array(0);

  write(bytes: Uint8Array, position: number): void {
    const end = position + bytes.byteLength;
    if (end > this.data.byteLength) {
      const grown = new Uint8Array(Math.max(end, this.data.byteLength * 2));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    if (position > this.size) this.data.fill(0, this.size, position);
    this.data.set(bytes, position);
    this.size = Math.max(this.size, end);
  }

  sync(): void {
    this.durable = this.data.slice(0, this.size);
  }
}

class DirNode {
  entries = new Map<string, FileNode | DirNode>();
  durable = new Map<string, FileNode | DirNode>();
}

function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

function split(path: string): string[] {
  if (!path.startsWith('/')) throw fsError('EINVAL', `not an absolute path: ${path}`);
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

class CrashFile implements FilePort {
  private isClosed = false;

  constructor(
    private readonly fs: CrashFs,
    private readonly node: FileNode,
    private readonly isWritable: boolean,
  ) {}

  async writeAt(parts: readonly Uint8Array[], position: number): Promise<void> {
    this.fs.step('write');
    this.check(true);
    let at = position;
    for (const part of parts) {
      this.node.write(part, at);
      at += part.byteLength;
    }
  }

  async readAt(target: Uint8Array, position: number): Promise<number> {
    this.fs.checkAlive();
    this.check(false);
    const available = Math.max(0, Math.min(target.byteLength, this.node.size - position));
    target.set(this.node.data.subarray(position, position + available));
    return available;
  }

  async size(): Promise<number> {
    this.fs.checkAlive();
    this.check(false);
    return this.node.size;
  }

  async sync(): Promise<void> {
    this.fs.step('fsync');
    this.check(false);
    this.node.sync();
  }

  async close(): Promise<void> {
    this.fs.checkAlive();
    this.check(false);
    this.isClosed = true;
  }

  private check(isWrite: boolean): void {
    if (this.isClosed) throw fsError('EBADF', 'file is closed');
    if (isWrite && !this.isWritable) throw fsError('EBADF', 'file is open read-only');
  }
}

export class CrashFs implements FsPort {
  /** Mutating steps taken so far, each with its kind (for test messages). */
  readonly steps: string[] = [];
  crashBeforeStep: number | null = null;
  private hasCrashed = false;

  constructor(private readonly root: DirNode = new DirNode()) {}

  /** Crashes this file system (every later call throws) and returns what a reboot finds. */
  crash(mode: CrashMode): CrashFs {
    this.hasCrashed = true;
    return this.rebootImage(mode);
  }

  /** What a reboot would find if the machine crashed now; this file system goes on. */
  rebootImage(mode: CrashMode): CrashFs {
    const copies = new Map<FileNode | DirNode, FileNode | DirNode>();
    const copy = (node: FileNode | DirNode): FileNode | DirNode => {
      const known = copies.get(node);
      if (known !== undefined) return known;
      if (node instanceof FileNode) {
        const file = new FileNode();
        file.write(node.durable, 0);
        file.sync();
        copies.set(node, file);
        return file;
      }
      const dir = new DirNode();
      copies.set(node, dir);
      for (const [name, child] of mode === 'drop-unsynced' ? node.durable : node.entries) {
        dir.entries.set(name, copy(child));
      }
      dir.durable = new Map(dir.entries);
      return dir;
    };
    return new CrashFs(copy(this.root) as DirNode);
  }

  /** Makes everything durable, as after a clean shutdown (for test set-up). */
  syncAll(): void {
    const visit = (node: FileNode | DirNode): void => {
      if (node instanceof FileNode) return node.sync();
      node.durable = new Map(node.entries);
      for (const child of node.entries.values()) visit(child);
    };
    visit(this.root);
  }

  /** The current bytes of a file (test inspection, no step). */
  fileBytes(path: string): Uint8Array {
    const node = this.lookup(path);
    if (!(node instanceof FileNode)) throw fsError('EISDIR', path);
    return node.data.slice(0, node.size);
  }

  /** Replaces a file's bytes, durably (test set-up for damaged files, no step). */
  setFileBytes(path: string, bytes: Uint8Array): void {
    const node = this.lookup(path);
    if (!(node instanceof FileNode)) throw fsError('EISDIR', path);
    node.data = bytes.slice();
    node.size = bytes.byteLength;
    node.sync();
  }

  step(kind: string): void {
    this.checkAlive();
    this.steps.push(kind);
    if (this.crashBeforeStep !== null && this.steps.length >= this.crashBeforeStep) {
      this.hasCrashed = true;
      throw new SimulatedCrash(this.steps.length);
    }
  }

  checkAlive(): void {
    if (this.hasCrashed) throw new SimulatedCrash(this.steps.length);
  }

  async createExclusive(path: string): Promise<FilePort> {
    this.step(`create ${path}`);
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) throw fsError('EEXIST', path);
    const node = new FileNode();
    dir.entries.set(name, node);
    return new CrashFile(this, node, true);
  }

  async openForReading(path: string): Promise<FilePort> {
    this.checkAlive();
    const node = this.lookup(path);
    if (!(node instanceof FileNode)) throw fsError('EISDIR', path);
    return new CrashFile(this, node, false);
  }

  async mkdir(path: string): Promise<void> {
    this.step(`mkdir ${path}`);
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) throw fsError('EEXIST', path);
    dir.entries.set(name, new DirNode());
  }

  async readdir(path: string): Promise<string[]> {
    this.checkAlive();
    const node = this.lookup(path);
    if (!(node instanceof DirNode)) throw fsError('ENOTDIR', path);
    return [...node.entries.keys()].sort();
  }

  async rename(from: string, to: string): Promise<void> {
    this.step(`rename ${from} ${to}`);
    const source = this.parent(from);
    const node = source.dir.entries.get(source.name);
    if (node === undefined) throw fsError('ENOENT', from);
    const target = this.parent(to);
    const existing = target.dir.entries.get(target.name);
    if (existing instanceof DirNode) throw fsError('EISDIR', to);
    source.dir.entries.delete(source.name);
    target.dir.entries.set(target.name, node);
  }

  async unlink(path: string): Promise<void> {
    this.step(`unlink ${path}`);
    const { dir, name } = this.parent(path);
    const node = dir.entries.get(name);
    if (node === undefined) throw fsError('ENOENT', path);
    if (node instanceof DirNode) throw fsError('EISDIR', path);
    dir.entries.delete(name);
  }

  async rmdir(path: string): Promise<void> {
    this.step(`rmdir ${path}`);
    const { dir, name } = this.parent(path);
    const node = dir.entries.get(name);
    if (node === undefined) throw fsError('ENOENT', path);
    if (!(node instanceof DirNode)) throw fsError('ENOTDIR', path);
    if (node.entries.size > 0) throw fsError('ENOTEMPTY', path);
    dir.entries.delete(name);
  }

  async syncDirectory(path: string): Promise<void> {
    this.step(`fsync-dir ${path}`);
    const node = this.lookup(path);
    if (!(node instanceof DirNode)) throw fsError('ENOTDIR', path);
    node.durable = new Map(node.entries);
  }

  private lookup(path: string): FileNode | DirNode {
    let node: FileNode | DirNode = this.root;
    for (const part of split(path)) {
      if (!(node instanceof DirNode)) throw fsError('ENOTDIR', path);
      const child: FileNode | DirNode | undefined = node.entries.get(part);
      if (child === undefined) throw fsError('ENOENT', path);
      node = child;
    }
    return node;
  }

  private parent(path: string): { dir: DirNode; name: string } {
    const parts = split(path);
    const name = parts.pop();
    if (name === undefined) throw fsError('EINVAL', `no name in ${path}`);
    const dir = this.lookup('/' + parts.join('/'));
    if (!(dir instanceof DirNode)) throw fsError('ENOTDIR', path);
    return { dir, name };
  }
}
