// `krg exec`: boot a simulated cluster, run one static riscv64 program on a
// node, pass its output through byte for byte, and exit with its status.
// krg itself prints nothing else unless asked (--verbose, --stats).
import { fstatSync, readFileSync, statSync, writeSync } from 'node:fs';
import { ACCOUNTING_SLOT, shellExitStatus, type Task } from '@krg/epm-core';
import { Cluster, ConsoleInput, ImageStoreError, type HostFdKind } from '@krg/kernel';
import { KRG_ERROR_EXIT_STATUS, KrgUsageError } from './errors.js';
import { parseExecOptions, type ExecOptions } from './exec-options.js';
import { HostStdin } from './host-stdin.js';

/** The fixed environment of a guest (never the host's), before --env values. */
export const GUEST_ENV = ['PATH=/bin:/usr/bin', 'HOME=/', 'LANG=C'] as const;

/** Largest program or --image file krg loads, in bytes. */
export const IMAGE_FILE_BYTES_MAX = 256 * 1024 * 1024;

/** Where krg exec's streams go: the host's fds for the command, buffers for in-process callers. */
export interface ExecIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; pause(): unknown; resume(): unknown };
  /** What stdin is on the host (a terminal gets line-by-line delivery). */
  readonly stdinKind: HostFdKind;
  readonly stdout: { readonly write: (bytes: Uint8Array) => void; readonly kind: HostFdKind };
  readonly stderr: { readonly write: (bytes: Uint8Array) => void; readonly kind: HostFdKind };
}

/** The real host streams of the `krg` command. */
export function hostIo(): ExecIo {
  return {
    stdin: process.stdin,
    stdinKind: process.stdin.isTTY === true ? 'terminal' : hostKind(0),
    stdout: { write: (b) => writeAll(1, b), kind: hostKind(1) },
    stderr: { write: (b) => writeAll(2, b), kind: hostKind(2) },
  };
}

function hostKind(fd: number): HostFdKind {
  try {
    const st = fstatSync(fd);
    if (st.isCharacterDevice()) return 'terminal';
    return st.isFIFO() || st.isSocket() ? 'pipe' : 'file';
  } catch {
    return 'pipe';
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      // A non-blocking host fd may be full: try again; anything else ends the copy.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

/** A host file's bytes and permission bits (the mtime stays the cluster's fixed epoch: runs are reproducible). */
function readImage(hostPath: string): { bytes: Uint8Array; mode: number } {
  let bytes: Buffer;
  let mode: number;
  try {
    bytes = readFileSync(hostPath);
    mode = statSync(hostPath).mode & 0o7777;
  } catch (e) {
    throw new KrgUsageError(
      `cannot read ${hostPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (bytes.length > IMAGE_FILE_BYTES_MAX)
    throw new KrgUsageError(`${hostPath} is larger than ${IMAGE_FILE_BYTES_MAX} bytes`);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), mode };
}

export async function runExec(argv: readonly string[], io: ExecIo): Promise<number> {
  const wallStart = performance.now();
  const opts = parseExecOptions(argv);
  const say = (line: string): void => {
    if (opts.isVerbose) io.stderr.write(Buffer.from(`krg: ${line}\n`));
  };
  const cluster = new Cluster({ nodes: opts.nodes, seed: opts.seed });
  const programName = opts.program.slice(opts.program.lastIndexOf('/') + 1);
  const guestPath = `/bin/${programName}`;
  try {
    // The program is always executable (0755), whatever its host bits; --image files keep theirs.
    cluster.store.addFile(guestPath, readImage(opts.program).bytes);
    for (const image of opts.images) {
      if (image.guestPath === guestPath) continue;
      const { bytes, mode } = readImage(image.hostPath);
      cluster.store.addFile(image.guestPath, bytes, mode);
    }
  } catch (e) {
    if (e instanceof ImageStoreError) throw new KrgUsageError(e.message);
    throw e;
  }
  say(`booted ${opts.nodes} node(s), seed ${opts.seed}; running ${guestPath} on node ${opts.node}`);

  const hostStdin = new HostStdin(io.stdin, io.stdinKind === 'terminal');
  const stdin = new ConsoleInput(io.stdinKind);
  stdin.onDemand = () => {
    cluster.engine.spawn('host-stdin', async () => {
      const chunk = await cluster.engine.hostOp(() => hostStdin.next(), 0);
      if (chunk.length === 0) stdin.end();
      else stdin.push(chunk);
    });
  };

  const totals = new Totals();
  cluster.onTaskReaped = (task) => {
    totals.add(task);
    if (cluster.tasks().length === 0) cluster.engine.stop();
  };
  const started = cluster.start({
    node: opts.node,
    path: guestPath,
    argv: [opts.program, ...opts.args],
    envp: [...GUEST_ENV, ...opts.env],
    streams: {
      stdin,
      stdout: { sink: { write: (b) => io.stdout.write(b) }, kind: io.stdout.kind },
      stderr: { sink: { write: (b) => io.stderr.write(b) }, kind: io.stderr.kind },
    },
  });
  if ('errno' in started) {
    hostStdin.close();
    throw new KrgUsageError(`cannot run ${opts.program}: ${started.detail}`);
  }
  const first: Task = started;
  say(`started pid ${first.pid}`);
  try {
    await cluster.run();
  } finally {
    hostStdin.close();
  }
  const left = cluster.tasks().filter((t) => t.state !== 'dead');
  if (left.length > 0) {
    const waits = cluster.nodes
      .flatMap((n) => n.sleepers())
      .map((s) => `pid ${s.task.pid} (${s.task.comm}) in ${s.waitingFor}`);
    throw new KrgUsageError(
      `deadlock: every process is blocked and nothing can wake it: ${waits.join(', ')}`,
    );
  }
  if (opts.isStats) {
    io.stderr.write(
      Buffer.from(totals.report(cluster.engine.nowNs, performance.now() - wallStart)),
    );
  }
  const status = first.exitStatus;
  return status === undefined ? KRG_ERROR_EXIT_STATUS : shellExitStatus(status);
}

/** What --stats reports, summed over every process of the run. */
class Totals {
  instructions = 0;
  processes = 0;
  readonly syscalls = new Map<string, number>();
  readonly enosys = new Map<number, number>();

  add(task: Task): void {
    const acc = task.get(ACCOUNTING_SLOT);
    this.processes++;
    this.instructions += acc.instret;
    for (const [name, n] of acc.syscalls)
      this.syscalls.set(name, (this.syscalls.get(name) ?? 0) + n);
    for (const [nr, n] of acc.enosys) this.enosys.set(nr, (this.enosys.get(nr) ?? 0) + n);
  }

  report(simNs: number, wallMs: number): string {
    const lines = [
      `krg: processes ${this.processes}`,
      `krg: instructions ${this.instructions}`,
      `krg: simulated time ${(simNs / 1e6).toFixed(3)} ms`,
      `krg: wall time ${wallMs.toFixed(1)} ms`,
      `krg: syscalls ${[...this.syscalls]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `krg: enosys ${
        this.enosys.size === 0
          ? 'none'
          : [...this.enosys]
              .sort((a, b) => a[0] - b[0])
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')
      }`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

export type { ExecOptions };
