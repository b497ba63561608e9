// Goal: `krg exec` keeps its contract as a user sees it — output byte for
// byte, exit statuses (the guest's, 128 + signal, 125 for krg's own
// errors), piped stdin, nothing else printed unless asked — and guests print
// exactly what qemu-riscv64 prints, on one node and on an 8-node cluster
// with the program started on different nodes. Method: spawn krg and qemu
// on the committed guests and compare.
import { describe, expect, test } from 'vitest';
import { GUESTS, krg, krgInProcess, qemu } from './krg-run.test-util.js';

interface Case {
  readonly guest: string;
  readonly args?: readonly string[];
  readonly stdin?: string;
}

const CASES: readonly Case[] = [
  { guest: 'hello' },
  { guest: 'printf-int' },
  { guest: 'printf-float' },
  { guest: 'fp-libm' },
  { guest: 'checksum' },
  { guest: 'sort' },
  { guest: 'argv-echo', args: ['one', 'two words', ''] },
  { guest: 'stdin-filter', stdin: 'first line\nsecond\n'.repeat(700) + 'tail without newline' },
  { guest: 'die-abort' },
  { guest: 'die-fault', args: ['segv'] },
  { guest: 'die-fault', args: ['ill'] },
  { guest: 'die-fault', args: ['fpe-free'] },
  { guest: 'die-abort', args: ['x'] },
  { guest: 'die-fault', args: ['segv', 'child'] },
  { guest: 'die-fault', args: ['ill', 'child'] },
  { guest: 'fork-tree' },
  { guest: 'pipe-chain' },
  { guest: 'clock-order' },
  { guest: 'sessions' },
  { guest: 'bad-pointers' },
  { guest: 'poll-select' },
  { guest: 'sched-prctl' },
  { guest: 'poll-select', args: ['stdin'], stdin: 'a line of input\n'.repeat(900) },
];

describe('krg exec against qemu-riscv64', () => {
  for (const c of CASES) {
    const name = [c.guest, ...(c.args ?? [])].join(' ');
    test(`${name}: same stdout and status on 1 node and on node 5 of 8`, async () => {
      const binary = `${GUESTS}/${c.guest}`;
      const oracle = qemu(binary, c.args ?? [], c.stdin);
      const one = await krgInProcess(['--nodes', '1', '--', binary, ...(c.args ?? [])], c.stdin);
      expect(one.stdout).toBe(oracle.stdout);
      expect(one.status).toBe(oracle.status);
      expect(one.stderr).toBe(oracle.stderr);
      const eight = await krgInProcess(
        ['--nodes', '8', '--node', '5', '--', binary, ...(c.args ?? [])],
        c.stdin,
      );
      expect(eight.stdout).toBe(oracle.stdout);
      expect(eight.status).toBe(oracle.status);
    });
  }

  test('malloc-heavy: same stdout and status (brk and mmap paths)', async () => {
    const binary = `${GUESTS}/malloc-heavy`;
    const oracle = qemu(binary, []);
    const run = await krgInProcess(['--', binary]);
    expect(run.stdout).toBe(oracle.stdout);
    expect(run.status).toBe(oracle.status);
  });
});

describe('mmap of an image-store file against qemu-riscv64', () => {
  // The guest maps the file named by argv[1]; krg gets it through --image
  // at a guest path, qemu at its host path (the guest prints neither).
  test('mmap-file: same stdout and status on 1 node and on node 6 of 8', async () => {
    const data = `${GUESTS}/checksum`;
    const oracle = qemu(`${GUESTS}/mmap-file`, [data]);
    expect(oracle.stdout).toContain('failures=0\n');
    for (const where of [
      ['--nodes', '1'],
      ['--nodes', '8', '--node', '6'],
    ]) {
      const run = await krgInProcess([
        ...where,
        '--image',
        `${data}:/data/checksum`,
        '--',
        `${GUESTS}/mmap-file`,
        '/data/checksum',
      ]);
      expect(run.stdout).toBe(oracle.stdout);
      expect(run.stderr).toBe(oracle.stderr);
      expect(run.status).toBe(oracle.status);
    }
  });
});

