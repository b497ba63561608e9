// Templates (see rv64i-templates.ts) for the F and D instructions that only
// move bits: loads, stores and the moves between the register files. They
// are what an FP loop spends its non-arithmetic instructions on; the
// arithmetic stays a call of its function in d.ts / f.ts, where the IEEE
// semantics live. `fi` is the FP register file as int32 halves (c.fi).
import type { Exec, Op } from '../op.js';
import * as D from './d.js';
import * as F from './f.js';
import { load, load64, OFF, store, type Template } from './rv64i-templates.js';

const fld = load64('fi');
const flw = load(
  4,
  `getInt32(${OFF}, true)`,
  'loadI32',
  (o: Op) => `fi[${o.rd}] = v; fi[${o.rd + 1}] = -1;`,
);
const fsd = store(
  8,
  (o) =>
    `const d = wv[t], f = ${OFF}; d.setInt32(f, fi[${o.rs2}], true); d.setInt32(f + 4, fi[${o.rs2 + 1}], true);`,
  (o) => `store64(lo, hi, fi[${o.rs2}], fi[${o.rs2 + 1}])`,
);
const fsw = store(
  4,
  (o) => `wv[t].setInt32(${OFF}, fi[${o.rs2}], true);`,
  (o) => `store32(lo, hi, fi[${o.rs2}])`,
);
const fmvXD: Template = (o) =>
  `{ const l = fi[${o.rs1}], h = fi[${o.rs1 + 1}]; x[${o.rd}] = l; x[${o.rd + 1}] = h; }`;
const fmvDX: Template = (o) =>
  `{ const l = x[${o.rs1}], h = x[${o.rs1 + 1}]; fi[${o.rd}] = l; fi[${o.rd + 1}] = h; }`;

/** The F/D instruction functions that have a template, and their templates. */
export const FD_TEMPLATES: ReadonlyMap<Exec, Template> = new Map<Exec, Template>([
  [D.fld, fld],
  [D.fsd, fsd],
  [F.flw, flw],
  [F.fsw, fsw],
  [D.fmvXD, fmvXD],
  [D.fmvDX, fmvDX],
]);
