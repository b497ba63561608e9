// Signal delivery on one node (Linux's get_signal/handle_signal and the
// fault path force_sig_fault): what happens to a task's pending signals
// before it returns to user space. The node kernel calls in at its safe
// points and hands over the few operations delivery needs from it
// (SignalDeliveryHost); epm-signal decides what each signal does and lays
// out the frame, this module carries it out on the node: a handler (with a
// blocked system call's restart rules), death, a stop; the interval
// timers; and the SIGCHLD a parent gets when a child stops, continues or
// ends.
import {
  ACCOUNTING_SLOT,
  CHILD_EVENTS_SLOT,
  ERRNO,
  SA,
  SIGACTION_SLOT,
  SIGNAL,
  encodeWaitStatus,
  type KernelServices,
  type SigactionEntry,
  type SignalInfo,
  type SyscallContext,
  type Task,
  type WaitStatus,
} from '@krg/epm-core';
import {
  CLD_CONTINUED,
  CLD_DUMPED,
  CLD_EXITED,
  CLD_KILLED,
  CLD_STOPPED,
  SI_KERNEL,
  type SigInfo,
} from '@krg/arch-riscv';
import {
  ITIMER_PROF,
  ITIMER_REAL,
  ITIMER_SIGNAL,
  ITIMER_VIRTUAL,
  SIGNAL_SLOT,
  expireItimer,
  faultSigInfo,
  forceSignal,
  generateSignal,
  getSignal,
  itimerClockNs,
  kernelSigInfo,
  restoreSavedMask,
  setupRtFrame,
  sigInfoOf,
  type GenerationResult,
  type SignalCpu,
} from '@krg/epm-signal';
import { MM_SLOT } from '@krg/mm-ghost';
import type { Scope, Timer } from '@krg/sim-engine';
import { HART_SLOT } from './task-slots.js';
import { RUNTIME_SLOT } from './task-runtime.js';

/** What delivery needs from the node kernel. */
export interface SignalDeliveryHost {
  readonly scope: Scope;
  readonly services: KernelServices;
  /** Ends the task (a fatal signal), as the node's exit path does. */
  exit(task: Task, status: WaitStatus): void;
  /** Puts a task that became runnable again (continued) on the run queue. */
  makeReady(task: Task): void;
  /** A signal was queued for a task of the node: a sleeper it concerns wakes. */
  signalArrived(task: Task): void;
}

/** The hart as epm-signal's frame code sees it. */
export const HART_SIGNAL_CPU: SignalCpu = {
  registers(task) {
    const s = task.get(HART_SLOT).getState();
    return { pc: s.pc, x: s.x, f: s.f, fcsr: s.fcsr };
  },
  setRegisters(task, r) {
    const hart = task.get(HART_SLOT);
    // A trap clears an LR reservation (Linux's sc on the way out does the same).
    hart.setState({
      ...hart.getState(),
      pc: r.pc,
      x: r.x,
      f: r.f,
      fcsr: r.fcsr,
      reservation: null,
    });
  },
};

const EINTR = BigInt.asUintN(64, BigInt(-ERRNO.EINTR));

/** The siginfo fields of a SIGCHLD about `child` (do_notify_parent and its cldstop variant). */
function childInfo(child: Task, code: number, status: number): SignalInfo {
  const acc = child.get(ACCOUNTING_SLOT);
  return {
    code,
    senderPid: child.tgid,
    senderUid: child.credentials.uid,
    child: { status, userNs: acc.userNs, systemNs: acc.systemNs },
  };
}

/** The SIGCHLD info of a child that ended with `status`. */
export function exitChildInfo(child: Task, status: WaitStatus): SignalInfo {
  if (status.kind === 'exited') return childInfo(child, CLD_EXITED, status.code);
  if (status.kind === 'signaled')
    return childInfo(child, status.coreDumped ? CLD_DUMPED : CLD_KILLED, status.signal);
  return childInfo(child, 0, encodeWaitStatus(status));
}

export class SignalDelivery {
  readonly #host: SignalDeliveryHost;
  readonly #realTimers = new Map<Task, Timer>();

  constructor(host: SignalDeliveryHost) {
    this.#host = host;
  }

