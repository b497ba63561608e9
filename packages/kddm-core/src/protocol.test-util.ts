// Helpers for the pure-protocol tests: contexts, entries and message
// builders with readable defaults.
import { type KddmMessage, type MessageType } from './messages.js';
import {
  type ObjectEntry,
  type ProtocolAction,
  type ProtocolContext,
  freshEntry,
  withEntry,
} from './object-entry.js';
import { type NodeId } from './node-id.js';
import { nodeSetToArray } from './node-set.js';
import { type ObjectState } from './object-state.js';
import { type ServerResult } from './object-server.js';

export function ctxOf(
  self: NodeId,
  defaultOwner: NodeId,
  extra: Partial<ProtocolContext> = {},
): ProtocolContext {
  return {
    setId: 40,
    objId: 7,
    self,
    defaultOwner,
    ftLinked: false,
    localExclusive: false,
    freshRound: 77,
    ...extra,
  };
}

export function entryOf(
  ctx: ProtocolContext,
  state: ObjectState,
  patch: Partial<ObjectEntry> = {},
): ObjectEntry {
  return withEntry(freshEntry(ctx), { state, ...patch });
}

export function msgOf(
  type: MessageType,
  replyNode: NodeId,
  extra: Partial<KddmMessage> = {},
): KddmMessage {
  return { type, setId: 40, objId: 7, flags: 0, replyNode, ...extra };
}

/** Actions as short strings: "send REQ_OBJECT_COPY->2", "invalidate", ... */
export function describeActions(actions: readonly ProtocolAction[]): string[] {
  return actions.map((a) => (a.kind === 'send' ? `send ${a.msg.type}->${a.to}` : a.kind));
}

export function members(s: bigint): number[] {
  return nodeSetToArray(s);
}

/** The handled result of a message, or throw if it was deferred. */
export function handledOf(r: ServerResult): Extract<ServerResult, { kind: 'handled' }> {
  if (r.kind !== 'handled') throw new Error('expected handled, got defer');
  return r;
}
