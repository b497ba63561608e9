// Public surface of @krg/kernel: the Cluster and its nodes' kernels, and the
// file table (descriptors, open file descriptions, pipes, consoles, the
// cluster's writable file tree).
export { Cluster, ClusterConfigInvalid } from './cluster.js';
export { Fabric } from './cluster/fabric.js';
export {
  PS_SERVICE,
  TASK_QUERY_SERVICE,
  clusterPs,
  localPs,
  peekLocalPs,
  queryTask,
} from './cluster/process-view.js';
export { PIDMAP_SERVICE, PidmapHost } from './cluster/pidmap-host.js';
export { ConsoleFile, ConsoleInput } from './files/console.js';
export { GuestNotSupported, NodeKernel } from './process/node-kernel.js';
export { buildSyscallTable } from './syscall-table.js';
export { FdTable } from './files/fd-table.js';
export {
  ImageStore,
  ImageStoreError,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
} from './files/image-store.js';
export { OpenFileNotCheckpointable } from './files/files-section.js';
export { installDefaultTree } from './files/default-tree.js';
export { OpenFile } from './files/open-file.js';
export { Pipe, PipeEnd } from './files/pipe.js';
export {
  FD_CLOEXEC,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_PATH,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  SETFL_MASK,
} from './files/open-flags.js';
export {
  DEVICE_ZERO_READ_BYTES_MAX,
  DIRECTORY_ENTRIES_MAX,
  FDS_PER_PROCESS_DEFAULT,
  FDS_PER_PROCESS_MAX,
  IMAGE_FILES_MAX,
  IMAGE_FILE_BYTES_MAX,
  IMAGE_TREE_BYTES_MAX,
  LINKS_PER_INODE_MAX,
  SYMLINKS_FOLLOWED_MAX,
  NAME_BYTES_MAX,
  PATH_BYTES_MAX,
  PIPE_ATOMIC_BYTES,
  PIPE_CAPACITY_BYTES,
} from './limits.js';
export { AssertionError } from '@krg/epm-core';
export type { ClusterOptions, StandardStreams, StartRequest } from './cluster.js';
export type { PsRow } from './cluster/process-view.js';
export type { FabricNode } from './cluster/fabric.js';
export type { ConsoleSink, HostFdKind } from './files/console.js';
export type { ExecFailure } from './process/exec.js';
export type { FdEntry, FdErrno, FdResult } from './files/fd-table.js';
export type { Lookup, Owner, TreeErrno } from './files/image-store.js';
export type {
  DeviceKind,
  RandomSource,
  ImageDevice,
  ImageDirectory,
  ImageFile,
  ImageNode,
  ImageSymlink,
} from './files/inode.js';
export type { PathErrno } from './files/path-walk.js';
export type { OpenFileKind } from './files/open-file.js';
export type { PipeRead, PipeWrite } from './files/pipe.js';
