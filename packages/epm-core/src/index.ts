// Public surface of @krg/epm-core. So far: EPM actions, the ordered
// ghost-section registry with the shared export/import walk, and the Linux
// ABI vocabulary every subsystem shares (errno, signals, wait statuses).
export { keepsObjectsInCluster } from './epm-action.js';
export { SECTION_ORDER } from './ghost-section.js';
export { SectionRegistry } from './section-registry.js';
export {
  PROCESS_GHOST_MAGIC,
  PROCESS_GHOST_VERSION,
  exportProcess,
  importProcess,
} from './process-ghost.js';
export { ERRNO, errnoName, errnoResult } from './abi/errno.js';
export {
  EMPTY_SIGSET,
  FULL_SIGSET,
  NSIG,
  SA,
  SIGNAL,
  SIGRTMAX,
  SIGRTMIN,
  SYNCHRONOUS,
  UNBLOCKABLE,
  isRealtime,
  isValidSignal,
  sanitizeMask,
  sigAdd,
  sigDel,
  sigHas,
  signalName,
  sigbit,
} from './abi/signals.js';
export { decodeWaitStatus, encodeWaitStatus, shellExitStatus } from './abi/wait-status.js';
export {
  NO_RETURN,
  argAddress,
  argInt,
  argLong,
  argUint,
  block,
  fail,
  readUserString,
  readUserTimespec,
  writeUserInt32,
  ret,
} from './syscall.js';
export { ROOT_CREDENTIALS, Task } from './task.js';
export { ACCOUNTING_SLOT, newAccounting } from './accounting.js';
export { TaskHookRegistry } from './task-hooks.js';
export {
  TASK_LINKER,
  TASK_NODE_NONE,
  TASK_SET_ID,
  assignTaskObject,
  createTaskSet,
  taskObjectOf,
} from './task-object.js';
export {
  CHILDREN_LINKER,
  CHILDREN_SET_ID,
  createChildrenSet,
  dropChild,
  remoteChildOf,
  upsertChild,
} from './children-object.js';
export { pidObjectHooks, taskObjectHooks } from './kernel-object-hooks.js';
export { updateObject } from './kddm-op.js';
export {
  LIVE_OBJECT_SET_IDS,
  liveObjectFields,
  liveObjectHooks,
  withLiveObject,
} from './live-object.js';
export { importedTask, intField } from './task-import.js';
export {
  CHILD_EVENTS_SLOT,
  EXEC_STRINGS_MAX,
  EXEC_STRING_BYTES_MAX,
  LIFECYCLE_SYSCALLS,
} from './wait-syscalls.js';
export { CLOCK_TICKS_PER_SECOND, PROCESS_SYSCALLS, encodeRusage } from './process-syscalls.js';
export { TaskSlot } from './task-slot.js';
export { SIGACTION_SLOT } from './sigaction-view.js';
export { WaitQueue } from './wait-queue.js';
export { AssertionError, assert } from './assert.js';
export {
  EpmError,
  ProcessExportFailed,
  ProcessImportFailed,
  SectionRegistrationInvalid,
} from './errors.js';
export type {
  CheckpointAction,
  EpmAction,
  EpmActionType,
  MigrateAction,
  RemoteCloneAction,
  RestartAction,
} from './epm-action.js';
export type { GhostSection, SectionName } from './ghost-section.js';
export type { ErrnoName } from './abi/errno.js';
export type { SignalName, Sigset } from './abi/signals.js';
export type { WaitStatus } from './abi/wait-status.js';
export {
  NICE_MAX,
  NICE_MIN,
  NO_PRIORITY,
  checkPriorityReply,
  checkPriorityRequest,
  priorityOnNode,
  priorityResult,
  reniceResult,
} from './priority.js';
export type { PriorityReply, PriorityRequest, PriorityTarget } from './priority.js';
export type {
  KernelServices,
  ProcessSelector,
  SignalInfo,
  SyscallContext,
  SyscallEntry,
  SyscallHandler,
  SyscallOutcome,
  TaskQuery,
  UserMemory,
} from './syscall.js';
export type { Credentials, TaskState } from './task.js';
export type { TaskAccounting } from './accounting.js';
export type { TaskChange, TaskHooks } from './task-hooks.js';
export type { ExitState, TaskObject } from './task-object.js';
export type { ChildrenObject, RemoteChild } from './children-object.js';
export type { KddmOpFailure } from './kddm-op.js';
export type { LiveObject, LiveObjectHooks, LiveObjectSpec } from './live-object.js';
export type { TaskImportTarget } from './task-import.js';
export type { MappableDescriptor, MappableFile, MappableFiles } from './mappable-file.js';
export type { Disposition, SigactionEntry, SigactionView } from './sigaction-view.js';
