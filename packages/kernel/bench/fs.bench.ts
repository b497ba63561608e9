// File-tree benchmark: the fs-bench guest (bulk writes and reads through a
// file, then creating, stat-ing and unlinking small files) under krg (a
// fresh 1-node Cluster, in process) against qemu-riscv64 running the same
// binary in a scratch directory of its own, in the same run; and the
// store's own append path (ImageStore.write of 4 KiB pieces) against a
// plain copy into a preallocated buffer. Run: pnpm bench:fs (from
// packages/kernel) or `nice node --conditions=@krg/source --import tsx
// bench/fs.bench.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '../src/index.js';
import { best, runUnderKrg, runUnderQemu, type QemuRun } from './guest-runs.js';

const GUEST = new URL('../../../tools/guests/bin/fs-bench', import.meta.url);
const REPEATS = 3;

const underKrg = (args: string[]) => runUnderKrg(GUEST, ['/tmp', ...args]);

/** qemu runs in a scratch directory of its own, removed afterwards. */
function underQemu(args: string[]): QemuRun {
  const dir = mkdtempSync(join(tmpdir(), 'krg-fs-bench-'));
  try {
    return runUnderQemu(GUEST, [dir, ...args], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function guestCase(label: string, args: string[]): Promise<void> {
  const krg: number[] = [];
  const qemu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const k = await underKrg(args);
    const q = underQemu(args);
    if (k.stdout !== q.stdout)
      throw new Error(`${label}: krg printed ${k.stdout}, qemu ${q.stdout}`);
    krg.push(k.wallMs);
    qemu.push(q.wallMs);
  }
  console.log(
    `${label.padEnd(34)} krg ${best(krg).toFixed(0).padStart(6)} ms   qemu ${best(qemu)
      .toFixed(0)
      .padStart(6)} ms   ratio ${(best(krg) / best(qemu)).toFixed(1)}x`,
  );
}

function storeAppend(): void {
  const total = 64 * 1024 * 1024;
  const piece = new Uint8Array(4096).fill(7);
  const rates: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const store = new ImageStore();
    const file = store.addFile('/f', new Uint8Array(0), 0o644);
    let t0 = performance.now();
    for (let at = 0; at < total; at += piece.length) store.write(file, at, piece, 0n);
    rates.push(total / 1e6 / ((performance.now() - t0) / 1000));
    const plain = new Uint8Array(total);
    t0 = performance.now();
    for (let at = 0; at < total; at += piece.length) plain.set(piece, at);
    baseline.push(total / 1e6 / ((performance.now() - t0) / 1000));
  }
  const store = Math.max(...rates);
  const copy = Math.max(...baseline);
  console.log(
    `${'ImageStore.write 4 KiB appends'.padEnd(34)} ${store.toFixed(0)} MB/s   plain copy ${copy.toFixed(0)} MB/s   ratio ${(copy / store).toFixed(2)}x slower`,
  );
}

console.log(
  `fs bench (best of ${REPEATS}; wall time from start to exit, krg includes booting its cluster)`,
);
await guestCase('16 MiB in 4 KiB writes, read back', ['16', '4096', '0']);
await guestCase('16 MiB in 64 KiB writes, read back', ['16', '65536', '0']);
await guestCase('2000 files created, stat, unlinked', ['0', '4096', '2000']);
storeAppend();
