// The main-job demo (`pnpm demo` at the repository root): writes a small
// checkpoint-like directory of ghosts, publishes it atomically, reads it
// back and verifies it, then shows that a damaged copy is rejected with the
// offset of the damage. Exported nowhere; built to dist/demo/.
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  DirectoryDraft,
  FileGhost,
  GhostCorrupted,
  PAGE_SIZE_BYTES,
  listPublished,
  readPublished,
  removeUnpublished,
  verifyFileGhost,
} from '../index.js';

const APP_ID = 7;
const TASKS = [
  { pid: 1001, comm: 'producer', stackPages: 5, heapPages: 12 },
  { pid: 1002, comm: 'consumer', stackPages: 5, heapPages: 8 },
];

const say = (text: string): void => console.log(text);
const step = (n: number, text: string): void => console.log(`\n[${n}] ${text}`);

/** Page contents the reader can recompute: each page starts with pid and page number. */
function pages(pid: number, first: number, count: number): Uint8Array {
  const bytes = new Uint8Array(count * PAGE_SIZE_BYTES);
  const view = new DataView(bytes.buffer);
  for (let page = 0; page < count; page++) {
    const at = page * PAGE_SIZE_BYTES;
    view.setUint32(at, pid, true);
    view.setUint32(at + 4, first + page, true);
    bytes.fill((pid + first + page) & 0xff, at + 8, at + PAGE_SIZE_BYTES);
  }
  return bytes;
}

function registers(pid: number): bigint[] {
  return Array.from({ length: 32 }, (_, i) => (BigInt(pid) << 32n) | BigInt(i));
}

async function writeTask(draft: DirectoryDraft, task: (typeof TASKS)[number]): Promise<void> {
  const ghost = await draft.createGhost(`task_${task.pid}.bin`);
  // Mirrors the reference's export_task order in miniature: registers, ids, mm.
  await ghost.writeRecord({ pc: 0x10_0b0n + BigInt(task.pid), regs: registers(task.pid) });
  await ghost.writeU32(task.pid);
  await ghost.writeString(task.comm);
  await ghost.writeRecord({
    vmas: new Map([
      ['stack', task.stackPages],
      ['heap', task.heapPages],
    ]),
  });
  await ghost.writePages(pages(task.pid, 0, task.stackPages));
  await ghost.writePages(pages(task.pid, 100, task.heapPages));
  await ghost.close();
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`verification failed: ${what}`);
}

async function readTask(path: string, task: (typeof TASKS)[number]): Promise<void> {
  const ghost = await FileGhost.open(path);
  const cpu = (await ghost.readRecord()) as { pc: bigint; regs: bigint[] };
  check(cpu.pc === 0x10_0b0n + BigInt(task.pid), 'program counter');
  check(
    cpu.regs.every((value, i) => value === registers(task.pid)[i]),
    'registers',
  );
  check((await ghost.readU32()) === task.pid, 'pid');
  check((await ghost.readString()) === task.comm, 'comm');
  const mm = (await ghost.readRecord()) as { vmas: Map<string, number> };
  check(mm.vmas.get('heap') === task.heapPages, 'vma map');
  check(
    Buffer.compare(await ghost.readPages(), pages(task.pid, 0, task.stackPages)) === 0,
    'stack pages',
  );
  check(
    Buffer.compare(await ghost.readPages(), pages(task.pid, 100, task.heapPages)) === 0,
    'heap pages',
  );
  await ghost.readEnd();
  await ghost.close();
}

