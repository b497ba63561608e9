// What poll(2) sees on an open file description right now: its event bits
// (Linux's `f_op->poll` answer) and the wait queues a poller sleeps on until
// that answer may change. One owner for the question, so ppoll and pselect6
// agree on every kind of file.
import { WaitQueue } from '@krg/epm-core';
import { PIPE_ATOMIC_BYTES, PIPE_CAPACITY_BYTES } from '../limits.js';
import { ConsoleFile } from './console.js';
import type { OpenFile } from './open-file.js';
import { PipeEnd } from './pipe.js';

export const POLLIN = 0x1;
export const POLLPRI = 0x2;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
export const POLLRDNORM = 0x40;
export const POLLRDBAND = 0x80;
export const POLLWRNORM = 0x100;
export const POLLWRBAND = 0x200;

/** Linux's DEFAULT_POLLMASK: files without a poll method (regular files, directories) are always ready. */
const ALWAYS_READY = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

export interface Readiness {
  readonly events: number;
  /** Queues woken when `events` may change; empty when it never changes. */
  readonly queues: readonly WaitQueue[];
}

const NO_QUEUES: readonly WaitQueue[] = [];

export function pollReadiness(file: OpenFile): Readiness {
  if (file instanceof PipeEnd) return pipeReadiness(file);
  if (file instanceof ConsoleFile) return consoleReadiness(file);
  return { events: ALWAYS_READY, queues: NO_QUEUES };
}

function pipeReadiness(end: PipeEnd): Readiness {
  const pipe = end.pipe;
  if (end.end === 'read') {
    let events = pipe.bufferedBytes > 0 ? POLLIN | POLLRDNORM : 0;
    // Every writer gone: a reader sees the hang-up (and EOF once drained).
    if (pipe.writers === 0) events |= POLLHUP;
    return { events, queues: [pipe.readable] };
  }
  // Writable when a write of PIPE_BUF bytes would not block — the promise
  // Linux's "pipe not full" makes with page-sized buffers.
  const room = PIPE_CAPACITY_BYTES - pipe.bufferedBytes;
  let events = room >= PIPE_ATOMIC_BYTES ? POLLOUT | POLLWRNORM : 0;
  if (pipe.readers === 0) events |= POLLERR;
  return { events, queues: [pipe.writable] };
}

function consoleReadiness(console: ConsoleFile): Readiness {
  const input = console.input;
  // Output consoles write straight into krg's own streams: never full.
  if (input === undefined) return { events: POLLOUT | POLLWRNORM, queues: NO_QUEUES };
  const state = input.peek();
  if (state === 'data') return { events: POLLIN | POLLRDNORM, queues: NO_QUEUES };
  if (state === 'eof') {
    // A host pipe whose writer left hangs up; a terminal or file at EOF reads as ready.
    return {
      events: input.hostKind === 'pipe' ? POLLHUP : POLLIN | POLLRDNORM,
      queues: NO_QUEUES,
    };
  }
  return { events: 0, queues: [input.readable] };
}
