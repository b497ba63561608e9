// Signals to processes wherever they run (reference §7, remote syscalls):
// epm-signal's kill-family and prlimit requests (signal-requests.ts) are
// served on the node that runs the processes they name. One process: on the
// caller's node at once if it runs there, else on the node its task object
// names, over RPC. A process group or every process: each live node serves
// the request for its own processes (as ps asks them), the caller's node
// last so that a sender in the group is signalled after everyone else. The
// caller's system call waits for the answers; a node that dies before it
// answers is counted as running none of them (krg-rpc rejects the call once
// the crash is noticed, so nothing hangs).
import {
  NOBODY,
  checkKillReply,
  checkPrlimitReply,
  checkSignalRequest,
  serveKill,
  servePrlimit,
  type KillReply,
  type KillRequest,
  type PrlimitReply,
  type PrlimitRequest,
  type SignalNode,
  type SignalRequest,
} from '@krg/epm-signal';
import { RpcError } from '@krg/krg-rpc';
import type { NodeKernel } from '../process/node-kernel.js';
import { locateProcess } from './process-view.js';

/** krg-rpc service id of remote signal requests ("SG"). */
export const SIGNAL_SERVICE = 0x5347;

/** A node's tasks and its signal sending, as epm-signal's requests see them. */
export function signalNode(kernel: NodeKernel): SignalNode {
  return {
    tasks: () => kernel.tasks(),
    init: kernel.init,
    send: (task, sig, info) => kernel.signals.send(task, sig, info),
  };
}

function serve(kernel: NodeKernel, request: SignalRequest): KillReply | PrlimitReply {
  return request.op === 'kill'
    ? serveKill(signalNode(kernel), request)
    : servePrlimit(signalNode(kernel), request);
}

/** True when process (or thread) `pid` runs on `kernel`'s node: the request is served here, at once. */
function runsHere(kernel: NodeKernel, pid: number): boolean {
  if (pid === 1) return true;
  const t = kernel.task(pid);
  return t !== undefined && t.state !== 'dead';
}

/** Sends `request` to the node running `pid`; undefined when there is none or it died before answering. */
async function callProcessNode(
  kernel: NodeKernel,
  pid: number,
  request: SignalRequest,
): Promise<unknown> {
  const node = await locateProcess(kernel, pid);
  if (node === undefined) return undefined;
  try {
    return await kernel.rpc.call(SIGNAL_SERVICE, node, request);
  } catch (e) {
    if (e instanceof RpcError) return undefined;
    throw e;
  }
}

/** Serves a kill request where its processes run; one reply per node that was asked. */
export function routeKill(
  kernel: NodeKernel,
  liveNodes: readonly number[],
  request: KillRequest,
): readonly KillReply[] | Promise<readonly KillReply[]> {
  const target = request.target;
  if (target.kind === 'process' || target.kind === 'thread') {
    const pid = target.kind === 'process' ? target.pid : target.tid;
    if (runsHere(kernel, pid)) return [serveKill(signalNode(kernel), request)];
    return callProcessNode(kernel, pid, request).then((v) => [checkKillReply(v) ?? NOBODY]);
  }
  const others = liveNodes.filter((n) => n !== kernel.id);
  if (others.length === 0) return [serveKill(signalNode(kernel), request)];
  return kernel.rpc.callMany(SIGNAL_SERVICE, others, request).then((outcomes) => {
    const replies: KillReply[] = [];
    for (const outcome of outcomes.values())
      replies.push((outcome.isOk ? checkKillReply(outcome.value) : undefined) ?? NOBODY);
    // The caller's node last: a sender in the group takes the signal after the others.
    if (kernel.isUp) replies.push(serveKill(signalNode(kernel), request));
    return replies;
  });
}

/** Serves a prlimit request on the node running its process. */
export function routePrlimit(
  kernel: NodeKernel,
  request: PrlimitRequest,
): PrlimitReply | Promise<PrlimitReply> {
  if (runsHere(kernel, request.pid)) return servePrlimit(signalNode(kernel), request);
  return callProcessNode(kernel, request.pid, request).then(
    (v): PrlimitReply => checkPrlimitReply(v) ?? { ok: false, errno: 'ESRCH' },
  );
}

/** Offers this node's part of signal routing to the others (at boot). */
export function registerSignalService(kernel: NodeKernel): void {
  kernel.rpc.register(SIGNAL_SERVICE, (args) => {
    const request = checkSignalRequest(args);
    // A malformed request names nobody here.
    if (request === undefined) return Promise.resolve(NOBODY);
    return Promise.resolve(serve(kernel, request));
  });
}
