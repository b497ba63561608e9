// Goal: the handler frame, rt_sigreturn, sigaltstack's rules, interval
// timers and the pending-queue limit behave as Linux's do, in isolation. Method:
// a task with a fake CPU and a flat user memory; direct cases. (The ghost
// section is exercised by the kernel's checkpoint/restart tests.)
import {
  SA,
  SIGACTION_SLOT,
  SIGNAL,
  SIGRTMIN,
  Task,
  ROOT_CREDENTIALS,
  sigbit,
  type SigactionEntry,
  type SigactionView,
  type UserMemory,
} from '@krg/epm-core';
import {
  NO_ALT_STACK,
  RT_SIGFRAME_BYTES,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  SS_ONSTACK,
  SS_DISABLE,
  UCONTEXT_OFFSET,
  type SignalRegisters,
} from '@krg/arch-riscv';
import { describe, expect, test } from 'vitest';
import {
  SIGNAL_SLOT,
  expireItimer,
  faultSigInfo,
  generateSignal,
  getSignal,
  newSignalState,
  setupRtFrame,
  sigreturn,
  userSigInfo,
  type SignalCpu,
} from './index.js';
import { applyAltStack } from './altstack.js';

const STACK_BASE = 0x10000;
const STACK_BYTES = 0x10000;

class FlatMemory implements UserMemory {
  readonly bytes = new Uint8Array(STACK_BYTES);
  readUser(address: number, length: number): Uint8Array | 'EFAULT' {
    if (address < STACK_BASE || address + length > STACK_BASE + STACK_BYTES) return 'EFAULT';
    return this.bytes.slice(address - STACK_BASE, address - STACK_BASE + length);
  }
  writeUser(address: number, data: Uint8Array): 'ok' | 'EFAULT' {
    if (address < STACK_BASE || address + data.length > STACK_BASE + STACK_BYTES) return 'EFAULT';
    this.bytes.set(data, address - STACK_BASE);
    return 'ok';
  }
}

class Actions implements SigactionView {
  readonly table = new Map<number, SigactionEntry>();
  action(sig: number): SigactionEntry {
    return this.table.get(sig) ?? { handler: 0n, flags: 0, mask: 0n };
  }
  disposition(sig: number) {
    const h = this.action(sig).handler;
    return h === 0n ? ('default' as const) : h === 1n ? ('ignore' as const) : ('handler' as const);
  }
  resetToDefault(sig: number): void {
    this.table.set(sig, { ...this.action(sig), handler: 0n });
  }
}

function fixture() {
  const task = new Task({
    pid: 100,
    node: 0,
    parentPid: 1,
    pgid: 100,
    sid: 1,
    credentials: ROOT_CREDENTIALS,
    comm: 't',
    exitSignal: 17,
  });
  const actions = new Actions();
  task.set(SIGACTION_SLOT, actions);
  task.set(SIGNAL_SLOT, newSignalState());
  let regs: SignalRegisters = {
    pc: 0x1000n,
    x: Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : BigInt(i * 1000))),
    f: Array.from({ length: 32 }, (_, i) => BigInt(i) << 40n),
    fcsr: 0x41,
  };
  regs = {
    ...regs,
    x: regs.x.map((v, i) => (i === 2 ? BigInt(STACK_BASE + STACK_BYTES - 64) : v)),
  };
  const cpu: SignalCpu & { regs: SignalRegisters } = {
    regs,
    registers: () => cpu.regs,
    setRegisters: (_t, r) => {
      cpu.regs = r;
    },
  };
  return { task, actions, cpu, memory: new FlatMemory() };
}

