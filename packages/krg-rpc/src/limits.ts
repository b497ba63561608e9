// Every bound of @krg/krg-rpc, with its unit. Anything a caller or a peer
// can make grow is checked against one of these before allocating.
import { NS_PER_MS, NS_PER_US } from '@krg/sim-engine';

/** Node ids are 0 .. MAX_NODE_ID: Kerrighed's 8 node bits (KERRIGHED_MAX_NODES = 256). */
export const MAX_NODE_ID = 255;

/** Service ids are 0 .. MAX_SERVICE_ID. */
export const MAX_SERVICE_ID = 65_535;

/** Largest encoded packet handed to a transport (header + one RPC message). */
export const MAX_PACKET_BYTES = 2 * 1024 * 1024;

/** Largest encoded value one `pack` (or one call's arguments or result) may carry. */
export const MAX_MESSAGE_BYTES = MAX_PACKET_BYTES - 1024;

/** A descriptor used as a ByteChannel splits sends into DATA messages of at most this size. */
export const DESCRIPTOR_CHUNK_BYTES = 256 * 1024;

/**
 * Flow control of one descriptor direction: bytes packed but not yet
 * unpacked by the peer before `pack` waits. One larger message is still
 * accepted when nothing is outstanding.
 */
export const DESCRIPTOR_WINDOW_BYTES = 1024 * 1024;

/** Packets a reliable link keeps in flight (sent, not yet acknowledged). */
export const LINK_WINDOW_PACKETS = 256;

/** Packets a reliable link queues behind its window before `send` fails. */
export const MAX_LINK_BACKLOG_PACKETS = 65_536;

/** Conversations (calls, casts being served, descriptors) open on one node at once. */
export const MAX_OPEN_CONVERSATIONS = 65_536;

/** Services registered on one node. */
export const MAX_SERVICES = 4096;

/** Listeners registered on one node or on the membership. */
export const MAX_LISTENERS = 1024;

/** Default deadline of a call, a multicast call, and of each wait on a descriptor. */
export const DEFAULT_CALL_TIMEOUT_NS = 1_000 * NS_PER_MS;

/** Longest deadline a caller may ask for (one hour of simulated time). */
export const MAX_CALL_TIMEOUT_NS = 3_600_000 * NS_PER_MS;

/**
 * How long a receiver waits for outgoing data to piggyback an acknowledgement
 * on: a pure ACK leaves between half this and this after the data it
 * acknowledges. Long against the link latency (50 µs by default) on purpose:
 * an RPC reply is acknowledged by the caller's next packet to that node when
 * one comes within it, which saves most of the pure ACKs of a call-heavy
 * workload. The price is slower loss recovery: retransmission waits for a
 * round trip plus this delay.
 */
export const ACK_DELAY_NS = 1 * NS_PER_MS;

/** Slack added to a link's expected round trip to get its first retransmission timeout. */
export const RETRANSMIT_SLACK_NS = 200 * NS_PER_US;

/**
 * Shortest interval between two scans of a node's links for overdue
 * retransmissions (a retransmission may be this late).
 */
export const RETRANSMIT_SCAN_NS = 100 * NS_PER_US;

/** Retransmission timeouts back off exponentially up to this. */
export const MAX_RETRANSMIT_TIMEOUT_NS = 100 * NS_PER_MS;

/** Default delay between a crash and the surviving nodes noticing it. */
export const DEFAULT_FAILURE_DETECTION_NS = 1 * NS_PER_MS;
