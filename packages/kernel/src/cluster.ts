// The Cluster: N simulated nodes on one engine sharing one image store —
// the API the CLI and the tests use to boot nodes, start programs on a
// node, list processes and run the simulation.
import {
  ACCOUNTING_SLOT,
  CHILD_EVENTS_SLOT,
  SectionRegistry,
  exportProcess,
  importProcess,
  type EpmAction,
  ROOT_CREDENTIALS,
  Task,
  TaskHookRegistry,
  WaitQueue,
  assert,
  createChildrenSet,
  createTaskSet,
  newAccounting,
  liveObjectHooks,
  pidObjectHooks,
  taskObjectHooks,
  withLiveObject,
  type LiveObjectHooks,
  type KernelServices,
  type SyscallEntry,
} from '@krg/epm-core';
import {
  SIGHAND_HOOKS,
  SIGHAND_OBJECT,
  SIGHAND_SECTION,
  Sighand,
  setSighand,
} from '@krg/epm-sighand';
import type { GhostReader, GhostWriter } from '@krg/ghost-io';
import {
  RLIMIT_NOFILE,
  SIGNAL_HOOKS,
  SIGNAL_OBJECT,
  SIGNAL_SECTION,
  SIGNAL_SLOT,
  newSignalState,
  type SignalPlatform,
} from '@krg/epm-signal';
import { MM_HOOKS, MM_OBJECT, MM_SLOT, ShmNode, createMmSection } from '@krg/mm-ghost';
import { createPidSet, createPidmapMapSet, type Pidmap } from '@krg/pid-mgmt';
import {
  DEFAULT_COST_MODEL,
  SimEngine,
  nodeCost,
  type CostModel,
  type RunResult,
} from '@krg/sim-engine';
import { ConsoleFile, ConsoleInput, type ConsoleSink, type HostFdKind } from './files/console.js';
import { FdTable } from './files/fd-table.js';
import { ImageStore } from './files/image-store.js';
import { createMappableFiles } from './files/mappable-files.js';
import { installDefaultTree } from './files/default-tree.js';
import { CLUSTER_NODES_MAX } from './limits.js';
import { Fabric } from './cluster/fabric.js';
import { PidmapHost } from './cluster/pidmap-host.js';
import {
  clusterPs,
  queryTask,
  registerProcessView,
  routePriority,
  surveyProcesses,
  type PsRow,
} from './cluster/process-view.js';
import { registerSignalService, routeKill, routePrlimit } from './cluster/signal-routing.js';
import { NodeKernel } from './process/node-kernel.js';
import { HART_SIGNAL_CPU } from './process/signal-delivery.js';
import { installImage, loadProgram, type ExecFailure } from './process/exec.js';
import { FILES_SECTION, FS_SECTION } from './files/files-section.js';
import { FILES_HOOKS, FS_HOOKS } from './process/file-hooks.js';
import type { KernelImportTarget } from './process/import-target.js';
import { PIDS_SECTION, TASK_SECTION, attachHart } from './process/task-section.js';
import { FILES_SLOT, FS_SLOT } from './process/task-slots.js';
import { buildSyscallTable } from './syscall-table.js';

/** A bad cluster description or start request: nothing was created. */
export class ClusterConfigInvalid extends Error {
  override readonly name = 'ClusterConfigInvalid';
  readonly code = 'CLUSTER_CONFIG_INVALID';
}

export interface ClusterOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly cost?: CostModel;
  /** Simulated wall-clock time at instant 0 (CLOCK_REALTIME), ns since the epoch. */
  readonly epochNs?: number;
}

/** Where a started program's standard streams go. */
export interface StandardStreams {
  readonly stdin: ConsoleInput;
  readonly stdout: { readonly sink: ConsoleSink; readonly kind: HostFdKind };
  readonly stderr: { readonly sink: ConsoleSink; readonly kind: HostFdKind };
}

export interface StartRequest {
  readonly node: number;
  /** Path in the image store (argv[0] is given separately, as the user typed it). */
  readonly path: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  readonly streams: StandardStreams;
}

/** 2026-01-01T00:00:00Z: a fixed simulated epoch, so runs do not depend on the host clock. */
const DEFAULT_EPOCH_NS = 1_767_225_600_000_000_000;

