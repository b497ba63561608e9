// Lock-step descriptors: one conversation between a client and a server
// (Kerrighed's `struct rpc_desc`). Either side packs values to the other and
// unpacks what the other packed, in order, as many times as the protocol
// needs; `end` closes this side's direction, `cancel` aborts both. A
// descriptor is also a ghost-io `ByteChannel`, so a `NetworkGhost` runs over
// it (migration streams a process through exactly that).
//
// Flow control: a side may have at most DESCRIPTOR_WINDOW_BYTES packed and
// not yet unpacked by its peer; the peer returns credit as it unpacks.
// Every wait has a deadline (`timeoutNs`); on expiry the conversation is
// cancelled with `RpcTimeout`.
import { ChannelClosed, decodeValue, encodeValue, type ByteChannel } from '@krg/ghost-io';
import type { Deferred, Scope } from '@krg/sim-engine';
import {
  RpcCancelled,
  RpcDescriptorClosed,
  RpcError,
  RpcInvalidArgument,
  RpcLimitExceeded,
  RpcMessageTooLarge,
  RpcRemoteError,
  RpcTimeout,
} from './errors.js';
import { DESCRIPTOR_CHUNK_BYTES, DESCRIPTOR_WINDOW_BYTES, MAX_MESSAGE_BYTES } from './limits.js';
import { M_CANCEL, M_CREDIT, M_DATA, M_END } from './message.js';
import type { NodeId } from './node-id.js';

/** What a descriptor needs from the node that owns it. */
export interface ConversationHost {
  readonly scope: Scope;
  readonly nodeId: NodeId;
  /**
   * Sends one message of this conversation to `peer` on the reliable link
   * (`body` is copied); throws like `ReliableLinks.send`.
   */
  sendTo(peer: NodeId, kind: number, toServer: boolean, convId: number, body: Uint8Array): void;
  /** Removes the conversation from the node's table. */
  release(desc: RpcDescriptor): void;
}

type Slot = 'data' | 'credit' | 'result';

const EMPTY = new Uint8Array(0);

export class RpcDescriptor implements ByteChannel {
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private readonly waiters: Record<Slot, Deferred<void> | null> = {
    data: null,
    credit: null,
    result: null,
  };
  private isPeerEnded = false;
  private isLocalEnded = false;
  private isReleased = false;
  private failure: RpcError | null = null;
  private sentBytes = 0;
  private peerConsumedBytes = 0;
  private consumedBytes = 0;
  private creditedBytes = 0;
  private outcome: { isOk: boolean; value: unknown } | null = null;

  /** @internal Created by `RpcNode.begin` (client) or for a descriptor service (server). */
  constructor(
    private readonly host: ConversationHost,
    /** The node at the other end. */
    readonly peer: NodeId,
    readonly serviceId: number,
    /** @internal */
    readonly convId: number,
    readonly role: 'client' | 'server',
    /** Deadline of each wait (pack on credit, unpack, result). */
    readonly timeoutNs: number,
  ) {}

  /** True once the conversation ended, was cancelled or failed (nothing more can be sent). */
  get isClosed(): boolean {
    return this.isReleased;
  }

  /** Sends one value to the peer (waits while the peer has a window's worth unread). */
  async pack(value: unknown): Promise<void> {
    this.checkCanSend();
    const bytes = encodeValue(value);
    if (bytes.byteLength > MAX_MESSAGE_BYTES) {
      throw new RpcMessageTooLarge(bytes.byteLength, MAX_MESSAGE_BYTES);
    }
    await this.sendBytes(bytes);
  }

  /** The next value the peer packed. Throws `RpcDescriptorClosed` once the peer ended. */
  async unpack(): Promise<unknown> {
    const bytes = await this.nextChunk();
    if (bytes === null)
      throw new RpcDescriptorClosed('the peer ended its side of the conversation');
    return decodeValue(bytes);
  }

  /** Closes this side's direction; the peer's unpack then fails after the data already sent. */
  async end(): Promise<void> {
    if (this.isLocalEnded || this.isReleased) {
      this.isLocalEnded = true;
      return;
    }
    this.isLocalEnded = true;
    try {
      this.send1(M_END, EMPTY);
    } catch (error) {
      this.failWith(error);
    }
  }

  /** Aborts the conversation on both sides; the peer's waits fail with `RpcCancelled`. */
  cancel(): void {
    if (this.isReleased) return;
    try {
      this.send1(M_CANCEL, EMPTY);
    } catch {
      // The peer is gone already: nothing to tell it.
    }
    this.fail(new RpcCancelled(false));
  }

  /**
   * Client side: the value the server's handler returned (or its error as
   * `RpcRemoteError`), once it returned.
   */
  async result(): Promise<unknown> {
    if (this.role !== 'client') {
      throw new RpcInvalidArgument('result()', 'a client-side descriptor', this.role);
    }
    for (;;) {
      if (this.outcome !== null) {
        if (this.outcome.isOk) return this.outcome.value;
        const [code, message] = this.outcome.value as [string, string];
        throw new RpcRemoteError(this.peer, this.serviceId, code, message);
      }
      if (this.failure !== null) throw this.failure;
      await this.block('result');
    }
  }

  // ByteChannel: raw byte chunks over the same conversation.

