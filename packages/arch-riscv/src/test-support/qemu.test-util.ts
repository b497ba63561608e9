// Runs a riscv64 binary under qemu-riscv64 (Debian's qemu-user), the oracle
// of the differential tests. A missing qemu is a test failure, never a skip:
// a differential lane that silently does nothing cannot fail.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GuestRun {
  readonly stdout: Uint8Array;
  /** Exit status, or 128 + signal number when a signal killed the guest. */
  readonly exitCode: number;
}

export const QEMU = 'qemu-riscv64';
const OUTPUT_MAX_BYTES = 64 * 1024 * 1024;

/** Throws the message the test command's users need when qemu is absent. */
export function requireQemu(command: string = QEMU): void {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `${command} is not available (${String(probe.error ?? probe.stderr)}): install Debian's qemu-user`,
    );
  }
}

/**
 * Runs `path` under qemu with `argv` (argv[0] included) and an empty
 * environment plus `envp`, core dumps off (`ulimit -c 0`), and returns its
 * stdout and exit status. qemu's own "uncaught target signal" line goes to
 * stderr, which is not compared.
 */
export function runUnderQemu(
  path: string,
  argv: readonly string[] = [path],
  envp: readonly string[] = [],
  stdin?: Uint8Array,
): GuestRun {
  requireQemu();
  // qemu prepends each -E variable to the guest's list: pass them last to first
  const envArgs = [...envp].reverse().flatMap((entry) => ['-E', entry]);
  // -0 sets the guest's argv[0]; env -i drops even the PWD that sh exports.
  const result = spawnSync(
    'sh',
    [
      '-c',
      'ulimit -c 0 && exec env -i "$@"',
      'sh',
      QEMU,
      '-0',
      argv[0] ?? path,
      ...envArgs,
      path,
      ...argv.slice(1),
    ],
    { env: {}, input: stdin ?? new Uint8Array(0), maxBuffer: OUTPUT_MAX_BYTES, timeout: 30_000 },
  );
  if (result.error !== undefined) throw result.error;
  const exitCode = result.status ?? 128 + signalNumber(result.signal);
  return { stdout: new Uint8Array(result.stdout), exitCode };
}

/** Writes `bytes` to a temporary file, runs it under qemu, removes it. */
export function runBytesUnderQemu(bytes: Uint8Array): GuestRun {
  const directory = mkdtempSync(join(tmpdir(), 'krg-qemu-'));
  const path = join(directory, 'guest');
  try {
    writeFileSync(path, bytes, { mode: 0o755 }); // qemu's loader wants the execute bit
    return runUnderQemu(path, ['guest']);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGILL: 4,
    SIGTRAP: 5,
    SIGABRT: 6,
    SIGBUS: 7,
    SIGFPE: 8,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGTERM: 15,
  };
  return signal === null ? 0 : (numbers[signal] ?? 0);
}
