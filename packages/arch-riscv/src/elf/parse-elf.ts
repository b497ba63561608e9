// Parsing and validating a static riscv64 ELF64 executable, as a pure
// function: the caller maps the described segments only after this returns,
// so a malformed file maps nothing. The checks follow what Linux's
// load_elf_binary refuses, made stricter where Linux would map garbage
// (overlapping segments, addresses outside the user range).

import { ElfInvalid, ElfNotSupported } from '../errors.js';
import {
  ELF_FILE_MAX_BYTES,
  ELF_ET_DYN_BASE,
  ELF_IMAGE_MAX_BYTES,
  ELF_PHDR_TABLE_MAX_BYTES,
  ELF_SEGMENT_MAX_BYTES,
  PAGE_SIZE_BYTES,
  USER_ADDRESS_END,
  USER_ADDRESS_MIN,
} from '../limits.js';
import {
  E_ENTRY,
  E_MACHINE,
  E_PHENTSIZE,
  E_PHNUM,
  E_PHOFF,
  E_TYPE,
  E_VERSION,
  EHDR_BYTES,
  EI_CLASS,
  EI_DATA,
  EI_VERSION,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_RISCV,
  ET_DYN,
  ET_EXEC,
  EV_CURRENT,
  P_ALIGN,
  P_FILESZ,
  P_FLAGS,
  P_MEMSZ,
  P_OFFSET,
  P_TYPE,
  P_VADDR,
  PF_R,
  PF_W,
  PF_X,
  PHDR_BYTES,
  PT_DYNAMIC,
  PT_INTERP,
  PT_LOAD,
} from './elf64.js';

/** One PT_LOAD segment, relocated by the load bias. */
export interface ElfSegment {
  /** First guest address of the segment (not necessarily page aligned). */
  readonly vaddr: number;
  /** Bytes the segment occupies in memory; those past `fileBytes` are zero. */
  readonly memsz: number;
  /** The bytes copied from the file to `vaddr` (a view into the input, length p_filesz). */
  readonly fileBytes: Uint8Array;
  readonly isReadable: boolean;
  readonly isWritable: boolean;
  readonly isExecutable: boolean;
}

/** What the kernel needs to map and start an executable. */
export interface ElfImage {
  /** `ET_EXEC` (fixed addresses) or `ET_DYN` (static-pie, placed at `loadBias`). */
  readonly kind: 'exec' | 'static-pie';
  /** Added to every p_vaddr: 0 for ET_EXEC. */
  readonly loadBias: number;
  /** First instruction to run (e_entry + loadBias): AT_ENTRY and the initial pc. */
  readonly entry: number;
  /** PT_LOAD segments sorted by address, non-overlapping. */
  readonly segments: readonly ElfSegment[];
  /** Guest address of the program headers (AT_PHDR), found as Linux does it:
   *  inside the PT_LOAD that covers e_phoff. 0 when no segment maps them. */
  readonly phdrAddress: number;
  /** Size of one program header (AT_PHENT): 56. */
  readonly phentSize: number;
  /** Count of program headers (AT_PHNUM). */
  readonly phnum: number;
  /** Start of the heap (the initial brk): end of the highest segment, page aligned. */
  readonly brkStart: number;
}

export interface ParseElfOptions {
  /** Base for a static-pie image, page aligned; default ELF_ET_DYN_BASE. */
  readonly dynBase?: number;
}

const hex = (value: number | bigint): string => `0x${value.toString(16)}`;

function fail(field: string, expected: string, found: string): never {
  throw new ElfInvalid(field, expected, found);
}

/** Reads a u64 field and proves it fits below `max` before it becomes a number. */
function readBounded(view: DataView, offset: number, max: number, field: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(max)) fail(field, `at most ${hex(max)}`, hex(value));
  return Number(value);
}

function isPowerOfTwo(value: number): boolean {
  // Values reach 2^38: no 32-bit bitwise tricks.
  return value > 0 && Number.isInteger(Math.log2(value));
}

/**
 * Parses and validates a static riscv64 ELF64 executable. Throws ElfInvalid
 * (naming the field) for a malformed file and ElfNotSupported for a
 * well-formed one this loader does not run (dynamically linked).
 */
