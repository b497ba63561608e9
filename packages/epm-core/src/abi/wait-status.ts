// The status word wait4 reports, encoded exactly as Linux does and as
// glibc's W* macros decode it: exit code in bits 8–15, a terminating signal
// in bits 0–6 with the core flag in bit 7, 0x7f for stopped (signal in bits
// 8–15), 0xffff for continued.

export type WaitStatus =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: number; readonly coreDumped: boolean }
  | { readonly kind: 'stopped'; readonly signal: number }
  | { readonly kind: 'continued' };

export function encodeWaitStatus(status: WaitStatus): number {
  switch (status.kind) {
    case 'exited':
      return (status.code & 0xff) << 8;
    case 'signaled':
      return (status.signal & 0x7f) | (status.coreDumped ? 0x80 : 0);
    case 'stopped':
      return ((status.signal & 0xff) << 8) | 0x7f;
    case 'continued':
      return 0xffff;
  }
}

export function decodeWaitStatus(word: number): WaitStatus {
  if (word === 0xffff) return { kind: 'continued' };
  if ((word & 0xff) === 0x7f) return { kind: 'stopped', signal: (word >> 8) & 0xff };
  if ((word & 0x7f) === 0) return { kind: 'exited', code: (word >> 8) & 0xff };
  return { kind: 'signaled', signal: word & 0x7f, coreDumped: (word & 0x80) !== 0 };
}

/** The exit status a shell (and `krg exec`) reports: the code, or 128 + the signal. */
export function shellExitStatus(status: WaitStatus): number {
  switch (status.kind) {
    case 'exited':
      return status.code & 0xff;
    case 'signaled':
      return 128 + status.signal;
    case 'stopped':
      return 128 + status.signal;
    case 'continued':
      return 0;
  }
}
