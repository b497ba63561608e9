import fc from 'fast-check';
import { describe, it } from 'vitest';
import { memoryPair, rechunking, streamPair } from './channel-pairs.test-util.js';
import { ghostOp, readAllAndCheck, seeded, writeAll } from './ghost-ops.test-util.js';
import { NetworkGhost } from './network-ghost.js';

describe('NetworkGhost properties', () => {
  it('reads back any mixed stream over the in-memory pair (re-chunked, tight flow control)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ghostOp(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        async (ops, maxPiece) => {
          const [a, b] = memoryPair(32 * 1024).ends;
          const sender = NetworkGhost.create(rechunking(a, maxPiece), 'write');
          const receiver = NetworkGhost.create(b, 'read');
          const sending = writeAll(sender, ops).then(() => sender.close());
          await readAllAndCheck(receiver, ops);
          await sending;
        },
      ),
      seeded(100),
    );
  });

  it('reads back any mixed stream over a Node duplex stream pair', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ghostOp(), { maxLength: 60 }), async (ops) => {
        const [a, b] = streamPair().ends;
        const sender = NetworkGhost.create(a, 'write');
        const receiver = NetworkGhost.create(b, 'read');
        const sending = writeAll(sender, ops).then(() => sender.close());
        await readAllAndCheck(receiver, ops);
        await sending;
      }),
      seeded(60),
    );
  });
});
