// FileGhost against plain fs: 256 MiB of page records written through a
// FileGhost (closed with its fsync) and the same bytes written with plain
// FileHandle writes and one fsync; then both read back with verification
// (the ghost checks every frame's crc32; both compare every byte with what
// was written) from a cold page cache, and once more warm. Rounds alternate
// which side goes first; the medians are reported, the ratio as the median
// of the per-round ratios (each round's two runs ran back to back). Run: pnpm bench
// (KRG_BENCH_MIB and KRG_BENCH_ROUNDS to change the size and round count).
import { execSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileGhost, PAGE_RUN_MAX_PAGES, PAGE_SIZE_BYTES } from '../src/index.js';

const RUN_BYTES = PAGE_RUN_MAX_PAGES * PAGE_SIZE_BYTES;
const TOTAL_MIB = Number(process.env['KRG_BENCH_MIB'] ?? 256);
const ROUNDS = Number(process.env['KRG_BENCH_ROUNDS'] ?? 3);
const RUNS = (TOTAL_MIB * 1024 * 1024) / RUN_BYTES;

const runs = Array.from({ length: RUNS }, () => randomFillSync(Buffer.allocUnsafe(RUN_BYTES)));

/** CPU seconds (user + system, all threads of the process) per phase, by the same keys. */
const cpuTimes: Record<string, number[]> = {};

async function timed(work: () => Promise<void>, key = ''): Promise<number> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  (cpuTimes[key] ??= []).push((cpu.user + cpu.system) / 1e6);
  return seconds;
}

async function writeGhost(path: string): Promise<void> {
  const ghost = await FileGhost.create(path);
  for (let index = 0; index < RUNS; index++) {
    await ghost.writeRecord({
      firstPage: index * PAGE_RUN_MAX_PAGES,
      pageCount: PAGE_RUN_MAX_PAGES,
    });
    await ghost.writePages(runs[index]!);
  }
  await ghost.close();
}

async function writeRaw(path: string): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  for (let index = 0; index < RUNS; index++) await file.write(runs[index]!);
  await file.sync();
  await file.close();
}

async function readGhost(path: string): Promise<void> {
  const ghost = await FileGhost.open(path);
  for (let index = 0; index < RUNS; index++) {
    const record = (await ghost.readRecord()) as { firstPage: number };
    if (record.firstPage !== index * PAGE_RUN_MAX_PAGES)
      throw new Error(`run ${index}: wrong record`);
    if (Buffer.compare(await ghost.readPages(), runs[index]!) !== 0)
      throw new Error(`run ${index}: wrong pages`);
  }
  await ghost.readEnd();
  await ghost.close();
}

async function readRaw(path: string): Promise<void> {
  const file = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(RUN_BYTES);
  for (let index = 0; index < RUNS; index++) {
    const { bytesRead } = await file.read(buffer, 0, RUN_BYTES, index * RUN_BYTES);
    if (bytesRead !== RUN_BYTES || Buffer.compare(buffer, runs[index]!) !== 0) {
      throw new Error(`run ${index}: wrong bytes`);
    }
  }
  await file.close();
}

/** Drops the page cache (needs root); false if that is not possible here. */
function dropCaches(): boolean {
  try {
    execSync('sync && echo 3 > /proc/sys/vm/drop_caches', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = await mkdtemp(join(tmpdir(), 'krg-ghost-bench-'));
const times = {
  rawWrite: [],
  ghostWrite: [],
  rawCold: [],
  ghostCold: [],
  rawWarm: [],
  ghostWarm: [],
} as Record<string, number[]>;
let isCold = true;
try {
  for (let round = 0; round < ROUNDS; round++) {
    const ghostPath = join(dir, `ghost-${round}.bin`);
    const rawPath = join(dir, `raw-${round}.bin`);
    const ghostFirst = round % 2 === 0;
    for (const side of ghostFirst ? ['ghost', 'raw'] : ['raw', 'ghost']) {
      if (side === 'ghost')
        times['ghostWrite']!.push(await timed(() => writeGhost(ghostPath), 'ghostWrite'));
      else times['rawWrite']!.push(await timed(() => writeRaw(rawPath), 'rawWrite'));
    }
    for (const side of ghostFirst ? ['ghost', 'raw'] : ['raw', 'ghost']) {
      isCold = dropCaches() && isCold;
      if (side === 'ghost')
        times['ghostCold']!.push(await timed(() => readGhost(ghostPath), 'ghostCold'));
      else times['rawCold']!.push(await timed(() => readRaw(rawPath), 'rawCold'));
    }
    for (const side of ghostFirst ? ['ghost', 'raw'] : ['raw', 'ghost']) {
      if (side === 'ghost')
        times['ghostWarm']!.push(await timed(() => readGhost(ghostPath), 'ghostWarm'));
      else times['rawWarm']!.push(await timed(() => readRaw(rawPath), 'rawWarm'));
    }
    await rm(ghostPath);
    await rm(rawPath);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const mibPerSecond = (key: string): number => TOTAL_MIB / median(times[key]!);
/** The ghost/raw ratio of each round (the two ran back to back), as median and range. */
const roundRatios = (raw: string, ghost: string): number[] =>
  times[raw]!.map((rawSeconds, round) => rawSeconds / times[ghost]![round]!);
const line = (label: string, raw: string, ghost: string, goal: string): string => {
  const ratios = roundRatios(raw, ghost);
  const range = `${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}`;
  return (
    `${label.padEnd(22)} raw ${mibPerSecond(raw).toFixed(0).padStart(6)} MiB/s   ghost ` +
    `${mibPerSecond(ghost).toFixed(0).padStart(6)} MiB/s   ratio ${median(ratios).toFixed(2)} ` +
    `(rounds ${range})${goal}`
  );
};
console.log(
  `ghost-io FileGhost vs plain fs: ${TOTAL_MIB} MiB as ${RUNS} records + runs of ${PAGE_RUN_MAX_PAGES} pages, median of ${ROUNDS} rounds`,
);
console.log(line('write (+ fsync)', 'rawWrite', 'ghostWrite', '   (goal >= 0.90)'));
console.log(
  line(
    isCold ? 'read, cold cache' : 'read, WARM (no drop)',
    'rawCold',
    'ghostCold',
    '   (goal >= 0.90)',
  ),
);
console.log(line('read, warm cache', 'rawWarm', 'ghostWarm', '   (reported as is)'));
const cpuLine = (label: string, raw: string, ghost: string): string => {
  const perMiB = (key: string): string => ((median(cpuTimes[key]!) / TOTAL_MIB) * 1e3).toFixed(2);
  return `${label.padEnd(22)} CPU ms per MiB (all threads): raw ${perMiB(raw)}, ghost ${perMiB(ghost)}`;
};
console.log(cpuLine('write (+ fsync)', 'rawWrite', 'ghostWrite'));
console.log(cpuLine('read, cold cache', 'rawCold', 'ghostCold'));
console.log(cpuLine('read, warm cache', 'rawWarm', 'ghostWarm'));
if (!isCold)
  console.log('note: dropping the page cache failed (not root?), so the "cold" reads were warm');
