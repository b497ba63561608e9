// The user buffers a system call writes only after it has acted (Linux's
// copy_to_user at the end of the call): a signal taken off its queue, a
// child forked, bytes consumed from a pipe, a timer rearmed. A page of such
// a buffer that must be brought in first (a SysV shm page another node
// holds) is brought in BEFORE the handler runs, so the call never acts and
// then runs again from scratch (acting twice). Calls that copy everything
// in before acting, or that undo their action when the copy out fails, need
// no row here: a copy that meets an absent page makes the kernel bring it in
// and run the call again, harmlessly.
import { IO_BYTES_MAX, IOV_MAX, GETRANDOM_BYTES_MAX } from '../limits.js';

/** A user range a call will write (address and length as the guest passed them). */
export interface UserRange {
  readonly address: bigint;
  readonly lengthBytes: number;
}

/** Reads user memory for a row that must look at its arguments' contents (readv's iovecs). */
type ReadUser = (address: number, length: number) => Uint8Array | 'EFAULT';

const CLONE_PARENT_SETTID = 0x100000n;
const SIGINFO_BYTES = 128;
const STACK_T_BYTES = 24;
const ITIMERVAL_BYTES = 32;

const clampLength = (v: bigint | undefined, max: number): number =>
  Number((v ?? 0n) > BigInt(max) ? BigInt(max) : (v ?? 0n));

/** The rows, by syscall name: each answers the ranges its call writes last. */
const OUTPUTS: ReadonlyMap<
  string,
  (args: readonly bigint[], readUser: ReadUser) => readonly UserRange[]
> = new Map([
  // read(fd, buf, count): the bytes leave the pipe or console before the copy.
  ['read', (a) => [{ address: a[1] ?? 0n, lengthBytes: clampLength(a[2], IO_BYTES_MAX) }]],
  ['readv', (a, readUser) => iovecRanges(a[1] ?? 0n, Number(a[2] ?? 0n), readUser)],
  // clone(flags, stack, parent_tid, …): the child exists before parent_tid is written.
  [
    'clone',
    (a) =>
      ((a[0] ?? 0n) & CLONE_PARENT_SETTID) !== 0n ? [{ address: a[2] ?? 0n, lengthBytes: 4 }] : [],
  ],
  // sigaltstack(ss, old_ss), setitimer(which, new, old): the new value is set first.
  ['sigaltstack', (a) => [{ address: a[1] ?? 0n, lengthBytes: STACK_T_BYTES }]],
  ['setitimer', (a) => [{ address: a[2] ?? 0n, lengthBytes: ITIMERVAL_BYTES }]],
  // rt_sigtimedwait(set, info, …): the signal is dequeued before info is written.
  ['rt_sigtimedwait', (a) => [{ address: a[1] ?? 0n, lengthBytes: SIGINFO_BYTES }]],
  // getrandom(buf, count, flags): the node's generator moves on before the copy.
  [
    'getrandom',
    (a) => [{ address: a[0] ?? 0n, lengthBytes: clampLength(a[1], GETRANDOM_BYTES_MAX) }],
  ],
]);

/** readv's buffers, read from its iovec array (none when the array itself cannot be read now). */
function iovecRanges(address: bigint, count: number, readUser: ReadUser): UserRange[] {
  if (count <= 0 || count > IOV_MAX || address > BigInt(Number.MAX_SAFE_INTEGER)) return [];
  const raw = readUser(Number(address), count * 16);
  if (raw === 'EFAULT') return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: UserRange[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      address: view.getBigUint64(i * 16, true),
      lengthBytes: clampLength(view.getBigUint64(i * 16 + 8, true), IO_BYTES_MAX),
    });
  }
  return out;
}

/** The ranges call `name` writes after acting, for these arguments (empty for most calls). */
export function userOutputs(
  name: string,
  args: readonly bigint[],
  readUser: ReadUser,
): readonly UserRange[] {
  const row = OUTPUTS.get(name);
  if (row === undefined) return [];
  return row(args, readUser).filter((r) => r.address !== 0n && r.lengthBytes > 0);
}
