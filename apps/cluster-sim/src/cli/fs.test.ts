// Goal: unmodified programs that create, write, rename, link and remove
// files print under krg exactly what they print under qemu-riscv64, and
// every bad request gets Linux's errno. Method: the fs guests run under
// qemu inside a fresh scratch directory of their own (mkdtemp, removed
// afterwards: never the host's real /tmp or /) and under krg in the
// cluster's /tmp, on one node and on node 3 of 4; their output holds
// nothing host-specific (no inode numbers, times or paths). --image keeps
// the host file's permission bits.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { GUESTS, krgInProcess, qemu } from './krg-run.test-util.js';

const scratch: string[] = [];
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'krg-fs-'));
  scratch.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('file-system guests against qemu-riscv64', () => {
  for (const guest of ['fs-basic', 'fs-errno', 'fs-ckpt', 'fs-flock']) {
    test(`${guest}: same stdout and status on 1 node and on node 3 of 4`, async () => {
      const dir = scratchDir();
      const oracle = qemu(`${GUESTS}/${guest}`, [dir]);
      expect(oracle.status).toBe(0);
      for (const where of [
        ['--nodes', '1'],
        ['--nodes', '4', '--node', '3'],
      ]) {
        const run = await krgInProcess([...where, '--', `${GUESTS}/${guest}`, '/tmp']);
        expect(run.stdout).toBe(oracle.stdout);
        expect(run.status).toBe(oracle.status);
      }
    });
  }

  test('fs-basic: getpwuid(0) finds root in the default /etc/passwd', async () => {
    const run = await krgInProcess(['--', `${GUESTS}/fs-basic`, '/tmp']);
    expect(run.stdout).toContain('getpwuid(0): root /root\n');
  });
});

describe('mmap of a file the program writes', () => {
  test('fs-mmap: private and read-only shared mappings as under qemu; a writable shared one is ENODEV', async () => {
    const oracle = qemu(`${GUESTS}/fs-mmap`, [scratchDir()]);
    const run = await krgInProcess(['--', `${GUESTS}/fs-mmap`, '/tmp']);
    const [before, last] = run.stdout.split('shared writable: ');
    expect(oracle.stdout.split('shared writable: ')).toEqual([before, 'mapped\n']);
    // Writes through a shared mapping would not reach the file: krg refuses the mapping.
    expect(last).toBe('ENODEV\n');
    expect(run.status).toBe(oracle.status);
  });
});

describe('--image', () => {
  test('keeps the host permission bits (fs-stat prints the same for the host file and its copy)', async () => {
    const dir = scratchDir();
    const files = [
      ['data', 0o640],
      ['script', 0o750],
      ['secret', 0o600],
    ] as const;
    for (const [name, mode] of files) {
      writeFileSync(join(dir, name), `${name} contents`);
      chmodSync(join(dir, name), mode);
    }
    const oracle = qemu(
      `${GUESTS}/fs-stat`,
      files.map(([name]) => join(dir, name)),
    );
    expect(oracle.stdout).toContain('1: file 0640 nlink 1 size 13\n');
    const run = await krgInProcess([
      ...files.flatMap(([name]) => ['--image', `${join(dir, name)}:/data/${name}`]),
      '--',
      `${GUESTS}/fs-stat`,
      ...files.map(([name]) => `/data/${name}`),
    ]);
    expect(run.stdout).toBe(oracle.stdout);
  });
});
