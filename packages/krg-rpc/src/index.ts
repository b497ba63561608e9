// Public surface of @krg/krg-rpc: node ids and membership, the transport
// interface and the simulated network, reliable links, RPC services, calls,
// casts, multicast and lock-step descriptors.
export type { NodeId } from './node-id.js';
export { checkNodeId, normalizeNodeSet } from './node-id.js';
export type { PacketReceiver, Transport } from './transport.js';
export { SimNetwork } from './sim-network.js';
export type { NetworkStats, SimNetworkOptions } from './sim-network.js';
export { Membership } from './membership.js';
export type { DownReason, NodeDownListener, NodeUpListener } from './membership.js';
export { ReliableLinks } from './reliable-links.js';
export type { FrameSink, LinkStats } from './reliable-links.js';
export { RpcLayer } from './rpc-layer.js';
export type { BootHook, RpcLayerOptions } from './rpc-layer.js';
export { RpcNode } from './rpc-node.js';
export type {
  BytesHandler,
  CallOptions,
  PeerDownListener,
  PeerUpListener,
  RpcContext,
  RpcHandler,
  RpcNodeStats,
  RpcOutcome,
} from './rpc-node.js';
export { RpcDescriptor } from './descriptor.js';
export {
  RpcCancelled,
  RpcDescriptorClosed,
  RpcError,
  RpcInvalidArgument,
  RpcLimitExceeded,
  RpcMembershipError,
  RpcMessageTooLarge,
  RpcNodeNotUp,
  RpcPeerDown,
  RpcRemoteError,
  RpcServiceExists,
  RpcServiceUnknown,
  RpcTimeout,
} from './errors.js';
export {
  ACK_DELAY_NS,
  DEFAULT_CALL_TIMEOUT_NS,
  DEFAULT_FAILURE_DETECTION_NS,
  DESCRIPTOR_CHUNK_BYTES,
  DESCRIPTOR_WINDOW_BYTES,
  LINK_WINDOW_PACKETS,
  MAX_CALL_TIMEOUT_NS,
  MAX_LINK_BACKLOG_PACKETS,
  MAX_LISTENERS,
  MAX_MESSAGE_BYTES,
  MAX_NODE_ID,
  MAX_OPEN_CONVERSATIONS,
  MAX_PACKET_BYTES,
  MAX_RETRANSMIT_TIMEOUT_NS,
  MAX_SERVICE_ID,
  MAX_SERVICES,
  RETRANSMIT_SCAN_NS,
  RETRANSMIT_SLACK_NS,
} from './limits.js';
