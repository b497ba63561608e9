// Zifencei: instruction-fetch fence. Writes this hart makes to code pages
// already drop the affected decoded blocks; fence.i also drops everything
// decoded so far, so code written by anyone else (the kernel, another hart,
// a loader) is seen from here on, as the spec promises.
import type { Cpu } from '../cpu.js';
import type { InsnDef, Op } from '../op.js';

export function fenceI(c: Cpu, _o: Op): void {
  c.code.flush();
}

export const ZIFENCEI: readonly InsnDef[] = [
  { name: 'fence.i', format: 'none', exec: fenceI, endsBlock: true },
];
