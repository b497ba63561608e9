// Goal: pipes follow Linux — bytes come out in order across the ring's wrap,
// small writes are atomic, EOF only after the last writer, EPIPE after the
// last reader, and waiters are woken by the change they wait for. Method:
// direct cases and a seeded property test against a byte-array model.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PIPE_ATOMIC_BYTES, PIPE_CAPACITY_BYTES } from '../limits.js';
import { O_NONBLOCK, O_RDONLY, O_WRONLY } from './open-flags.js';
import { Pipe } from './pipe.js';

const bytes = (n: number, seed = 0) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('Pipe', () => {
  test('reads what was written, then blocks, then sees EOF when the writer closes', () => {
    const pipe = new Pipe();
    const { reader, writer } = pipe.open(0);
    expect(reader.statusFlags).toBe(O_RDONLY);
    expect(writer.statusFlags).toBe(O_WRONLY);
    expect(pipe.write(bytes(10))).toEqual({ kind: 'written', count: 10 });
    expect(pipe.read(4)).toEqual({ kind: 'data', bytes: bytes(10).subarray(0, 4) });
    expect(pipe.read(100)).toEqual({ kind: 'data', bytes: bytes(10).subarray(4) });
    expect(pipe.read(1)).toEqual({ kind: 'block' });
    let woken = 0;
    pipe.readable.add(() => woken++);
    writer.release();
    expect(woken).toBe(1);
    expect(pipe.read(1)).toEqual({ kind: 'eof' });
    reader.release();
  });

  test('a shared write end keeps the pipe open until its last reference goes', () => {
    const pipe = new Pipe();
    const { writer } = pipe.open(0);
    writer.retain(); // dup or fork
    writer.release();
    expect(pipe.read(1)).toEqual({ kind: 'block' });
    writer.release();
    expect(pipe.read(1)).toEqual({ kind: 'eof' });
  });

  test('small writes are atomic; large ones fill what fits', () => {
    const pipe = new Pipe();
    pipe.open(O_NONBLOCK);
    expect(pipe.write(bytes(PIPE_CAPACITY_BYTES - 100))).toEqual({
      kind: 'written',
      count: PIPE_CAPACITY_BYTES - 100,
    });
    expect(pipe.write(bytes(200))).toEqual({ kind: 'block' });
    expect(pipe.write(bytes(PIPE_ATOMIC_BYTES + 1))).toEqual({ kind: 'written', count: 100 });
    expect(pipe.write(bytes(1))).toEqual({ kind: 'block' });
  });

  test('a write with no reader left is EPIPE and wakes blocked writers', () => {
    const pipe = new Pipe();
    const { reader } = pipe.open(0);
    pipe.write(bytes(PIPE_CAPACITY_BYTES));
    let woken = 0;
    pipe.writable.add(() => woken++);
    reader.release();
    expect(woken).toBe(1);
    expect(pipe.write(bytes(1))).toEqual({ kind: 'epipe' });
  });

  test('keeps byte order across the ring wrap (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 20000 })), { maxLength: 60 }),
        (steps) => {
          const pipe = new Pipe();
          pipe.open(0);
          const model: number[] = [];
          let seed = 0;
          for (const [isWrite, n] of steps) {
            if (isWrite) {
              const data = bytes(n, seed++);
              const r = pipe.write(data);
              if (r.kind === 'written') model.push(...data.subarray(0, r.count));
              else
                expect(PIPE_CAPACITY_BYTES - model.length).toBeLessThan(
                  n <= PIPE_ATOMIC_BYTES ? n : 1,
                );
            } else {
              const r = pipe.read(n);
              if (model.length === 0) expect(r.kind).toBe('block');
              else expect(r).toEqual({ kind: 'data', bytes: Uint8Array.from(model.splice(0, n)) });
            }
            expect(pipe.bufferedBytes).toBe(model.length);
          }
        },
      ),
      { seed: Number(process.env.KRG_SEED ?? 20261125), numRuns: 100 },
    );
  });
});
