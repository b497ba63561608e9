// The fuzz lane: seeded, bounded. Each case writes a random valid ghost (to a
// file on the crash-model fs, or to a network stream), damages it with a few
// random mutations, and reads it back twice (in the written order, and as a
// verification walk). Whatever the damage, the reader may only succeed or
// throw a typed GhostIoError, and it never asks for a buffer larger than the
// frame bound or the input. A violation throws an Error naming the seed and
// case, which replay it: runGhostFuzz({ seed, iterations: case + 1 }).
import { CrashFs } from './crash-fs.test-util.js';
import { GhostIoError } from './errors.js';
import { FileGhost } from './file-ghost.js';
import type { Ghost } from './ghost.js';
import { GHOST_FRAME_MAX_PAYLOAD_BYTES, PAGE_SIZE_BYTES } from './limits.js';
import { createMemoryChannelPair } from './memory-channel.js';
import { NetworkGhost } from './network-ghost.js';
import { verifyGhost } from './verify-ghost.js';

export interface FuzzOptions {
  seed: number;
  iterations: number;
}

export interface FuzzReport {
  readonly cases: number;
  /** Reads that failed, by error code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  /** Reads of damaged input that still succeeded (the damage kept it well-formed). */
  readonly successes: number;
  readonly largestAllocationBytes: number;
}

type Kind = 'u8' | 'u32' | 'i64' | 'bool' | 'string' | 'bytes' | 'record' | 'pages';
const KINDS: readonly Kind[] = ['u8', 'u32', 'i64', 'bool', 'string', 'bytes', 'record', 'pages'];

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runGhostFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = prng(options.seed);
  const int = (below: number): number => Math.floor(random() * below);
  const errorsByCode: Record<string, number> = {};
  let successes = 0;
  let largest = 0;

  const realAllocUnsafe = Buffer.allocUnsafe.bind(Buffer);
  let allocationLimit = 0;
  // An object, so the check after each read sees what the wrapper recorded.
  const watch: { violation: string | null } = { violation: null };
  Buffer.allocUnsafe = (size: number): Buffer<ArrayBuffer> => {
    largest = Math.max(largest, size);
    if (size > allocationLimit && watch.violation === null) {
      watch.violation = `allocation of ${size} bytes`;
    }
    return realAllocUnsafe(size);
  };
  try {
    for (let index = 0; index < options.iterations; index++) {
      const where = `ghost fuzz seed ${options.seed}, case ${index}`;
      const kinds = Array.from({ length: 1 + int(12) }, () => KINDS[int(KINDS.length)] ?? 'u8');
      const isNetwork = int(4) === 0;
      allocationLimit = Number.POSITIVE_INFINITY; // writing is not under test
      const clean = isNetwork ? await networkBytes(kinds, int) : await fileBytes(kinds, int);
      const damaged = mutate(clean, int, 1 + int(3));
      // A frame payload plus the next header (the first read: file header plus
      // frame header, 24 bytes), and never more than the input holds.
      allocationLimit = Math.min(GHOST_FRAME_MAX_PAYLOAD_BYTES, damaged.byteLength) + 24;
      for (const walk of ['mirrored', 'verify'] as const) {
        try {
          const ghost = isNetwork ? await networkReader(damaged, int) : await fileReader(damaged);
          if (walk === 'verify') await verifyGhost(ghost);
          else await readMirrored(ghost, kinds);
          successes += 1;
          // File frames are checksummed: damage can only go unnoticed by a
          // walk that does not know the layout (a whole frame cut out still
          // leaves a well-formed ghost). Network frames carry no checksum,
          // the channel being reliable.
          if (!isNetwork && walk === 'mirrored' && Buffer.compare(clean, damaged) !== 0) {
            throw new Error(`${where}: a damaged file ghost read back without error`);
          }
        } catch (error) {
          if (!(error instanceof GhostIoError)) {
            throw new Error(`${where} (${walk}): untyped failure: ${String(error)}`, {
              cause: error,
            });
          }
          errorsByCode[error.code] = (errorsByCode[error.code] ?? 0) + 1;
        }
        if (watch.violation !== null)
          throw new Error(
            `${where} (${walk}): ${watch.violation} for ${damaged.byteLength} input bytes`,
          );
      }
    }
  } finally {
    Buffer.allocUnsafe = realAllocUnsafe;
  }
  return { cases: options.iterations, errorsByCode, successes, largestAllocationBytes: largest };
}

