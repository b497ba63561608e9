// The machine-wide calls the kernel owns (DESIGN.md): uname, sysinfo,
// getrandom, the clocks and sleeps on simulated time, sched_yield.
import {
  ERRNO,
  assert,
  argAddress,
  readUserTimespec,
  argInt,
  argUint,
  block,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import type { Rng } from '@krg/sim-engine';
import { GETRANDOM_BYTES_MAX } from '../limits.js';

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4;
const CLOCK_REALTIME_COARSE = 5;
const CLOCK_MONOTONIC_COARSE = 6;
const CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;
const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;
const NS_PER_S = 1_000_000_000n;

export interface MachineInfo {
  readonly nodeId: number;
  /** Simulated wall-clock time at simulated instant 0, in ns since the epoch. */
  readonly epochNs: number;
  readonly rng: Rng;
  readonly totalMemoryBytes: number;
  /** CPU time the calling task has used, in ns (for the CPU-time clocks). */
  readonly cpuTimeNs: (ctx: SyscallContext) => number;
}

/**
 * A clock reading as a struct timespec from plain numbers: seconds (a safe
 * integer) and nanoseconds. clock_gettime is the commonest call of all, and
 * BigInt division would be most of its cost.
 */
function timespecOf(sec: number, nsec: number): Uint8Array {
  assert(Number.isSafeInteger(sec) && sec >= 0 && nsec >= 0 && nsec < 1e9, 'a normalized time');
  TIMESPEC_VIEW.setUint32(0, sec % 2 ** 32, true);
  TIMESPEC_VIEW.setUint32(4, Math.floor(sec / 2 ** 32), true);
  TIMESPEC_VIEW.setUint32(8, nsec, true);
  return TIMESPEC_SCRATCH;
}

// One scratch struct for every reading: writeUser copies it into the guest
// before the next reading can overwrite it.
const TIMESPEC_SCRATCH = new Uint8Array(16);
const TIMESPEC_VIEW = new DataView(TIMESPEC_SCRATCH.buffer);

function timespec(ns: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, ns / NS_PER_S, true);
  v.setBigInt64(8, ns % NS_PER_S, true);
  return out;
}

function utsField(value: string): Uint8Array {
  const out = new Uint8Array(65);
  out.set(Buffer.from(value, 'utf8').subarray(0, 64));
  return out;
}