describe('handler frame and rt_sigreturn', () => {
  test('a handler runs with the frame below sp and comes back to every register and the mask', () => {
    const { task, actions, cpu, memory } = fixture();
    const before = cpu.regs;
    const state = task.get(SIGNAL_SLOT);
    state.blocked = sigbit(SIGNAL.SIGINT);
    const action = { handler: 0x5000n, flags: SA.SIGINFO, mask: sigbit(SIGNAL.SIGUSR2) };
    actions.table.set(SIGNAL.SIGUSR1, action);
    const ok = setupRtFrame(task, cpu, memory, userSigInfo(SIGNAL.SIGUSR1, 7, 0), action, before);
    expect(ok).toBe(true);
    const frame = before.x[2]! - BigInt(RT_SIGFRAME_BYTES);
    expect(cpu.regs.pc).toBe(0x5000n);
    expect(cpu.regs.x[2]).toBe(frame & ~0xfn);
    expect(cpu.regs.x[1]).toBe(BigInt(SIGRETURN_TRAMPOLINE_ADDRESS));
    expect(cpu.regs.x[10]).toBe(BigInt(SIGNAL.SIGUSR1));
    expect(cpu.regs.x[12]).toBe((frame & ~0xfn) + BigInt(UCONTEXT_OFFSET));
    expect(state.blocked).toBe(
      sigbit(SIGNAL.SIGINT) | sigbit(SIGNAL.SIGUSR2) | sigbit(SIGNAL.SIGUSR1),
    );
    // The handler clobbers registers; rt_sigreturn brings everything back.
    cpu.regs = { ...cpu.regs, x: cpu.regs.x.map((v, i) => (i === 2 ? v : 0n)), fcsr: 0 };
    sigreturn(task, cpu, memory);
    expect(cpu.regs).toEqual(before);
    expect(state.blocked).toBe(sigbit(SIGNAL.SIGINT));
    expect(state.pending.set).toBe(0n);
  });

  test('SA_NODEFER leaves the signal unblocked; SA_RESETHAND resets the action', () => {
    const { task, actions, cpu, memory } = fixture();
    const action = { handler: 0x5000n, flags: SA.NODEFER | SA.RESETHAND, mask: 0n };
    actions.table.set(SIGNAL.SIGUSR1, action);
    setupRtFrame(task, cpu, memory, userSigInfo(SIGNAL.SIGUSR1, 7, 0), action, cpu.regs);
    expect(task.get(SIGNAL_SLOT).blocked).toBe(0n);
    expect(actions.disposition(SIGNAL.SIGUSR1)).toBe('default');
  });

  test('no room for the frame: SIGSEGV is forced, and a SIGSEGV handler is reset', () => {
    const { task, actions, cpu, memory } = fixture();
    const action = { handler: 0x5000n, flags: 0, mask: 0n };
    actions.table.set(SIGNAL.SIGSEGV, action);
    cpu.regs = { ...cpu.regs, x: cpu.regs.x.map((v, i) => (i === 2 ? 0x100n : v)) };
    const ok = setupRtFrame(task, cpu, memory, faultSigInfo(11, 1, 0x10n), action, cpu.regs);
    expect(ok).toBe(false);
    expect(actions.disposition(SIGNAL.SIGSEGV)).toBe('default');
    expect(getSignal(task)).toMatchObject({ kind: 'terminate', info: { signo: SIGNAL.SIGSEGV } });
  });

  test('a corrupted or unreadable frame makes rt_sigreturn force SIGSEGV and change nothing else', () => {
    const { task, actions, cpu, memory } = fixture();
    const action = { handler: 0x5000n, flags: 0, mask: 0n };
    actions.table.set(SIGNAL.SIGUSR1, action);
    setupRtFrame(task, cpu, memory, userSigInfo(SIGNAL.SIGUSR1, 7, 0), action, cpu.regs);
    const sp = Number(cpu.regs.x[2]);
    // The last reserved word of the FP state (extension header in newer kernels).
    memory.bytes[sp - STACK_BASE + RT_SIGFRAME_BYTES - 4] = 1;
    const handlerRegs = cpu.regs;
    sigreturn(task, cpu, memory);
    expect(cpu.regs).toBe(handlerRegs);
    expect(task.get(SIGNAL_SLOT).pending.has(SIGNAL.SIGSEGV)).toBe(true);

    const other = fixture();
    other.cpu.regs = { ...other.cpu.regs, x: other.cpu.regs.x.map((v, i) => (i === 2 ? 8n : v)) };
    sigreturn(other.task, other.cpu, other.memory);
    expect(other.task.get(SIGNAL_SLOT).pending.has(SIGNAL.SIGSEGV)).toBe(true);
  });

  test('SA_ONSTACK moves the frame to the alternate stack, reported SS_ONSTACK on it', () => {
    const { task, actions, cpu, memory } = fixture();
    const state = task.get(SIGNAL_SLOT);
    const alt = { sp: BigInt(STACK_BASE + 0x1000), size: 0x4000n, flags: 0 };
    expect(applyAltStack(state, alt, cpu.regs.x[2]!)).toBe('ok');
    const action = { handler: 0x5000n, flags: SA.ONSTACK, mask: 0n };
    actions.table.set(SIGNAL.SIGUSR1, action);
    setupRtFrame(task, cpu, memory, userSigInfo(SIGNAL.SIGUSR1, 7, 0), action, cpu.regs);
    const sp = cpu.regs.x[2]!;
    expect(sp > alt.sp && sp <= alt.sp + alt.size).toBe(true);
    // Changing the alternate stack while on it is EPERM.
    expect(applyAltStack(state, NO_ALT_STACK, sp)).toBe('EPERM');
    expect(applyAltStack(state, { ...alt, flags: 0x40 }, 0n)).toBe('EINVAL');
    expect(applyAltStack(state, { ...alt, size: 100n }, 0n)).toBe('ENOMEM');
    expect(applyAltStack(state, { sp: 5n, size: 5n, flags: SS_DISABLE }, 0n)).toBe('ok');
    expect(state.altStack.size).toBe(0n);
    expect(SS_ONSTACK).toBe(1);
  });
});

