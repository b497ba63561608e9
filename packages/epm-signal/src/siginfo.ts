// Building the siginfo of a generated signal. The siginfo_t value and its
// 128-byte encoding belong to arch-riscv (it lays out the signal frame);
// these helpers fill it in for the ways the kernel generates signals.
import { CLOCK_TICKS_PER_SECOND, type SignalInfo } from '@krg/epm-core';
import { SI_KERNEL, SI_USER, type SigInfo } from '@krg/arch-riscv';

/** The info of a signal sent by kill(2) from `pid`/`uid`. */
export function userSigInfo(signo: number, pid: number, uid: number): SigInfo {
  return { kind: 'kill', signo, code: SI_USER, pid, uid };
}

/** The info of a signal the kernel raises on its own (Linux's SEND_SIG_PRIV: SI_KERNEL, pid and uid 0). */
export function kernelSigInfo(signo: number): SigInfo {
  return { kind: 'kill', signo, code: SI_KERNEL, pid: 0, uid: 0 };
}

/** A CPU fault's info: si_code and si_addr (the faulting address, or the pc for SIGILL/SIGTRAP). */
export function faultSigInfo(signo: number, code: number, address: bigint): SigInfo {
  return { kind: 'fault', signo, code, address };
}

const NS_PER_TICK = 1_000_000_000 / CLOCK_TICKS_PER_SECOND;

/** The siginfo epm-core's SignalInfo describes (how KernelServices.sendSignal names a signal). */
export function sigInfoOf(signo: number, info: SignalInfo): SigInfo {
  if (info.child !== undefined) {
    return {
      kind: 'child',
      signo,
      code: info.code,
      pid: info.senderPid,
      uid: info.senderUid,
      status: info.child.status,
      utimeTicks: BigInt(Math.floor(info.child.userNs / NS_PER_TICK)),
      stimeTicks: BigInt(Math.floor(info.child.systemNs / NS_PER_TICK)),
    };
  }
  if (info.value !== undefined) {
    return {
      kind: 'rt',
      signo,
      code: info.code,
      pid: info.senderPid,
      uid: info.senderUid,
      value: info.value,
    };
  }
  return { kind: 'kill', signo, code: info.code, pid: info.senderPid, uid: info.senderUid };
}