export class Cluster {
  readonly engine: SimEngine;
  /** The network, the RPC layer and every node's endpoint and KDDM node. */
  readonly fabric: Fabric;
  /** The cluster's file tree: one for every node, outside them all (it survives crashes). */
  readonly store: ImageStore;
  readonly #kernels: NodeKernel[] = [];
  readonly #pidmapHosts: PidmapHost[] = [];
  readonly #liveObjects: Record<'mm' | 'signal' | 'sighand', LiveObjectHooks>[] = [];
  readonly #services: KernelServices;
  readonly #sections: SectionRegistry<Task, KernelImportTarget>;
  /** Each node's SysV shm (its current incarnation's), by node id. */
  readonly #shm: ShmNode[] = [];
  readonly #cost: CostModel;
  readonly #epochNs: number;
  readonly #signals: SignalPlatform;
  #objectUpdateFailures = 0;
  /** Called whenever a task is reaped. */
  onTaskReaped: (task: Task) => void = () => {};

  constructor(options: ClusterOptions) {
    if (
      !Number.isInteger(options.nodes) ||
      options.nodes < 1 ||
      options.nodes > CLUSTER_NODES_MAX
    ) {
      throw new ClusterConfigInvalid(
        `nodes must be an integer in 1..${CLUSTER_NODES_MAX}, found ${options.nodes}`,
      );
    }
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
      throw new ClusterConfigInvalid(
        `seed must be a non-negative safe integer, found ${options.seed}`,
      );
    }
    const cost = options.cost ?? DEFAULT_COST_MODEL;
    this.engine = new SimEngine({ seed: options.seed });
    this.fabric = new Fabric(this.engine, cost, options.nodes);
    const epochNs = options.epochNs ?? DEFAULT_EPOCH_NS;
    if (!Number.isInteger(epochNs) || epochNs < 0) {
      throw new ClusterConfigInvalid(`epochNs must be a non-negative integer, found ${epochNs}`);
    }
    this.store = new ImageStore({ epochNs });
    installDefaultTree(this.store, this.engine.rng.fork('dev-random'));
    this.#services = {
      sendSignal: (task, sig, info) => void this.#node(task.node).signals.send(task, sig, info),
      exitTask: (task, status) => this.#node(task.node).exit(task, status),
      // What syscalls see of other processes is their own node's (the
      // per-node services below); this shared base is for the Cluster itself.
      findTask: (pid) => this.findTask(pid),
      allTasks: () => this.tasks(),
      // A child runs on its parent's node: fork across nodes needs the
      // export/import path of migration (remote clone), not an in-memory copy.
      forkTask: (parent, exitSignal) => this.#node(parent.node).forkTask(parent, exitSignal),
      startTask: (child) => this.#node(child.node).admit(child),
      discardTask: (child) => this.#node(child.node).discardTask(child),
      memoryOf: (task) => task.get(MM_SLOT),
      reapTask: (zombie) => this.#node(zombie.node).reap(zombie),
      kddmOf: (task) => this.#node(task.node).kddm,
      taskChanged: (task, change) => this.#node(task.node).taskChanged(task, change),
      queryTask: (caller, pid, what) => queryTask(this.#node(caller.node), pid, what),
      priorityOfProcesses: (caller, request) =>
        routePriority(this.#node(caller.node), this.#liveNodes(), request),
      surveyProcesses: (caller, selector) =>
        surveyProcesses(this.#node(caller.node), this.#liveNodes(), selector),
      execTask: (task, path, argv, envp) =>
        this.#node(task.node).execTask(task, this.store, path, argv, envp),
      files: createMappableFiles(this.store),
    };
    this.#sections = new SectionRegistry<Task, KernelImportTarget>();
    for (const section of [
      TASK_SECTION,
      PIDS_SECTION,
      // An import reattaches shm mappings through the SysV shm of the node it lands on.
      createMmSection<KernelImportTarget>((target) => this.#shm[target.node.id]),
      FS_SECTION,
      FILES_SECTION,
      SIGNAL_SECTION,
      SIGHAND_SECTION,
    ]) {
      this.#sections.register(section);
    }
    // The CPU and ITIMER_REAL as the signal calls see them; the timer lives
    // on the node of the task.
    this.#signals = {
      ...HART_SIGNAL_CPU,
      realTimerChanged: (task) => this.#node(task.node).signals.armRealTimer(task),
      killOnNodes: (caller, request) =>
        routeKill(this.#node(caller.node), this.#liveNodes(), request),
      prlimitOnNode: (caller, request) => routePrlimit(this.#node(caller.node), request),
    };
    this.#cost = cost;
    this.#epochNs = epochNs;
    for (let id = 0; id < options.nodes; id++) this.#kernels.push(this.#bootNode(id, 1));
    // The first pidmap-host map: every node hosts its own pidmap.
    const mapHome = this.#kernels[0]!;
    PidmapHost.initialMap(mapHome, this.fabric.nodeIds);
  }

  /** Every node's kernel (a crashed node's, until it reboots: `isUp` false, empty table). */
  get nodes(): readonly NodeKernel[] {
    return this.#kernels;
  }

  /**
   * Boots one incarnation of node `id`: its endpoint and KDDM node, the
   * system sets (created on every node with the same static ids, reference
   * §1.2), its task hooks — every subsystem's, plus the ones keeping its
   * tasks' KDDM objects — its syscall table, its kernel and its services.
   */
  #bootNode(id: number, incarnation: number): NodeKernel {
    const booted = this.fabric.boot(id);
    const kddm = booted.kddm;
    createTaskSet(kddm);
    createPidSet(kddm);
    createChildrenSet(kddm);
    createPidmapMapSet(kddm);
    const hooks = new TaskHookRegistry();
    const onFailure = (): void => {
      this.#objectUpdateFailures++;
    };
    // The signal, sighand and mm_struct objects wrap the live structures
    // their subsystems keep in the task's slots (epm-core's live objects).
    const objects = {
      mm: liveObjectHooks(kddm, MM_OBJECT, onFailure),
      signal: liveObjectHooks(kddm, SIGNAL_OBJECT, onFailure),
      sighand: liveObjectHooks(kddm, SIGHAND_OBJECT, onFailure),
    };
    this.#liveObjects[id] = objects;
    for (const h of [
      taskObjectHooks(kddm, onFailure),
      pidObjectHooks(kddm, onFailure),
      withLiveObject(MM_HOOKS, objects.mm),
      FS_HOOKS,
      FILES_HOOKS,
      withLiveObject(SIGNAL_HOOKS, objects.signal),
      withLiveObject(SIGHAND_HOOKS, objects.sighand),
    ])
      hooks.register(h);
    const rng = this.engine.rng.fork(incarnation === 1 ? `node${id}` : `node${id}#${incarnation}`);
    // The node's SysV shm over its KDDM node (mm-ghost's port; the sets are created here, at boot).
    const shm = new ShmNode({
      kddm,
      spawn: (name, work) => void booted.rpc.scope.spawn(name, work),
    });
    this.#shm[id] = shm;
    const syscalls: Map<number, SyscallEntry> = buildSyscallTable(
      this.store,
      this.#signals,
      {
        nodeId: id,
        epochNs: this.#epochNs,
        rng,
        totalMemoryBytes: 4 * 1024 ** 3,
        cpuTimeNs: (ctx) => {
          const acc = ctx.task.get(ACCOUNTING_SLOT);
          return acc.userNs + acc.systemNs;
        },
      },
      shm,
    );
    // A node's syscalls see only its own processes; others are reached
    // through routed requests (queryTask, surveyProcesses, signal routing).
    const own: { kernel?: NodeKernel } = {};
    const local = (): NodeKernel => {
      assert(own.kernel !== undefined, 'a node kernel serves its syscalls once built');
      return own.kernel;
    };
    const services: KernelServices = {
      ...this.#services,
      findTask: (pid) => {
        const kernel = local();
        return pid === 1 ? kernel.init : kernel.task(pid);
      },
      allTasks: () => local().tasks(),
    };
    const kernel = new NodeKernel({
      id,
      rpc: booted.rpc,
      kddm,
      cost: nodeCost(this.#cost, id),
      syscalls,
      store: this.store,
      services,
      hooks,
      rng: rng.fork('exec'),
      onTaskReaped: (task) => this.onTaskReaped(task),
    });
    own.kernel = kernel;
    registerProcessView(kernel);
    registerSignalService(kernel);
    const host = new PidmapHost(kernel, {
      isUp: (n) => this.fabric.isUp(n),
      nodeIds: this.fabric.nodeIds,
    });
    this.#pidmapHosts[id] = host;
    const mapHome = this.fabric.nodeIds[0]!;
    booted.rpc.onPeerDown((dead) => {
      if (PidmapHost.heirOf(dead, this.fabric.nodeIds, (n) => this.fabric.isUp(n)) === id)
        kernel.scope.spawn(`node${id}:adopt-pidmaps-of-${dead}`, () => host.adopt(dead));
    });
    booted.rpc.onPeerUp((peer) => {
      if (peer === mapHome)
        kernel.scope.spawn(`node${id}:reregister-pidmaps`, () => host.reregister());
    });
    return kernel;
  }

  /** Every task of the cluster's live nodes in pid order (the simulator's omniscient view, for tests and the CLI). */
  tasks(): Task[] {
    return this.#kernels
      .filter((n) => n.isUp)
      .flatMap((n) => n.tasks())
      .sort((a, b) => a.pid - b.pid);
  }

  /**
   * The task with this pid. Pid 1 is node-local (every node has its own
   * init); all inits look alike to a guest, so node 0's answers.
   */
  findTask(pid: number): Task | undefined {
    if (pid === 1) return this.nodes[0]?.init;
    for (const n of this.#kernels) {
      const t = n.task(pid);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  /**
   * Starts a program on a node as a child of that node's init, as a shell
   * starts a job: its own process group in init's session, root
   * credentials, the given streams as fds 0–2. A program that cannot be
   * loaded creates nothing.
   */
  start(req: StartRequest): Task | ExecFailure {
    const node = this.#node(req.node);
    if (!node.isUp) throw new ClusterConfigInvalid(`node ${req.node} is down`);
    if (!node.isJoined)
      throw new ClusterConfigInvalid(`node ${req.node} is still joining (its pidmap is not back)`);
    const random = node.atRandom();
    const loaded = loadProgram(this.store, {
      path: req.path,
      cwd: '/',
      argv: req.argv,
      envp: req.envp,
      random,
    });
    if ('errno' in loaded) return loaded;
    const pid = node.allocPid();
    const task = new Task({
      pid,
      node: node.id,
      parentPid: 1,
      pgid: pid,
      sid: 1,
      credentials: ROOT_CREDENTIALS,
      comm: req.path,
      exitSignal: 17,
    });
    const signal = newSignalState();
    task.set(SIGNAL_SLOT, signal);
    setSighand(task, new Sighand());
    task.set(ACCOUNTING_SLOT, newAccounting(this.engine.nowNs, loaded.exePath));
    task.set(CHILD_EVENTS_SLOT, new WaitQueue());
    task.set(FS_SLOT, { cwd: '/', umask: 0o022 });
    const files = new FdTable(() => Number(signal.rlimits[RLIMIT_NOFILE]!.soft));
    files.install(ConsoleFile.input(req.streams.stdin), false);
    files.install(
      ConsoleFile.output('stdout', req.streams.stdout.sink, req.streams.stdout.kind),
      false,
    );
    files.install(
      ConsoleFile.output('stderr', req.streams.stderr.sink, req.streams.stderr.kind),
      false,
    );
    task.set(FILES_SLOT, files);
    installImage(task, loaded);
    node.admit(task);
    return task;
  }

  /**
   * Every process of the cluster as `ps` on node `fromNode` shows it, in
   * pid order: the node's own processes and every other live node's answer
   * over RPC, each from the task objects of the processes it runs (as
   * Kerrighed's /proc). To be awaited inside the simulation (a task on the
   * engine); `runPs` drives the engine itself.
   */
  ps(fromNode = 0): Promise<PsRow[]> {
    const node = this.#node(fromNode);
    if (!node.isUp) throw new ClusterConfigInvalid(`node ${fromNode} is down`);
    const live = this.fabric.nodeIds.filter((n) => this.fabric.isUp(n));
    return clusterPs(node, live);
  }

  /**
   * `ps` from outside a run: runs the engine just until the answer is in
   * (processes advance meanwhile, as they would while ps runs on a real
   * cluster), then stops it where it was.
   */
  async runPs(fromNode = 0): Promise<PsRow[]> {
    const node = this.#node(fromNode);
    let result: { rows: PsRow[] } | { error: unknown } | undefined;
    node.scope.spawn('ps', async () => {
      try {
        result = { rows: await this.ps(fromNode) };
      } catch (error) {
        result = { error };
      }
      this.engine.stop();
    });
    await this.engine.run();
    if (result === undefined) throw new Error(`ps from node ${fromNode} did not finish`);
    if ('error' in result) throw result.error;
    return result.rows;
  }

  /**
   * Crashes node `id` now: its processes vanish with everything volatile —
   * no exit status, no SIGCHLD, no reap — and so do the KDDM objects it
   * held. The other nodes notice after krg-rpc's failure-detection delay:
   * their ps stops listing the node's processes (at once, since the node
   * answers nothing), operations waiting on it fail instead of hanging, and
   * its heir adopts its pidmap. See the README's crash semantics.
   */
  crashNode(id: number): void {
    const node = this.#node(id);
    if (!node.isUp) throw new ClusterConfigInvalid(`node ${id} is already down`);
    node.crash();
    this.fabric.crash(id);
  }

  /**
   * Boots a crashed node again: a fresh kernel with a fresh init and an
   * empty process table, empty KDDM sets; it takes its pidmap back from its
   * heir. Resolves (inside the simulation) once it has joined; `start` on
   * it throws until then.
   */
  rebootNode(id: number): Promise<void> {
    const old = this.#node(id);
    if (old.isUp) throw new ClusterConfigInvalid(`node ${id} is up: crash it first`);
    const incarnation = this.fabric.rpc.membership.incarnationOf(id) + 1;
    const kernel = this.#bootNode(id, incarnation);
    kernel.isJoined = false;
    this.#kernels[id] = kernel;
    const host = this.#pidmapHosts[id]!;
    const joined = kernel.scope.defer<void>();
    kernel.scope.spawn(`node${id}:join`, async () => {
      await host.join();
      kernel.isJoined = true;
      joined.resolve();
    });
    return joined.promise;
  }

  /**
   * The ids of a live task's signal object (its TGID), sighand and mm_struct
   * objects (unique ids from its node), in their KDDM sets.
   */
  kernelObjectIds(task: Task): { signal?: number; sighand?: number; mm?: number } {
    const objects = this.#liveObjects[task.node];
    if (objects === undefined) return {};
    return {
      signal: objects.signal.objectIdOf(task),
      sighand: objects.sighand.objectIdOf(task),
      mm: objects.mm.objectIdOf(task),
    };
  }

  /** The pidmaps node `id` holds for other node ids (adopted after a crash). */
  foreignPidmaps(id: number): ReadonlyMap<number, Pidmap> {
    return this.#pidmapHosts[id]?.foreign ?? new Map();
  }

  /** Background KDDM object updates that failed (an object's home was down); 0 in a healthy run. */
  get objectUpdateFailures(): number {
    return this.#objectUpdateFailures;
  }

  /** Freezes a task at a safe point, or at an exact instruction count (see NodeKernel.freeze). */
  freeze(task: Task, atInstret?: number): Promise<'frozen' | 'exited'> {
    return this.#node(task.node).freeze(task, atInstret);
  }

  /**
   * Writes a frozen process into a ghost through the one export path shared
   * with migration (epm-core's exportProcess over every subsystem's section).
   */
  async exportProcess(task: Task, ghost: GhostWriter, action: EpmAction): Promise<void> {
    await exportProcess(this.#sections, task, ghost, action);
  }

  /** Ends a task at once, as SIGKILL does: its objects vanish with it. */
  kill(task: Task): void {
    this.#node(task.node).exit(task, { kind: 'signaled', signal: 9, coreDumped: false });
  }

  /**
   * Rebuilds a process from a ghost on `node` (restart, or the receiving end
   * of a migration) and lets it run; its consoles reattach to `streams`. A
   * failed import leaves nothing behind.
   */
  async importProcess(
    ghost: GhostReader,
    action: EpmAction,
    node: number,
    streams: StandardStreams,
  ): Promise<Task> {
    const kernel = this.#node(node);
    const target: KernelImportTarget = {
      task: undefined,
      node: kernel,
      streams,
      files: this.#services.files,
    };
    await importProcess(this.#sections, ghost, action, target);
    const task = target.task;
    if (task === undefined) throw new Error('import built no task');
    attachHart(task);
    kernel.admit(task);
    kernel.signals.armRealTimer(task);
    return task;
  }

  /** Runs the simulation until nothing is left to do (or a bound). */
  run(options: { untilNs?: number; maxEvents?: number } = {}): Promise<RunResult> {
    return this.engine.run(options);
  }

  #node(id: number): NodeKernel {
    const node = this.nodes[id];
    if (node === undefined)
      throw new ClusterConfigInvalid(`no node ${id} in a ${this.nodes.length}-node cluster`);
    return node;
  }

  /** The nodes that are up: where a question about every process goes. */
  #liveNodes(): number[] {
    return this.fabric.nodeIds.filter((n) => this.fabric.isUp(n));
  }
}
