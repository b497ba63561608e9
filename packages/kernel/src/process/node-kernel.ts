// One node's kernel: its tasks, its pidmap, its CPU and the scheduler that
// runs ready tasks in time slices charged to the node's CPU speed on the
// simulated clock. System calls go through the table assembled from every
// subsystem; CPU faults end a task with the signal Linux would send.
import {
  BUS_ADRALN,
  Hart,
  ILL_ILLOPC,
  REG,
  SEGV_ACCERR,
  SEGV_MAPERR,
  type StopReason,
} from '@krg/arch-riscv';
import {
  ACCOUNTING_SLOT,
  ERRNO,
  SIGNAL,
  Task,
  SIGACTION_SLOT,
  encodeWaitStatus,
  CHILD_EVENTS_SLOT,
  ROOT_CREDENTIALS,
  WaitQueue,
  newAccounting,
  type ErrnoName,
  type KernelServices,
  type SyscallContext,
  type TaskChange,
  type TaskHookRegistry,
  type SyscallEntry,
  type SyscallOutcome,
  type WaitStatus,
} from '@krg/epm-core';
import { ITIMER_PROF, ITIMER_VIRTUAL, SIGNAL_SLOT, hasDeliverableSignal } from '@krg/epm-signal';
import { KddmError, type KddmNode } from '@krg/kddm-core';
import type { RpcNode } from '@krg/krg-rpc';
import { MM_SLOT, PAGE_BYTES, USER_FAULT_PAGES_MAX, type AbsentPage } from '@krg/mm-ghost';
import { Pidmap, globalPid } from '@krg/pid-mgmt';
import {
  cpuTimeNs,
  type Deferred,
  type NodeCostModel,
  type Rng,
  type Scope,
} from '@krg/sim-engine';
import { assert } from '@krg/epm-core';
import {
  PAGE_FAULT_FAILURES_MAX,
  SYSCALL_COST_INSTRUCTIONS,
  TASKS_PER_NODE_MAX,
  TIME_SLICE_NS,
} from '../limits.js';
import { FILES_SLOT, FS_SLOT, HART_SLOT } from './task-slots.js';
import type { ImageStore } from '../files/image-store.js';
import { installImage, loadProgram } from './exec.js';
import { RUNTIME_SLOT, newRuntime, type TaskRuntime } from './task-runtime.js';
import { SignalDelivery, exitChildInfo } from './signal-delivery.js';
import { isPrivateSyscall } from './private-syscalls.js';
import { userOutputs, type UserRange } from './user-outputs.js';

/** No user ranges: what a call of a space without shm must bring in first. */
const NO_RANGES: readonly UserRange[] = [];

/**
 * What a handler's run ends with, as the kernel sees it: the handler's
 * outcome, or — when a user copy met a page that must be brought in first
 * (a SysV shm page another node holds) — "fault on these pages, then run
 * the call again from scratch"; the handler's own outcome is then dropped.
 */
type CallOutcome =
  SyscallOutcome | { readonly kind: 'fault'; readonly pages: readonly AbsentPage[] };

/** A system call being run: what a fault needs to run it again. */
interface CallAttempt {
  readonly entry: SyscallEntry;
  readonly args: readonly bigint[];
  readonly isRetry: boolean;
  readonly progress: number;
}

/** si_code of a SIGBUS for an access past the end of a mapped file (Linux's BUS_ADRERR). */
const BUS_ADRERR = 2;

/** Thrown when a node cannot take another task (fork's EAGAIN). */
export class NodeFull extends Error {
  override readonly name = 'NodeFull';
  readonly code = 'NODE_FULL';
}

export interface NodeKernelOptions {
  readonly id: number;
  /** The node's RPC endpoint: the kernel runs in its scope, so a crash ends it. */
  readonly rpc: RpcNode;
  /** The node's KDDM node (over `rpc`): where its kernel objects live. */
  readonly kddm: KddmNode;
  readonly cost: NodeCostModel;
  readonly syscalls: ReadonlyMap<number, SyscallEntry>;
  /** The cluster's image store (exec, restart of open files). */
  readonly store: ImageStore;
  readonly services: KernelServices;
  /** Every subsystem's fork/exec/exit hooks, in reference order. */
  readonly hooks: TaskHookRegistry;
  /** This node's seeded generator (AT_RANDOM bytes, …). */
  readonly rng: Rng;
  /** Called when a task is reaped (gone from every table). */
  readonly onTaskReaped: (task: Task) => void;
}

export { GuestNotSupported } from './guest-not-supported.js';

/** si_code of a breakpoint's SIGTRAP. */
const TRAP_BRKPT = 1;

