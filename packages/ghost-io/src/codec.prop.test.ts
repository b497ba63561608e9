import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './codec.js';
import { CodecMalformed } from './errors.js';
import { codecValue, seeded } from './ghost-ops.test-util.js';

describe('codec properties', () => {
  it('round-trips every supported value exactly', () => {
    fc.assert(
      fc.property(codecValue, (value) => {
        expect(decodeValue(encodeValue(value))).toStrictEqual(value);
      }),
      seeded(500),
    );
  });

  it('decodes arbitrary bytes to a value or a CodecMalformed, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeValue(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CodecMalformed);
        }
      }),
      seeded(2000),
    );
  });
});
