// Request flag bits carried by protocol messages, with Kerrighed's values
// (include/kddm/object_server.h, reference §1.5).
export const RequestFlag = {
  COPY_ON_READ: 0x1,
  COPY_ON_WRITE: 0x2,
  ASYNC_REQ: 0x4,
  NO_FT_REQ: 0x8,
  SEND_OWNERSHIP: 0x10,
  DONT_KILL: 0x20,
  NEED_OBJ_RM_ACK2: 0x40,
  NO_FREEZE: 0x80,
  IO_FLUSH: 0x100,
  SYNC_OBJECT: 0x200,
  NO_DATA: 0x400,
  TRY_GRAB: 0x800,
  REMOVE_ON_ACK: 0x1000,
  COW_OBJECT: 0x2000,
  /**
   * krg only: a write request from a node that still holds a read copy. The
   * owner grants write access without data (SEND_WRITE_ACCESS) only then; its
   * copyset may list nodes that silently flushed their copy.
   */
  HAS_COPY: 0x4000,
} as const;

/** Every defined bit; a message with other bits set is rejected. */
export const ALL_REQUEST_FLAGS = Object.values(RequestFlag).reduce((a, b) => a | b, 0);

export function hasFlag(flags: number, bit: number): boolean {
  return (flags & bit) !== 0;
}