describe('exec of another guest, compared stage by stage', () => {
  // qemu-riscv64 cannot follow an execve of another riscv64 binary without
  // binfmt_misc: compare stage 1 up to the exec, then stage 2 run directly
  // with the argv and environment stage 1 passes.
  const stage2 = () =>
    qemu(`${GUESTS}/argv-echo`, ['from-exec', 'two words'], '', {
      argv0: '/bin/argv-echo',
      env: ['STAGE=2', 'EMPTY='],
    });

  test('exec-stage replaces itself with argv-echo', async () => {
    const stage1 = qemu(`${GUESTS}/exec-stage`, []);
    const firstLine = stage1.stdout.slice(0, stage1.stdout.indexOf('\n') + 1);
    const two = stage2();
    const run = await krgInProcess([
      '--image',
      `${GUESTS}/argv-echo`,
      '--',
      `${GUESTS}/exec-stage`,
    ]);
    expect(run.stdout).toBe(firstLine + two.stdout);
    expect(run.status).toBe(two.status);
  });

  test('exec-stage --fork execs in a child and reports its status', async () => {
    const two = stage2();
    const run = await krgInProcess([
      '--nodes',
      '8',
      '--node',
      '3',
      '--image',
      `${GUESTS}/argv-echo`,
      '--',
      `${GUESTS}/exec-stage`,
      '--fork',
    ]);
    expect(run.stdout).toBe(
      `stage 1: exec /bin/argv-echo in a child\n${two.stdout}stage 1: child exited ${two.status}\n`,
    );
    expect(run.status).toBe(0);
  });

  test('execve of a missing program fails with ENOENT and the caller goes on', async () => {
    const run = await krgInProcess(['--', `${GUESTS}/exec-stage`, '/bin/nope']);
    expect(run.stdout).toBe('stage 1: exec /bin/nope\n');
    expect(run.stderr).toBe('execve: No such file or directory\n');
    expect(run.status).toBe(127);
  });
});

describe('krg exec contract', () => {
  test('prints nothing of its own without --verbose or --stats', () => {
    const r = krg(['exec', '--', `${GUESTS}/hello`]);
    expect(r).toEqual({ stdout: 'hello from riscv64\n', stderr: '', status: 0 });
  });

  test('--verbose prefixes every diagnostic line with krg:', () => {
    const r = krg(['exec', '--verbose', '--', `${GUESTS}/hello`]);
    expect(r.stdout).toBe('hello from riscv64\n');
    expect(r.stderr.length).toBeGreaterThan(0);
    for (const line of r.stderr.trimEnd().split('\n')) expect(line).toMatch(/^krg: /);
  });

  test('--stats reports instructions, times, syscalls by name and ENOSYS counts', () => {
    const r = krg(['exec', '--stats', '--seed', '7', '--', `${GUESTS}/hello`]);
    expect(r.stderr).toMatch(/^krg: instructions \d+$/m);
    expect(r.stderr).toMatch(/^krg: simulated time [\d.]+ ms$/m);
    expect(r.stderr).toMatch(/^krg: wall time [\d.]+ ms$/m);
    expect(r.stderr).toMatch(/^krg: syscalls .*\bwrite=1\b/m);
    expect(r.stderr).toMatch(/^krg: enosys none$/m);
  });

  test('--env adds to the fixed environment, never the host one', async () => {
    const r = await krgInProcess(['--env', 'A=1', '--env', 'EMPTY=', '--', `${GUESTS}/argv-echo`]);
    expect(r.stdout).toContain('env[3]="A=1"\nenv[4]="EMPTY="\nenvc=5\n');
    expect(r.stdout).not.toContain('HOME=/root');
  });

  test('the same seed gives the same run, instruction for instruction', async () => {
    const a = await krgInProcess(['--stats', '--seed', '3', '--', `${GUESTS}/sort`]);
    const b = await krgInProcess(['--stats', '--seed', '3', '--', `${GUESTS}/sort`]);
    const stable = (s: string) => s.replace(/^krg: wall time .*$/m, '');
    expect(a.stdout).toBe(b.stdout);
    expect(stable(a.stderr)).toBe(stable(b.stderr));
  });

  test.each([
    [['exec', '--nodes', '0', '--', 'x'], /--nodes must be between 1 and 256/],
    [['exec', '--nodes', '2', '--node', '2', '--', 'x'], /--node must be between 0 and 1/],
    [['exec', '--seed', '-1', '--', 'x'], /--seed/],
    [['exec', '--bogus', '--', 'x'], /Unknown option/],
    [['exec', '--env', 'NOEQUALS', '--', 'x'], /--env expects NAME=VALUE/],
    [['exec'], /needs a program/],
    [['exec', '--', '/nonexistent/program'], /cannot read \/nonexistent\/program: ENOENT/],
    [['exec', '--', 'package.json'], /invalid ELF/],
    [['frobnicate'], /unknown command/],
  ])('krg %j fails with one line and status 125', (args, message) => {
    const r = krg(args);
    expect(r.status).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test('a deadlock is reported with the blocked processes, status 125', () => {
    const r = krg(['exec', '--', `${GUESTS}/pipe-deadlock`]);
    expect(r.stdout).toBe('waiting on a pipe nobody writes\n');
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^krg: deadlock: .*pid \d+ \(pipe-deadlock\) in read\n$/);
  });

  test('a truncated ELF is refused with status 125 and nothing runs', () => {
    const r = krg([
      'exec',
      '--image',
      `${GUESTS}/hello:/bin/other`,
      '--',
      'tools/guests/proc/README.md',
    ]);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^krg: cannot run/);
  });
});
