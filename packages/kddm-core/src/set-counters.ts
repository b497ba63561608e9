// Per-set counters (Kerrighed keeps get/grab/remove/flush per set): what the
// tests and the CLI read to see what a set did.
import { MESSAGE_TYPES, type MessageType } from './messages.js';

export interface SetCounters {
  gets: number;
  grabs: number;
  finds: number;
  puts: number;
  removes: number;
  flushes: number;
  syncs: number;
  /** get/grab served synchronously, without the protocol. */
  fastPathHits: number;
  /** Protocol messages sent / received by type. */
  readonly messagesSent: Record<MessageType, number>;
  readonly messagesReceived: Record<MessageType, number>;
  /** Object payload bytes sent (encoded exports). */
  objectBytesSent: number;
  /** Messages parked on a frozen object or a transient state. */
  deferred: number;
  /** Messages that made no sense where they arrived (stale or duplicate). */
  unexpected: number;
}

function byType(): Record<MessageType, number> {
  const r = {} as Record<MessageType, number>;
  for (const t of MESSAGE_TYPES) r[t] = 0;
  return r;
}

export function newSetCounters(): SetCounters {
  return {
    gets: 0,
    grabs: 0,
    finds: 0,
    puts: 0,
    removes: 0,
    flushes: 0,
    syncs: 0,
    fastPathHits: 0,
    messagesSent: byType(),
    messagesReceived: byType(),
    objectBytesSent: 0,
    deferred: 0,
    unexpected: 0,
  };
}

/** Sum of a by-type record. */
export function totalMessages(byTypeCounts: Record<MessageType, number>): number {
  let n = 0;
  for (const t of MESSAGE_TYPES) n += byTypeCounts[t];
  return n;
}