export function createMachineSyscalls(info: MachineInfo): SyscallEntry[] {
  const epochSec = Number(BigInt(info.epochNs) / NS_PER_S);
  const epochNsec = Number(BigInt(info.epochNs) % NS_PER_S);

  /** clock_gettime's reading of `clock` without BigInt; undefined for an unknown clock. */
  function clockTimespec(ctx: SyscallContext, clock: number): Uint8Array | undefined {
    let ns: number;
    switch (clock) {
      case CLOCK_REALTIME:
      case CLOCK_REALTIME_COARSE: {
        const sec = Math.floor(ctx.nowNs / 1e9);
        const nsec = epochNsec + (ctx.nowNs - sec * 1e9);
        return nsec >= 1e9
          ? timespecOf(epochSec + sec + 1, nsec - 1e9)
          : timespecOf(epochSec + sec, nsec);
      }
      case CLOCK_MONOTONIC:
      case CLOCK_MONOTONIC_RAW:
      case CLOCK_MONOTONIC_COARSE:
      case CLOCK_BOOTTIME:
        ns = ctx.nowNs;
        break;
      case CLOCK_PROCESS_CPUTIME_ID:
      case CLOCK_THREAD_CPUTIME_ID:
        ns = info.cpuTimeNs(ctx);
        break;
      default:
        return undefined;
    }
    const sec = Math.floor(ns / 1e9);
    return timespecOf(sec, ns - sec * 1e9);
  }

  function clockNs(ctx: SyscallContext, clock: number): bigint | undefined {
    switch (clock) {
      case CLOCK_REALTIME:
      case CLOCK_REALTIME_COARSE:
        return BigInt(info.epochNs) + BigInt(ctx.nowNs);
      case CLOCK_MONOTONIC:
      case CLOCK_MONOTONIC_RAW:
      case CLOCK_MONOTONIC_COARSE:
      case CLOCK_BOOTTIME:
        return BigInt(ctx.nowNs);
      case CLOCK_PROCESS_CPUTIME_ID:
      case CLOCK_THREAD_CPUTIME_ID:
        return BigInt(info.cpuTimeNs(ctx));
      default:
        return undefined;
    }
  }

  function sysUname(ctx: SyscallContext): SyscallOutcome {
    const buf = argAddress(ctx, 0);
    if (buf === undefined) return fail('EFAULT');
    const fields = [
      'Linux',
      `krg-node${info.nodeId}`,
      '6.1.0-krg',
      '#1 SMP krg',
      'riscv64',
      '(none)',
    ];
    const out = Buffer.concat(fields.map(utsField));
    return ctx.memory.writeUser(buf, out) === 'ok' ? ret(0) : fail('EFAULT');
  }

  function sysSysinfo(ctx: SyscallContext): SyscallOutcome {
    const buf = argAddress(ctx, 0);
    if (buf === undefined) return fail('EFAULT');
    const out = new Uint8Array(112);
    const v = new DataView(out.buffer);
    v.setBigInt64(0, BigInt(Math.floor(ctx.nowNs / 1e9)), true); // uptime
    v.setBigUint64(32, BigInt(info.totalMemoryBytes), true); // totalram
    v.setBigUint64(40, BigInt(info.totalMemoryBytes), true); // freeram
    v.setUint16(80, 1, true); // procs
    v.setUint32(104, 1, true); // mem_unit
    return ctx.memory.writeUser(buf, out) === 'ok' ? ret(0) : fail('EFAULT');
  }

  function sysGetrandom(ctx: SyscallContext): SyscallOutcome {
    const buf = argAddress(ctx, 0);
    const count = Math.min(argAddress(ctx, 1) ?? GETRANDOM_BYTES_MAX, GETRANDOM_BYTES_MAX);
    const flags = argUint(ctx, 2);
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) !== 0) return fail('EINVAL');
    if (buf === undefined) return fail('EFAULT');
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = info.rng.nextUint32() & 0xff;
    return ctx.memory.writeUser(buf, out) === 'ok' ? ret(count) : fail('EFAULT');
  }

  function sysClockGettime(ctx: SyscallContext): SyscallOutcome {
    const reading = clockTimespec(ctx, argInt(ctx, 0));
    const buf = argAddress(ctx, 1);
    if (reading === undefined) return fail('EINVAL');
    if (buf === undefined) return fail('EFAULT');
    return ctx.memory.writeUser(buf, reading) === 'ok' ? ret(0) : fail('EFAULT');
  }

  function sysClockGetres(ctx: SyscallContext): SyscallOutcome {
    const clock = argInt(ctx, 0);
    if (clockNs(ctx, clock) === undefined) return fail('EINVAL');
    const buf = ctx.args[1] === 0n ? undefined : argAddress(ctx, 1);
    if (ctx.args[1] === 0n) return ret(0);
    const res =
      clock === CLOCK_REALTIME_COARSE || clock === CLOCK_MONOTONIC_COARSE ? 4_000_000n : 1n;
    if (buf === undefined) return fail('EFAULT');
    return ctx.memory.writeUser(buf, timespec(res)) === 'ok' ? ret(0) : fail('EFAULT');
  }

  function sysGettimeofday(ctx: SyscallContext): SyscallOutcome {
    if (ctx.args[0] === 0n) return ret(0);
    const buf = argAddress(ctx, 0);
    if (buf === undefined) return fail('EFAULT');
    const ns = BigInt(info.epochNs) + BigInt(ctx.nowNs);
    const out = new Uint8Array(16);
    const v = new DataView(out.buffer);
    v.setBigInt64(0, ns / NS_PER_S, true);
    v.setBigInt64(8, (ns % NS_PER_S) / 1000n, true);
    return ctx.memory.writeUser(buf, out) === 'ok' ? ret(0) : fail('EFAULT');
  }

  /**
   * Sleeps block until a deadline on the simulated clock. The deadline is
   * fixed on the first attempt (progress holds it) so a retry after an early
   * wake-up does not sleep the whole interval again.
   */
  function sleepUntil(ctx: SyscallContext, deadlineNs: number): SyscallOutcome {
    if (ctx.nowNs >= deadlineNs) return ret(0);
    return block([], { untilNs: deadlineNs, progress: deadlineNs });
  }

  function sysNanosleep(ctx: SyscallContext): SyscallOutcome {
    if (ctx.isRetry) return sleepUntil(ctx, ctx.progress);
    const ns = readUserTimespec(ctx.memory, argAddress(ctx, 0));
    if (typeof ns === 'string') return fail(ns);
    return sleepUntil(ctx, ctx.nowNs + Number(ns));
  }

  function sysClockNanosleep(ctx: SyscallContext): SyscallOutcome {
    if (ctx.isRetry) return sleepUntil(ctx, ctx.progress);
    const clock = argInt(ctx, 0);
    const flags = argInt(ctx, 1);
    if (clock === CLOCK_PROCESS_CPUTIME_ID || clock === CLOCK_THREAD_CPUTIME_ID)
      return fail('EOPNOTSUPP');
    const base = clockNs(ctx, clock);
    if (base === undefined) return fail('EINVAL');
    const ns = readUserTimespec(ctx.memory, argAddress(ctx, 2));
    if (typeof ns === 'string') return fail(ns);
    const deadline =
      (flags & TIMER_ABSTIME) !== 0 ? BigInt(ctx.nowNs) + (ns - base) : BigInt(ctx.nowNs) + ns;
    return sleepUntil(ctx, Number(deadline < BigInt(ctx.nowNs) ? BigInt(ctx.nowNs) : deadline));
  }

  /**
   * A handler interrupted a sleep: EINTR, and the time left goes to `rem`
   * (argument `remAt`) when the caller gave one (a bad pointer is then
   * EFAULT, as Linux's restart path reports it).
   */
  function sleepInterrupted(ctx: SyscallContext, remAt: number): bigint | undefined {
    if (ctx.args[remAt] === 0n) return undefined;
    const left = Math.max(0, ctx.progress - ctx.nowNs);
    const rem = new Uint8Array(16);
    const v = new DataView(rem.buffer);
    v.setBigInt64(0, BigInt(Math.floor(left / 1e9)), true);
    v.setBigInt64(8, BigInt(left % 1e9), true);
    const address = argAddress(ctx, remAt);
    if (address === undefined || ctx.memory.writeUser(address, rem) !== 'ok')
      return BigInt.asUintN(64, BigInt(-ERRNO.EFAULT));
    return undefined;
  }

  function sysSchedYield(): SyscallOutcome {
    return ret(0);
  }

  return [
    {
      nr: 101,
      name: 'nanosleep',
      handler: sysNanosleep,
      onHandler: 'eintr',
      interrupted: (ctx) => sleepInterrupted(ctx, 1),
    },
    { nr: 113, name: 'clock_gettime', handler: sysClockGettime },
    { nr: 114, name: 'clock_getres', handler: sysClockGetres },
    {
      nr: 115,
      name: 'clock_nanosleep',
      handler: sysClockNanosleep,
      onHandler: 'eintr',
      // An absolute sleep has no time left to report.
      interrupted: (ctx) =>
        (argInt(ctx, 1) & TIMER_ABSTIME) !== 0 ? undefined : sleepInterrupted(ctx, 3),
    },
    { nr: 124, name: 'sched_yield', handler: sysSchedYield },
    { nr: 160, name: 'uname', handler: sysUname },
    { nr: 169, name: 'gettimeofday', handler: sysGettimeofday },
    { nr: 179, name: 'sysinfo', handler: sysSysinfo },
    { nr: 278, name: 'getrandom', handler: sysGetrandom },
  ];
}
