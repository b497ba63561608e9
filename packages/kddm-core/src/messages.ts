// The object-server messages of the coherence protocol (reference §1.6 and
// Appendix A). Every message names its set and object; `replyNode` is the
// node an answer goes to (the requester for REQ_OBJECT_COPY, the new writer
// for REQ_OBJECT_INVALID, the acker for INVALIDATION_ACK, the remover for the
// remove messages). Payload (`data`) is the IO linker's export, encoded by
// the node shell; the pure protocol only says when an object travels.
import { type NodeId } from './node-id.js';
import { type NodeSet } from './node-set.js';
import { type ObjectId } from './object-id.js';
import { type ObjectState } from './object-state.js';
import { type SetId } from './set-id.js';

export const MessageType = {
  REQ_OBJECT_COPY: 'REQ_OBJECT_COPY',
  REQ_OBJECT_INVALID: 'REQ_OBJECT_INVALID',
  REQ_OBJECT_REMOVE: 'REQ_OBJECT_REMOVE',
  REQ_OBJECT_REMOVE_TO_MGR: 'REQ_OBJECT_REMOVE_TO_MGR',
  SEND_BACK_FIRST_TOUCH: 'SEND_BACK_FIRST_TOUCH',
  OBJECT_SEND: 'OBJECT_SEND',
  NO_OBJECT_SEND: 'NO_OBJECT_SEND',
  SEND_WRITE_ACCESS: 'SEND_WRITE_ACCESS',
  INVALIDATION_ACK: 'INVALIDATION_ACK',
  REMOVE_ACK: 'REMOVE_ACK',
  REMOVE_ACK2: 'REMOVE_ACK2',
  REMOVE_DONE: 'REMOVE_DONE',
  SEND_OWNERSHIP: 'SEND_OWNERSHIP',
  CHANGE_OWNERSHIP_ACK: 'CHANGE_OWNERSHIP_ACK',
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const MESSAGE_TYPES: readonly MessageType[] = Object.values(MessageType);

/** Kerrighed's masterObj_t: what the owner knows, handed over with ownership. */
export interface MasterInfo {
  readonly copyset: NodeSet;
  readonly rmset: NodeSet;
}

/** One protocol message as the pure core sees it (no payload bytes). */
export interface KddmMessage {
  readonly type: MessageType;
  readonly setId: SetId;
  readonly objId: ObjectId;
  /** RequestFlag bits. */
  readonly flags: number;
  /** The round (request id) this message belongs to; 0 for unsolicited messages. */
  readonly reqId?: number;
  /** OBJECT_SEND, SEND_WRITE_ACCESS: version of the copy; REQ_OBJECT_INVALID: of the write round. */
  readonly version?: number;
  readonly replyNode: NodeId;
  /** CHANGE_OWNERSHIP_ACK: the node that took ownership. */
  readonly newOwner?: NodeId;
  /** OBJECT_SEND: the state the receiver takes (READ_COPY or WRITE_OWNER). */
  readonly objectState?: ObjectState;
  /** OBJECT_SEND with an owner state, SEND_WRITE_ACCESS, SEND_OWNERSHIP. */
  readonly master?: MasterInfo;
  /** REMOVE_DONE: the nodes whose REMOVE_ACK the remover still waits for. */
  readonly rmset?: NodeSet;
  /** OBJECT_SEND without NO_DATA: the sender exports its local copy into the message. */
  readonly carriesObject?: boolean;
}
