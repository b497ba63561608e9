// Runs a static riscv64 guest on arch-riscv with the least a benchmark needs:
// the ELF's segments mapped into a PagedMemory, a stack, and a write/exit
// system-call shim. Also runs the same binary under qemu-riscv64 for the
// baseline. Benchmarks only: the kernel has the real loader and syscalls.
import { spawnSync } from 'node:child_process';
import {
  Hart,
  PAGE_SIZE_BYTES,
  PagedMemory,
  parseElf,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  REG,
} from '../src/index.js';

const STACK_TOP = 0x3f_ffff_0000;
const STACK_BYTES = 1 << 20;
const SLICE_INSNS = 10_000_000;
const SYS_WRITE = 64n;
const SYS_EXIT = 93n;
const SYS_EXIT_GROUP = 94n;

export interface GuestResult {
  readonly output: string;
  readonly exitCode: number;
  readonly instructions: number;
  /** Wall-clock seconds of the run. */
  readonly seconds: number;
  /** CPU seconds (user + system) of the run: what the machine's load does not inflate. */
  readonly cpuSeconds: number;
}

export function runOnHart(file: Uint8Array): GuestResult {
  const image = parseElf(file);
  const memory = new PagedMemory();
  const prot = new Map<number, number>();
  for (const s of image.segments) {
    const bits =
      (s.isReadable ? PROT_READ : 0) |
      (s.isWritable ? PROT_WRITE : 0) |
      (s.isExecutable ? PROT_EXEC : 0);
    const first = Math.floor(s.vaddr / PAGE_SIZE_BYTES);
    const end = Math.ceil((s.vaddr + s.memsz) / PAGE_SIZE_BYTES);
    for (let p = first; p < end; p++) prot.set(p, (prot.get(p) ?? 0) | bits);
  }
  for (const [page, bits] of prot) memory.map(page * PAGE_SIZE_BYTES, PAGE_SIZE_BYTES, bits);
  for (const s of image.segments) memory.write(s.vaddr, s.fileBytes);
  memory.map(STACK_TOP - STACK_BYTES, STACK_BYTES, PROT_READ | PROT_WRITE);

  const hart = new Hart(memory);
  hart.pc = BigInt(image.entry);
  hart.writeX(REG.sp, BigInt(STACK_TOP - 64));
  let output = '';
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (;;) {
    const stop = hart.run(SLICE_INSNS);
    if (stop.kind === 'budget') continue;
    if (stop.kind !== 'ecall')
      throw new Error(`guest stopped: ${stop.kind} at 0x${stop.pc.toString(16)}`);
    const number = hart.readX(REG.a7);
    if (number === SYS_WRITE) {
      const length = Number(hart.readX(REG.a2));
      output += Buffer.from(memory.read(Number(hart.readX(REG.a1)), length)).toString('latin1');
      hart.writeX(REG.a0, BigInt(length));
    } else if (number === SYS_EXIT || number === SYS_EXIT_GROUP) {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      return {
        output,
        exitCode: Number(hart.readX(REG.a0) & 0xffn),
        instructions: hart.instret,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
    } else {
      throw new Error(
        `guest made system call ${number}, which the benchmark shim does not provide`,
      );
    }
  }
}

/**
 * A run under qemu-riscv64: wall clock of the whole process (start-up
 * included, as a user sees it) and its CPU time, taken by bash's `time`
 * (which reports the child's user + system time) on stderr.
 */
export function runOnQemu(path: string): {
  output: string;
  exitCode: number;
  seconds: number;
  cpuSeconds: number;
} {
  const start = process.hrtime.bigint();
  const run = spawnSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; time qemu-riscv64 "$0"', path], {
    encoding: 'latin1',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.error !== undefined) throw run.error;
  const [user = NaN, system = NaN] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { output: run.stdout, exitCode: run.status ?? -1, seconds, cpuSeconds: user + system };
}
