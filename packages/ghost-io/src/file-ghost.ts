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
  putFrameChecksum,
  putFrameLength,
  verifyFileHeader,
  verifyFrame,
} from './file-format.js';
import type { FrameSink, FrameSource, ReceivedFrame } from './frame-port.js';
import { errorCode, type FilePort, type FsPort } from './fs-port.js';
import { nodeFs } from './node-fs.js';
import { FILE_GHOST_OVERLAP_MIN_BYTES } from './limits.js';
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
    const payloadBytes = putFrameLength(frame, borrowed);
    const at = this.position;
    if (payloadBytes < FILE_GHOST_OVERLAP_MIN_BYTES) {
      putFrameChecksum(frame, borrowed);
      await this.file.writeAt(borrowed === null ? [frame] : [frame, borrowed], at);
    } else {
      // Payload first (the I/O runs off the main thread), the checksum meanwhile,
      // then the 8-byte header. The borrowed pages go to the kernel uncopied.
      const payload = frame.subarray(FRAME_HEADER_BYTES);
      const writing = this.file.writeAt(
        borrowed === null ? [payload] : [payload, borrowed],
        at + FRAME_HEADER_BYTES,
      );
      try {
        putFrameChecksum(frame, borrowed);
      } finally {
        await writing;
      }
      await this.file.writeAt([frame.subarray(0, FRAME_HEADER_BYTES)], at);
    }
    this.position = at + FRAME_HEADER_BYTES + payloadBytes;
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

/** One frame read from the file: its payload and the next frame's header bytes (0..8). */
interface FrameRead {
  readonly offset: number;
  readonly header: Buffer;
  readonly payloadBytes: number;
  readonly buffer: Buffer;
  readonly bytesRead: number;
}

class FileFrameSource implements FrameSource {
  endOffset = FILE_HEADER_BYTES;
  /** The next frame's header bytes, read together with the previous payload (0..8 bytes). */
  private nextHeader: Buffer;
  /** Two read buffers, used in turn: one holds the frame handed out, the other the read ahead. */
  private readonly buffers: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];
  private turn = 0;
  /** The read of the next frame, started while the previous one was being verified. */
  private readAhead: Promise<FrameRead> | null = null;

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

  /**
   * The next frame, verified. Its payload lives in a read buffer that the
   * read after next reuses, so callers keep what they need before reading on
   * (the Ghost contract for page runs: valid until the next read).
   */
  async nextFrame(): Promise<ReceivedFrame | null> {
    const offset = this.endOffset;
    const current =
      this.readAhead ??
      this.startRead(offset, this.nextHeader, this.checkedLength(offset, this.nextHeader));
    this.readAhead = null;
    if (current === null) return null;
    const { header, payloadBytes, buffer, bytesRead } = await current;
    if (bytesRead < payloadBytes) {
      throw new GhostCorrupted(
        this.name,
        offset,
        `a ${payloadBytes}-byte frame payload`,
        `${bytesRead} bytes`,
      );
    }
    const payload = buffer.subarray(0, payloadBytes);
    this.nextHeader = buffer.subarray(payloadBytes, bytesRead);
    this.endOffset = offset + FRAME_HEADER_BYTES + payloadBytes;
    this.readAhead = this.readAheadOf(this.endOffset, this.nextHeader);
    // The checksum runs here while the read ahead is in flight.
    verifyFrame(this.name, offset, header, payload);
    return { payload, offset: offset + FRAME_HEADER_BYTES };
  }

  async release(): Promise<void> {
    // Let an outstanding read ahead finish before the file closes under it.
    await this.readAhead?.catch(() => {});
    this.readAhead = null;
    await this.file.close();
  }

  /** The payload length of the frame at `offset`, or null at a clean end of file; throws on damage. */
  private checkedLength(offset: number, header: Buffer): number | null {
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
    return payloadBytes;
  }

  /** Starts reading the next frame early if its header looks sound; a damaged one is reported in turn. */
  private readAheadOf(offset: number, header: Buffer): Promise<FrameRead> | null {
    let payloadBytes: number | null;
    try {
      payloadBytes = this.checkedLength(offset, header);
    } catch {
      return null; // nextFrame() checks it again and throws then
    }
    const read = this.startRead(offset, header, payloadBytes);
    // Awaited by the next nextFrame() or by release(); never left unhandled.
    void read?.catch(() => {});
    return read;
  }

  /** Reads the payload at `offset` and the header after it into the next read buffer. */
  private startRead(
    offset: number,
    headerBytes: Buffer,
    payloadBytes: number | null,
  ): Promise<FrameRead> | null {
    if (payloadBytes === null) return null;
    // A copy: the bytes sit in a read buffer that is about to be reused.
    const header = Buffer.from(headerBytes);
    const wanted = payloadBytes + FRAME_HEADER_BYTES;
    this.turn = 1 - this.turn;
    let buffer = this.buffers[this.turn]!;
    if (buffer.byteLength < wanted) {
      // Bounded: payloadBytes was checked against the frame limit and the file size.
      buffer = Buffer.allocUnsafe(wanted);
      this.buffers[this.turn] = buffer;
    }
    const target = buffer.subarray(0, wanted);
    return this.file
      .readAt(target, offset + FRAME_HEADER_BYTES)
      .then((bytesRead) => ({ offset, header, payloadBytes, buffer: target, bytesRead }));
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
