/** A guest did something krg cannot model yet: the run stops with this message (krg exits 125). */
export class GuestNotSupported extends Error {
  override readonly name = 'GuestNotSupported';
  readonly code = 'GUEST_NOT_SUPPORTED';
}
