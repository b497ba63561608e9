// Public surface of @krg/kddm-core.
export {
  KddmError,
  KddmBadObjectId,
  KddmBadSetId,
  KddmBadNodeId,
  KddmLimitExceeded,
  KddmUniqueIdExhausted,
  KddmUnknownSet,
  KddmSetExists,
  KddmObjectBusy,
  KddmRemoveInProgress,
  KddmNoFlushDestination,
  KddmNoLocalCopy,
  KddmNotFrozen,
  KddmBadUsage,
  KddmNotSupported,
  KddmBadMessage,
  KddmProtocolBug,
  KddmNodeDown,
  KddmObjectLost,
} from './errors.js';
export {
  MAX_NODES,
  MAX_OBJECT_ID,
  UNIQUE_ID_NODE_SHIFT,
  UNIQUE_ID_LOCAL_MAX,
  MAX_STATIC_SET_ID,
  MAX_PRIVATE_DATA_BYTES,
  MAX_OBJECT_BYTES,
  MAX_QUEUED_MESSAGES_PER_OBJECT,
  MAX_WAITERS_PER_OBJECT,
  MAX_SETS_PER_NODE,
  MAX_FROZEN_COUNT,
  MAX_EARLY_ACK_ROUNDS,
  MAX_RECOVERY_REPORT_OBJECTS,
  MAX_RECOVERY_QUEUED_MESSAGES,
  MAX_HELD_OPERATIONS,
  MAX_REJOIN_WAIT_NS,
  MAX_FRAMES_BEFORE_ATTACH,
} from './limits.js';
export { isNodeId, checkNodeId } from './node-id.js';
export type { NodeId } from './node-id.js';
export {
  EMPTY_NODE_SET,
  nodeSetOf,
  nodeSetAdd,
  nodeSetRemove,
  nodeSetHas,
  nodeSetIsEmpty,
  nodeSetSize,
  nodeSetToArray,
  nodeSetFromArray,
} from './node-set.js';
export type { NodeSet } from './node-set.js';
export {
  isObjectId,
  checkObjectId,
  makeUniqueId,
  uniqueIdNode,
  uniqueIdLocal,
  UniqueIdGenerator,
} from './object-id.js';
export type { ObjectId } from './object-id.js';
export {
  SystemSetId,
  MIN_DYNAMIC_SET_LOCAL,
  isSetId,
  checkSetId,
  isStaticSetId,
  dynamicSetId,
  setManagerNode,
} from './set-id.js';
export type { SetId } from './set-id.js';
export {
  roundRobinHome,
  uniqueIdHome,
  fixedHome,
  customHome,
  nextPresentNode,
  defaultOwner,
} from './home-policy.js';
export type { HomePolicy } from './home-policy.js';
export {
  ObjectState,
  objectStateName,
  isObjectState,
  isOwnerState,
  isReadableState,
  isWritableState,
  isRemovingState,
} from './object-state.js';
export { RequestFlag, ALL_REQUEST_FLAGS } from './request-flags.js';
export { MessageType, MESSAGE_TYPES } from './messages.js';
export type { KddmMessage, MasterInfo } from './messages.js';
export { freshEntry } from './object-entry.js';
export type { ObjectEntry, ProtocolContext, ProtocolAction } from './object-entry.js';
export { localStep, isWaitState } from './local-verbs.js';
export type { LocalOp, LocalOutcome, LocalFailure, LocalResult } from './local-verbs.js';
export { handleMessage } from './object-server.js';
export type { ServerResult } from './object-server.js';
export type { IoLinker } from './io-linker.js';
export { KddmSet } from './kddm-set.js';
export type { HomeSpec, Completion, SetConfig, SetHost } from './kddm-set.js';
export { KddmNode } from './kddm-node.js';
export type { KddmNodeOptions, CreateSetOptions } from './kddm-node.js';
export type { KddmTransport, KddmEndpoint } from './transport.js';
export type { KddmWire, SetLookupWire, SetLookupReplyWire, SetDescriptorWire } from './wire.js';
export {
  FRAME_OBJECT,
  FRAME_CONTROL,
  OBJECT_FRAME_HEADER_BYTES,
  MAX_OBJECT_FRAME_BYTES,
  NO_PAYLOAD,
  encodeObjectFrame,
  encodeControlFrame,
  decodeFrame,
  frameLabel,
} from './frame.js';
export type { DecodedFrame, ObjectFrame, ControlFrame } from './frame.js';
export type { RecoveryWire, SetRecoveryReport } from './recovery.js';
export { newSetCounters, totalMessages } from './set-counters.js';
export type { SetCounters } from './set-counters.js';
export { kddmOverRpc, KDDM_RPC_SERVICE } from './rpc-transport.js';
export type { KddmRpcBinding } from './rpc-transport.js';
