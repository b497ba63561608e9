// Building the siginfo of a generated signal. The siginfo_t value and its
// 128-byte encoding belong to arch-riscv (it lays out the signal frame);
// these helpers fill it in for the ways the kernel generates signals.
import { SI_KERNEL, SI_USER, type SigInfo } from '@krg/arch-riscv';

/** The info of a signal sent by kill(2) from `pid`/`uid`. */
export function userSigInfo(signo: number, pid: number, uid: number): SigInfo {
  return { kind: 'kill', signo, code: SI_USER, pid, uid };
}

/** The info of a signal the kernel raises on its own (Linux's SEND_SIG_PRIV: SI_KERNEL, pid and uid 0). */
export function kernelSigInfo(signo: number): SigInfo {
  return { kind: 'kill', signo, code: SI_KERNEL, pid: 0, uid: 0 };
}