export class NodeKernel {
  readonly id: number;
  readonly scope: Scope;
  readonly rpc: RpcNode;
  readonly kddm: KddmNode;
  #pidmap: Pidmap;
  /** False from a reboot until the node has its pidmap back (no PID is handed out before). */
  isJoined = true;
  /** False once the node crashed: its table is empty and its scope dead. */
  isUp = true;
  readonly rng: Rng;
  readonly store: ImageStore;
  /**
   * This node's init: pid 1, node-local and never a cluster PID, the reaper
   * of orphans and the session every started program joins (as a program
   * started from a login shell is in the shell's session). It never runs
   * guest code and is not listed among the node's tasks.
   */
  readonly init: Task;
  readonly #services: KernelServices;
  readonly #hooks: TaskHookRegistry;
  readonly #cost: NodeCostModel;
  readonly #syscalls: ReadonlyMap<number, SyscallEntry>;
  readonly #onTaskReaped: (task: Task) => void;
  readonly #tasks = new Map<number, Task>();
  readonly #runQueue: Task[] = [];
  #idle: Deferred<void> | undefined;
  /**
   * Simulated time the running task has used in its slice (instructions and
   * fast-path system calls) that the engine clock has not advanced by yet.
   * The task's own clock is `scope.nowNs + #debtNs`; the debt is paid (one
   * engine sleep) before anything the task does can be seen by another task.
   */
  #debtNs = 0;
  readonly #sliceInstructions: number;
  /** Signal delivery, job control and interval timers of this node's tasks. */
  readonly signals: SignalDelivery;

  constructor(options: NodeKernelOptions) {
    this.id = options.id;
    this.rpc = options.rpc;
    this.kddm = options.kddm;
    this.scope = options.rpc.scope;
    this.#pidmap = new Pidmap(options.id);
    this.rng = options.rng;
    this.store = options.store;
    this.init = new Task({
      pid: 1,
      node: options.id,
      parentPid: 0,
      pgid: 1,
      sid: 1,
      credentials: ROOT_CREDENTIALS,
      comm: 'init',
      exitSignal: 0,
    });
    this.init.state = 'sleeping';
    this.#services = options.services;
    this.#hooks = options.hooks;
    this.#cost = options.cost;
    this.#syscalls = options.syscalls;
    this.#onTaskReaped = options.onTaskReaped;
    this.#sliceInstructions = Math.max(
      1,
      Math.floor((options.cost.cpuInstructionsPerSecond * TIME_SLICE_NS) / 1e9),
    );
    this.signals = new SignalDelivery({
      scope: this.scope,
      services: this.#services,
      exit: (task, status) => this.exit(task, status),
      makeReady: (task) => this.#makeReady(task),
      signalArrived: (task) => this.signalArrived(task),
    });
    this.scope.spawn(`node${this.id}:cpu`, () => this.#cpuLoop());
  }

