// The one path shared by migration, remote clone, checkpoint and restart
// (DESIGN.md): exportProcess walks the registered sections in reference
// order and importProcess walks them back, undoing in reverse what it had
// imported when a section fails. No flow owns a private copy of either.
//
// Ghost layout: a header (magic, format version, action type, section
// count), then per section its name and version followed by what the
// section wrote. The header and names let an import fail with a clear
// message when a ghost does not match the code reading it.
import type { GhostReader, GhostWriter } from '@krg/ghost-io';
import type { EpmAction } from './epm-action.js';
import { ProcessExportFailed, ProcessImportFailed } from './errors.js';
import type { SectionRegistry } from './section-registry.js';

/** Marks a process ghost ("KRGP"). */
export const PROCESS_GHOST_MAGIC = 0x4b524750;
/** Layout version of the framing written here (not of the sections). */
export const PROCESS_GHOST_VERSION = 1;

export async function exportProcess<P, I>(
  registry: SectionRegistry<P, I>,
  process: P,
  ghost: GhostWriter,
  action: EpmAction,
): Promise<void> {
  const sections = registry.sections();
  await ghost.writeU32(PROCESS_GHOST_MAGIC);
  await ghost.writeU32(PROCESS_GHOST_VERSION);
  await ghost.writeString(action.type);
  await ghost.writeU32(sections.length);
  for (const section of sections) {
    await ghost.writeString(section.name);
    await ghost.writeU32(section.version);
    try {
      await section.export(process, ghost, action);
    } catch (cause) {
      throw new ProcessExportFailed(section.name, cause);
    }
  }
}

export interface ImportOptions {
  /**
   * The process is the last thing in the ghost (true by default): the import
   * also verifies the ghost's end marker before it counts as done, so a
   * truncated ghost is undone like any other failure.
   */
  readonly isLastInGhost?: boolean;
}

export async function importProcess<P, I>(
  registry: SectionRegistry<P, I>,
  ghost: GhostReader,
  action: EpmAction,
  target: I,
  options: ImportOptions = {},
): Promise<void> {
  const sections = registry.sections();
  await readHeader(ghost, action, sections.length);
  const done: typeof sections = [];
  try {
    for (const section of sections) {
      const name = await readFraming(ghost, section.name, () => ghost.readString());
      if (name !== section.name)
        throw new ProcessImportFailed(section.name, `section "${section.name}"`, `"${name}"`);
      const version = await readFraming(ghost, section.name, () => ghost.readU32());
      if (version !== section.version) {
        throw new ProcessImportFailed(
          section.name,
          `version ${section.version}`,
          `version ${version}`,
        );
      }
      try {
        await section.import(target, ghost, action);
      } catch (cause) {
        throw new ProcessImportFailed(
          section.name,
          'a section its export wrote',
          describe(cause),
          cause,
        );
      }
      done.push(section);
    }
    if (options.isLastInGhost ?? true) await readFraming(ghost, 'end', () => ghost.readEnd());
  } catch (error) {
    // reference §3: each failure unwinds through the unimport list in reverse.
    for (const section of done.reverse()) await section.unimport(target, action);
    throw error;
  }
}

async function readHeader(
  ghost: GhostReader,
  action: EpmAction,
  sectionCount: number,
): Promise<void> {
  const magic = await readFraming(ghost, 'header', () => ghost.readU32());
  if (magic !== PROCESS_GHOST_MAGIC) {
    throw new ProcessImportFailed(
      'header',
      `magic 0x${PROCESS_GHOST_MAGIC.toString(16)}`,
      `0x${magic.toString(16)}`,
    );
  }
  const version = await readFraming(ghost, 'header', () => ghost.readU32());
  if (version !== PROCESS_GHOST_VERSION) {
    throw new ProcessImportFailed(
      'header',
      `format version ${PROCESS_GHOST_VERSION}`,
      `version ${version}`,
    );
  }
  const written = await readFraming(ghost, 'header', () => ghost.readString());
  if (!actionsMatch(written, action)) {
    throw new ProcessImportFailed(
      'header',
      `a ghost written for ${exportedFor(action)}`,
      `one for ${written}`,
    );
  }
  const count = await readFraming(ghost, 'header', () => ghost.readU32());
  if (count !== sectionCount)
    throw new ProcessImportFailed('header', `${sectionCount} sections`, `${count}`);
}

// A ghost is written by the export half of an action: checkpoint ghosts are
// read by restart, migration ghosts by migration, remote clone by remote clone.
function exportedFor(action: EpmAction): string {
  return action.type === 'restart' ? 'checkpoint' : action.type;
}

function actionsMatch(written: string, action: EpmAction): boolean {
  return written === exportedFor(action);
}

async function readFraming<T>(
  ghost: GhostReader,
  section: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (cause) {
    throw new ProcessImportFailed(section, 'the ghost framing', describe(cause), cause);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
