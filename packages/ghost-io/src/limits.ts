// Every bound of ghost-io, named with its unit. Lengths and counts that come
// from outside (a ghost file, a channel, a caller) are checked against these
// before anything is allocated.

/** Size of one page payload: pages are written and read in runs of whole pages. */
export const PAGE_SIZE_BYTES = 4096;

/** Longest page run in one item (1 MiB); a larger range is written as several runs. */
export const PAGE_RUN_MAX_PAGES = 256;

/** Longest string, in UTF-8 bytes (Linux PATH_MAX; Kerrighed's MAX_GHOST_STRING is 256, see README). */
export const GHOST_STRING_MAX_BYTES = 4096;

/** Longest raw byte array in one item. */
export const GHOST_BYTES_MAX_BYTES = 1024 * 1024;

/** Longest msgpackr-encoded record in one item. */
export const GHOST_RECORD_MAX_BYTES = 1024 * 1024;

/**
 * Size of a ghost's write buffer: small values accumulate here and cost
 * neither a disk operation nor a channel message each until it fills.
 */
export const GHOST_WRITE_BUFFER_BYTES = 64 * 1024;

/**
 * A page run at most this long is copied into the write buffer (batched with
 * neighbours); a longer one goes to the transport without being copied.
 */
export const GHOST_INLINE_PAGES_MAX_BYTES = 16 * 1024;

/**
 * Largest frame payload any ghost writes or accepts: a full write buffer plus
 * the largest single item body.
 */
export const GHOST_FRAME_MAX_PAYLOAD_BYTES =
  GHOST_WRITE_BUFFER_BYTES +
  Math.max(GHOST_RECORD_MAX_BYTES, GHOST_BYTES_MAX_BYTES, PAGE_RUN_MAX_PAGES * PAGE_SIZE_BYTES);

/** Deepest nesting of arrays, objects and Maps the codec encodes. */
export const CODEC_MAX_DEPTH = 64;

/**
 * Bytes an in-memory channel holds for its reader before `send` waits (flow
 * control). A single larger chunk is still accepted into an empty queue.
 */
export const MEMORY_CHANNEL_MAX_BUFFERED_BYTES = 1024 * 1024;

/** Most ghost files one published directory lists (a checkpoint: global, nodes, tasks). */
export const PUBLISHED_DIRECTORY_MAX_FILES = 65_536;

/** Longest file name inside a published directory, in UTF-8 bytes (NAME_MAX). */
export const PUBLISHED_NAME_MAX_BYTES = 255;

/**
 * A file-ghost frame at least this large is written payload first, its
 * checksum computed while the payload write is in flight, then its header:
 * the checksum's cost hides behind the I/O. Smaller frames go in one write.
 */
export const FILE_GHOST_OVERLAP_MIN_BYTES = 256 * 1024;