  /** Tasks of this node in pid order (zombies included). */
  tasks(): Task[] {
    return [...this.#tasks.values()].sort((a, b) => a.pid - b.pid);
  }

  task(pid: number): Task | undefined {
    return this.#tasks.get(pid);
  }

  /** This node's own pidmap (the bitmap of the PIDs of node id `id`). */
  get pidmap(): Pidmap {
    return this.#pidmap;
  }

  /** Takes over the node's own pidmap handed back by the node that adopted it (a rebooted node joining). */
  installPidmap(map: Pidmap): void {
    assert(map.node === this.id, 'a node installs its own pidmap');
    assert(this.#pidmap.count === 0, 'no PID was handed out before the join');
    this.#pidmap = map;
  }

  /**
   * The node crashed: every process it ran vanishes with its volatile state
   * (no exit, no parent notified, no reap; its KDDM objects die with the
   * node's KDDM). The scope is killed by the RPC layer.
   */
  crash(): void {
    this.isUp = false;
    for (const task of this.#tasks.values()) {
      this.#settleFreeze(task, 'exited');
      // Held pages die with the node's KDDM: nothing to put back.
      task.get(RUNTIME_SLOT).pageHold = undefined;
      task.state = 'dead';
    }
    this.#tasks.clear();
    this.#runQueue.length = 0;
  }

  /** A new cluster PID from this node's pidmap. */
  allocPid(): number {
    if (this.#tasks.size >= TASKS_PER_NODE_MAX)
      throw new NodeFull(`node ${this.id} holds ${TASKS_PER_NODE_MAX} tasks`);
    return globalPid(this.id, this.pidmap.alloc());
  }

  /** The 16 AT_RANDOM bytes of a new program image, from this node's seeded generator. */
  atRandom(): Uint8Array {
    const random = new Uint8Array(16);
    for (let i = 0; i < 16; i++) random[i] = this.rng.nextUint32() & 0xff;
    return random;
  }

  /** The table row of syscall `nr` (a restarted task's pending call). */
  syscallEntry(nr: number): SyscallEntry | undefined {
    return this.#syscalls.get(nr);
  }

  /**
   * Adds a fully built task (every slot filled) and makes it runnable. An
   * imported task keeps its runtime (a system call to run again).
   */
  admit(task: Task): void {
    assert(!this.#tasks.has(task.pid), 'a pid is admitted once');
    assert(
      task.has(HART_SLOT) && task.has(MM_SLOT) && task.has(FILES_SLOT),
      'an admitted task is complete',
    );
    if (!task.has(RUNTIME_SLOT)) task.set(RUNTIME_SLOT, newRuntime());
    task.node = this.id;
    // A task restarted from a stop stays stopped until SIGCONT.
    const isStopped = task.state === 'stopped';
    task.state = isStopped ? 'stopped' : 'running';
    this.#tasks.set(task.pid, task);
    this.#hooks.enter(task);
    if (!isStopped) this.#makeReady(task);
  }

  /** Shared fields of a task of this node changed (setpgid, setsid): the hooks publish them. */
  taskChanged(task: Task, change: TaskChange): void {
    assert(this.#tasks.get(task.pid) === task, 'only a task of this node changes here');
    this.#hooks.changed(task, change);
  }

  /**
   * Ends a task (exit, exit_group, a fatal signal): every subsystem releases
   * what the task holds, in reverse reference order; its children go to this
   * node's init; and it stays a zombie until its parent reaps it, or is
   * reaped at once when its parent is init or ignores SIGCHLD.
   */
  exit(task: Task, status: WaitStatus): void {
    if (task.state === 'zombie' || task.state === 'dead') return;
    this.#cancelWaits(task.get(RUNTIME_SLOT));
    this.#releaseHold(task.get(RUNTIME_SLOT));
    this.#settleFreeze(task, 'exited');
    this.signals.cancelRealTimer(task);
    const i = this.#runQueue.indexOf(task);
    if (i >= 0) this.#runQueue.splice(i, 1);
    // CLONE_CHILD_CLEARTID's write and futex wake only matter to threads
    // sharing the memory; krg has no threads yet, so the write is skipped.
    this.#hooks.release(task);
    task.exitStatus = status;
    task.state = 'zombie';
    this.#hooks.changed(task, { kind: 'exit' });
    // A child runs on its parent's node (fork is local), so this node's
    // table holds every child; they go to this node's init, which reaps
    // zombies at once.
    for (const child of this.tasks()) {
      if (child.parentPid !== task.pid) continue;
      child.parentPid = 1;
      this.#hooks.changed(child, { kind: 'reparent', from: task.pid });
      if (child.state === 'zombie') this.reap(child);
    }
    const parent = task.parentPid === 1 ? undefined : this.#services.findTask(task.parentPid);
    if (parent === undefined || parent.state === 'zombie' || parent.state === 'dead') {
      this.reap(task);
      return;
    }
    // A parent that set SIGCHLD to SIG_IGN never sees zombies (POSIX.1-2001).
    if (
      task.exitSignal === SIGNAL.SIGCHLD &&
      parent.get(SIGACTION_SLOT).disposition(SIGNAL.SIGCHLD) === 'ignore'
    ) {
      this.reap(task);
      return;
    }
    if (task.exitSignal !== 0)
      this.#services.sendSignal(parent, task.exitSignal, exitChildInfo(task, status));
    parent.get(CHILD_EVENTS_SLOT).wakeAll();
  }

  /** Removes a zombie of this node for good: its pid is free again. */
  reap(task: Task): void {
    assert(
      task.state === 'zombie' && this.#tasks.get(task.pid) === task,
      'only a zombie of this node is reaped',
    );
    task.state = 'dead';
    this.#tasks.delete(task.pid);
    this.#hooks.reap(task);
    this.pidmap.free(task.pid & 0x1fffff);
    this.#onTaskReaped(task);
  }

  /**
   * fork: a child on this node, every subsystem slot filled through its
   * hook, and a CPU in the parent's state returning 0 from the call. The
   * child does not run until `admit`.
   */
  forkTask(parent: Task, exitSignal: number): Task | ErrnoName {
    let pid: number;
    try {
      pid = this.allocPid();
    } catch (e) {
      if (e instanceof NodeFull || (e as Error).name === 'PidmapExhausted') return 'EAGAIN';
      throw e;
    }
    const child = new Task({
      pid,
      node: this.id,
      parentPid: parent.pid,
      pgid: parent.pgid,
      sid: parent.sid,
      credentials: parent.credentials,
      comm: parent.comm,
      exitSignal,
    });
    child.nice = parent.nice;
    const acc = newAccounting(this.scope.nowNs, parent.get(ACCOUNTING_SLOT).exePath);
    child.set(ACCOUNTING_SLOT, acc);
    child.set(CHILD_EVENTS_SLOT, new WaitQueue());
    try {
      this.#hooks.fork(parent, child, exitSignal);
    } catch (e) {
      this.pidmap.free(pid & 0x1fffff);
      throw e;
    }
    const space = child.get(MM_SLOT);
    const hart = new Hart(space);
    space.onInvalidate = (address, length) => hart.invalidate(address, length);
    hart.setState(parent.get(HART_SLOT).getState());
    hart.writeX(REG.a0, 0n);
    child.set(HART_SLOT, hart);
    return child;
  }

  /** Drops a forked child that never ran. */
  discardTask(child: Task): void {
    assert(!this.#tasks.has(child.pid), 'only a child that was never admitted is discarded');
    this.#hooks.release(child);
    this.pidmap.free(child.pid & 0x1fffff);
  }

  /** execve: a new program for the task, or why not (the task is then untouched). */
  execTask(
    task: Task,
    store: ImageStore,
    path: string,
    argv: readonly string[],
    envp: readonly string[],
  ): 'ok' | ErrnoName {
    const fs = task.get(FS_SLOT);
    const loaded = loadProgram(store, {
      path,
      // The working directory where it is now (renamed or not), as path lookups see it.
      cwd: fs.cwdDir?.path ?? fs.cwd,
      argv,
      envp,
      random: this.atRandom(),
    });
    if ('errno' in loaded) return loaded.errno;
    this.#hooks.exec(task);
    installImage(task, loaded);
    task.hasExeced = true;
    this.#hooks.changed(task, { kind: 'exec' });
    return 'ok';
  }

  /**
   * Freezes a task at a safe point (reference §5.2 app_freeze): between
   * instructions, never inside a system call's handler. With `atInstret`
   * the task runs until exactly that many instructions have retired (or a
   * system call beyond it returns), so a checkpoint can be taken at any
   * instruction. Resolves 'exited' if the task ends first.
   */
  freeze(task: Task, atInstret?: number): Promise<'frozen' | 'exited'> {
    if (task.state === 'zombie' || task.state === 'dead') return Promise.resolve('exited');
    const runtime = task.get(RUNTIME_SLOT);
    assert(runtime.freezeRequest === undefined && !runtime.isFrozen, 'one freeze at a time');
    const done = this.scope.defer<'frozen' | 'exited'>();
    runtime.freezeRequest = { atInstret, settle: (r) => done.resolve(r) };
    const queued = this.#runQueue.indexOf(task);
    if (
      task.state === 'sleeping' ||
      task.state === 'stopped' ||
      (queued >= 0 && this.#isFreezePoint(task))
    ) {
      if (queued >= 0) this.#runQueue.splice(queued, 1);
      this.#settleFreeze(task, 'frozen');
    }
    return done.promise;
  }

  #isFreezePoint(task: Task): boolean {
    const request = task.get(RUNTIME_SLOT).freezeRequest;
    if (request === undefined) return false;
    return (
      request.atInstret === undefined || task.get(ACCOUNTING_SLOT).instret >= request.atInstret
    );
  }

  #settleFreeze(task: Task, result: 'frozen' | 'exited'): void {
    const runtime = task.get(RUNTIME_SLOT);
    const request = runtime.freezeRequest;
    if (request === undefined) return;
    runtime.freezeRequest = undefined;
    runtime.isFrozen = result === 'frozen';
    // A frozen task may stay frozen long: the pages it held go back to KDDM.
    this.#releaseHold(runtime);
    request.settle(result);
  }

  /** Ends a frozen task's freeze (a checkpoint that leaves the process running). */
  thaw(task: Task): void {
    const runtime = task.get(RUNTIME_SLOT);
    assert(runtime.isFrozen, 'only a frozen task thaws');
    runtime.isFrozen = false;
    this.signals.armRealTimer(task);
    if (task.state === 'running') this.#makeReady(task);
  }

  /** Why each sleeping task sleeps, for a deadlock report. */
  sleepers(): { task: Task; waitingFor: string }[] {
    return this.tasks()
      .filter((t) => t.state === 'sleeping')
      .map((task) => ({ task, waitingFor: task.get(RUNTIME_SLOT).waitingFor }));
  }

  #makeReady(task: Task): void {
    if (task.get(RUNTIME_SLOT).isFrozen) return;
    this.#runQueue.push(task);
    const idle = this.#idle;
    this.#idle = undefined;
    idle?.resolve();
  }

  async #cpuLoop(): Promise<void> {
    for (;;) {
      const task = this.#runQueue.shift();
      if (task === undefined) {
        this.#idle = this.scope.defer<void>();
        await this.#idle.promise;
        continue;
      }
      await this.#runSlice(task);
    }
  }

  /** A signal was queued for a task of this node: a sleeping task wakes to take it. */
  signalArrived(task: Task): void {
    if (task.state === 'sleeping' && hasDeliverableSignal(task)) {
      this.#cancelWaits(task.get(RUNTIME_SLOT));
      task.state = 'running';
      this.#makeReady(task);
    }
  }

  /**
   * One time slice of a task: it runs until it has used the slice's
   * instructions, blocks, or ends. A system call that returns does not end
   * the slice (as on Linux, where only blocking, sched_yield or the timer
   * gives the CPU away), so a task making many calls is not starved by a
   * CPU-bound neighbour.
   */
  async #runSlice(task: Task): Promise<void> {
    assert(this.#debtNs === 0, 'a slice starts on the engine clock');
    const runtime = task.get(RUNTIME_SLOT);
    let budget = this.#sliceInstructions;
    for (;;) {
      // Delivery may end the task (its parent is told) and a freeze is seen
      // by whoever asked for it: both happen on the task's own clock.
      if (mayDeliver(task) || this.#isFreezePoint(task)) await this.#payDebt();
      // Delivery waits only to ask other nodes whether a group is orphaned.
      const delivering = this.signals.deliver(task);
      if (delivering !== undefined) await delivering;
      if (task.state !== 'running') break;
      if (this.#isFreezePoint(task)) {
        this.#settleFreeze(task, 'frozen');
        return;
      }
      const target = runtime.freezeRequest?.atInstret;
      if (target !== undefined)
        budget = Math.min(budget, target - task.get(ACCOUNTING_SLOT).instret);
      const pending = runtime.pendingSyscall;
      if (pending !== undefined) {
        runtime.pendingSyscall = undefined;
        await this.#syscall(task, pending.entry, pending.args, true, pending.progress);
        this.#releaseHold(runtime);
      } else {
        const hart = task.get(HART_SLOT);
        const stop = hart.run(budget);
        const accounting = task.get(ACCOUNTING_SLOT);
        accounting.instret += stop.retired;
        const ns = cpuTimeNs(this.#cost, stop.retired);
        accounting.userNs += ns;
        budget -= stop.retired;
        this.#debtNs += ns;
        // A fast-path call completes synchronously: no await, no engine event.
        const handled = this.#handleStop(task, hart, stop);
        const isYield = typeof handled === 'boolean' ? handled : await handled;
        // The access that faulted has run (or the task went elsewhere): held pages may go.
        this.#releaseHold(runtime);
        if (stop.kind === 'budget' || isYield) break;
      }
      // Each system call also costs its share of the slice.
      budget -= SYSCALL_COST_INSTRUCTIONS;
      if (budget <= 0 || task.state !== 'running' || runtime.pendingSyscall !== undefined) break;
    }
    await this.#payDebt();
    this.#releaseHold(runtime);
    // A fault's pages are fetched from the task's own clock, off the CPU.
    this.#startPageWait(task);
    const delivering = this.signals.deliver(task);
    if (delivering !== undefined) await delivering;
    if (task.state === 'running' && this.#isFreezePoint(task)) {
      this.#settleFreeze(task, 'frozen');
      return;
    }
    if (task.state === 'running' && !this.#runQueue.includes(task)) this.#makeReady(task);
  }

  /**
   * Acts on why the CPU stopped; true when the task gave the CPU away
   * (sched_yield). Answers synchronously when nothing had to wait for the
   * engine (a fast-path call).
   */
  #handleStop(task: Task, hart: Hart, stop: StopReason): boolean | Promise<boolean> {
    switch (stop.kind) {
      case 'budget':
        return false;
      case 'ecall': {
        const nr = Number(hart.readX(REG.a7));
        const args = [
          hart.readX(REG.a0),
          hart.readX(REG.a1),
          hart.readX(REG.a2),
          hart.readX(REG.a3),
          hart.readX(REG.a4),
          hart.readX(REG.a5),
        ];
        const entry = this.#syscalls.get(nr);
        if (entry === undefined) {
          const acc = task.get(ACCOUNTING_SLOT);
          acc.enosys.set(nr, (acc.enosys.get(nr) ?? 0) + 1);
          hart.writeX(REG.a0, BigInt(-ERRNO.ENOSYS));
          return false;
        }
        // sched_yield's whole effect is on the scheduler: the slice ends.
        const isYield = entry.name === 'sched_yield';
        const done = this.#syscall(task, entry, args, false, 0);
        return done === undefined ? isYield : done.then(() => isYield);
      }
      default:
        return this.#fault(task, stop);
    }
  }

  /**
   * A fault brings a page in from elsewhere or ends the task (its parent is
   * told): either is seen by others, so it happens on the task's own clock.
   */
  async #fault(task: Task, stop: StopReason): Promise<boolean> {
    await this.#payDebt();
    await this.#handleFault(task, stop);
    return false;
  }

  async #handleFault(task: Task, stop: StopReason): Promise<void> {
    switch (stop.kind) {
      case 'budget':
      case 'ecall':
        assert(false, 'only a fault stop is handled as a fault');
        return;
      case 'page-fault': {
        const space = task.get(MM_SLOT);
        // A page that lives elsewhere (SysV shm in KDDM) is fetched while the
        // task sleeps, then the instruction runs again (the pc stays on it).
        const address = Number(stop.address);
        const absent = space.absentPages(address, 1, stop.access);
        if (absent.length > 0 && this.#awaitPages(task, absent, undefined)) return;
        // The page came meanwhile (another task of the node brought it in while
        // the fault waited for the task's clock): the instruction runs again.
        if (absent.length === 0 && space.page(Math.floor(address / PAGE_BYTES), stop.access))
          return;
        const kind = space.classifyFault(address, stop.access);
        if (kind === 'oom')
          this.exit(task, { kind: 'signaled', signal: SIGNAL.SIGKILL, coreDumped: false });
        // Past the end of a mapped file: SIGBUS, as Linux's filemap_fault sends.
        else if (kind === 'bus')
          this.signals.forceFault(task, SIGNAL.SIGBUS, BUS_ADRERR, stop.address);
        else
          this.signals.forceFault(
            task,
            SIGNAL.SIGSEGV,
            kind === 'maperr' ? SEGV_MAPERR : SEGV_ACCERR,
            stop.address,
          );
        return;
      }
      case 'misaligned':
        this.signals.forceFault(task, SIGNAL.SIGBUS, BUS_ADRALN, stop.address);
        return;
      case 'illegal-instruction':
        this.signals.forceFault(task, SIGNAL.SIGILL, ILL_ILLOPC, stop.pc);
        return;
      case 'ebreak':
        this.signals.forceFault(task, SIGNAL.SIGTRAP, TRAP_BRKPT, stop.pc);
        return;
    }
  }

  /**
   * Runs one system call; undefined when it completed synchronously (the
   * fast path), otherwise a promise of its completion.
   */
  #syscall(
    task: Task,
    entry: SyscallEntry,
    args: readonly bigint[],
    isRetry: boolean,
    progress: number,
  ): Promise<void> | undefined {
    const acc = task.get(ACCOUNTING_SLOT);
    if (!isRetry) acc.syscalls.set(entry.name, (acc.syscalls.get(entry.name) ?? 0) + 1);
    // Charge the call before running it: the handler's outcome (a result, or
    // the wait queues of a block) then takes effect in the same instant it
    // was decided, so no wake-up can fall between a check and the sleep.
    const ns = cpuTimeNs(this.#cost, SYSCALL_COST_INSTRUCTIONS);
    acc.systemNs += ns;
    this.#debtNs += ns;
    // The fast path: a call whose effects stay inside the task runs at once
    // on the task's own clock, its time left in the debt. Any other call pays
    // the debt first, so it runs at an engine instant equal to that clock.
    const attempt: CallAttempt = { entry, args, isRetry, progress };
    if (isPrivateSyscall(entry, task, args)) {
      const outcome = this.#callHandler(task, attempt);
      assert(!(outcome instanceof Promise), 'a fast-path call answers synchronously');
      assert(outcome.kind !== 'block', 'a fast-path call never blocks');
      this.#complete(task, attempt, outcome);
      return undefined;
    }
    return this.#slowSyscall(task, entry, args, isRetry, progress);
  }

  async #slowSyscall(
    task: Task,
    entry: SyscallEntry,
    args: readonly bigint[],
    isRetry: boolean,
    progress: number,
  ): Promise<void> {
    await this.#payDebt();
    if (task.state !== 'running') return;
    const attempt: CallAttempt = { entry, args, isRetry, progress };
    this.#complete(task, attempt, await this.#callHandler(task, attempt));
  }

  /**
   * Runs a handler over the task's user memory. The buffers the call writes
   * only after acting (user-outputs.ts) must be here before it runs; and a
   * user copy that met an absent page turns the outcome into a fault: the
   * pages are brought in and the call runs again from scratch.
   */
  #callHandler(task: Task, attempt: CallAttempt): CallOutcome | Promise<CallOutcome> {
    const space = task.get(MM_SLOT);
    space.takeUserFaults(); // what copies outside a call (signal frames) met is not this call's
    // Without shm attached no page can be absent: skip the per-call output scan (readv reads its iovecs for it).
    const outputs = space.mayHaveAbsentPages
      ? userOutputs(attempt.entry.name, attempt.args, (a, n) => space.readUser(a, n))
      : NO_RANGES;
    let absent = space.takeUserFaults();
    for (const r of outputs) {
      if (r.address > BigInt(Number.MAX_SAFE_INTEGER)) continue;
      const more = space.absentPages(Number(r.address), r.lengthBytes, 'write');
      if (more.length > 0) absent = [...absent, ...more];
    }
    if (absent.length > 0) return { kind: 'fault', pages: absent };
    const ctx = this.#syscallContext(task, attempt.args, attempt.isRetry, attempt.progress);
    const outcome = attempt.entry.handler(ctx);
    if (outcome instanceof Promise) return outcome.then((o) => withUserFaults(space, o));
    return withUserFaults(space, outcome);
  }

  #syscallContext(
    task: Task,
    args: readonly bigint[],
    isRetry: boolean,
    progress: number,
  ): SyscallContext {
    return {
      task,
      kernel: this.#services,
      args,
      memory: task.get(MM_SLOT),
      // The task's own clock: the engine's plus what the slice still owes.
      nowNs: this.scope.nowNs + this.#debtNs,
      isRetry,
      progress,
    };
  }

  #complete(task: Task, attempt: CallAttempt, outcome: CallOutcome): void {
    const { entry, args } = attempt;
    if (outcome.kind === 'fault') {
      if (task.state === 'running' && this.#awaitPages(task, outcome.pages, attempt)) return;
      // KDDM could not bring the pages several times running: the copy fails.
      if (isAlive(task)) task.get(HART_SLOT).writeX(REG.a0, BigInt(-ERRNO.EFAULT));
    } else if (outcome.kind === 'return') {
      if (isAlive(task)) task.get(HART_SLOT).writeX(REG.a0, outcome.value);
    } else if (outcome.kind === 'block') {
      if (task.state === 'running')
        this.#sleep(task, entry, args, outcome.queues, outcome.untilNs, outcome.progress ?? 0);
    }
  }

  /** Advances the engine clock to the running task's own clock. */
  async #payDebt(): Promise<void> {
    const debt = this.#debtNs;
    if (debt === 0) return;
    this.#debtNs = 0;
    await this.scope.sleep(debt);
  }