  /**
   * Generates `sig` for a task of this node (Linux's send_signal): a stopped
   * task resumes for SIGCONT and SIGKILL (prepare_signal), the generation
   * rules apply, and a sleeper the signal concerns wakes. `info` undefined:
   * a signal the kernel raises for the task itself (SI_KERNEL, private).
   * init takes no signal it has no handler for (SIGNAL_UNKILLABLE).
   */
  send(task: Task, sig: number, info: SignalInfo | undefined): GenerationResult {
    if (task.pid === 1 || task.state === 'zombie' || task.state === 'dead') return 'ignored';
    if (sig === SIGNAL.SIGCONT || sig === SIGNAL.SIGKILL) this.continueStopped(task, sig);
    const result = generateSignal(task, {
      sig,
      code: info?.code ?? SI_KERNEL,
      senderPid: info?.senderPid ?? 0,
      senderUid: info?.senderUid ?? 0,
      isThreadDirected: info === undefined,
      info: info === undefined ? undefined : sigInfoOf(sig, info),
    });
    if (result === 'queued') this.#host.signalArrived(task);
    return result;
  }

  /**
   * Acts on pending signals before the task returns to user space: each
   * handler gets its frame (nested frames when several are pending, the
   * last one set up running first, as on Linux), a fatal default ends the
   * task, a stop stops it. A blocked call a handler interrupts is restarted
   * or fails with EINTR by its own rules.
   */
  deliver(task: Task): void | Promise<void> {
    this.#expireCpuTimers(task);
    const runtime = task.get(RUNTIME_SLOT);
    while (task.state === 'running') {
      const verdict = getSignal(task);
      if (verdict === undefined) break;
      const sig = verdict.info.signo;
      if (verdict.kind === 'terminate') {
        // RLIMIT_CORE is 0 (as under qemu): a core action dies without a core file.
        this.#host.exit(task, { kind: 'signaled', signal: sig, coreDumped: false });
        return;
      }
      if (verdict.kind === 'stop') {
        if (sig === SIGNAL.SIGSTOP) {
          this.#stop(task, sig);
          return;
        }
        // SIGTSTP, SIGTTIN, SIGTTOU are discarded for a process in an orphaned
        // group (get_signal's is_current_pgrp_orphaned): nobody could continue it.
        const orphaned = this.#isGroupOrphaned(task);
        if (orphaned instanceof Promise)
          return orphaned.then((isOrphaned) => {
            if (task.state !== 'running') return;
            if (!isOrphaned) this.#stop(task, sig);
            else return this.deliver(task);
          });
        if (orphaned) continue;
        this.#stop(task, sig);
        return;
      }
      this.#runHandler(task, verdict.info, verdict.action);
    }
    if (task.state === 'running' && runtime.pendingSyscall === undefined) restoreSavedMask(task);
  }

