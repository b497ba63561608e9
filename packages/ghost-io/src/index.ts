// Public surface of @krg/ghost-io.
export { encodeValue, decodeValue } from './codec.js';
export type { ByteChannel } from './byte-channel.js';
export { createMemoryChannelPair } from './memory-channel.js';
export type { MemoryChannelOptions } from './memory-channel.js';
export { duplexByteChannel } from './duplex-channel.js';
export type { Ghost, GhostAccess, GhostReader, GhostWriter } from './ghost.js';
export { MemoryGhost } from './memory-ghost.js';
export { FileGhost } from './file-ghost.js';
export type { FileGhostOptions } from './file-ghost.js';
export { NetworkGhost } from './network-ghost.js';
export { verifyGhost, verifyFileGhost } from './verify-ghost.js';
export type { GhostSummary } from './verify-ghost.js';
export type { FsPort, FilePort } from './fs-port.js';
export {
  DirectoryDraft,
  readPublished,
  listPublished,
  removeUnpublished,
  COMMIT_MARKER_NAME,
} from './publish.js';
export type { PublishOptions, PublishedDirectory, PublishedFile } from './publish.js';
export { nodeFs } from './node-fs.js';
export type { ItemKind as GhostValueKind } from './item-format.js';
export {
  GhostIoError,
  GhostCorrupted,
  GhostFormatUnsupported,
  GhostTypeMismatch,
  GhostLimitExceeded,
  GhostInvalidValue,
  GhostAccessError,
  GhostFileExists,
  CodecUnsupportedValue,
  CodecMalformed,
  ChannelClosed,
} from './errors.js';
export {
  PAGE_SIZE_BYTES,
  PAGE_RUN_MAX_PAGES,
  GHOST_STRING_MAX_BYTES,
  GHOST_BYTES_MAX_BYTES,
  GHOST_RECORD_MAX_BYTES,
  GHOST_WRITE_BUFFER_BYTES,
  GHOST_FRAME_MAX_PAYLOAD_BYTES,
  CODEC_MAX_DEPTH,
  MEMORY_CHANNEL_MAX_BUFFERED_BYTES,
  PUBLISHED_DIRECTORY_MAX_FILES,
  PUBLISHED_NAME_MAX_BYTES,
} from './limits.js';
