// Test helpers: a fast-check model of a ghost stream (a list of typed values)
// that every ghost must write and read back unchanged, plus the seed options
// that make a failing run replayable (KRG_SEED=<seed> replays it).
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Ghost } from './ghost.js';
import { PAGE_SIZE_BYTES } from './limits.js';

export type GhostOp =
  | { kind: 'u8' | 'u16' | 'u32' | 'i32' | 'f64'; value: number }
  | { kind: 'u64' | 'i64'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'record'; value: unknown }
  | { kind: 'pages'; value: Uint8Array };

/** fast-check options: a fixed run count, and the seed from KRG_SEED when set. */
export function seeded(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env['KRG_SEED'];
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed) };
}

/** Values the codec promises to round-trip exactly. -0 is excluded: it decodes as 0 (documented). */
export const codecValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.double().filter((d) => !Object.is(d, -0)),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.uint8Array({ maxLength: 40 }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
      tie('node'),
      { maxKeys: 5, noNullPrototype: true },
    ),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), tie('node')), {
        maxLength: 4,
      })
      .map((entries) => new Map(entries)),
  ),
})).node;

/** A page run of 1..maxPages pages with recognisable content. */
export function pageRun(maxPages: number): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.integer({ min: 1, max: maxPages }), fc.integer({ min: 0, max: 255 }))
    .map(([count, seed]) => {
      const pages = new Uint8Array(count * PAGE_SIZE_BYTES);
      for (let i = 0; i < pages.length; i += 97) pages[i] = (seed + i) & 0xff;
      return pages;
    });
}

export function ghostOp(maxPages = 8): fc.Arbitrary<GhostOp> {
  return fc.oneof(
    fc.integer({ min: 0, max: 0xff }).map((value) => ({ kind: 'u8' as const, value })),
    fc.integer({ min: 0, max: 0xffff }).map((value) => ({ kind: 'u16' as const, value })),
    fc.integer({ min: 0, max: 0xffff_ffff }).map((value) => ({ kind: 'u32' as const, value })),
    fc
      .integer({ min: -0x8000_0000, max: 0x7fff_ffff })
      .map((value) => ({ kind: 'i32' as const, value })),
    fc.double().map((value) => ({ kind: 'f64' as const, value })),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ kind: 'u64' as const, value })),
    fc
      .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      .map((value) => ({ kind: 'i64' as const, value })),
    fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
    fc
      .string({ unit: 'binary', maxLength: 50 })
      .map((value) => ({ kind: 'string' as const, value })),
    fc.uint8Array({ maxLength: 100 }).map((value) => ({ kind: 'bytes' as const, value })),
    // A byte array above the inline threshold, filled cheaply (fast-check
    // would draw every byte of a generated array one by one).
    fc
      .tuple(fc.integer({ min: 16_385, max: 20_000 }), fc.integer({ min: 0, max: 255 }))
      .map(([length, seed]) => ({
        kind: 'bytes' as const,
        value: new Uint8Array(length).map((_, i) => (seed * i) & 0xff),
      })),
    codecValue.map((value) => ({ kind: 'record' as const, value })),
    pageRun(maxPages).map((value) => ({ kind: 'pages' as const, value })),
  );
}

export async function writeOp(ghost: Ghost, op: GhostOp): Promise<void> {
  switch (op.kind) {
    case 'u8':
      return ghost.writeU8(op.value);
    case 'u16':
      return ghost.writeU16(op.value);
    case 'u32':
      return ghost.writeU32(op.value);
    case 'i32':
      return ghost.writeI32(op.value);
    case 'f64':
      return ghost.writeF64(op.value);
    case 'u64':
      return ghost.writeU64(op.value);
    case 'i64':
      return ghost.writeI64(op.value);
    case 'bool':
      return ghost.writeBool(op.value);
    case 'string':
      return ghost.writeString(op.value);
    case 'bytes':
      return ghost.writeBytes(op.value);
    case 'record':
      return ghost.writeRecord(op.value);
    case 'pages':
      return ghost.writePages(op.value);
  }
}

export async function readOp(ghost: Ghost, kind: GhostOp['kind']): Promise<unknown> {
  switch (kind) {
    case 'u8':
      return ghost.readU8();
    case 'u16':
      return ghost.readU16();
    case 'u32':
      return ghost.readU32();
    case 'i32':
      return ghost.readI32();
    case 'f64':
      return ghost.readF64();
    case 'u64':
      return ghost.readU64();
    case 'i64':
      return ghost.readI64();
    case 'bool':
      return ghost.readBool();
    case 'string':
      return ghost.readString();
    case 'bytes':
      return ghost.readBytes();
    case 'record':
      return ghost.readRecord();
    case 'pages':
      return ghost.readPages();
  }
}

export async function writeAll(ghost: Ghost, ops: readonly GhostOp[]): Promise<void> {
  for (const op of ops) await writeOp(ghost, op);
}

/** Reads back `ops` in order, checks each value, then the end marker. */
export async function readAllAndCheck(ghost: Ghost, ops: readonly GhostOp[]): Promise<void> {
  for (const op of ops) {
    const value = await readOp(ghost, op.kind);
    if (op.kind === 'f64')
      expect(Object.is(value, op.value) || (Number.isNaN(value) && Number.isNaN(op.value))).toBe(
        true,
      );
    else if (op.kind === 'pages' || op.kind === 'bytes') {
      // Byte-wise deep equality is slow on page runs; compare as buffers.
      expect(value).toBeInstanceOf(Uint8Array);
      expect((value as Uint8Array).constructor).toBe(Uint8Array);
      expect(Buffer.compare(value as Uint8Array, op.value)).toBe(0);
    } else expect(value).toStrictEqual(op.value);
  }
  await ghost.readEnd();
}
