// Goal: a system call that returns at once costs no engine event, yet its
// time is charged exactly — the task's clock, the engine's clock once the
// slice has paid its debt, and the task's accounting agree — and processes
// that talk through a pipe never see each other's time run backwards.
// Method: run committed guests on a Cluster and compare the engine's
// counters with the task's accounting.
import { readFileSync } from 'node:fs';
import { ACCOUNTING_SLOT } from '@krg/epm-core';
import { describe, expect, test } from 'vitest';
import { Cluster, ConsoleInput } from '../index.js';

async function run(name: string, args: string[]) {
  const cluster = new Cluster({ nodes: 1, seed: 5 });
  const bytes = readFileSync(new URL(`../../../../tools/guests/bin/${name}`, import.meta.url));
  cluster.store.addFile(`/bin/${name}`, new Uint8Array(bytes));
  const out: Uint8Array[] = [];
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const reaped: { pid: number; syscalls: number; chargedNs: number; atNs: number }[] = [];
  cluster.onTaskReaped = (t) => {
    const acc = t.get(ACCOUNTING_SLOT);
    let syscalls = 0;
    for (const n of acc.syscalls.values()) syscalls += n;
    reaped.push({
      pid: t.pid,
      syscalls,
      chargedNs: acc.userNs + acc.systemNs,
      atNs: cluster.engine.nowNs,
    });
  };
  const startNs = cluster.engine.nowNs;
  const sink = { write: (b: Uint8Array) => out.push(b.slice()) };
  const task = cluster.start({
    node: 0,
    path: `/bin/${name}`,
    argv: [name, ...args],
    envp: ['LANG=C'],
    streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
  });
  expect('errno' in task).toBe(false);
  await cluster.run();
  return { cluster, reaped, startNs, stdout: Buffer.concat(out).toString() };
}

describe('the system-call fast path', () => {
  test('cheap calls cost no engine event, and their time is all charged', async () => {
    const r = await run('syscall-loop', ['20000']);
    expect(r.stdout).toBe('syscalls=60000 bad=0\n');
    expect(r.reaped).toHaveLength(1);
    const [task] = r.reaped;
    expect(task!.syscalls).toBeGreaterThan(60_000);
    // Before the fast path every call cost two events (instructions, call).
    expect(r.cluster.engine.eventsDispatched).toBeLessThan(task!.syscalls / 100);
    // The task alone used the CPU from its start to its exit: the engine's
    // clock moved by exactly what was charged to it, no more, no less.
    expect(task!.atNs - r.startNs).toBe(task!.chargedNs);
  });

  test('a pipe reader never sees a time before the writer wrote (clock-order guest)', async () => {
    const r = await run('clock-order', []);
    expect(r.stdout).toContain('child: messages=200 read-before-write=0 clock-back=0\n');
    expect(r.stdout).toContain('failures=0\n');
    expect(r.stdout).not.toContain('FAIL');
  });

  test('the same seed gives the same run: events, time and output', async () => {
    const a = await run('clock-order', []);
    const b = await run('clock-order', []);
    expect(b.stdout).toBe(a.stdout);
    expect(b.cluster.engine.eventsDispatched).toBe(a.cluster.engine.eventsDispatched);
    expect(b.cluster.engine.traceHash).toBe(a.cluster.engine.traceHash);
    expect(b.reaped).toEqual(a.reaped);
  });
});
