// Goal: the mmap family follows Linux's rules (alignment, errnos, MAP_FIXED
// replacement, holes, brk limits, mremap in place and moving) and a failed
// call changes nothing. Method: direct cases, then a seeded property test
// checking the VMA invariants after random call sequences against a
// page-granular model of what is mapped with which protection.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  AddressMap,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MMAP_BASE,
  MREMAP_MAYMOVE,
  PAGE_BYTES,
  permString,
} from './index.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '@krg/arch-riscv';

const P = PAGE_BYTES;
const RW = PROT_READ | PROT_WRITE;
const anon = (addr: number, length: number, flags = 0, prot = RW) =>
  ({ addr, length, prot, flags: MAP_PRIVATE | MAP_ANONYMOUS | flags }) as const;

function mapped(m: AddressMap): string[] {
  return m.vmas
    .list()
    .map((v) => `${v.start.toString(16)}-${v.end.toString(16)} ${permString(v)} ${v.kind}`);
}

describe('mmap', () => {
  test('places mappings top-down below mmap_base and rounds lengths up', () => {
    const m = new AddressMap();
    const a = m.mmap(anon(0, 1));
    const b = m.mmap(anon(0, 3 * P));
    expect(a).toEqual({ ok: true, addr: MMAP_BASE - P, effects: [] });
    expect(b).toMatchObject({ ok: true, addr: MMAP_BASE - 4 * P });
    // Two anonymous neighbours with the same rights merge, as on Linux.
    expect(m.vmas.count).toBe(1);
  });

  test('uses a free, page-aligned hint and ignores a busy one', () => {
    const m = new AddressMap();
    expect(m.mmap(anon(0x20000, P))).toMatchObject({ addr: 0x20000 });
    expect(m.mmap(anon(0x20000, P))).toMatchObject({ addr: MMAP_BASE - P });
  });

  test('MAP_FIXED replaces what was there and reports the dropped pages', () => {
    const m = new AddressMap();
    m.mmap(anon(0x100000, 4 * P, MAP_FIXED));
    const r = m.mmap(anon(0x101000, P, MAP_FIXED, PROT_READ));
    expect(r).toEqual({
      ok: true,
      addr: 0x101000,
      effects: [{ kind: 'drop', start: 0x101000, end: 0x102000 }],
    });
    expect(mapped(m)).toEqual([
      '100000-101000 rw-p anon',
      '101000-102000 r--p anon',
      '102000-104000 rw-p anon',
    ]);
  });

  test('rejects what Linux rejects', () => {
    const m = new AddressMap();
    expect(m.mmap(anon(0, 0))).toEqual({ ok: false, errno: 'EINVAL' });
    expect(m.mmap(anon(0x100001, P, MAP_FIXED))).toEqual({ ok: false, errno: 'EINVAL' });
    expect(m.mmap({ addr: 0, length: P, prot: RW, flags: MAP_ANONYMOUS })).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    expect(
      m.mmap({ addr: 0, length: P, prot: RW, flags: MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS }),
    ).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    expect(m.mmap(anon(0, P, 0, 8))).toEqual({ ok: false, errno: 'EINVAL' });
    expect(m.mmap(anon(0, P, 0x40000000))).toEqual({ ok: false, errno: 'EINVAL' });
    expect(m.mmap(anon(0x1000, P, MAP_FIXED))).toEqual({ ok: false, errno: 'EPERM' });
    expect(m.mmap(anon(0, 2 ** 40))).toEqual({ ok: false, errno: 'ENOMEM' });
    m.mmap(anon(0x100000, P, MAP_FIXED));
    expect(m.mmap(anon(0x100000, P, MAP_FIXED_NOREPLACE))).toEqual({ ok: false, errno: 'EEXIST' });
    expect(m.vmas.count).toBe(1);
  });
});

