// Goal: unmodified glibc programs run as krg processes and print exactly
// what they print under qemu-riscv64 (the expected outputs below were taken
// from qemu-riscv64 on the same binaries). Method: boot a Cluster, start
// the committed guests on a node, run the engine to idle, compare bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Cluster, ConsoleInput } from './index.js';

const guest = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../tools/guests/bin/${name}`, import.meta.url)));

async function runGuest(
  name: string,
  argv: string[] = [name],
  options: { nodes?: number; node?: number; stdin?: string } = {},
) {
  const cluster = new Cluster({ nodes: options.nodes ?? 1, seed: 1 });
  cluster.store.addFile(`/bin/${name}`, guest(name));
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const stdin = new ConsoleInput('pipe');
  let stdinSent = false;
  stdin.onDemand = () => {
    cluster.engine.schedule(0, () => {
      if (!stdinSent && options.stdin !== undefined) {
        stdinSent = true;
        stdin.push(Buffer.from(options.stdin));
      } else stdin.end();
    });
  };
  let status: number | undefined;
  cluster.onTaskReaped = (t) => {
    status =
      t.exitStatus?.kind === 'exited'
        ? t.exitStatus.code
        : 128 + (t.exitStatus?.kind === 'signaled' ? t.exitStatus.signal : 0);
  };
  const task = cluster.start({
    node: options.node ?? 0,
    path: `/bin/${name}`,
    argv,
    envp: ['PATH=/bin:/usr/bin', 'HOME=/', 'LANG=C'],
    streams: {
      stdin,
      stdout: { sink: { write: (b) => out.push(b.slice()) }, kind: 'pipe' },
      stderr: { sink: { write: (b) => err.push(b.slice()) }, kind: 'pipe' },
    },
  });
  expect('errno' in task).toBe(false);
  await cluster.run();
  return {
    stdout: Buffer.concat(out).toString(),
    stderr: Buffer.concat(err).toString(),
    status,
    cluster,
  };
}

describe('Cluster running glibc programs', () => {
  test('hello prints its line and exits 0', async () => {
    const r = await runGuest('hello');
    expect(r.stdout).toBe('hello from riscv64\n');
    expect(r.status).toBe(0);
    expect(r.cluster.tasks()).toEqual([]);
  });

  test('argv and the fixed environment reach the program', async () => {
    const r = await runGuest('argv-echo', ['argv-echo', 'a', 'b c']);
    expect(r.stdout).toBe(
      'argc=3\nargv[0]="argv-echo" (9)\nargv[1]="a" (1)\nargv[2]="b c" (3)\n' +
        'env[0]="PATH=/bin:/usr/bin"\nenv[1]="HOME=/"\nenv[2]="LANG=C"\nenvc=3\n',
    );
    expect(r.status).toBe(2);
  });

  test('malloc-heavy exercises brk and mmap and checks every byte', async () => {
    const r = await runGuest('malloc-heavy');
    expect(r.stdout).toBe('bytes=11098704 bad=0 calloc_nonzero=0 brk_moved=yes\nPASS\n');
  });

  test('stdin-filter reads piped input to EOF', async () => {
    const r = await runGuest('stdin-filter', ['stdin-filter'], {
      stdin: 'hello world\nsecond line\nno newline',
    });
    expect(r.stdout).toBe('    1  HELLO WORLD\n    2  SECOND LINE\n    3  NO NEWLINE');
    expect(r.stderr).toBe('bytes=34 lines=3 fnv1a=a0414858\n');
  });

  test('abort ends the process with SIGABRT and no core bit', async () => {
    const r = await runGuest('die-abort');
    expect(r.stdout).toBe('about to abort\n');
    expect(r.status).toBe(134);
  });

  test('a store to an unmapped address ends the process with SIGSEGV', async () => {
    const r = await runGuest('die-fault', ['die-fault', 'segv']);
    expect(r.stdout).toBe('faulting: segv\n');
    expect(r.status).toBe(139);
  });

  test('an illegal instruction ends the process with SIGILL', async () => {
    const r = await runGuest('die-fault', ['die-fault', 'ill']);
    expect(r.status).toBe(132);
  });

  test('runs the same on another node of a larger cluster', async () => {
    const r = await runGuest('hello', ['hello'], { nodes: 8, node: 5 });
    expect(r.stdout).toBe('hello from riscv64\n');
  });
});
