// Crash consistency of the publish helper against the crash model: publish
// version 2 next to a published version 1, crash before every single
// file-system step (each write, fsync, rename, mkdir, create), reboot, and
// check that a reader sees version 1 or version 2, complete either way, and
// version 2 whenever publish() had returned.
import { describe, expect, it } from 'vitest';
import { CrashFs, SimulatedCrash, type CrashMode } from './crash-fs.test-util.js';
import { FileGhost } from './file-ghost.js';
import { PAGE_SIZE_BYTES } from './limits.js';
import { DirectoryDraft, listPublished, readPublished, removeUnpublished } from './publish.js';

const ROOT = '/var/chkpt/7';
const PIDS = [101, 102];

function pagesOf(version: number, pid: number): Uint8Array {
  return new Uint8Array(3 * PAGE_SIZE_BYTES).fill((version * 16 + pid) & 0xff);
}

/** Writes checkpoint version `version` (global.bin and one task file per pid) and publishes it. */
async function publishVersion(fs: CrashFs, version: number): Promise<void> {
  const draft = await DirectoryDraft.begin(`${ROOT}/v${version}`, { fs });
  const global = await draft.createGhost('global.bin');
  await global.writeRecord({ appId: 7, chkptSn: version, pids: PIDS });
  await global.close();
  for (const pid of PIDS) {
    const task = await draft.createGhost(`task_${pid}.bin`);
    await task.writeRecord({ pid, version });
    await task.writePages(pagesOf(version, pid));
    await task.close();
  }
  await draft.publish();
}

/** Reads the newest published version in full; returns its number. */
async function readNewest(fs: CrashFs): Promise<number> {
  const versions = await listPublished(ROOT, { fs });
  const newest = versions.at(-1);
  if (newest === undefined) throw new Error('no published version');
  const published = await readPublished(`${ROOT}/${newest}`, { fs });
  if (published === null) throw new Error(`${newest} listed but not published`);
  const version = Number(newest.slice(1));
  expect(published.files.map((file) => file.name)).toStrictEqual([
    'global.bin',
    ...PIDS.map((pid) => `task_${pid}.bin`),
  ]);
  const global = await FileGhost.open(`${published.path}/global.bin`, { fs });
  expect(await global.readRecord()).toStrictEqual({ appId: 7, chkptSn: version, pids: PIDS });
  await global.readEnd();
  await global.close();
  for (const pid of PIDS) {
    const task = await FileGhost.open(`${published.path}/task_${pid}.bin`, { fs });
    expect(await task.readRecord()).toStrictEqual({ pid, version });
    expect(Buffer.compare(await task.readPages(), pagesOf(version, pid))).toBe(0);
    await task.readEnd();
    await task.close();
  }
  return version;
}

async function baseWithVersion1(): Promise<CrashFs> {
  const fs = new CrashFs();
  for (const dir of ['/var', '/var/chkpt', ROOT]) await fs.mkdir(dir);
  fs.syncAll();
  await publishVersion(fs, 1);
  // Version 1 must already be durable through publish alone.
  return fs.crash('drop-unsynced');
}

describe('publish under crashes', () => {
  for (const mode of ['drop-unsynced', 'keep-entries'] as CrashMode[]) {
    it(`shows version 1 or 2, complete, after a crash before any step (${mode})`, async () => {
      const base = await baseWithVersion1();
      expect(await readNewest(base)).toBe(1);
      const seen = new Set<number>();
      let hasCompleted = false;
      let stepsInPublish = 0;
      for (let step = 1; !hasCompleted; step++) {
        const fs = base.rebootImage('drop-unsynced');
        fs.crashBeforeStep = step;
        try {
          await publishVersion(fs, 2);
          hasCompleted = true;
          stepsInPublish = fs.steps.length;
        } catch (error) {
          if (!(error instanceof SimulatedCrash)) throw error;
        }
        const rebooted = fs.crash(mode);
        const version = await readNewest(rebooted).catch((error: unknown) => {
          throw new Error(`crash before step ${step} (${fs.steps.at(-1)}): ${String(error)}`);
        });
        seen.add(version);
        if (hasCompleted) expect(version, 'publish returned, so version 2 is durable').toBe(2);
        // A crashed draft is invisible, and can be cleared away.
        const hasDraft = (await rebooted.readdir(ROOT)).includes('v2') && version === 1;
        expect(await removeUnpublished(ROOT, { fs: rebooted })).toStrictEqual(
          hasDraft ? ['v2'] : [],
        );
        expect(await readNewest(rebooted)).toBe(version);
      }
      expect(stepsInPublish).toBeGreaterThan(15);
      expect([...seen].sort()).toStrictEqual([1, 2]);
    });
  }
});
