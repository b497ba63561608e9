// File-tree benchmark: the fs-bench guest (bulk writes and reads through a
// file, then creating, stat-ing and unlinking small files) under krg (a
// fresh 1-node Cluster, in process) against qemu-riscv64 running the same
// binary in a scratch directory of its own, in the same run; and the
// store's own append path (ImageStore.write of 4 KiB pieces) against a
// plain copy into a preallocated buffer. Run: pnpm bench:fs (from
// packages/kernel) or `nice node --conditions=@krg/source --import tsx
// bench/fs.bench.ts`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, ConsoleInput, ImageStore } from '../src/index.js';

const GUEST = new URL('../../../tools/guests/bin/fs-bench', import.meta.url);
const REPEATS = 3;

async function underKrg(args: string[]): Promise<{ ms: number; out: string }> {
  const t0 = performance.now();
  const cluster = new Cluster({ nodes: 1, seed: 1 });
  cluster.store.addFile('/bin/fs-bench', new Uint8Array(readFileSync(GUEST)));
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const out: Uint8Array[] = [];
  const sink = { write: (b: Uint8Array) => out.push(b.slice()) };
  const task = cluster.start({
    node: 0,
    path: '/bin/fs-bench',
    argv: ['fs-bench', '/tmp', ...args],
    envp: ['LANG=C'],
    streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
  });
  if ('errno' in task) throw new Error(task.detail);
  await cluster.run();
  return { ms: performance.now() - t0, out: Buffer.concat(out).toString() };
}

function underQemu(args: string[]): { ms: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'krg-fs-bench-'));
  try {
    const t0 = performance.now();
    const r = spawnSync('qemu-riscv64', [GUEST.pathname, dir, ...args], { cwd: dir });
    if (r.error !== undefined)
      throw new Error(`qemu-riscv64 is missing: install Debian's qemu-user (${r.error.message})`);
    return { ms: performance.now() - t0, out: r.stdout.toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function best(xs: number[]): number {
  return Math.min(...xs);
}

async function guestCase(label: string, args: string[]): Promise<void> {
  const krg: number[] = [];
  const qemu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const k = await underKrg(args);
    const q = underQemu(args);
    if (k.out !== q.out) throw new Error(`${label}: krg printed ${k.out}, qemu ${q.out}`);
    krg.push(k.ms);
    qemu.push(q.ms);
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
