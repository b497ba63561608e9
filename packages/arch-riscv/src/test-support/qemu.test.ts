import { describe, expect, it } from 'vitest';
import { requireQemu, runUnderQemu } from './qemu.test-util.js';
import { guestPath } from './guests.test-util.js';

describe('the qemu runner', () => {
  it('fails — never skips — with the install hint when qemu is missing', () => {
    expect(() => requireQemu('qemu-riscv64-not-installed')).toThrow(/install Debian's qemu-user/);
    expect(() => requireQemu()).not.toThrow();
  });

  it('passes argv and envp in order and reports the exit status', () => {
    const run = runUnderQemu(guestPath('initial-stack'), ['stack', 'x'], ['A=1', 'B=2']);
    const text = new TextDecoder().decode(run.stdout);
    expect(text).toContain('argv stack\nargv x\n');
    expect(text).toContain('envp A=1\nenvp B=2\nstrings');
    expect(run.exitCode).toBeGreaterThan(0); // the guest's status includes a hash of its output
  });
});
