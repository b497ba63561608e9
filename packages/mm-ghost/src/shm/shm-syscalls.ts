// The SysV shm system calls mm-ghost owns (riscv64 numbers: shmget 194,
// shmctl 195, shmat 196, shmdt 197). The rows are built per node over that
// node's ShmNode, as the kernel builds its machine rows per node.
import {
  argAddress,
  argInt,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { MM_SLOT } from '../mm-syscalls.js';
import { SHMALL_PAGES, SHMMAX_BYTES, SHMMIN_BYTES, SHMMNI } from '../limits.js';
import {
  IPC_INFO,
  IPC_RMID,
  IPC_SET,
  IPC_STAT,
  SHMID_DS_BYTES,
  SHM_INFO,
  SHM_LOCK,
  SHM_STAT,
  SHM_STAT_ANY,
  SHM_UNLOCK,
  decodeShmSetFields,
  encodeShmInfo,
  encodeShmidDs,
  encodeShminfo,
} from './shm-abi.js';
import type { ShmCaller, ShmNode, ShmResult } from './shm-node.js';

const NS_PER_S = 1_000_000_000;

function caller(ctx: SyscallContext, epochNs: number): ShmCaller {
  return {
    pid: ctx.task.pid,
    credentials: ctx.task.credentials,
    nowS: Math.floor((epochNs + ctx.nowNs) / NS_PER_S),
  };
}

function answer(r: ShmResult<number>): SyscallOutcome {
  return r.ok ? ret(r.value) : fail(r.errno);
}

/** shmget, shmctl, shmat and shmdt over one node's ShmNode. `epochNs` is CLOCK_REALTIME at instant 0. */
export function createShmSyscalls(shm: ShmNode, epochNs: number): readonly SyscallEntry[] {
  async function sysShmget(ctx: SyscallContext): Promise<SyscallOutcome> {
    const key = argInt(ctx, 0);
    // size_t: a size beyond 2^53 is beyond SHMMAX too.
    const size = argAddress(ctx, 1) ?? Number.MAX_SAFE_INTEGER;
    return answer(await shm.get(caller(ctx, epochNs), key, size, argInt(ctx, 2)));
  }

  async function sysShmctl(ctx: SyscallContext): Promise<SyscallOutcome> {
    const shmId = argInt(ctx, 0);
    const cmd = argInt(ctx, 1);
    const buf = argAddress(ctx, 2);
    const who = caller(ctx, epochNs);
    // ksys_shmctl: a negative id or command is EINVAL whatever the command.
    if (shmId < 0 || cmd < 0) return fail('EINVAL');
    switch (cmd) {
      case IPC_STAT: {
        const r = await shm.stat(who, shmId);
        if (!r.ok) return fail(r.errno);
        if (buf === undefined || ctx.memory.writeUser(buf, encodeShmidDs(r.value)) !== 'ok')
          return fail('EFAULT');
        return ret(0);
      }
      case IPC_SET: {
        const bytes = buf === undefined ? 'EFAULT' : ctx.memory.readUser(buf, SHMID_DS_BYTES);
        if (bytes === 'EFAULT') return fail('EFAULT');
        return answer(await shm.set(who, shmId, decodeShmSetFields(bytes)));
      }
      case IPC_RMID:
        return answer(await shm.remove(who, shmId));
      case SHM_LOCK:
      case SHM_UNLOCK:
        return answer(await shm.lock(who, shmId, cmd === SHM_LOCK));
      case IPC_INFO: {
        const info = encodeShminfo({
          shmmaxBytes: SHMMAX_BYTES,
          shmminBytes: SHMMIN_BYTES,
          shmmni: SHMMNI,
          shmseg: SHMMNI,
          shmallPages: SHMALL_PAGES,
        });
        if (buf === undefined || ctx.memory.writeUser(buf, info) !== 'ok') return fail('EFAULT');
        return ret(await shm.highestIndex());
      }
      case SHM_INFO: {
        const info = await shm.info();
        if (buf === undefined || ctx.memory.writeUser(buf, encodeShmInfo(info)) !== 'ok')
          return fail('EFAULT');
        return ret(info.highestIndex);
      }
      case SHM_STAT:
      case SHM_STAT_ANY: {
        // The id argument is an index here; the answer is the segment's full id.
        const r = await shm.statIndex(who, shmId, cmd === SHM_STAT_ANY);
        if (!r.ok) return fail(r.errno);
        if (buf === undefined || ctx.memory.writeUser(buf, encodeShmidDs(r.value.ds)) !== 'ok')
          return fail('EFAULT');
        return ret(r.value.shmId);
      }
      default:
        return fail('EINVAL');
    }
  }

  async function sysShmat(ctx: SyscallContext): Promise<SyscallOutcome> {
    const addr = argAddress(ctx, 1);
    if (addr === undefined) return fail('EINVAL');
    const r = await shm.attach(
      caller(ctx, epochNs),
      ctx.task.get(MM_SLOT),
      argInt(ctx, 0),
      addr,
      argInt(ctx, 2),
    );
    return answer(r);
  }

  async function sysShmdt(ctx: SyscallContext): Promise<SyscallOutcome> {
    const addr = argAddress(ctx, 0);
    if (addr === undefined) return fail('EINVAL');
    return answer(await shm.detach(caller(ctx, epochNs), ctx.task.get(MM_SLOT), addr));
  }

  return [
    { nr: 194, name: 'shmget', handler: sysShmget },
    { nr: 195, name: 'shmctl', handler: sysShmctl },
    { nr: 196, name: 'shmat', handler: sysShmat },
    { nr: 197, name: 'shmdt', handler: sysShmdt },
  ];
}
