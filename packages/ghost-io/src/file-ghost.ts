// A persistent ghost in a file (Kerrighed's file_ghost.c, reference §2):
// created exclusively so a checkpoint file is never overwritten, a header
// with magic and format version, checksummed frames, fsync on close of a
// written ghost. The reader verifies every frame before using a byte of it
// and bounds every length it reads before allocating.
import { GhostCorrupted, GhostFileExists } from './errors.js';
import {
  FILE_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  encodeFileHeader,
  frameLength,
  sealFrame,
  verifyFileHeader,
  verifyFrame,
} from './file-format.js';
import type { FrameSink, FrameSource, ReceivedFrame } from './frame-port.js';
import { errorCode, type FilePort, type FsPort } from './fs-port.js';
import { nodeFs } from './node-fs.js';
import { StreamGhost } from './stream-ghost.js';

export interface FileGhostOptions {
  /** The file system to use; the real one by default. */
  fs?: FsPort;
}

class FileFrameSink implements FrameSink {
  readonly headerBytes = FRAME_HEADER_BYTES;
  private position = FILE_HEADER_BYTES;

  constructor(private readonly file: FilePort) {}

  async writeFrame(owned: Uint8Array, borrowed: Uint8Array | null): Promise<void> {
    const frame = Buffer.from(owned.buffer, owned.byteOffset, owned.byteLength);
    const payloadBytes = sealFrame(frame, borrowed);
    // One vectored write: the borrowed page run goes to the kernel uncopied.
    await this.file.writeAt(borrowed === null ? [frame] : [frame, borrowed], this.position);
    this.position += FRAME_HEADER_BYTES + payloadBytes;
  }

  async finish(): Promise<void> {
    try {
      await this.file.sync();
    } finally {
      await this.file.close();
    }
  }

  abort(): Promise<void> {
    return this.file.close();
  }
}

class FileFrameSource implements FrameSource {
  endOffset = FILE_HEADER_BYTES;
  /** The next frame's header bytes, read together with the previous payload (0..8 bytes). */
  private nextHeader: Buffer;

  constructor(
    readonly name: string,
    private readonly file: FilePort,
    private readonly fileBytes: number,
    firstHeader: Buffer,
  ) {
    this.nextHeader = firstHeader;
  }

  static async open(name: string, file: FilePort): Promise<FileFrameSource> {
    const fileBytes = await file.size();
    const start = Buffer.allocUnsafe(FILE_HEADER_BYTES + FRAME_HEADER_BYTES);
    const read = await file.readAt(start, 0);
    verifyFileHeader(name, start.subarray(0, read));
    return new FileFrameSource(name, file, fileBytes, start.subarray(FILE_HEADER_BYTES, read));
  }

  async nextFrame(): Promise<ReceivedFrame | null> {
    const offset = this.endOffset;
    const header = this.nextHeader;
    if (header.byteLength === 0) return null;
    if (header.byteLength < FRAME_HEADER_BYTES) {
      throw new GhostCorrupted(
        this.name,
        offset,
        `an ${FRAME_HEADER_BYTES}-byte frame header`,
        `${header.byteLength} bytes before the end of the file`,
      );
    }
    const payloadBytes = frameLength(this.name, offset, header);
    const left = this.fileBytes - offset - FRAME_HEADER_BYTES;
    if (payloadBytes > left) {
      throw new GhostCorrupted(
        this.name,
        offset,
        `a ${payloadBytes}-byte frame payload`,
        `${left} bytes before the end of the file (truncated)`,
      );
    }
    // One read per frame: the payload and the header of the frame after it.
    const buffer = Buffer.allocUnsafe(payloadBytes + FRAME_HEADER_BYTES);
    const read = await this.file.readAt(buffer, offset + FRAME_HEADER_BYTES);
    if (read < payloadBytes) {
      throw new GhostCorrupted(
        this.name,
        offset,
        `a ${payloadBytes}-byte frame payload`,
        `${read} bytes`,
      );
    }
    const payload = buffer.subarray(0, payloadBytes);
    verifyFrame(this.name, offset, header, payload);
    this.nextHeader = buffer.subarray(payloadBytes, read);
    this.endOffset = offset + FRAME_HEADER_BYTES + payloadBytes;
    return { payload, offset: offset + FRAME_HEADER_BYTES };
  }

  release(): Promise<void> {
    return this.file.close();
  }
}

export class FileGhost extends StreamGhost {
  private constructor(path: string, sink: FrameSink | null, source: FrameSource | null) {
    super(sink === null ? 'read' : 'write', path, sink, source);
  }

  /**
   * Creates a new ghost file for writing (O_CREAT|O_EXCL, mode 0600): throws
   * GhostFileExists if `path` exists, so a checkpoint file is never overwritten.
   */
  static async create(path: string, options: FileGhostOptions = {}): Promise<FileGhost> {
    const fs = options.fs ?? nodeFs;
    let file: FilePort;
    try {
      file = await fs.createExclusive(path);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw new GhostFileExists(path);
      throw error;
    }
    try {
      await file.writeAt([encodeFileHeader()], 0);
    } catch (error) {
      await file.close();
      throw error;
    }
    return new FileGhost(path, new FileFrameSink(file), null);
  }

  /** Opens a ghost file for reading; its header is verified here. */
  static async open(path: string, options: FileGhostOptions = {}): Promise<FileGhost> {
    const fs = options.fs ?? nodeFs;
    const file = await fs.openForReading(path);
    try {
      return new FileGhost(path, null, await FileFrameSource.open(path, file));
    } catch (error) {
      await file.close();
      throw error;
    }
  }
}
