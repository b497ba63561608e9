// A ghost section: one subsystem's part of a process ghost (reference §3's
// export_* / import_* pairs). Each subsystem registers its section with the
// process's kernel instead of being imported by epm-core, the way Linux's
// copy_process calls copy_mm, copy_signal and copy_sighand.
import type { GhostReader, GhostWriter } from '@krg/ghost-io';
import type { EpmAction } from './epm-action.js';

/**
 * The sections of a process ghost, in the reference's export_task order
 * (§3): registers and task fields, PIDs, the address space, credentials,
 * fs and files, children, private signals, the signal and sighand objects,
 * and the application last (export_application runs after export_task).
 */
export const SECTION_ORDER = [
  'task',
  'pids',
  'mm',
  'cred',
  'fs',
  'files',
  'children',
  'private-signals',
  'signal',
  'sighand',
  'application',
] as const;

export type SectionName = (typeof SECTION_ORDER)[number];

/**
 * One subsystem's export/import pair over a process representation `P`
 * (owned by the kernel) and the state an import builds `I`.
 *
 * - `export` may refuse (throw) before writing anything, as Kerrighed's
 *   refusal checks return -EBUSY; after it wrote, a throw fails the export.
 * - `import` reads exactly what `export` wrote, in the same order, into `I`;
 *   when it throws it must leave `I` as it found it.
 * - `unimport` undoes a completed `import` when a later section fails; it
 *   must not throw (what cannot be undone is a bug).
 */
export interface GhostSection<P, I> {
  readonly name: SectionName;
  /** Bumped when the section's layout changes; checked on import. */
  readonly version: number;
  export(process: P, ghost: GhostWriter, action: EpmAction): Promise<void>;
  import(target: I, ghost: GhostReader, action: EpmAction): Promise<void>;
  unimport(target: I, action: EpmAction): Promise<void>;
}
