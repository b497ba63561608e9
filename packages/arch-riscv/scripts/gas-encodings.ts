// Regenerates src/test-support/fixtures/gas-encodings.{s,bin}: the encoder's
// list of instruction forms as assembly, and what the GNU assembler makes of
// it. Needs Debian's binutils-riscv64-linux-gnu (part of gcc-riscv64-linux-gnu).
//   node --import tsx scripts/gas-encodings.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { everyForm, formsAssembly } from '../src/test-support/rv-encoder-forms.test-util.js';

const fixtures = new URL('../src/test-support/fixtures/', import.meta.url);
const source = formsAssembly(everyForm());
const work = mkdtempSync(join(tmpdir(), 'krg-gas-'));
try {
  writeFileSync(new URL('gas-encodings.s', fixtures), source);
  const object = join(work, 'forms.o');
  execFileSync('riscv64-linux-gnu-as', [
    '-march=rv64imafdc_zifencei',
    '-o',
    object,
    new URL('gas-encodings.s', fixtures).pathname,
  ]);
  execFileSync('riscv64-linux-gnu-objcopy', [
    '-O',
    'binary',
    '-j',
    '.text',
    object,
    new URL('gas-encodings.bin', fixtures).pathname,
  ]);
  console.log(`wrote ${source.split('\n').length} lines of assembly and their encoding`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
