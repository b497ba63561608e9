// Public surface of @krg/cluster-sim: the pieces of the `krg` command that
// other tools may drive in-process. The command itself is the `krg` bin.
export { runExec, GUEST_ENV } from './cli/exec-command.js';
export { parseExecOptions, EXEC_NODES_MAX, EXEC_LIST_MAX } from './cli/exec-options.js';
export { KrgUsageError, KRG_ERROR_EXIT_STATUS } from './cli/errors.js';
export { STDIN_CHUNK_BYTES } from './cli/host-stdin.js';
export type { ExecIo } from './cli/exec-command.js';
export type { ExecOptions } from './cli/exec-options.js';