  async send(bytes: Uint8Array): Promise<void> {
    if (this.isLocalEnded) throw new ChannelClosed('send after close');
    this.checkCanSend();
    for (let offset = 0; offset < bytes.byteLength; offset += DESCRIPTOR_CHUNK_BYTES) {
      const chunk = bytes.subarray(
        offset,
        Math.min(bytes.byteLength, offset + DESCRIPTOR_CHUNK_BYTES),
      );
      await this.sendBytes(encodeValue(chunk));
    }
  }

  async receive(): Promise<Uint8Array | null> {
    const bytes = await this.nextChunk();
    if (bytes === null) return null;
    const value = decodeValue(bytes);
    if (!(value instanceof Uint8Array)) {
      throw new RpcInvalidArgument(
        'descriptor receive()',
        'a byte chunk from send()',
        typeof value,
      );
    }
    return value;
  }

  async close(): Promise<void> {
    await this.end();
  }

  // Called by the owning node when messages arrive.

  /** @internal */
  onData(bytes: Uint8Array): void {
    if (this.isReleased) return;
    this.inbox.push(bytes);
    this.inboxBytes += bytes.byteLength;
    if (this.inboxBytes > 2 * DESCRIPTOR_WINDOW_BYTES + MAX_MESSAGE_BYTES) {
      // The peer ignored flow control: a bug on its side; stop the conversation.
      this.cancelWith(new RpcLimitExceeded('DESCRIPTOR_WINDOW_BYTES', DESCRIPTOR_WINDOW_BYTES));
      return;
    }
    this.wake('data');
  }

  /** @internal */
  onEnd(): void {
    this.isPeerEnded = true;
    this.wake('data');
  }

  /** @internal */
  onCredit(consumedBytes: number): void {
    if (consumedBytes > this.peerConsumedBytes) this.peerConsumedBytes = consumedBytes;
    this.wake('credit');
  }

  /** @internal The server's handler returned: the conversation is over. */
  onResult(isOk: boolean, value: unknown): void {
    if (this.isReleased) return;
    this.outcome = { isOk, value };
    this.isPeerEnded = true;
    this.release();
    this.wake('data');
    this.wake('result');
    this.wake('credit');
  }

  /** @internal The conversation failed (peer down, cancelled by the peer, timeout). */
  fail(error: RpcError): void {
    if (this.failure !== null || this.isReleased) return;
    this.failure = error;
    this.release();
    this.wake('data');
    this.wake('credit');
    this.wake('result');
  }

  /** @internal The server's handler returned: stop accepting messages. */
  finish(): void {
    this.release();
  }

  private release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    this.host.release(this);
  }

  private checkCanSend(): void {
    if (this.failure !== null) throw this.failure;
    if (this.isLocalEnded) throw new RpcDescriptorClosed('this side already ended');
    if (this.isReleased) throw new RpcDescriptorClosed('the conversation is over');
  }

  private async sendBytes(bytes: Uint8Array): Promise<void> {
    for (;;) {
      this.checkCanSend();
      const outstanding = this.sentBytes - this.peerConsumedBytes;
      if (outstanding === 0 || outstanding + bytes.byteLength <= DESCRIPTOR_WINDOW_BYTES) break;
      await this.block('credit');
    }
    try {
      this.send1(M_DATA, bytes);
    } catch (error) {
      this.failWith(error);
      throw error;
    }
    this.sentBytes += bytes.byteLength;
  }

  private async nextChunk(): Promise<Uint8Array | null> {
    for (;;) {
      const bytes = this.inbox.shift();
      if (bytes !== undefined) {
        this.inboxBytes -= bytes.byteLength;
        this.consumedBytes += bytes.byteLength;
        this.returnCredit();
        return bytes;
      }
      if (this.failure !== null) throw this.failure;
      if (this.isPeerEnded) return null;
      await this.block('data');
    }
  }

  private returnCredit(): void {
    if (this.isReleased) return;
    if (this.consumedBytes - this.creditedBytes < DESCRIPTOR_WINDOW_BYTES / 4) return;
    this.creditedBytes = this.consumedBytes;
    try {
      this.send1(M_CREDIT, encodeValue(this.consumedBytes));
    } catch (error) {
      this.failWith(error);
    }
  }

  private async block(slot: Slot): Promise<void> {
    const scope = this.host.scope;
    const waiter = scope.defer<void>();
    this.waiters[slot] = waiter;
    const timer = scope.schedule(this.timeoutNs, () =>
      this.cancelWith(new RpcTimeout(this.peer, this.serviceId, this.timeoutNs)),
    );
    try {
      await waiter.promise;
    } finally {
      timer.cancel();
      if (this.waiters[slot] === waiter) this.waiters[slot] = null;
    }
  }

  private wake(slot: Slot): void {
    const waiter = this.waiters[slot];
    if (waiter !== null) {
      this.waiters[slot] = null;
      waiter.resolve();
    }
  }

  private cancelWith(error: RpcError): void {
    if (this.isReleased) return;
    try {
      this.send1(M_CANCEL, EMPTY);
    } catch {
      // The peer is gone already.
    }
    this.fail(error);
  }

  /** One message of this conversation to the peer. */
  private send1(kind: number, body: Uint8Array): void {
    this.host.sendTo(this.peer, kind, this.role === 'client', this.convId, body);
  }

  private failWith(error: unknown): void {
    if (error instanceof RpcError) this.fail(error);
  }
}
