// Verification of a whole ghost without knowing what it holds: every frame's
// checksum, every item's tag and bounds, the end marker and nothing after it.
// The publish helper and tools use it; an importer verifies as it reads.
import type { ItemKind } from './item-format.js';
import { FileGhost, type FileGhostOptions } from './file-ghost.js';
import type { Ghost } from './ghost.js';

export interface GhostSummary {
  /** Items per kind, the end marker not counted. */
  readonly itemCounts: Readonly<Partial<Record<ItemKind, number>>>;
  readonly itemCount: number;
}

/** Reads `ghost` to its end marker, verifying everything; the ghost is closed afterwards. */
export async function verifyGhost(ghost: Ghost): Promise<GhostSummary> {
  const itemCounts: Partial<Record<ItemKind, number>> = {};
  let itemCount = 0;
  try {
    for (;;) {
      const kind = await ghost.skipValue();
      if (kind === 'end') break;
      itemCounts[kind] = (itemCounts[kind] ?? 0) + 1;
      itemCount += 1;
    }
  } finally {
    await ghost.abort();
  }
  return { itemCounts, itemCount };
}

/** Opens the ghost file at `path` and verifies all of it. */
export async function verifyFileGhost(
  path: string,
  options: FileGhostOptions = {},
): Promise<GhostSummary> {
  return verifyGhost(await FileGhost.open(path, options));
}
