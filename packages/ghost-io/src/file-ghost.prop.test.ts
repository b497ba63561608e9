import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrashFs } from './crash-fs.test-util.js';
import { FileGhost } from './file-ghost.js';
import { ghostOp, readAllAndCheck, seeded, writeAll } from './ghost-ops.test-util.js';
import { PAGE_RUN_MAX_PAGES } from './limits.js';
import { verifyFileGhost } from './verify-ghost.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'krg-file-ghost-prop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileGhost properties', () => {
  it('reads back any mixed stream of values, records and page runs (crash-model fs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ghostOp(40), { maxLength: 60 }), async (ops) => {
        const fs = new CrashFs();
        const writer = await FileGhost.create('/g.bin', { fs });
        await writeAll(writer, ops);
        await writer.close();
        const reader = await FileGhost.open('/g.bin', { fs });
        await readAllAndCheck(reader, ops);
        await reader.close();
        const summary = await verifyFileGhost('/g.bin', { fs });
        expect(summary.itemCount).toBe(ops.length);
      }),
      seeded(120),
    );
  });

  it('reads back mixed streams on the real file system', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(ghostOp(PAGE_RUN_MAX_PAGES), { maxLength: 20 }), async (ops) => {
        const path = join(dir, `g${n++}.bin`);
        const writer = await FileGhost.create(path);
        await writeAll(writer, ops);
        await writer.close();
        const reader = await FileGhost.open(path);
        await readAllAndCheck(reader, ops);
        await reader.close();
        await rm(path);
      }),
      seeded(8),
    );
  });
});
