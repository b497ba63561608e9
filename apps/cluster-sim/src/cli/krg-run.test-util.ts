// Test tooling: runs `krg` as a user runs it (a spawned process, from the
// sources through tsx) and runs the same binary under the oracle,
// qemu-riscv64 with core dumps off and the guest environment krg gives. A
// missing qemu fails the test with what to install; it never skips.
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { KrgUsageError } from './errors.js';
import { runExec } from './exec-command.js';

export interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const GUESTS = `${REPO}tools/guests/bin`;
const GUEST_ENV = ['PATH=/bin:/usr/bin', 'HOME=/', 'LANG=C'];

function statusOf(r: ReturnType<typeof spawnSync>): number {
  if (r.error !== undefined) throw r.error;
  return (
    r.status ??
    128 +
      (r.signal === null
        ? 0
        : (({ SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGILL: 4 } as Record<string, number>)[
            r.signal
          ] ?? 0))
  );
}

export function krg(args: readonly string[], stdin: string | Uint8Array = ''): Run {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@krg/source', '--import', 'tsx', MAIN, ...args],
    {
      cwd: REPO,
      input: stdin,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    },
  );
  return {
    stdout: r.stdout.toString('latin1'),
    stderr: r.stderr.toString('latin1'),
    status: statusOf(r),
  };
}

/** Runs `krg exec` in this process (for the many differential runs): same code, no process start-up. */
export async function krgInProcess(
  args: readonly string[],
  stdin: string | Uint8Array = '',
): Promise<Run> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let status: number;
  try {
    status = await runExec(args, {
      stdin: Readable.from([Buffer.from(stdin)]),
      stdinKind: 'pipe',
      stdout: { write: (b) => out.push(b.slice()), kind: 'pipe' },
      stderr: { write: (b) => err.push(b.slice()), kind: 'pipe' },
    });
  } catch (e) {
    if (!(e instanceof KrgUsageError)) throw e;
    err.push(Buffer.from(`krg: ${e.message}\n`));
    status = 125;
  }
  return {
    stdout: Buffer.concat(out).toString('latin1'),
    stderr: Buffer.concat(err).toString('latin1'),
    status,
  };
}

export function qemu(
  binary: string,
  args: readonly string[],
  stdin: string | Uint8Array = '',
  options: { readonly argv0?: string; readonly env?: readonly string[] } = {},
): Run {
  const probe = spawnSync('qemu-riscv64', ['--version']);
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      "qemu-riscv64 is missing: install Debian's qemu-user (apt-get install qemu-user)",
    );
  }
  const env = [...(options.env ?? GUEST_ENV)].reverse().flatMap((e) => ['-E', e]);
  const r = spawnSync(
    'sh',
    [
      '-c',
      'ulimit -c 0 && exec env -i "$@"',
      'sh',
      'qemu-riscv64',
      '-0',
      options.argv0 ?? binary,
      ...env,
      binary,
      ...args,
    ],
    { cwd: REPO, input: stdin, env: {}, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  const stderr = r.stderr
    .toString('latin1')
    .split('\n')
    .filter((line) => !line.startsWith('qemu: uncaught target signal'))
    .join('\n');
  return { stdout: r.stdout.toString('latin1'), stderr, status: statusOf(r) };
}