export function parseElf(file: Uint8Array, options: ParseElfOptions = {}): ElfImage {
  if (file.length > ELF_FILE_MAX_BYTES) {
    fail('file size', `at most ${ELF_FILE_MAX_BYTES} bytes`, `${file.length} bytes`);
  }
  if (file.length < EHDR_BYTES) {
    fail('file size', `at least the ${EHDR_BYTES}-byte ELF header`, `${file.length} bytes`);
  }
  for (let i = 0; i < ELF_MAGIC.length; i++) {
    if (file[i] !== ELF_MAGIC[i]) {
      fail('e_ident magic', '7f 45 4c 46', hexBytes(file.subarray(0, 4)));
    }
  }
  if (file[EI_CLASS] !== ELFCLASS64) fail('e_ident class', 'ELFCLASS64 (2)', `${file[EI_CLASS]}`);
  if (file[EI_DATA] !== ELFDATA2LSB) {
    fail('e_ident data', 'ELFDATA2LSB (1, little endian)', `${file[EI_DATA]}`);
  }
  if (file[EI_VERSION] !== EV_CURRENT) fail('e_ident version', '1', `${file[EI_VERSION]}`);

  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const machine = view.getUint16(E_MACHINE, true);
  if (machine !== EM_RISCV) fail('e_machine', `EM_RISCV (${EM_RISCV})`, `${machine}`);
  const version = view.getUint32(E_VERSION, true);
  if (version !== EV_CURRENT) fail('e_version', '1', `${version}`);
  const type = view.getUint16(E_TYPE, true);
  if (type !== ET_EXEC && type !== ET_DYN) {
    fail('e_type', 'ET_EXEC (2) or ET_DYN (3)', `${type}`);
  }

  const phentSize = view.getUint16(E_PHENTSIZE, true);
  if (phentSize !== PHDR_BYTES) fail('e_phentsize', `${PHDR_BYTES}`, `${phentSize}`);
  const phnum = view.getUint16(E_PHNUM, true);
  if (phnum === 0) fail('e_phnum', 'at least 1 program header', '0');
  const tableBytes = phnum * PHDR_BYTES;
  if (tableBytes > ELF_PHDR_TABLE_MAX_BYTES) {
    fail('e_phnum', `at most ${ELF_PHDR_TABLE_MAX_BYTES / PHDR_BYTES}`, `${phnum}`);
  }
  const phoff = readBounded(view, E_PHOFF, file.length, 'e_phoff');
  if (phoff + tableBytes > file.length) {
    fail(
      'program headers',
      `within the file (${file.length} bytes)`,
      `end at ${phoff + tableBytes}`,
    );
  }
  if (phoff % 8 !== 0) fail('e_phoff', 'a multiple of 8', `${phoff}`);

  // First pass: reject what we do not run, and find where the PT_LOADs sit.
  const loads: number[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_BYTES;
    const ptype = view.getUint32(at + P_TYPE, true);
    if (ptype === PT_INTERP) throw new ElfNotSupported('dynamically linked executable (PT_INTERP)');
    if (ptype === PT_DYNAMIC && type === ET_EXEC) {
      throw new ElfNotSupported('dynamically linked executable (PT_DYNAMIC in ET_EXEC)');
    }
    if (ptype === PT_LOAD) loads.push(at);
  }
  if (loads.length === 0) fail('program headers', 'at least one PT_LOAD', 'none');

  const dynBase = options.dynBase ?? ELF_ET_DYN_BASE;
  if (dynBase % PAGE_SIZE_BYTES !== 0 || dynBase < 0 || dynBase >= USER_ADDRESS_END) {
    fail('dynBase option', 'a page-aligned user address', hex(dynBase));
  }
  // Linux: load_bias = ELF_PAGESTART(ELF_ET_DYN_BASE - first p_vaddr).
  let loadBias = 0;
  if (type === ET_DYN) {
    const firstVaddr = readBounded(
      view,
      (loads[0] ?? 0) + P_VADDR,
      USER_ADDRESS_END,
      'segment 0 p_vaddr',
    );
    loadBias = Math.floor((dynBase - firstVaddr) / PAGE_SIZE_BYTES) * PAGE_SIZE_BYTES;
    if (loadBias < 0)
      fail('segment 0 p_vaddr', `at most ${hex(dynBase)} for a static-pie`, hex(firstVaddr));
  }

  const segments: ElfSegment[] = [];
  let imageBytes = 0;
  let phdrAddress = 0;
  let highestEnd = 0;
  loads.forEach((at, index) => {
    const name = `PT_LOAD ${index}`;
    const flags = view.getUint32(at + P_FLAGS, true);
    const offset = readBounded(view, at + P_OFFSET, file.length, `${name} p_offset`);
    const rawVaddr = readBounded(view, at + P_VADDR, USER_ADDRESS_END, `${name} p_vaddr`);
    const filesz = readBounded(view, at + P_FILESZ, file.length, `${name} p_filesz`);
    const memsz = readBounded(view, at + P_MEMSZ, ELF_SEGMENT_MAX_BYTES, `${name} p_memsz`);
    const align = readBounded(view, at + P_ALIGN, USER_ADDRESS_END, `${name} p_align`);

    if (filesz > memsz) fail(`${name} p_filesz`, `at most p_memsz (${memsz})`, `${filesz}`);
    if (offset + filesz > file.length) {
      fail(
        `${name} file range`,
        `within the file (${file.length} bytes)`,
        `end at ${offset + filesz}`,
      );
    }
    if (align > 1 && !isPowerOfTwo(align))
      fail(`${name} p_align`, '0, 1 or a power of two', `${align}`);
    if (align > 1 && (rawVaddr - offset) % align !== 0) {
      fail(`${name} p_vaddr`, `congruent to p_offset modulo p_align (${align})`, hex(rawVaddr));
    }
    // Pages are mapped as wholes, so a segment's page offset must match its
    // file page offset (Linux's mmap of the file needs the same).
    if ((rawVaddr - offset) % PAGE_SIZE_BYTES !== 0) {
      fail(`${name} p_vaddr`, 'congruent to p_offset modulo the page size', hex(rawVaddr));
    }
    const vaddr = rawVaddr + loadBias;
    const end = vaddr + memsz;
    if (vaddr < USER_ADDRESS_MIN)
      fail(`${name} p_vaddr`, `at least ${hex(USER_ADDRESS_MIN)}`, hex(vaddr));
    if (end > USER_ADDRESS_END) {
      fail(`${name} end`, `at most ${hex(USER_ADDRESS_END)} (user range)`, hex(end));
    }
    imageBytes += memsz;
    if (imageBytes > ELF_IMAGE_MAX_BYTES) {
      fail(
        'total p_memsz of PT_LOAD',
        `at most ${ELF_IMAGE_MAX_BYTES} bytes`,
        `${imageBytes} bytes`,
      );
    }
    for (const [other, earlier] of segments.entries()) {
      if (vaddr < earlier.vaddr + earlier.memsz && earlier.vaddr < end) {
        fail(
          `${name} address range`,
          `no overlap with PT_LOAD ${other} [${hex(earlier.vaddr)}, ${hex(earlier.vaddr + earlier.memsz)})`,
          `[${hex(vaddr)}, ${hex(end)})`,
        );
      }
    }
    if (offset <= phoff && phoff < offset + filesz) phdrAddress = phoff - offset + vaddr;
    highestEnd = Math.max(highestEnd, end);
    segments.push({
      vaddr,
      memsz,
      fileBytes: file.subarray(offset, offset + filesz),
      isReadable: (flags & PF_R) !== 0,
      isWritable: (flags & PF_W) !== 0,
      isExecutable: (flags & PF_X) !== 0,
    });
  });

  const entry = readBounded(view, E_ENTRY, USER_ADDRESS_END, 'e_entry') + loadBias;
  const entrySegment = segments.find((s) => s.vaddr <= entry && entry < s.vaddr + s.memsz);
  if (entrySegment === undefined || !entrySegment.isExecutable) {
    fail('e_entry', 'an address inside an executable PT_LOAD', hex(entry));
  }

  const brkStart = Math.ceil(highestEnd / PAGE_SIZE_BYTES) * PAGE_SIZE_BYTES;
  return {
    kind: type === ET_EXEC ? 'exec' : 'static-pie',
    loadBias,
    entry,
    segments: [...segments].sort((a, b) => a.vaddr - b.vaddr),
    phdrAddress,
    phentSize,
    phnum,
    brkStart,
  };
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
