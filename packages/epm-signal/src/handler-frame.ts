// Running a handler and coming back from it, on the riscv64 signal frame
// arch-riscv lays out: Linux's handle_signal/setup_rt_frame/signal_delivered
// and rt_sigreturn. The kernel owns the CPU; it lends this room the
// registers through SignalCpu.
import {
  SA,
  SIGACTION_SLOT,
  SIGNAL,
  sanitizeMask,
  sigAdd,
  type SigactionEntry,
  type Task,
  type UserMemory,
} from '@krg/epm-core';
import {
  RT_SIGFRAME_BYTES,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  SignalFrameInvalid,
  buildRtSigframe,
  encodeSiginfo,
  readRtSigframe,
  type SigInfo,
  type SignalRegisters,
} from '@krg/arch-riscv';
import { applyAltStack } from './altstack.js';
import { kernelSigInfo } from './siginfo.js';
import { SIGNAL_SLOT, forceSignal } from './signal-state.js';

/** The task's CPU as signal delivery sees it: the user registers a frame saves. */
export interface SignalCpu {
  registers(task: Task): SignalRegisters;
  /** Replaces pc, x, f and fcsr (and drops an LR reservation, as any trap does). */
  setRegisters(task: Task, registers: SignalRegisters): void;
}

/** Addresses the CPU can hold (a pc beyond it faults like any unmapped one). */
const PC_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Sets up the frame that runs `action`'s handler for `info` (setup_rt_frame
 * and signal_delivered): the frame on the user stack (or the alternate
 * one), the handler's registers, the mask it runs with, SA_RESETHAND.
 * `registers` are the ones to resume with after the handler (the caller has
 * already applied a system call's restart rules). A frame that cannot be
 * written forces SIGSEGV (force_sigsegv) and answers false.
 */
export function setupRtFrame(
  task: Task,
  cpu: SignalCpu,
  memory: UserMemory,
  info: SigInfo,
  action: SigactionEntry,
  registers: SignalRegisters,
): boolean {
  const state = task.get(SIGNAL_SLOT);
  const sig = info.signo;
  const savedMask = state.savedMask ?? state.blocked;
  let written: ReturnType<typeof buildRtSigframe> | undefined;
  try {
    const frame = buildRtSigframe({
      registers,
      signal: sig,
      siginfo: encodeSiginfo(info),
      savedMask,
      handler: action.handler,
      isOnStack: (action.flags & SA.ONSTACK) !== 0,
      altStack: state.altStack,
      trampoline: BigInt(SIGRETURN_TRAMPOLINE_ADDRESS),
    });
    if (
      frame.address <= PC_MAX &&
      action.handler <= PC_MAX &&
      memory.writeUser(Number(frame.address), frame.bytes) === 'ok'
    ) {
      written = frame;
    }
  } catch (e) {
    if (!(e instanceof SignalFrameInvalid)) throw e;
  }
  if (written === undefined) {
    forceSigsegv(task, sig);
    return false;
  }
  cpu.setRegisters(task, written.registers);
  state.altStack = written.altStack;
  state.savedMask = undefined;
  let blocked = state.blocked | action.mask;
  if ((action.flags & SA.NODEFER) === 0) blocked = sigAdd(blocked, sig);
  state.blocked = sanitizeMask(blocked);
  if ((action.flags & SA.RESETHAND) !== 0) task.get(SIGACTION_SLOT).resetToDefault(sig);
  return true;
}

/**
 * Linux's force_sigsegv: delivering `sig` failed (no room for the frame);
 * a failing SIGSEGV handler is reset so the task dies instead of looping.
 */
export function forceSigsegv(task: Task, sig: number): void {
  if (sig === SIGNAL.SIGSEGV) task.get(SIGACTION_SLOT).resetToDefault(SIGNAL.SIGSEGV);
  forceSignal(task, kernelSigInfo(SIGNAL.SIGSEGV));
}

/**
 * rt_sigreturn: restores the registers, FP state, mask and alternate stack
 * from the frame at sp. A frame that cannot be read or that Linux rejects
 * forces SIGSEGV (badframe) and leaves the registers as they are.
 */
export function sigreturn(task: Task, cpu: SignalCpu, memory: UserMemory): void {
  const sp = cpu.registers(task).x[2]!;
  const raw = sp <= PC_MAX ? memory.readUser(Number(sp), RT_SIGFRAME_BYTES) : 'EFAULT';
  let restored: ReturnType<typeof readRtSigframe> | undefined;
  if (raw !== 'EFAULT') {
    try {
      restored = readRtSigframe(raw);
    } catch (e) {
      if (!(e instanceof SignalFrameInvalid)) throw e;
    }
  }
  if (restored === undefined || restored.registers.pc > PC_MAX) {
    forceSignal(task, kernelSigInfo(SIGNAL.SIGSEGV));
    return;
  }
  const state = task.get(SIGNAL_SLOT);
  state.blocked = sanitizeMask(restored.mask);
  cpu.setRegisters(task, restored.registers);
  // restore_altstack: sigaltstack's rules with the restored sp, errors ignored.
  applyAltStack(state, restored.altStack, restored.registers.x[2]!);
}
