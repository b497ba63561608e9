// Signal delivery on one node (Linux's get_signal and the fault path
// force_sig_fault): what happens to a task's pending signals before it
// returns to user space. The node kernel calls in at its safe points and
// hands over the few operations delivery needs from it (SignalDeliveryHost),
// so this room can grow — handlers, stop and continue — without the
// scheduler changing shape.
import { SIGACTION_SLOT, assert, signalName, type Task, type WaitStatus } from '@krg/epm-core';
import { defaultAction, dequeueSignal } from '@krg/epm-signal';
import { GuestNotSupported } from './guest-not-supported.js';

/** What delivery needs from the node kernel. */
export interface SignalDeliveryHost {
  /** Ends the task (a fatal signal), as the node's exit path does. */
  exit(task: Task, status: WaitStatus): void;
}

/**
 * Acts on pending signals before the task returns to user space. Only
 * default actions exist so far: terminate (and core, without a core file)
 * end the task, ignore drops the signal. A handler, or a stop, is not
 * supported yet and stops the run with a clear message.
 */
export function deliverSignals(host: SignalDeliveryHost, task: Task): void {
  while (task.state === 'running') {
    const info = dequeueSignal(task);
    if (info === undefined) return;
    const sig = info.signo;
    const disposition = task.get(SIGACTION_SLOT).disposition(sig);
    if (disposition === 'ignore') continue;
    if (disposition === 'handler') {
      throw new GuestNotSupported(
        `process ${task.pid} (${task.comm}) installed a handler for ${signalName(sig)}: signal handlers are not supported yet`,
      );
    }
    const action = defaultAction(sig);
    if (action === 'ignore') continue;
    if (action === 'terminate' || action === 'core') {
      host.exit(task, { kind: 'signaled', signal: sig, coreDumped: false });
      return;
    }
    throw new GuestNotSupported(
      `process ${task.pid} (${task.comm}) received ${signalName(sig)}: job control (stop/continue) is not supported yet`,
    );
  }
}

/**
 * A synchronous fault signal (Linux's force_sig_fault): queued for the
 * task and delivered before it returns to user space. A fault cannot be
 * ignored or blocked away, so with the default action the task dies.
 */
export function forceFaultSignal(host: SignalDeliveryHost, task: Task, sig: number): void {
  const action = defaultAction(sig);
  assert(action === 'terminate' || action === 'core', 'a fault signal terminates by default');
  if (task.get(SIGACTION_SLOT).disposition(sig) === 'handler') {
    throw new GuestNotSupported(
      `process ${task.pid} (${task.comm}) faulted with a handler for ${signalName(sig)}: signal handlers are not supported yet`,
    );
  }
  host.exit(task, { kind: 'signaled', signal: sig, coreDumped: false });
}
