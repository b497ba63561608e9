// Shared by the one-system-image tests: guests from tools/guests/bin started
// on chosen nodes, their output captured, their stdin held open or fed.
import { readFileSync } from 'node:fs';
import type { EpmAction, Task } from '@krg/epm-core';
import { encodeWaitStatus } from '@krg/epm-core';
import { Cluster, ConsoleInput, type PsRow, type StandardStreams } from '../index.js';
import { peekLocalPs } from './process-view.js';

/** The actions a checkpoint test exports and imports with (application 1, shared objects saved and loaded at once). */
export const CHECKPOINT: EpmAction = { type: 'checkpoint', appId: 1, shared: 'save-now' };
export const RESTART: EpmAction = {
  type: 'restart',
  appId: 1,
  shared: 'load-now',
  replacePgrp: false,
  replaceSid: false,
};

export function guestBytes(name: string): Uint8Array {
  return new Uint8Array(
    readFileSync(new URL(`../../../../tools/guests/bin/${name}`, import.meta.url)),
  );
}

export interface Started {
  /** The started task; a restart's copy once `adopt` named it. */
  readonly task: Task;
  readonly pid: number;
  readonly name: string;
  readonly stdin: ConsoleInput;
  /** The process's console streams (a restarted copy reattaches to them). */
  readonly streams: StandardStreams;
  readonly stdout: () => string;
  /** The wait status word once the task (or the copy `adopt` named) ended, else undefined. */
  readonly status: () => number | undefined;
  /** A restarted copy of the process (same pid) is now the one whose end counts. */
  readonly adopt: (copy: Task) => void;
}

/**
 * Starts `/bin/<name>` on `node` with its standard streams piped to the
 * test: the one helper every cluster test starts guests with. With `stdin`
 * undefined the input stays open and empty until `started.stdin.end()` (a
 * process that blocks on read lives until then); with a string, that text
 * then EOF ('' is EOF at once).
 */
export function startGuest(
  cluster: Cluster,
  node: number,
  name: string,
  args: readonly string[] = [],
  stdinText?: string,
): Started {
  if (!cluster.store.lookup(`/bin/${name}`).ok)
    cluster.store.addFile(`/bin/${name}`, guestBytes(name));
  const out: Uint8Array[] = [];
  const stdin = new ConsoleInput('pipe');
  let sent = false;
  if (stdinText !== undefined) {
    stdin.onDemand = () =>
      cluster.engine.schedule(0, () => {
        if (!sent && stdinText !== '') {
          sent = true;
          stdin.push(Buffer.from(stdinText));
        } else stdin.end();
      });
  }
  const sink = { write: (b: Uint8Array) => out.push(b.slice()) };
  const streams: StandardStreams = {
    stdin,
    stdout: { sink, kind: 'pipe' },
    stderr: { sink, kind: 'pipe' },
  };
  const started = cluster.start({
    node,
    path: `/bin/${name}`,
    argv: [name, ...args],
    envp: ['LANG=C'],
    streams,
  });
  if ('errno' in started) throw new Error(`${name}: ${started.detail}`);
  let task: Task = started;
  return {
    get task() {
      return task;
    },
    pid: started.pid,
    name,
    stdin,
    streams,
    stdout: () => Buffer.concat(out).toString('latin1'),
    status: () =>
      task.state === 'dead' && task.exitStatus !== undefined
        ? encodeWaitStatus(task.exitStatus)
        : undefined,
    adopt: (copy) => {
      if (copy.pid !== started.pid)
        throw new Error(`${name}: a copy of ${started.pid} has its pid`);
      task = copy;
    },
  };
}

/** What ps must show: the processes each live node actually runs, from the tasks themselves. */
export function truth(cluster: Cluster): PsRow[] {
  return cluster
    .tasks()
    .filter((t) => t.state !== 'dead')
    .map((t) => ({
      pid: t.pid,
      ppid: t.parentPid,
      pgid: t.pgid,
      sid: t.sid,
      uid: t.credentials.uid,
      node: t.node,
      state: t.state,
      command: t.comm,
    }));
}

/**
 * Every live node's view of its own processes, read from its task objects
 * without waiting: undefined if some object is not readable at once.
 */
export function objectView(cluster: Cluster): PsRow[] | undefined {
  const rows: PsRow[] = [];
  for (const node of cluster.nodes) {
    if (!node.isUp) continue;
    const view = peekLocalPs(node);
    if (view.unreadable.length > 0) return undefined;
    rows.push(...view.rows);
  }
  return rows.sort((a, b) => a.pid - b.pid);
}

/** A frozen task may still be woken (its state flips to running): ps compares liveness, not R/S. */
export function settled(rows: readonly PsRow[]): PsRow[] {
  return rows.map((r) => ({ ...r, state: r.state === 'zombie' ? 'zombie' : 'running' }));
}

/**
 * Freezes every live task (again and again, as tasks fork while the first
 * freezes settle), asks ps from every live node, thaws; runs inside the
 * engine, so the cluster stands still while ps runs.
 */
export async function psEverywhereFrozen(
  cluster: Cluster,
): Promise<{ answers: PsRow[][]; truth: PsRow[] }> {
  const frozen: Task[] = [];
  for (;;) {
    const more = cluster
      .tasks()
      .filter((t) => t.state !== 'zombie' && t.state !== 'dead' && !frozen.includes(t));
    if (more.length === 0) break;
    const results = await Promise.all(more.map((t) => cluster.freeze(t)));
    more.forEach((t, i) => {
      if (results[i] === 'frozen') frozen.push(t);
    });
  }
  const seen = truth(cluster);
  const live = cluster.nodes.filter((n) => n.isUp).map((n) => n.id);
  const answers = await Promise.all(live.map((n) => cluster.ps(n)));
  for (const t of frozen) if (t.state !== 'dead') cluster.nodes[t.node]!.thaw(t);
  return { answers: answers.map(settled), truth: settled(seen) };
}
