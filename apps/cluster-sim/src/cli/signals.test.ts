// Goal: signals behave for guests as on Linux — handlers on the riscv64
// frame and rt_sigreturn, SA_* flags, restart vs EINTR, sigsuspend, pause,
// sigtimedwait, sigqueue values, the alternate stack, ucontext edits, fault
// handlers, default-action deaths with their wait status, stop and continue,
// SIGCHLD, interval timers, handler ping-pong, bad input. Method: the
// signal guests print byte-identical output and exit status under krg (on
// one node, and on node 3 of 4) and under qemu-riscv64; where qemu 7.2
// departs from Linux (sa_mask during a handler, rt_sigreturn's check of the
// frame's reserved words), the guest takes an argument and krg's output is
// checked against Linux's behaviour instead.
import { describe, expect, test } from 'vitest';
import { GUESTS, krgInProcess, qemu } from './krg-run.test-util.js';

const GUESTS_DIFFERENTIAL: readonly { guest: string; args?: readonly string[] }[] = [
  { guest: 'sig-handlers' },
  { guest: 'sig-restart' },
  { guest: 'sig-altstack' },
  { guest: 'sig-deaths' },
  { guest: 'sig-itimer' },
  { guest: 'sig-pingpong', args: ['100'] },
  { guest: 'sig-badinput' },
  { guest: 'sig-ckpt' },
  { guest: 'sig-waitid' },
  { guest: 'sig-jobctl' },
];

describe('signal guests against qemu-riscv64', () => {
  for (const c of GUESTS_DIFFERENTIAL) {
    test(`${c.guest}: same stdout and status on 1 node and on node 3 of 4`, async () => {
      const binary = `${GUESTS}/${c.guest}`;
      const args = c.args ?? [];
      const oracle = qemu(binary, args);
      expect(oracle.status).toBe(0);
      const one = await krgInProcess(['--nodes', '1', '--', binary, ...args]);
      expect(one.stderr).toBe(oracle.stderr);
      expect(one.stdout).toBe(oracle.stdout);
      expect(one.status).toBe(oracle.status);
      const four = await krgInProcess(['--nodes', '4', '--node', '3', '--', binary, ...args]);
      expect(four.stdout).toBe(oracle.stdout);
      expect(four.status).toBe(oracle.status);
    });
  }
});

describe('where qemu-riscv64 7.2 departs from Linux', () => {
  test('sa_mask holds a signal raised in the handler until it returns', async () => {
    const run = await krgInProcess(['--', `${GUESTS}/sig-handlers`, 'mask']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('after: USR1 blocked=0 USR2 blocked=0 hits=1 order=[h][inner]\n');
    // Everything else is as without the argument.
    const plain = qemu(`${GUESTS}/sig-handlers`, []);
    const strip = (s: string): string => s.replace(/order=\S+/, '');
    expect(strip(run.stdout)).toBe(strip(plain.stdout));
  });

  test('rt_sigreturn rejects a frame whose FP reserved words were changed: SIGSEGV', async () => {
    const run = await krgInProcess(['--', `${GUESTS}/sig-badinput`, 'corrupt']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('unreadable frame: killed by 11\ncorrupted frame: killed by 11\n');
    expect(run.stdout).not.toContain('survived');
  });
});