  #sleep(
    task: Task,
    entry: SyscallEntry,
    args: readonly bigint[],
    queues: readonly { add(wake: () => void): () => void }[],
    untilNs: number | undefined,
    progress: number,
  ): void {
    assert(task.state === 'running', 'only a running task goes to sleep');
    const runtime = task.get(RUNTIME_SLOT);
    runtime.pendingSyscall = { entry, args, progress };
    runtime.waitingFor = entry.name;
    task.state = 'sleeping';
    const wake = (): void => {
      if (task.state !== 'sleeping') return;
      this.#cancelWaits(runtime);
      task.state = 'running';
      this.#makeReady(task);
    };
    runtime.cancelWaits = queues.map((q) => q.add(wake));
    if (untilNs !== undefined)
      runtime.timer = this.scope.schedule(Math.max(0, untilNs - this.scope.nowNs), wake);
    // A signal that arrived while the call ran must not be slept through.
    if (hasDeliverableSignal(task)) wake();
    // A freeze asked for while the task ran is granted here: a sleeping
    // task is at a safe point (its call runs again when woken), and a
    // freeze left pending on a sleeper could wait for ever.
    if (task.state === 'sleeping' && runtime.freezeRequest !== undefined)
      this.#settleFreeze(task, 'frozen');
  }

  /**
   * A fault on pages that must be brought in: the task sleeps (its CPU runs
   * others) while a job of the node fetches them, then the access runs
   * again — the instruction (its pc never moved), or the system call from
   * scratch: a first attempt by executing its ecall again, a retry (it
   * blocked before) as the pending call it was. The pages a previous round
   * of the same access held are asked for again with the new ones, in one
   * order, so a call needing several pages ends up holding them all. False
   * when KDDM failed too often: the caller treats the access as a real fault.
   */
  #awaitPages(task: Task, pages: readonly AbsentPage[], attempt: CallAttempt | undefined): boolean {
    assert(task.state === 'running', 'only a running task waits for a page');
    const runtime = task.get(RUNTIME_SLOT);
    const held = runtime.pageHold?.pages ?? [];
    this.#releaseHold(runtime);
    if (runtime.pageFailures >= PAGE_FAULT_FAILURES_MAX) {
      runtime.pageFailures = 0;
      return false;
    }
    if (attempt !== undefined) {
      const { entry, args, isRetry, progress } = attempt;
      if (isRetry) runtime.pendingSyscall = { entry, args, progress };
      else {
        // Back onto the ecall, a0 untouched: the call has not happened yet.
        const hart = task.get(HART_SLOT);
        hart.pc -= 4n;
        const acc = task.get(ACCOUNTING_SLOT);
        acc.instret -= 1;
        acc.syscalls.set(entry.name, (acc.syscalls.get(entry.name) ?? 1) - 1);
      }
    }
    const all = held.length + pages.length <= USER_FAULT_PAGES_MAX ? [...held, ...pages] : pages;
    const wait = { pages: all, isStarted: false };
    runtime.pageWait = wait;
    runtime.waitingFor = 'page fault';
    task.state = 'sleeping';
    // A signal wakes the task as from any sleep: nothing happened yet, or the
    // call blocked before and is interrupted by its own rules.
    runtime.cancelWaits = [
      () => {
        if (runtime.pageWait === wait) runtime.pageWait = undefined;
      },
    ];
    if (runtime.freezeRequest !== undefined) this.#settleFreeze(task, 'frozen');
    return true;
  }

  /** Starts the job that brings a sleeping task's fault pages in (once its clock is paid). */
  #startPageWait(task: Task): void {
    const runtime = task.get(RUNTIME_SLOT);
    const wait = runtime.pageWait;
    if (wait === undefined || wait.isStarted) return;
    wait.isStarted = true;
    const space = task.get(MM_SLOT);
    this.scope.spawn(`node${this.id}:fault:${task.pid}`, async () => {
      let hold;
      try {
        hold = await space.holdPages(wait.pages);
        runtime.pageFailures = 0;
      } catch (e) {
        // The page's owner crashed: the next round first-touches it again.
        if (!(e instanceof KddmError)) throw e;
        runtime.pageFailures++;
      }
      if (runtime.pageWait !== wait || task.state !== 'sleeping') {
        hold?.release();
        return;
      }
      runtime.pageWait = undefined;
      runtime.cancelWaits = [];
      runtime.waitingFor = '';
      if (runtime.isFrozen) hold?.release();
      else runtime.pageHold = hold;
      task.state = 'running';
      this.#makeReady(task);
    });
  }

  #releaseHold(runtime: TaskRuntime): void {
    const hold = runtime.pageHold;
    runtime.pageHold = undefined;
    hold?.release();
  }

  #cancelWaits(runtime: TaskRuntime): void {
    for (const cancel of runtime.cancelWaits) cancel();
    runtime.cancelWaits = [];
    runtime.timer?.cancel();
    runtime.timer = undefined;
  }
}

/**
 * True when signal delivery may act on the task now: a deliverable signal,
 * or a CPU-time itimer armed (delivery checks whether it expired).
 */
function mayDeliver(task: Task): boolean {
  if (hasDeliverableSignal(task)) return true;
  const timers = task.get(SIGNAL_SLOT).itimers;
  return timers[ITIMER_VIRTUAL].deadlineNs !== 0 || timers[ITIMER_PROF].deadlineNs !== 0;
}

/** A handler's outcome, or a fault when one of its user copies met an absent page. */
function withUserFaults(
  space: { takeUserFaults(): readonly AbsentPage[] },
  outcome: SyscallOutcome,
): CallOutcome {
  const pages = space.takeUserFaults();
  return pages.length > 0 ? { kind: 'fault', pages } : outcome;
}

// The handler may have ended the task (exit_group): re-read its state.
function isAlive(task: Task): boolean {
  return task.state !== 'zombie' && task.state !== 'dead';
}

/** The wait status word of a task that ended, for callers outside the kernel. */
export function statusWord(task: Task): number {
  assert(task.exitStatus !== undefined, 'an exited task has a status');
  return encodeWaitStatus(task.exitStatus);
}
