// A minimal ELF64 riscv64 writer for tests: enough to wrap generated code and
// data into an executable that both qemu-riscv64 and the hart run, and to
// build malformed files for the loader tests (patch the result's bytes).

export interface WriterSegment {
  readonly vaddr: number;
  readonly bytes: Uint8Array;
  /** Default: bytes.length. */
  readonly memsz?: number;
  /** PF_R=4 | PF_W=2 | PF_X=1. */
  readonly flags: number;
}

export interface WriterOptions {
  readonly entry: number;
  readonly segments: readonly WriterSegment[];
  /** e_type; default ET_EXEC (2). */
  readonly type?: number;
  /** Extra program headers appended after the PT_LOADs (type, flags only). */
  readonly extraPhdrTypes?: readonly number[];
  /** When set, the first PT_LOAD also covers the ELF header and program headers
   *  (as ld does), starting at this page-aligned address; its bytes then
   *  follow the headers at `vaddr`, which must leave room for them. */
  readonly headersAt?: number;
}

const PAGE = 4096;

/** Offsets of the program-header fields, for tests that corrupt them. */
export const PHDR_OFFSET = 64;
export const PHDR_SIZE = 56;

export function writeElf(options: WriterOptions): Uint8Array {
  const phnum = options.segments.length + (options.extraPhdrTypes?.length ?? 0);
  const headerBytes = 64 + phnum * PHDR_SIZE;
  // Place each segment at a file offset congruent to its vaddr modulo the page.
  const offsets: number[] = [];
  let cursor = headerBytes;
  options.segments.forEach((segment, index) => {
    if (index === 0 && options.headersAt !== undefined) {
      const offset = segment.vaddr - options.headersAt;
      if (offset < headerBytes) throw new Error('writeElf: first segment overlaps the headers');
      offsets.push(offset);
      cursor = offset + segment.bytes.length;
      return;
    }
    const pageOffset = segment.vaddr % PAGE;
    let offset = cursor - (cursor % PAGE) + pageOffset;
    if (offset < cursor) offset += PAGE;
    offsets.push(offset);
    cursor = offset + segment.bytes.length;
  });
  const file = new Uint8Array(cursor);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  view.setUint16(16, options.type ?? 2, true);
  view.setUint16(18, 243, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, BigInt(options.entry), true);
  view.setBigUint64(32, 64n, true); // e_phoff
  view.setUint32(48, 0x5, true); // e_flags: RVC | float ABI double
  view.setUint16(52, 64, true);
  view.setUint16(54, PHDR_SIZE, true);
  view.setUint16(56, phnum, true);
  options.segments.forEach((segment, index) => {
    const at = PHDR_OFFSET + index * PHDR_SIZE;
    const offset = offsets[index] ?? 0;
    const covered = index === 0 && options.headersAt !== undefined;
    const fileStart = covered ? 0 : offset;
    const vaddr = covered ? (options.headersAt ?? 0) : segment.vaddr;
    const lead = offset - fileStart;
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 4, segment.flags, true);
    view.setBigUint64(at + 8, BigInt(fileStart), true);
    view.setBigUint64(at + 16, BigInt(vaddr), true);
    view.setBigUint64(at + 24, BigInt(vaddr), true);
    view.setBigUint64(at + 32, BigInt(lead + segment.bytes.length), true);
    view.setBigUint64(at + 40, BigInt(lead + (segment.memsz ?? segment.bytes.length)), true);
    view.setBigUint64(at + 48, BigInt(PAGE), true);
    file.set(segment.bytes, offset);
  });
  (options.extraPhdrTypes ?? []).forEach((type, extra) => {
    const at = PHDR_OFFSET + (options.segments.length + extra) * PHDR_SIZE;
    view.setUint32(at, type, true);
    view.setUint32(at + 4, 4, true);
  });
  return file;
}