describe('interval timers and queue limits', () => {
  test('a one-shot timer disarms, a periodic one reloads past now', () => {
    const once = { deadlineNs: 100, intervalNs: 0 };
    expect(expireItimer(once, 99)).toBe(false);
    expect(expireItimer(once, 100)).toBe(true);
    expect(once.deadlineNs).toBe(0);
    expect(expireItimer(once, 1000)).toBe(false);
    const periodic = { deadlineNs: 100, intervalNs: 30 };
    expect(expireItimer(periodic, 175)).toBe(true);
    expect(periodic.deadlineNs).toBe(190);
  });

  test('beyond RLIMIT_SIGPENDING: sigqueue is refused, kill loses its info, standard signals coalesce', () => {
    const { task, actions } = fixture();
    actions.table.set(SIGRTMIN, { handler: 0x5000n, flags: 0, mask: 0n });
    actions.table.set(SIGRTMIN + 1, { handler: 0x5000n, flags: 0, mask: 0n });
    const state = task.get(SIGNAL_SLOT);
    state.rlimits[11] = { soft: 3n, hard: 3n };
    const send = (sig: number, code: number) =>
      generateSignal(task, { sig, code, senderPid: 7, senderUid: 0, isThreadDirected: false });
    const SI_QUEUE = -1;
    expect([
      send(SIGRTMIN, SI_QUEUE),
      send(SIGRTMIN, SI_QUEUE),
      send(SIGRTMIN, SI_QUEUE),
      send(SIGRTMIN, SI_QUEUE),
    ]).toEqual(['queued', 'queued', 'queued', 'overflow']);
    // kill (SI_USER) of a pending rt signal over the limit: the bit is set already, nothing queued.
    expect(send(SIGRTMIN, 0)).toBe('queued');
    expect(state.sharedPending.queued).toBe(3);
    // kill of another rt signal over the limit: delivered once, without its sender.
    expect(send(SIGRTMIN + 1, 0)).toBe('queued');
    expect(state.sharedPending.queued).toBe(4);
    expect(send(SIGNAL.SIGTERM, 0)).toBe('queued');
    expect(send(SIGNAL.SIGTERM, 0)).toBe('queued');
    expect(state.sharedPending.queued).toBe(5);
    for (let i = 0; i < 3; i++) expect(state.sharedPending.take(SIGRTMIN)?.signo).toBe(SIGRTMIN);
    expect(state.sharedPending.take(SIGRTMIN + 1)).toEqual({
      kind: 'kill',
      signo: SIGRTMIN + 1,
      code: 0,
      pid: 0,
      uid: 0,
    });
  });
});
