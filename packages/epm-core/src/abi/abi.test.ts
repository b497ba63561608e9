// Goal: errno numbers, signal sets and wait statuses match Linux and glibc
// bit for bit. Method: known values from the asm-generic headers and the
// W* macros' definitions, and a round-trip property for wait statuses.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ERRNO,
  FULL_SIGSET,
  SIGNAL,
  SIGRTMIN,
  decodeWaitStatus,
  encodeWaitStatus,
  errnoName,
  errnoResult,
  isRealtime,
  isValidSignal,
  sanitizeMask,
  shellExitStatus,
  sigAdd,
  sigDel,
  sigHas,
  signalName,
  type WaitStatus,
} from '../index.js';

describe('errno', () => {
  test('has the asm-generic numbers and names', () => {
    expect(ERRNO.ENOSYS).toBe(38);
    expect(ERRNO.EAGAIN).toBe(11);
    expect(errnoResult('EBADF')).toBe(-9);
    expect(errnoName(-2)).toBe('ENOENT');
    expect(errnoName(9999)).toBe('E9999');
  });
});

describe('signals', () => {
  test('sets add, remove and test members; SIGKILL and SIGSTOP cannot be masked', () => {
    let set = sigAdd(sigAdd(0n, SIGNAL.SIGINT), 64);
    expect(sigHas(set, SIGNAL.SIGINT)).toBe(true);
    expect(sigHas(set, 64)).toBe(true);
    expect(set).toBe((1n << 1n) | (1n << 63n));
    set = sigDel(set, SIGNAL.SIGINT);
    expect(sigHas(set, SIGNAL.SIGINT)).toBe(false);
    const mask = sanitizeMask(FULL_SIGSET | (1n << 70n));
    expect(sigHas(mask, SIGNAL.SIGKILL) || sigHas(mask, SIGNAL.SIGSTOP)).toBe(false);
    expect(mask >> 64n).toBe(0n);
  });

  test('classifies and names signals', () => {
    expect(isValidSignal(0)).toBe(false);
    expect(isValidSignal(64)).toBe(true);
    expect(isValidSignal(65)).toBe(false);
    expect(isRealtime(SIGRTMIN)).toBe(true);
    expect(isRealtime(SIGNAL.SIGSYS)).toBe(false);
    expect(signalName(11)).toBe('SIGSEGV');
    expect(signalName(35)).toBe('SIGRTMIN+3');
  });
});

describe('wait statuses', () => {
  test('encode as glibc decodes them', () => {
    expect(encodeWaitStatus({ kind: 'exited', code: 3 })).toBe(0x300);
    expect(encodeWaitStatus({ kind: 'signaled', signal: 6, coreDumped: false })).toBe(6);
    expect(encodeWaitStatus({ kind: 'signaled', signal: 11, coreDumped: true })).toBe(0x8b);
    expect(encodeWaitStatus({ kind: 'stopped', signal: 19 })).toBe(0x137f);
    expect(encodeWaitStatus({ kind: 'continued' })).toBe(0xffff);
    expect(shellExitStatus({ kind: 'signaled', signal: 6, coreDumped: false })).toBe(134);
    expect(shellExitStatus({ kind: 'exited', code: 256 + 7 })).toBe(7);
  });

  test('round-trip (property)', () => {
    const status: fc.Arbitrary<WaitStatus> = fc.oneof(
      fc.record({ kind: fc.constant('exited' as const), code: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        kind: fc.constant('signaled' as const),
        signal: fc.integer({ min: 1, max: 64 }).filter((s) => s !== 0x7f),
        coreDumped: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('stopped' as const), signal: fc.integer({ min: 1, max: 64 }) }),
      fc.constant({ kind: 'continued' as const }),
    );
    fc.assert(
      fc.property(status, (s) => {
        expect(decodeWaitStatus(encodeWaitStatus(s))).toEqual(s);
      }),
    );
  });
});
