// The 128-byte siginfo_t of riscv64 Linux (the generic layout of
// include/uapi/asm-generic/siginfo.h on a 64-bit architecture): si_signo,
// si_errno, si_code, then at offset 16 the union whose member depends on
// how the signal was generated. Checked against glibc's <signal.h> compiled
// by riscv64-linux-gnu-gcc.
import { SignalFrameInvalid } from '../errors.js';
import { SIGINFO_BYTES } from './rt-sigframe.js';

/** si_code values the kernel uses most. */
export const SI_USER = 0; // kill, raise
export const SI_KERNEL = 0x80;
export const SI_QUEUE = -1; // sigqueue
export const SI_TIMER = -2;
export const SI_TKILL = -6; // tkill, tgkill
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_TRAPPED = 4;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const ILL_ILLOPC = 1;
export const BUS_ADRALN = 1;
export const FPE_INTDIV = 1;

/** Which member of the union the signal fills. */
export type SigInfo =
  /** kill, tkill, raise: sender pid and uid. */
  | {
      readonly kind: 'kill';
      readonly signo: number;
      readonly code: number;
      readonly pid: number;
      readonly uid: number;
    }
  /** sigqueue and rt signals: sender and the value. */
  | {
      readonly kind: 'rt';
      readonly signo: number;
      readonly code: number;
      readonly pid: number;
      readonly uid: number;
      readonly value: bigint;
    }
  /** SIGCHLD: the child, its status and clock ticks used. */
  | {
      readonly kind: 'child';
      readonly signo: number;
      readonly code: number;
      readonly pid: number;
      readonly uid: number;
      readonly status: number;
      readonly utimeTicks: bigint;
      readonly stimeTicks: bigint;
    }
  /** SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP: the faulting address. */
  | {
      readonly kind: 'fault';
      readonly signo: number;
      readonly code: number;
      readonly address: bigint;
    }
  /** POSIX timers: timer id, overrun count and the value. */
  | {
      readonly kind: 'timer';
      readonly signo: number;
      readonly code: number;
      readonly timerId: number;
      readonly overrun: number;
      readonly value: bigint;
    };

const U64_MASK = (1n << 64n) - 1n;

/** Encodes a siginfo_t (si_errno is always 0: Linux sets it for no signal it generates here). */
export function encodeSiginfo(info: SigInfo): Uint8Array {
  if (!Number.isInteger(info.signo) || info.signo < 1 || info.signo > 64) {
    throw new SignalFrameInvalid(
      'siginfo.si_signo',
      'a signal number in 1..64',
      String(info.signo),
    );
  }
  const bytes = new Uint8Array(SIGINFO_BYTES);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, info.signo, true);
  v.setInt32(4, 0, true);
  v.setInt32(8, info.code, true);
  switch (info.kind) {
    case 'kill':
      v.setInt32(16, info.pid, true);
      v.setUint32(20, info.uid, true);
      break;
    case 'rt':
      v.setInt32(16, info.pid, true);
      v.setUint32(20, info.uid, true);
      v.setBigUint64(24, info.value & U64_MASK, true);
      break;
    case 'child':
      v.setInt32(16, info.pid, true);
      v.setUint32(20, info.uid, true);
      v.setInt32(24, info.status, true);
      v.setBigInt64(32, info.utimeTicks, true);
      v.setBigInt64(40, info.stimeTicks, true);
      break;
    case 'fault':
      v.setBigUint64(16, info.address & U64_MASK, true);
      break;
    case 'timer':
      v.setInt32(16, info.timerId, true);
      v.setInt32(20, info.overrun, true);
      v.setBigUint64(24, info.value & U64_MASK, true);
      break;
  }
  return bytes;
}
