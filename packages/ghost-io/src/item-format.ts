// The item layer shared by every ghost: a value is one tag byte, then either
// a fixed-size little-endian body or a u32 length and that many bytes (page
// runs: a u32 page count and the pages). Items never span frames.
import {
  GHOST_BYTES_MAX_BYTES,
  GHOST_RECORD_MAX_BYTES,
  GHOST_STRING_MAX_BYTES,
  PAGE_RUN_MAX_PAGES,
  PAGE_SIZE_BYTES,
} from './limits.js';

export const ItemTag = {
  u8: 0x01,
  u16: 0x02,
  u32: 0x03,
  i32: 0x04,
  f64: 0x05,
  u64: 0x06,
  i64: 0x07,
  bool: 0x08,
  string: 0x10,
  bytes: 0x11,
  record: 0x12,
  pages: 0x13,
  end: 0x7f,
} as const;

export type ItemKind = keyof typeof ItemTag;
export type ItemTagValue = (typeof ItemTag)[ItemKind];

const KIND_BY_TAG = new Map<number, ItemKind>(
  (Object.keys(ItemTag) as ItemKind[]).map((kind) => [ItemTag[kind], kind]),
);

/** The kind a tag byte names, or undefined for a byte that is no tag. */
export function kindOfTag(tag: number): ItemKind | undefined {
  return KIND_BY_TAG.get(tag);
}

/** Body size of fixed-size kinds. */
export const FIXED_BODY_BYTES = {
  u8: 1,
  u16: 2,
  u32: 4,
  i32: 4,
  f64: 8,
  u64: 8,
  i64: 8,
  bool: 1,
  end: 0,
} as const;

export type FixedKind = keyof typeof FIXED_BODY_BYTES;

/** Tag byte plus a u32 length: the header of a variable-size item. */
export const VARIABLE_ITEM_HEADER_BYTES = 5;

export type VariableKind = 'string' | 'bytes' | 'record' | 'pages';

/**
 * The bound on each variable kind's length field, and the bytes per unit of
 * it: a page run's length field counts pages, the others count bytes.
 */
export const VARIABLE_BOUNDS: Record<VariableKind, { maxLengthField: number; unitBytes: number }> =
  {
    string: { maxLengthField: GHOST_STRING_MAX_BYTES, unitBytes: 1 },
    bytes: { maxLengthField: GHOST_BYTES_MAX_BYTES, unitBytes: 1 },
    record: { maxLengthField: GHOST_RECORD_MAX_BYTES, unitBytes: 1 },
    pages: { maxLengthField: PAGE_RUN_MAX_PAGES, unitBytes: PAGE_SIZE_BYTES },
  };

export function isFixedKind(kind: ItemKind): kind is FixedKind {
  return kind in FIXED_BODY_BYTES;
}
