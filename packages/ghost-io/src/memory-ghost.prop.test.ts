import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ghostOp, readAllAndCheck, seeded, writeAll } from './ghost-ops.test-util.js';
import { MemoryGhost } from './memory-ghost.js';

describe('MemoryGhost properties', () => {
  it('reads back any mixed stream of values, records and page runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ghostOp(), { maxLength: 60 }), async (ops) => {
        const writer = MemoryGhost.create();
        await writeAll(writer, ops);
        await writer.close();
        const reader = writer.toReader();
        await readAllAndCheck(reader, ops);
        await reader.close();
      }),
      seeded(150),
    );
  });
});