async function writeRandom(
  ghost: Ghost,
  kinds: readonly Kind[],
  int: (below: number) => number,
): Promise<void> {
  for (const kind of kinds) {
    switch (kind) {
      case 'u8':
        await ghost.writeU8(int(256));
        break;
      case 'u32':
        await ghost.writeU32(int(2 ** 32));
        break;
      case 'i64':
        await ghost.writeI64(BigInt(int(2 ** 31)) - 2n ** 30n);
        break;
      case 'bool':
        await ghost.writeBool(int(2) === 1);
        break;
      case 'string':
        await ghost.writeString('x'.repeat(int(40)));
        break;
      case 'bytes':
        await ghost.writeBytes(
          new Uint8Array(int(3) === 0 ? 17_000 + int(100) : int(50)).fill(int(256)),
        );
        break;
      case 'record':
        await ghost.writeRecord({ n: int(1000), s: 'abc', m: new Map([[1, [2n, null]]]) });
        break;
      case 'pages':
        await ghost.writePages(new Uint8Array((1 + int(6)) * PAGE_SIZE_BYTES).fill(int(256)));
        break;
    }
    if (int(6) === 0) await ghost.flush();
  }
}

async function readMirrored(ghost: Ghost, kinds: readonly Kind[]): Promise<void> {
  try {
    for (const kind of kinds) {
      switch (kind) {
        case 'u8':
          await ghost.readU8();
          break;
        case 'u32':
          await ghost.readU32();
          break;
        case 'i64':
          await ghost.readI64();
          break;
        case 'bool':
          await ghost.readBool();
          break;
        case 'string':
          await ghost.readString();
          break;
        case 'bytes':
          await ghost.readBytes();
          break;
        case 'record':
          await ghost.readRecord();
          break;
        case 'pages':
          await ghost.readPages();
          break;
      }
    }
    await ghost.readEnd();
  } finally {
    await ghost.abort();
  }
}

async function fileBytes(
  kinds: readonly Kind[],
  int: (below: number) => number,
): Promise<Uint8Array> {
  const fs = new CrashFs();
  const ghost = await FileGhost.create('/g.bin', { fs });
  await writeRandom(ghost, kinds, int);
  await ghost.close();
  return fs.fileBytes('/g.bin');
}

async function fileReader(bytes: Uint8Array): Promise<Ghost> {
  const fs = new CrashFs();
  const file = await fs.createExclusive('/g.bin');
  await file.writeAt([bytes], 0);
  await file.close();
  return FileGhost.open('/g.bin', { fs });
}

async function networkBytes(
  kinds: readonly Kind[],
  int: (below: number) => number,
): Promise<Uint8Array> {
  const [a, b] = createMemoryChannelPair({ maxBufferedBytes: Number.MAX_SAFE_INTEGER });
  const ghost = NetworkGhost.create(a, 'write');
  await writeRandom(ghost, kinds, int);
  await ghost.close();
  const chunks: Uint8Array[] = [];
  for (let chunk = await b.receive(); chunk !== null; chunk = await b.receive()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function networkReader(bytes: Uint8Array, int: (below: number) => number): Promise<Ghost> {
  const [a, b] = createMemoryChannelPair({ maxBufferedBytes: Number.MAX_SAFE_INTEGER });
  for (let at = 0; at < bytes.byteLength;) {
    const size = 1 + int(9000);
    await a.send(bytes.slice(at, at + size));
    at += size;
  }
  await a.close();
  return NetworkGhost.create(b, 'read');
}

const BOUNDARY_U32 = [
  0,
  1,
  0xffff_ffff,
  0x8000_0000,
  GHOST_FRAME_MAX_PAYLOAD_BYTES,
  GHOST_FRAME_MAX_PAYLOAD_BYTES + 1,
];

/** Applies `count` random mutations; the result always differs from nothing in particular. */
export function mutate(
  clean: Uint8Array,
  int: (below: number) => number,
  count: number,
): Uint8Array {
  let bytes = Buffer.from(clean);
  for (let n = 0; n < count; n++) {
    const at = int(bytes.byteLength + 1);
    switch (int(7)) {
      case 0: // flip one bit
        if (at < bytes.byteLength) bytes[at] = (bytes[at] ?? 0) ^ (1 << int(8));
        break;
      case 1: // overwrite a byte
        if (at < bytes.byteLength) bytes[at] = int(256);
        break;
      case 2: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 3: // insert random bytes
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))),
          bytes.subarray(at),
        ]);
        break;
      case 4: // delete a range
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(64))]);
        break;
      case 5: // duplicate a range
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(at, at + 1 + int(256)),
          bytes.subarray(at),
        ]);
        break;
      default: // a boundary value where a length might be
        if (at + 4 <= bytes.byteLength)
          bytes.writeUInt32LE(BOUNDARY_U32[int(BOUNDARY_U32.length)] ?? 0, at);
    }
  }
  return new Uint8Array(bytes);
}
