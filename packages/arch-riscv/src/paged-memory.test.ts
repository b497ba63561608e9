// PagedMemory tests: mapping, permissions per access kind, kernel-side copies
// that fail whole, and the limits on addresses and sizes.
import { describe, expect, it } from 'vitest';
import { AddressInvalid, MappingInvalid, PageNotMapped } from './errors.js';
import { PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE } from './memory.js';
import { PagedMemory } from './paged-memory.js';

describe('PagedMemory', () => {
  it('grants a page only for the accesses its protection allows', () => {
    const m = new PagedMemory();
    m.map(0x10000, 8192, PROT_READ | PROT_EXEC);
    expect(m.page(0x10, 'read')).toHaveLength(4096);
    expect(m.page(0x11, 'execute')).toBe(m.page(0x11, 'read'));
    expect(m.page(0x10, 'write')).toBeUndefined();
    expect(m.page(0x12, 'read')).toBeUndefined();
    m.protect(0x10000, 4096, PROT_NONE);
    expect(m.page(0x10, 'read')).toBeUndefined();
    m.protect(0x10000, 4096, PROT_WRITE);
    expect(m.page(0x10, 'write')).toBeDefined();
    m.unmap(0x10000, 4096);
    expect(m.pageCount).toBe(1);
  });

  it('copies across page boundaries and ignores protection', () => {
    const m = new PagedMemory();
    m.map(0x20000, 8192, PROT_NONE);
    m.write(0x20ffe, new Uint8Array([1, 2, 3, 4]));
    expect([...m.read(0x20ffd, 6)]).toEqual([0, 1, 2, 3, 4, 0]);
    expect(m.isMapped(0x20000, 8192)).toBe(true);
    expect(m.isMapped(0x20000, 8193)).toBe(false);
  });

  it('a copy touching an unmapped page throws and changes nothing', () => {
    const m = new PagedMemory();
    m.map(0x20000, 4096, PROT_READ);
    expect(() => {
      m.write(0x20ffe, new Uint8Array([1, 2, 3, 4]));
    }).toThrow(PageNotMapped);
    expect([...m.read(0x20ffe, 2)]).toEqual([0, 0]);
    expect(() => m.read(0x21000, 1)).toThrow(PageNotMapped);
  });

  it('rejects double mappings, unaligned or out-of-range addresses, without mapping anything', () => {
    const m = new PagedMemory();
    m.map(0x30000, 4096, PROT_READ);
    expect(() => {
      m.map(0x2f000, 8192, PROT_READ);
    }).toThrow(MappingInvalid);
    expect(m.isMapped(0x2f000, 1)).toBe(false);
    expect(() => {
      m.map(0x30001, 4096, PROT_READ);
    }).toThrow(AddressInvalid);
    expect(() => {
      m.map(2 ** 47, 4096, PROT_READ);
    }).toThrow(AddressInvalid);
    expect(() => {
      m.map(-4096, 4096, PROT_READ);
    }).toThrow(AddressInvalid);
    expect(() => m.read(0x30000, -1)).toThrow(AddressInvalid);
  });
});
