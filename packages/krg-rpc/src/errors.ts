// Named errors of @krg/krg-rpc. Each has a stable `code` equal to its class
// name; callers switch on it.

/** Base class of every operating error this package throws. */
export abstract class RpcError extends Error {
  abstract readonly code: string;
}

/** A value was outside its documented domain (a node id, a service id, an option). */
export class RpcInvalidArgument extends RpcError {
  readonly code = 'RpcInvalidArgument';
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${what}: expected ${expected}, found ${String(found)}`);
  }
}

/** A bounded table or queue is full. */
export class RpcLimitExceeded extends RpcError {
  readonly code = 'RpcLimitExceeded';
  constructor(
    readonly limit: string,
    readonly max: number,
  ) {
    super(`${limit} exceeded: at most ${max}`);
  }
}

/** The peer of a call or conversation is down (crashed, left, or never booted). */
export class RpcPeerDown extends RpcError {
  readonly code = 'RpcPeerDown';
  constructor(
    readonly nodeId: number,
    readonly reason: 'crash' | 'leave' | 'not-up',
  ) {
    super(`node ${nodeId} is down (${reason})`);
  }
}

/** A call or a wait on a descriptor passed its deadline (a partition, an overloaded peer). */
export class RpcTimeout extends RpcError {
  readonly code = 'RpcTimeout';
  constructor(
    readonly nodeId: number,
    readonly serviceId: number,
    readonly timeoutNs: number,
  ) {
    super(`no answer from node ${nodeId} for service ${serviceId} within ${timeoutNs} ns`);
  }
}

/** The called node has no handler for the service. */
export class RpcServiceUnknown extends RpcError {
  readonly code = 'RpcServiceUnknown';
  constructor(
    readonly nodeId: number,
    readonly serviceId: number,
  ) {
    super(`node ${nodeId} has no handler for service ${serviceId}`);
  }
}

/** A service id was registered twice on one node. */
export class RpcServiceExists extends RpcError {
  readonly code = 'RpcServiceExists';
  constructor(readonly serviceId: number) {
    super(`service ${serviceId} is already registered on this node`);
  }
}

/** The remote handler threw; `remoteCode` is the thrown error's `code` (or its name). */
export class RpcRemoteError extends RpcError {
  readonly code = 'RpcRemoteError';
  constructor(
    readonly nodeId: number,
    readonly serviceId: number,
    readonly remoteCode: string,
    readonly remoteMessage: string,
  ) {
    super(
      `handler of service ${serviceId} on node ${nodeId} failed: ${remoteCode}: ${remoteMessage}`,
    );
  }
}

/** The conversation was cancelled (by this side or by the peer). */
export class RpcCancelled extends RpcError {
  readonly code = 'RpcCancelled';
  constructor(readonly byPeer: boolean) {
    super(byPeer ? 'conversation cancelled by the peer' : 'conversation cancelled');
  }
}

/** pack/unpack on a descriptor whose direction is closed or whose conversation is over. */
export class RpcDescriptorClosed extends RpcError {
  readonly code = 'RpcDescriptorClosed';
  constructor(readonly detail: string) {
    super(`descriptor closed: ${detail}`);
  }
}

/** A value is too large to send in one message. */
export class RpcMessageTooLarge extends RpcError {
  readonly code = 'RpcMessageTooLarge';
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(`message of ${sizeBytes} bytes exceeds the limit of ${maxBytes} bytes`);
  }
}

/** The local node is not up (crashed, left, or not booted): it cannot send. */
export class RpcNodeNotUp extends RpcError {
  readonly code = 'RpcNodeNotUp';
  constructor(readonly nodeId: number) {
    super(`node ${nodeId} is not up`);
  }
}

/** boot/crash/leave in a state that does not allow it (boot of a node that is up). */
export class RpcMembershipError extends RpcError {
  readonly code = 'RpcMembershipError';
  constructor(readonly detail: string) {
    super(detail);
  }
}
