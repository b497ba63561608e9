import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfInvalid, ElfNotSupported } from '../errors.js';
import { ELF_FILE_MAX_BYTES, ELF_SEGMENT_MAX_BYTES, USER_ADDRESS_END } from '../limits.js';
import { guestPath } from '../test-support/guests.test-util.js';
import { PHDR_OFFSET, PHDR_SIZE, writeElf } from '../test-support/elf-writer.test-util.js';
import { parseElf } from './parse-elf.js';

const code = new Uint8Array([0x13, 0x00, 0x00, 0x00]); // nop

function simple(): Uint8Array {
  return writeElf({
    entry: 0x10000 + 0x1000,
    headersAt: 0x10000,
    segments: [
      { vaddr: 0x11000, bytes: code, flags: 5 },
      { vaddr: 0x12010, bytes: new Uint8Array([1, 2, 3]), memsz: 0x100, flags: 6 },
    ],
  });
}

function expectInvalid(file: Uint8Array, field: RegExp): ElfInvalid {
  try {
    parseElf(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ElfInvalid);
    const invalid = error as ElfInvalid;
    expect(invalid.code).toBe('ELF_INVALID');
    expect(invalid.field).toMatch(field);
    return invalid;
  }
  throw new Error('expected ElfInvalid');
}

function patch(file: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = file.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

const phdr = (index: number, field: number): number => PHDR_OFFSET + index * PHDR_SIZE + field;

describe('parseElf on written images', () => {
  it('describes entry, segments, program headers and brk', () => {
    const image = parseElf(simple());
    expect(image.kind).toBe('exec');
    expect(image.entry).toBe(0x11000);
    expect(image.phnum).toBe(2);
    expect(image.phentSize).toBe(56);
    expect(image.phdrAddress).toBe(0x10040);
    expect(image.segments).toHaveLength(2);
    const [text, data] = image.segments;
    expect(text?.vaddr).toBe(0x10000);
    expect(text?.isExecutable && text.isReadable && !text.isWritable).toBe(true);
    expect(text?.fileBytes.subarray(0x1000)).toEqual(code);
    expect(data?.vaddr).toBe(0x12010);
    expect(data?.memsz).toBe(0x100);
    expect(Array.from(data?.fileBytes ?? [])).toEqual([1, 2, 3]);
    expect(data?.isWritable && !data.isExecutable).toBe(true);
    expect(image.brkStart).toBe(0x13000);
  });

  it('reports AT_PHDR 0 when no segment maps the headers (as Linux does)', () => {
    const file = writeElf({
      entry: 0x20000,
      segments: [{ vaddr: 0x20000, bytes: code, flags: 5 }],
    });
    expect(parseElf(file).phdrAddress).toBe(0);
  });

  it('places a static-pie at the ET_DYN base', () => {
    const file = writeElf({
      type: 3,
      entry: 0x1000,
      headersAt: 0,
      segments: [{ vaddr: 0x1000, bytes: code, flags: 5 }],
    });
    const image = parseElf(file, { dynBase: 0x4000_0000 });
    expect(image.kind).toBe('static-pie');
    expect(image.loadBias).toBe(0x4000_0000);
    expect(image.entry).toBe(0x4000_1000);
    expect(image.phdrAddress).toBe(0x4000_0040);
  });

  it('rejects truncated files at every length', () => {
    const file = simple();
    for (const length of [0, 3, 16, 63, 64, 100, 64 + 56, 0x1000, 0x1003]) {
      expectInvalid(
        file.subarray(0, length),
        /file size|program headers|file range|p_offset|p_filesz/,
      );
    }
  });

  it('names the bad identification field', () => {
    const file = simple();
    expectInvalid(
      patch(file, (v) => v.setUint8(0, 0x7e)),
      /magic/,
    );
    expectInvalid(
      patch(file, (v) => v.setUint8(4, 1)),
      /class/,
    );
    expectInvalid(
      patch(file, (v) => v.setUint8(5, 2)),
      /data/,
    );
    expectInvalid(
      patch(file, (v) => v.setUint8(6, 0)),
      /version/,
    );
    const x86 = expectInvalid(
      patch(file, (v) => v.setUint16(18, 62, true)),
      /e_machine/,
    );
    expect(x86.found).toBe('62');
    expectInvalid(
      patch(file, (v) => v.setUint16(16, 4, true)),
      /e_type/,
    ); // ET_CORE
    expectInvalid(
      patch(file, (v) => v.setUint16(54, 32, true)),
      /e_phentsize/,
    );
    expectInvalid(
      patch(file, (v) => v.setUint16(56, 0, true)),
      /e_phnum/,
    );
    expectInvalid(
      patch(file, (v) => v.setUint16(56, 1000, true)),
      /e_phnum/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(32, 1n << 62n, true)),
      /e_phoff/,
    );
  });

  it('rejects dynamically linked executables as not supported', () => {
    const file = writeElf({
      entry: 0x10000,
      segments: [{ vaddr: 0x10000, bytes: code, flags: 5 }],
      extraPhdrTypes: [3],
    });
    expect(() => parseElf(file)).toThrow(ElfNotSupported);
    const dynamic = writeElf({
      entry: 0x10000,
      segments: [{ vaddr: 0x10000, bytes: code, flags: 5 }],
      extraPhdrTypes: [2],
    });
    expect(() => parseElf(dynamic)).toThrow(/PT_DYNAMIC/);
  });

  it('rejects bad segments', () => {
    const file = simple();
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 32), 0x200n, true)),
      /p_filesz/,
    ); // filesz > memsz
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 40), BigInt(ELF_SEGMENT_MAX_BYTES) + 1n, true)),
      /p_memsz/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 40), 1n << 63n, true)),
      /p_memsz/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 8), 1n << 40n, true)),
      /p_offset/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 48), 3000n, true)),
      /p_align/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 16), 0x12011n, true)),
      /p_vaddr/,
    ); // vaddr ≢ offset
    // overlapping: move the data segment onto the text page
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 16), 0x10010n, true)),
      /address range/,
    );
    // outside the user range: below mmap_min_addr, above TASK_SIZE
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 16), 0x2010n, true)),
      /p_vaddr/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(phdr(1, 16), BigInt(USER_ADDRESS_END) + 0x10n, true)),
      /p_vaddr/,
    );
    const nearTop = patch(file, (v) => {
      v.setBigUint64(phdr(1, 16), BigInt(USER_ADDRESS_END) - 0xff0n, true);
      v.setBigUint64(phdr(1, 40), 0x2000n, true);
    });
    expectInvalid(nearTop, /end/);
    // entry outside any executable segment
    expectInvalid(
      patch(file, (v) => v.setBigUint64(24, 0x12010n, true)),
      /e_entry/,
    );
    expectInvalid(
      patch(file, (v) => v.setBigUint64(24, 1n << 63n, true)),
      /e_entry/,
    );
  });

  it('rejects a file without PT_LOAD and a file above the size limit', () => {
    const file = patch(simple(), (v) => {
      v.setUint32(phdr(0, 0), 4, true);
      v.setUint32(phdr(1, 0), 4, true);
    });
    expectInvalid(file, /program headers/);
    const huge = new Uint8Array(ELF_FILE_MAX_BYTES + 1);
    huge.set(simple());
    expectInvalid(huge, /file size/);
  });
});

describe('parseElf on the committed guests', () => {
  it.each(['arith', 'atomics', 'hello', 'sort'])('%s: matches readelf facts', (name) => {
    const file = new Uint8Array(readFileSync(guestPath(name)));
    const image = parseElf(file);
    expect(image.kind).toBe('exec');
    expect(image.phdrAddress).toBe(0x10040);
    expect(image.segments.length).toBeGreaterThanOrEqual(2);
    expect(image.segments.some((s) => s.isExecutable)).toBe(true);
    const last = image.segments[image.segments.length - 1];
    expect(image.brkStart).toBe(Math.ceil(((last?.vaddr ?? 0) + (last?.memsz ?? 0)) / 4096) * 4096);
  });
});