async function main(): Promise<void> {
  const started = performance.now();
  const scratch = await mkdtemp(join(tmpdir(), 'krg-demo-'));
  const appDir = join(scratch, 'chkpt', String(APP_ID));
  await mkdir(appDir, { recursive: true });
  say('krg ghost-io demo: a checkpoint-like directory of ghosts, published atomically');
  say(`working in ${scratch} (removed at the end)`);
  try {
    step(
      1,
      `Checkpoint version 1 of application ${APP_ID}: write the ghosts into a draft directory`,
    );
    const draft = await DirectoryDraft.begin(join(appDir, 'v1'));
    const global = await draft.createGhost('global.bin');
    await global.writeRecord({ appId: APP_ID, chkptSn: 1, pids: TASKS.map((t) => t.pid) });
    await global.close();
    say('    global.bin     the application record: app id, checkpoint number, its processes');
    for (const task of TASKS) {
      await writeTask(draft, task);
      const pageCount = task.stackPages + task.heapPages;
      say(
        `    task_${task.pid}.bin  registers, pid, "${task.comm}", its memory map, ${pageCount} pages in 2 runs`,
      );
    }
    say('    each ghost: header with magic and version, crc32-checksummed frames, fsync on close');
    const before = await readPublished(join(appDir, 'v1'));
    say(
      `    a reader looking now sees: ${before === null ? 'nothing (v1 is not published yet)' : 'v1?!'}`,
    );
    check(before === null, 'a draft must be invisible');

    step(
      2,
      'Publish v1: fsync the directory, write the commit marker, rename it into place, fsync again',
    );
    const published = await draft.publish();
    for (const file of published.files) say(`    ${file.name.padEnd(15)} ${file.sizeBytes} bytes`);
    say(`    published versions now: ${(await listPublished(appDir)).join(', ')}`);

    step(3, 'Read v1 back as a restart would, value by value in the written order, and verify it');
    const found = await readPublished(join(appDir, 'v1'));
    check(
      found !== null && found.files.length === 1 + TASKS.length,
      'the manifest lists every ghost',
    );
    const globalReader = await FileGhost.open(join(appDir, 'v1', 'global.bin'));
    const app = (await globalReader.readRecord()) as { appId: number; pids: number[] };
    await globalReader.readEnd();
    await globalReader.close();
    check(app.appId === APP_ID && app.pids.length === TASKS.length, 'the application record');
    for (const task of TASKS) {
      await readTask(join(appDir, 'v1', `task_${task.pid}.bin`), task);
      const summary = await verifyFileGhost(join(appDir, 'v1', `task_${task.pid}.bin`));
      say(
        `    task_${task.pid}.bin: every value as written; ${summary.itemCount} items, every frame checksum good`,
      );
    }

    step(4, 'A checkpoint cut short (no commit marker) stays invisible and is cleared away');
    const cutShort = await DirectoryDraft.begin(join(appDir, 'v2'));
    const partial = await cutShort.createGhost('global.bin');
    await partial.writeRecord({ appId: APP_ID, chkptSn: 2 });
    await partial.close();
    say(
      `    v2 has a ghost but no marker; published versions: ${(await listPublished(appDir)).join(', ')}`,
    );
    check((await listPublished(appDir)).join() === 'v1', 'v2 must stay invisible');
    say(`    removeUnpublished cleared: ${(await removeUnpublished(appDir)).join(', ')}`);

    step(5, 'A damaged copy is rejected, with the file and the offset of the damage');
    const original = join(appDir, 'v1', 'task_1001.bin');
    const damaged = join(scratch, 'task_1001.damaged.bin');
    await copyFile(original, damaged);
    const bytes = await readFile(damaged);
    const flipAt = Math.floor(bytes.byteLength * 0.6);
    bytes[flipAt] = (bytes[flipAt] ?? 0) ^ 0x04;
    await writeFile(damaged, bytes);
    say(`    flipped one bit at byte ${flipAt} of a copy of task_1001.bin`);
    await expectRejected(damaged, TASKS[0]!, `the start of the frame holding byte ${flipAt}`);
    const truncated = join(scratch, 'task_1001.truncated.bin');
    await writeFile(
      truncated,
      (await readFile(original)).subarray(0, (await stat(original)).size - 100),
    );
    say('    cut the last 100 bytes off another copy');
    await expectRejected(truncated, TASKS[0]!, 'the start of the frame the cut runs through');

    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    say(
      `\nDone in ${seconds} s: v1 written, published atomically, read back and verified; damage detected.`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function expectRejected(
  path: string,
  task: (typeof TASKS)[number],
  where: string,
): Promise<void> {
  try {
    await readTask(path, task);
  } catch (error) {
    if (error instanceof GhostCorrupted) {
      say(
        `    rejected: ${error.code} in ${basename(error.file)} at offset ${error.offset} (${where})`,
      );
      say(`      expected ${error.expected}, found ${error.found}`);
      return;
    }
    throw error;
  }
  throw new Error(`verification failed: ${path} was damaged but read without error`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