describe('munmap', () => {
  test('splits a mapping and tolerates holes', () => {
    const m = new AddressMap();
    m.mmap(anon(0x100000, 8 * P, MAP_FIXED));
    expect(m.munmap(0x102000, 2 * P)).toEqual({
      ok: true,
      addr: 0,
      effects: [{ kind: 'drop', start: 0x102000, end: 0x104000 }],
    });
    expect(m.munmap(0x102000, 2 * P)).toEqual({ ok: true, addr: 0, effects: [] });
    expect(mapped(m)).toEqual(['100000-102000 rw-p anon', '104000-108000 rw-p anon']);
    expect(m.munmap(0x100001, P)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(m.munmap(0x100000, 0)).toEqual({ ok: false, errno: 'EINVAL' });
  });
});

describe('mprotect', () => {
  test('changes part of a mapping and merges back', () => {
    const m = new AddressMap();
    m.mmap(anon(0x100000, 4 * P, MAP_FIXED));
    expect(m.mprotect(0x101000, P, PROT_READ | PROT_EXEC)).toMatchObject({ ok: true });
    expect(mapped(m)).toEqual([
      '100000-101000 rw-p anon',
      '101000-102000 r-xp anon',
      '102000-104000 rw-p anon',
    ]);
    expect(m.mprotect(0x101000, P, RW)).toMatchObject({ ok: true });
    expect(mapped(m)).toEqual(['100000-104000 rw-p anon']);
  });

  test('fails with ENOMEM over a hole and changes nothing', () => {
    const m = new AddressMap();
    m.mmap(anon(0x100000, P, MAP_FIXED));
    m.mmap(anon(0x102000, P, MAP_FIXED));
    expect(m.mprotect(0x100000, 3 * P, PROT_READ)).toEqual({ ok: false, errno: 'ENOMEM' });
    expect(mapped(m)).toEqual(['100000-101000 rw-p anon', '102000-103000 rw-p anon']);
    expect(m.mprotect(0x100800, P, PROT_READ)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(m.mprotect(0x100000, 0, PROT_READ)).toMatchObject({ ok: true });
  });
});

describe('brk', () => {
  test('grows and shrinks the heap, keeping the unaligned break', () => {
    const m = new AddressMap();
    m.setBrkStart(0x80000);
    expect(m.setBrk(0).brk).toBe(0x80000);
    expect(m.setBrk(0x80010).brk).toBe(0x80010);
    expect(mapped(m)).toEqual(['80000-81000 rw-p heap']);
    expect(m.setBrk(0x83000).brk).toBe(0x83000);
    expect(mapped(m)).toEqual(['80000-83000 rw-p heap']);
    expect(m.setBrk(0x81000)).toEqual({
      brk: 0x81000,
      effects: [{ kind: 'drop', start: 0x81000, end: 0x83000 }],
    });
    expect(m.setBrk(0x7f000).brk).toBe(0x81000);
  });

  test('refuses to grow into another mapping', () => {
    const m = new AddressMap();
    m.setBrkStart(0x80000);
    m.mmap(anon(0x82000, P, MAP_FIXED));
    expect(m.setBrk(0x81000).brk).toBe(0x81000);
    expect(m.setBrk(0x83000).brk).toBe(0x81000);
  });
});

describe('mremap', () => {
  test('shrinks, grows in place, and moves when it must', () => {
    const m = new AddressMap();
    m.mmap(anon(0x100000, 4 * P, MAP_FIXED));
    expect(m.mremap(0x100000, 4 * P, 2 * P, 0)).toMatchObject({ ok: true, addr: 0x100000 });
    expect(m.mremap(0x100000, 2 * P, 3 * P, 0)).toEqual({ ok: true, addr: 0x100000, effects: [] });
    m.mmap(anon(0x103000, P, MAP_FIXED, PROT_READ));
    expect(m.mremap(0x100000, 3 * P, 5 * P, 0)).toEqual({ ok: false, errno: 'ENOMEM' });
    const moved = m.mremap(0x100000, 3 * P, 5 * P, MREMAP_MAYMOVE);
    expect(moved).toEqual({
      ok: true,
      addr: MMAP_BASE - 5 * P,
      effects: [{ kind: 'move', from: 0x100000, to: MMAP_BASE - 5 * P, length: 3 * P }],
    });
    expect(m.vmas.find(0x100000)).toBeUndefined();
    expect(m.mremap(0x200000, P, 2 * P, MREMAP_MAYMOVE)).toEqual({ ok: false, errno: 'EFAULT' });
  });
});

describe('AddressMap against a page model (property)', () => {
  test('random call sequences keep VMAs sorted, disjoint, merged and equal to the model', () => {
    const BASE = 0x100000;
    const PAGES = 64;
    const call = fc.record({
      op: fc.constantFrom('mmap', 'munmap', 'mprotect'),
      page: fc.integer({ min: 0, max: PAGES - 1 }),
      count: fc.integer({ min: 1, max: 12 }),
      prot: fc.constantFrom(PROT_READ, RW, PROT_READ | PROT_EXEC),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), (calls) => {
        const m = new AddressMap();
        const model = new Array<number | undefined>(PAGES + 12).fill(undefined);
        for (const c of calls) {
          const addr = BASE + c.page * P;
          const len = c.count * P;
          if (c.op === 'mmap') {
            expect(m.mmap(anon(addr, len, MAP_FIXED, c.prot)).ok).toBe(true);
            for (let i = 0; i < c.count; i++) model[c.page + i] = c.prot;
          } else if (c.op === 'munmap') {
            expect(m.munmap(addr, len).ok).toBe(true);
            for (let i = 0; i < c.count; i++) model[c.page + i] = undefined;
          } else {
            const covered = model.slice(c.page, c.page + c.count).every((p) => p !== undefined);
            expect(m.mprotect(addr, len, c.prot).ok).toBe(covered);
            if (covered) for (let i = 0; i < c.count; i++) model[c.page + i] = c.prot;
          }
          const vmas = m.vmas.list();
          for (let i = 1; i < vmas.length; i++) {
            expect(vmas[i - 1]!.end).toBeLessThanOrEqual(vmas[i]!.start);
            const touching = vmas[i - 1]!.end === vmas[i]!.start;
            expect(touching && vmas[i - 1]!.prot === vmas[i]!.prot).toBe(false);
          }
          for (let i = 0; i < model.length; i++) {
            expect(m.vmas.find(BASE + i * P)?.prot).toBe(model[i]);
          }
        }
      }),
      { seed: Number(process.env.KRG_SEED ?? 20261125), numRuns: 150 },
    );
  });
});
