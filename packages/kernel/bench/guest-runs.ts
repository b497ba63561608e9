// One guest program, start to exit, under krg (a fresh 1-node Cluster, in
// process) and under qemu-riscv64 on the same binary: what every
// guest-against-qemu benchmark measures, so they time and count the same
// way. krg's figures include booting its cluster; qemu's CPU time is read
// from /proc (the child's), NaN where there is none.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ACCOUNTING_SLOT } from '@krg/epm-core';
import { Cluster, ConsoleInput } from '../src/index.js';

export interface KrgRun {
  readonly wallMs: number;
  /** CPU time of this process during the run (user + system). */
  readonly cpuMs: number;
  /** Simulated time at the end of the run. */
  readonly simNs: number;
  /** Instructions and system calls of every process of the run, summed at reap. */
  readonly instret: number;
  readonly syscalls: number;
  readonly events: number;
  /** stdout and stderr, interleaved as written. */
  readonly stdout: string;
}

export interface QemuRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly stdout: string;
}

/** Runs `binary` (argv[0] is its file name) with `args` and an empty stdin. */
export async function runUnderKrg(binary: URL, args: readonly string[]): Promise<KrgRun> {
  const name = binary.pathname.slice(binary.pathname.lastIndexOf('/') + 1);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cluster = new Cluster({ nodes: 1, seed: 1 });
  cluster.store.addFile(`/bin/${name}`, new Uint8Array(readFileSync(binary)));
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const chunks: Uint8Array[] = [];
  const sink = { write: (b: Uint8Array) => void chunks.push(b.slice()) };
  let instret = 0;
  let syscalls = 0;
  cluster.onTaskReaped = (t) => {
    const acc = t.get(ACCOUNTING_SLOT);
    instret += acc.instret;
    for (const n of acc.syscalls.values()) syscalls += n;
  };
  const task = cluster.start({
    node: 0,
    path: `/bin/${name}`,
    argv: [name, ...args],
    envp: ['LANG=C'],
    streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
  });
  if ('errno' in task) throw new Error(task.detail);
  await cluster.run();
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    simNs: cluster.engine.nowNs,
    instret,
    syscalls,
    events: cluster.engine.eventsDispatched,
    stdout: Buffer.concat(chunks).toString('utf8'),
  };
}

/** CPU time of reaped children so far, from /proc (Linux), in ms; NaN elsewhere. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17, in clock ticks (100 Hz)
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs `binary` with `args` under qemu-riscv64 (in `cwd` if given); fails clearly when qemu is missing. */
export function runUnderQemu(binary: URL, args: readonly string[], cwd?: string): QemuRun {
  const t0 = performance.now();
  const c0 = childrenCpuMs();
  const r = spawnSync('qemu-riscv64', [binary.pathname, ...args], {
    encoding: 'utf8',
    ...(cwd === undefined ? {} : { cwd }),
  });
  if (r.error !== undefined)
    throw new Error(`qemu-riscv64 is missing: install Debian's qemu-user (${r.error.message})`);
  return { wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - c0, stdout: r.stdout };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function best(values: readonly number[]): number {
  return Math.min(...values);
}
