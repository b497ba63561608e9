// What an import builds: the task the first section creates and the later
// sections fill. Subsystem sections only need this; the kernel's import
// target extends it with what the kernel itself needs (node, streams).
import { ProcessImportFailed } from './errors.js';
import type { MappableFiles } from './mappable-file.js';
import type { Task } from './task.js';

export interface TaskImportTarget {
  task: Task | undefined;
  /** The image store's files, for the mm section to map a saved file mapping again. */
  readonly files: MappableFiles;
}

/** The task the 'task' section created; a section that runs before it is a bug in the order. */
export function importedTask(target: TaskImportTarget, section: string): Task {
  if (target.task === undefined)
    throw new ProcessImportFailed(section, "the 'task' section first", 'no task yet');
  return target.task;
}

/** Reads a record field that must be a safe integer in [min, max]; a typed error otherwise. */
export function intField(
  record: unknown,
  field: string,
  section: string,
  min: number,
  max: number,
): number {
  const value =
    typeof record === 'object' && record !== null
      ? (record as Record<string, unknown>)[field]
      : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ProcessImportFailed(
      section,
      `${field} as an integer in ${min}..${max}`,
      String(value),
    );
  }
  return value;
}