  /** True when no member of the task's group has a parent outside it in its session; asks every node. */
  #isGroupOrphaned(task: Task): boolean | Promise<boolean> {
    const anchors = this.#host.services.surveyProcesses(task, {
      kind: 'group-anchors',
      pgid: task.pgid,
    });
    return anchors instanceof Promise ? anchors.then((n) => n === 0) : anchors === 0;
  }

  #runHandler(task: Task, info: SigInfo, action: SigactionEntry): void {
    const runtime = task.get(RUNTIME_SLOT);
    const regs = HART_SIGNAL_CPU.registers(task);
    let pc = regs.pc;
    const x = [...regs.x];
    const pending = runtime.pendingSyscall;
    if (pending !== undefined) {
      // The call blocked and never wrote a0: it still holds the first argument.
      runtime.pendingSyscall = undefined;
      runtime.waitingFor = '';
      const ctx: SyscallContext = {
        task,
        kernel: this.#host.services,
        args: pending.args,
        memory: task.get(MM_SLOT),
        nowNs: this.#host.scope.nowNs,
        isRetry: true,
        progress: pending.progress,
      };
      const value = pending.entry.interrupted?.(ctx);
      if (value !== undefined) x[10] = value;
      else if (pending.entry.onHandler !== 'eintr' && (action.flags & SA.RESTART) !== 0)
        pc -= 4n; // back onto the ecall: the call runs again after the handler
      else x[10] = EINTR;
    }
    setupRtFrame(task, HART_SIGNAL_CPU, task.get(MM_SLOT), info, action, { ...regs, pc, x });
  }

  /**
   * A synchronous fault (Linux's force_sig_fault): queued on the task's own
   * queue, unblocked and un-ignored if need be, and delivered before the
   * task returns to user space — to its handler, or fatally.
   */
  forceFault(task: Task, sig: number, code: number, address: bigint): void {
    forceSignal(task, faultSigInfo(sig, code, address));
  }

  /** A stop signal's default action: the task stops and its parent hears of it. */
  #stop(task: Task, sig: number): void {
    task.state = 'stopped';
    task.jobControl = { kind: 'stopped', signal: sig };
    this.#notifyParentCldstop(task, CLD_STOPPED, sig);
  }

  /**
   * SIGCONT or SIGKILL was sent to `task` (Linux's prepare_signal): a
   * stopped task runs again, whatever the signal's action; SIGCONT also
   * tells the parent.
   */
  continueStopped(task: Task, sig: number): void {
    if (task.state !== 'stopped') return;
    task.state = 'running';
    this.#host.makeReady(task);
    if (sig !== SIGNAL.SIGCONT) return;
    task.jobControl = { kind: 'continued' };
    this.#notifyParentCldstop(task, CLD_CONTINUED, SIGNAL.SIGCONT);
  }

  /** do_notify_parent_cldstop: SIGCHLD unless the parent set SA_NOCLDSTOP; wait4 wakes either way. */
  #notifyParentCldstop(task: Task, code: number, status: number): void {
    const parent = task.parentPid === 1 ? undefined : this.#host.services.findTask(task.parentPid);
    if (parent === undefined || parent.state === 'zombie' || parent.state === 'dead') return;
    if ((parent.get(SIGACTION_SLOT).action(SIGNAL.SIGCHLD).flags & SA.NOCLDSTOP) === 0)
      this.#host.services.sendSignal(parent, SIGNAL.SIGCHLD, childInfo(task, code, status));
    parent.get(CHILD_EVENTS_SLOT).wakeAll();
  }

  /** ITIMER_REAL changed (setitimer, a restart): the engine timer follows it. */
  armRealTimer(task: Task): void {
    this.cancelRealTimer(task);
    const timer = task.get(SIGNAL_SLOT).itimers[ITIMER_REAL];
    if (timer.deadlineNs === 0) return;
    const scope = this.#host.scope;
    const handle = scope.schedule(Math.max(0, timer.deadlineNs - scope.nowNs), () => {
      this.#realTimers.delete(task);
      if (task.state === 'zombie' || task.state === 'dead') return;
      if (expireItimer(timer, scope.nowNs))
        this.#host.services.sendSignal(task, SIGNAL.SIGALRM, kernelInfo());
      // A frozen task's periodic timer pauses once its signal is pending
      // (more expiries would only coalesce), so a frozen cluster goes quiet;
      // thaw or restart arms it again from the saved deadline.
      if (!task.get(RUNTIME_SLOT).isFrozen) this.armRealTimer(task);
    });
    this.#realTimers.set(task, handle);
  }

  cancelRealTimer(task: Task): void {
    this.#realTimers.get(task)?.cancel();
    this.#realTimers.delete(task);
  }

  /** ITIMER_VIRTUAL and ITIMER_PROF count CPU time: checked whenever the task is about to run on. */
  #expireCpuTimers(task: Task): void {
    const timers = task.get(SIGNAL_SLOT).itimers;
    for (const which of [ITIMER_VIRTUAL, ITIMER_PROF]) {
      if (!expireItimer(timers[which]!, itimerClockNs(task, which, 0))) continue;
      generateSignal(task, {
        sig: ITIMER_SIGNAL[which]!,
        code: 0x80,
        senderPid: 0,
        senderUid: 0,
        isThreadDirected: false,
        info: kernelSigInfo(ITIMER_SIGNAL[which]!),
      });
    }
  }
}

/** SEND_SIG_PRIV: what the kernel's own signals carry (si_code SI_KERNEL). */
function kernelInfo(): SignalInfo {
  return { code: 0x80, senderPid: 0, senderUid: 0 };
}
