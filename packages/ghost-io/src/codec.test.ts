import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './codec.js';
import { CodecMalformed, CodecUnsupportedValue } from './errors.js';
import { CODEC_MAX_DEPTH } from './limits.js';

describe('codec', () => {
  it('keeps numbers numbers and bigints bigints across the 64-bit range', () => {
    for (const value of [
      0,
      1,
      -1,
      2 ** 31,
      2 ** 40,
      Number.MAX_SAFE_INTEGER,
      -(2 ** 53),
      1.5,
      Infinity,
    ]) {
      expect(decodeValue(encodeValue(value))).toBe(value);
    }
    for (const value of [0n, 5n, -5n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n]) {
      expect(decodeValue(encodeValue(value))).toBe(value);
    }
    expect(decodeValue(encodeValue(NaN))).toBeNaN();
  });

  it('decodes -0 as 0 (the documented lossy case)', () => {
    expect(Object.is(decodeValue(encodeValue(-0)), 0)).toBe(true);
  });

  it('keeps Maps as Maps and objects as plain objects', () => {
    const value = {
      a: new Map<unknown, unknown>([
        [1, 'x'],
        ['k', { z: [1, 2] }],
      ]),
      b: undefined,
      c: null,
    };
    const decoded = decodeValue(encodeValue(value)) as typeof value;
    expect(decoded).toStrictEqual(value);
    expect(decoded.a).toBeInstanceOf(Map);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('decodes byte arrays as plain Uint8Array copies, also from a Buffer', () => {
    const bytes = encodeValue({ data: Buffer.from([1, 2, 3]) });
    const decoded = decodeValue(bytes) as { data: Uint8Array };
    expect(decoded.data.constructor).toBe(Uint8Array);
    expect([...decoded.data]).toEqual([1, 2, 3]);
    bytes.fill(0);
    expect([...decoded.data]).toEqual([1, 2, 3]);
  });

  it('encodes each value on its own: a later encode does not change an earlier result', () => {
    const first = encodeValue({ a: 1, b: 'x' });
    const copy = first.slice();
    encodeValue({ a: 2, b: 'y' });
    encodeValue({ c: [1, 2, 3] });
    // well past msgpackr's 8 KiB arena, so it has moved on to fresh ones
    for (let i = 0; i < 2000; i++) encodeValue({ i, pad: 'x'.repeat(i % 300) });
    expect(first).toStrictEqual(copy);
    expect(decodeValue(first)).toStrictEqual({ a: 1, b: 'x' });
  });

  it('refuses values outside its kinds before writing anything', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    let deep: unknown = 1;
    for (let i = 0; i <= CODEC_MAX_DEPTH; i++) deep = [deep];
    const refused: unknown[] = [
      2n ** 64n,
      -(2n ** 63n) - 1n,
      () => 1,
      Symbol('s'),
      new Date(0),
      new Set([1]),
      new Int32Array(2),
      new (class Point {
        x = 1;
      })(),
      'lone \ud800 surrogate',
      cycle,
      deep,
      { [Symbol('k')]: 1 },
      JSON.parse('{"__proto__": {"polluted": true}}'),
    ];
    for (const value of refused) {
      expect(() => encodeValue(value), String(typeof value)).toThrow(CodecUnsupportedValue);
    }
  });

  it('reports the path of the unsupported part', () => {
    expect(() => encodeValue({ a: [1, { b: new Date(0) }] })).toThrow(/value\.a\[1\]\.b/);
  });

  it('throws CodecMalformed on empty, truncated, trailing and nonsense input', () => {
    const good = encodeValue({ a: [1, 2, 3], s: 'hello' });
    const bad = [
      new Uint8Array(0),
      good.subarray(0, good.length - 1),
      Uint8Array.from([...good, 0]),
      Uint8Array.from([0xc1]),
      Uint8Array.from([0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2]),
      Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 1, 2]),
      new Uint8Array(100_000).fill(0x91),
    ];
    for (const bytes of bad) expect(() => decodeValue(bytes)).toThrow(CodecMalformed);
    // the codec still works after a failed decode
    expect(decodeValue(good)).toStrictEqual({ a: [1, 2, 3], s: 'hello' });
  });

  it('does not let a decoded "__proto__" key change a prototype', () => {
    // a msgpack map {"__proto__": {"polluted": true}} decodes as a Map, harmlessly
    const bytes = Uint8Array.from([
      0x81,
      0xa9,
      ...Buffer.from('__proto__'),
      0x81,
      0xa8,
      ...Buffer.from('polluted'),
      0xc3,
    ]);
    const decoded = decodeValue(bytes);
    expect(decoded).toBeInstanceOf(Map);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
