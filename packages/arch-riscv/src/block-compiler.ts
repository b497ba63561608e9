// Translates a hot decoded block into one JavaScript function. The function
// calls each op's instruction function directly, in order, with the op as a
// constant: every call site then sees a single target, so the JavaScript
// engine inlines the instruction bodies into one straight-line function, as
// a template JIT would, while the semantics stay in exactly one place (the
// extension modules). Only the sequencing is generated, never semantics.
//
// A compiled block runs all of its ops; the dispatcher uses it only when the
// budget allows the whole block and interprets otherwise. If an op traps, the
// function records how many ops completed in `c.faultIndex` and rethrows.
import type { Block } from './code-cache.js';
import type { Cpu } from './cpu.js';
import type { Exec, Op } from './op.js';

export type CompiledBlock = (c: Cpu) => void;

type Factory = (fns: readonly Exec[], ops: readonly Op[]) => CompiledBlock;

export function compileBlock(block: Block): CompiledBlock {
  const ops = block.ops;
  const bindings: string[] = [];
  const steps: string[] = [];
  for (let k = 0; k < ops.length; k++) {
    bindings.push(`const f${k} = fns[${k}], o${k} = ops[${k}];`);
    steps.push(`i = ${k}; f${k}(c, o${k});`);
  }
  const source = [
    '"use strict";',
    ...bindings,
    `return function block_${block.pc.toString(16)}(c) {`,
    '  let i = 0;',
    '  try {',
    ...steps.map((s) => `    ${s}`),
    '  } catch (e) {',
    '    c.faultIndex = i;',
    '    throw e;',
    '  }',
    '};',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generating the block's sequencing code is the point: see the file comment
  const factory = new Function('fns', 'ops', source) as Factory;
  return factory(
    ops.map((o) => o.exec),
    ops,
  );
}
