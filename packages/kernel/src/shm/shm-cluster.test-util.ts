// Runs committed guests on chosen nodes of a Cluster and collects what each
// process printed and how it ended (the SysV shm tests start two processes
// on two nodes: remote fork comes with migration).
import { readFileSync } from 'node:fs';
import type { Task } from '@krg/epm-core';
import { Cluster, type StandardStreams } from '../cluster.js';
import { ConsoleInput } from '../files/console.js';

export const guest = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../../../tools/guests/bin/${name}`, import.meta.url)));

export interface Started {
  readonly pid: number;
  readonly task: Task;
  /** The process's console streams (a restarted copy reattaches to them). */
  readonly streams: StandardStreams;
  stdout(): string;
  status(): number | undefined;
}

export function startGuest(
  cluster: Cluster,
  name: string,
  argv: readonly string[],
  node: number,
): Started {
  if (cluster.store.lookup(`/bin/${name}`, '/').ok !== true)
    cluster.store.addFile(`/bin/${name}`, guest(name));
  const out: Uint8Array[] = [];
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const sink = { write: (b: Uint8Array) => out.push(b.slice()) };
  const streams: StandardStreams = {
    stdin,
    stdout: { sink, kind: 'pipe' },
    stderr: { sink, kind: 'pipe' },
  };
  const task = cluster.start({
    node,
    path: `/bin/${name}`,
    argv: [name, ...argv],
    envp: ['PATH=/bin', 'LANG=C'],
    streams,
  });
  if ('errno' in task) throw new Error(`cannot start ${name}: ${task.detail}`);
  let status: number | undefined;
  const previous = cluster.onTaskReaped;
  cluster.onTaskReaped = (t) => {
    // A restarted copy reuses the pid: its end, reaped last, is the one that counts.
    if (t.pid === task.pid) {
      const s = t.exitStatus;
      status = s?.kind === 'exited' ? s.code : 128 + (s?.kind === 'signaled' ? s.signal : 0);
    }
    previous(t);
  };
  return {
    pid: task.pid,
    task,
    streams,
    stdout: () => Buffer.concat(out).toString(),
    status: () => status,
  };
}
