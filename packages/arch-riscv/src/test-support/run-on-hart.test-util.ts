// Runs a static riscv64 executable on the hart the way a kernel would start
// it — parseElf, map the segments, buildInitialStack, run — with the test
// syscall shim answering its system calls. The result has the shape of a qemu
// run, so differential tests compare the two directly.
import { parseElf } from '../elf/parse-elf.js';
import { Hart } from '../hart.js';
import { buildInitialStack } from '../linux/initial-stack.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory.js';
import { PagedMemory } from '../paged-memory.js';
import type { StopReason } from '../stop-reason.js';
import { USER_ADDRESS_END } from '../limits.js';
import type { GuestRun } from './qemu.test-util.js';
import { SyscallShim } from './syscall-shim.test-util.js';

const PAGE = 4096;
const STACK_TOP = USER_ADDRESS_END;
const STACK_BYTES = 1024 * 1024;
const SLICE_INSNS = 10_000_000;

export interface HartRun extends GuestRun {
  readonly instret: number;
  /** Why the guest ended when it did not exit: a fault, an illegal instruction, a budget. */
  readonly fault?: StopReason;
  readonly syscalls: readonly number[];
  readonly hart: Hart;
  readonly memory: PagedMemory;
}

export interface HartRunOptions {
  readonly argv?: readonly string[];
  readonly envp?: readonly string[];
  readonly stdin?: Uint8Array;
  /** Instructions after which the run is abandoned; default 2e9. */
  readonly maxInsns?: number;
  /** Instructions per `run` call; default 10 million. Small odd values stop the
   *  hart at arbitrary instructions, which must not change the result. */
  readonly sliceInsns?: number;
  /** The AT_RANDOM bytes; default a fixed pattern. */
  readonly random?: Uint8Array;
}

/** Maps the image's segments, giving a page shared by two segments both their permissions. */
export function loadImage(memory: PagedMemory, elf: Uint8Array) {
  const image = parseElf(elf);
  const pageProt = new Map<number, number>();
  for (const segment of image.segments) {
    const prot =
      (segment.isReadable ? PROT_READ : 0) |
      (segment.isWritable ? PROT_WRITE : 0) |
      (segment.isExecutable ? PROT_EXEC : 0);
    const first = Math.floor(segment.vaddr / PAGE);
    const end = Math.ceil((segment.vaddr + segment.memsz) / PAGE);
    for (let p = first; p < end; p++) pageProt.set(p, (pageProt.get(p) ?? 0) | prot);
  }
  for (const [page, prot] of [...pageProt].sort((a, b) => a[0] - b[0]))
    memory.map(page * PAGE, PAGE, prot);
  for (const segment of image.segments) memory.write(segment.vaddr, segment.fileBytes);
  return image;
}

export function runOnHart(elf: Uint8Array, options: HartRunOptions = {}): HartRun {
  const memory = new PagedMemory();
  const image = loadImage(memory, elf);
  const argv = options.argv ?? ['guest'];
  const stack = buildInitialStack({
    stackTop: STACK_TOP,
    argv,
    envp: options.envp ?? [],
    execfn: argv[0] ?? 'guest',
    random: options.random ?? Uint8Array.from({ length: 16 }, (_, i) => (i * 17 + 3) & 0xff),
    image,
  });
  memory.map(STACK_TOP - STACK_BYTES, STACK_BYTES, PROT_READ | PROT_WRITE);
  memory.write(stack.sp, stack.bytes);

  // Hot blocks compile after 4 runs, so the guests run compiled traces early and widely.
  const hart = new Hart(memory, { hotRuns: 4 });
  hart.pc = BigInt(image.entry);
  hart.writeX(2, BigInt(stack.sp));
  const shim = new SyscallShim({
    memory,
    invalidate: (address, length) => hart.invalidate(address, length),
    brkStart: image.brkStart,
    exePath: `/${argv[0] ?? 'guest'}`,
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    instret: () => hart.instret,
  });
  const maxInsns = options.maxInsns ?? 2_000_000_000;
  const finish = (exitCode: number, fault?: StopReason): HartRun => ({
    stdout: Uint8Array.from(shim.stdout),
    exitCode,
    instret: hart.instret,
    syscalls: shim.trace,
    hart,
    memory,
    ...(fault === undefined ? {} : { fault }),
  });
  while (hart.instret < maxInsns) {
    const stop = hart.run(Math.min(options.sliceInsns ?? SLICE_INSNS, maxInsns - hart.instret));
    if (stop.kind === 'budget') continue;
    if (stop.kind !== 'ecall') return finish(128 + signalOf(stop), stop);
    const args = [10, 11, 12, 13, 14, 15].map((r) => hart.readX(r));
    const result = shim.handle(Number(hart.readX(17)), args);
    if (result.kind === 'exit') return finish(result.status);
    hart.writeX(10, result.value);
  }
  return finish(-1, { kind: 'budget', pc: hart.pc, retired: 0 });
}

/** The signal Linux delivers for a stop (qemu then reports 128 + it). */
function signalOf(stop: StopReason): number {
  switch (stop.kind) {
    case 'page-fault':
      return 11; // SIGSEGV
    case 'misaligned':
      return 7; // SIGBUS
    case 'illegal-instruction':
      return 4; // SIGILL
    case 'ebreak':
      return 5; // SIGTRAP
    default:
      return 0;
  }
}

/** One line about a run that did not exit normally, for assertion messages. */
export function describeRun(run: HartRun): string {
  const fault = run.fault;
  if (fault === undefined) return `exited ${run.exitCode} after ${run.instret} instructions`;
  const where = `pc ${fault.pc.toString(16)}`;
  switch (fault.kind) {
    case 'page-fault':
    case 'misaligned':
      return `${fault.kind} (${fault.access} at ${fault.address.toString(16)}) at ${where}`;
    case 'illegal-instruction':
      return `illegal instruction ${fault.bits.toString(16)} at ${where}`;
    default:
      return `${fault.kind} at ${where}`;
  }
}
