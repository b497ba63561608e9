// What the kernel's import builds on: the node the process lands on and the
// streams its consoles reattach to.
import type { TaskImportTarget } from '@krg/epm-core';
import type { StandardStreams } from '../cluster.js';
import type { NodeKernel } from './node-kernel.js';

export interface KernelImportTarget extends TaskImportTarget {
  readonly node: NodeKernel;
  readonly streams: StandardStreams;
}
