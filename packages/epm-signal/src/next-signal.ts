// Which pending signal is delivered next (Linux's next_signal): among those
// not blocked, the synchronous ones a fault raises come first, then the
// lowest number. Standard signals therefore go before real-time ones, and
// real-time ones in increasing order.
import { SYNCHRONOUS, type Sigset } from '@krg/epm-core';

/** The next signal to deliver, or 0 when every pending signal is blocked. */
export function nextSignal(pending: Sigset, blocked: Sigset): number {
  let ready = pending & ~blocked;
  if (ready === 0n) return 0;
  const low = ready & 0xffffffffn;
  if (low !== 0n && (low & SYNCHRONOUS) !== 0n) ready = low & SYNCHRONOUS;
  return lowestBit(ready) + 1;
}

function lowestBit(set: Sigset): number {
  let n = 0;
  let s = set;
  while ((s & 0xffffn) === 0n) {
    s >>= 16n;
    n += 16;
  }
  while ((s & 1n) === 0n) {
    s >>= 1n;
    n++;
  }
  return n;
}
