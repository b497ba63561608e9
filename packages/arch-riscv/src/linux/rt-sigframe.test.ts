import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SignalFrameInvalid } from '../errors.js';
import {
  MCONTEXT_OFFSET,
  NO_ALT_STACK,
  RT_SIGFRAME_BYTES,
  SIGINFO_BYTES,
  SS_AUTODISARM,
  SS_DISABLE,
  SS_ONSTACK,
  UCONTEXT_BYTES,
  UCONTEXT_OFFSET,
  buildRtSigframe,
  readRtSigframe,
  type SignalDelivery,
  type SignalRegisters,
} from './rt-sigframe.js';
import { SEGV_MAPERR, SI_QUEUE, encodeSiginfo } from './siginfo.js';
import {
  NR_RT_SIGRETURN,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  sigreturnTrampolinePage,
} from './sigreturn-trampoline.js';

const TRAMPOLINE = BigInt(SIGRETURN_TRAMPOLINE_ADDRESS);

function registers(sp: bigint): SignalRegisters {
  const x = Array.from({ length: 32 }, (_, i) =>
    i === 0 ? 0n : 0x1111_0000_0000_0000n + BigInt(i),
  );
  x[2] = sp;
  const f = Array.from({ length: 32 }, (_, i) => 0x4000_0000_0000_0000n + BigInt(i));
  return { pc: 0x10_2468n, x, f, fcsr: 0x61 };
}

function delivery(overrides: Partial<SignalDelivery> = {}): SignalDelivery {
  return {
    registers: registers(0x3f_ffff_e008n),
    signal: 10,
    siginfo: encodeSiginfo({
      kind: 'rt',
      signo: 10,
      code: SI_QUEUE,
      pid: 42,
      uid: 1000,
      value: 0xdeadbeefn,
    }),
    savedMask: 0x8000_0000_0000_0001n,
    handler: 0x10_8000n,
    isOnStack: false,
    altStack: NO_ALT_STACK,
    trampoline: TRAMPOLINE,
    ...overrides,
  };
}

describe('rt_sigframe layout (Linux uapi asm/ucontext.h, asm/sigcontext.h, asm/ptrace.h)', () => {
  it('has the sizes and offsets glibc sees on riscv64', () => {
    // Measured with riscv64-linux-gnu-gcc: sizeof(siginfo_t) = 128,
    // sizeof(ucontext_t) = 960, offsetof(ucontext_t, uc_mcontext) = 176,
    // offsetof(mcontext_t, __fpregs) = 256, offsetof(mcontext_t, __fpregs.__d.__fcsr) = 512.
    expect(SIGINFO_BYTES).toBe(128);
    expect(UCONTEXT_BYTES).toBe(960);
    expect(RT_SIGFRAME_BYTES).toBe(1088);
    expect(MCONTEXT_OFFSET - UCONTEXT_OFFSET).toBe(176);
  });

  it('places siginfo, ucontext fields, gregs, fpregs and fcsr where the header puts them', () => {
    const d = delivery();
    const { bytes } = buildRtSigframe(d);
    const v = new DataView(bytes.buffer);
    expect(bytes.subarray(0, 128)).toEqual(d.siginfo);
    expect(v.getBigUint64(128, true)).toBe(0n); // uc_flags
    expect(v.getBigUint64(136, true)).toBe(0n); // uc_link
    expect(v.getInt32(152, true)).toBe(SS_DISABLE); // uc_stack.ss_flags
    expect(v.getBigUint64(168, true)).toBe(d.savedMask); // uc_sigmask
    expect(v.getBigUint64(304, true)).toBe(d.registers.pc); // sc_regs.pc
    expect(v.getBigUint64(304 + 8, true)).toBe(d.registers.x[1]); // ra
    expect(v.getBigUint64(304 + 8 * 31, true)).toBe(d.registers.x[31]); // t6
    expect(v.getBigUint64(304 + 256, true)).toBe(d.registers.f[0]);
    expect(v.getBigUint64(304 + 256 + 8 * 31, true)).toBe(d.registers.f[31]);
    expect(v.getUint32(304 + 512, true)).toBe(0x61); // fcsr
    expect(bytes.subarray(820, 1088).every((b) => b === 0)).toBe(true);
  });
});

describe('signal delivery', () => {
  it('sets up the handler call as setup_rt_frame does', () => {
    const d = delivery();
    const built = buildRtSigframe(d);
    expect(built.address).toBe((0x3f_ffff_e008n - 1088n) & ~0xfn);
    const r = built.registers;
    expect(r.pc).toBe(d.handler);
    expect(r.x[1]).toBe(TRAMPOLINE);
    expect(r.x[2]).toBe(built.address);
    expect(r.x[10]).toBe(10n);
    expect(r.x[11]).toBe(built.address);
    expect(r.x[12]).toBe(built.address + 128n);
    expect(r.x[13]).toBe(d.registers.x[13]); // other registers unchanged
    expect(r.f).toEqual(d.registers.f);
    expect(r.fcsr).toBe(d.registers.fcsr);
  });

  it('switches to the alternate stack for SA_ONSTACK, once', () => {
    const altStack = { sp: 0x50_0000n, flags: 0, size: 0x2000n };
    const first = buildRtSigframe(delivery({ isOnStack: true, altStack }));
    expect(first.address).toBe(0x50_2000n - 1088n);
    expect(new DataView(first.bytes.buffer).getInt32(152, true)).toBe(0); // not on it when interrupted
    // A nested signal while on the alternate stack stays below the current sp.
    const nested = buildRtSigframe(
      delivery({ isOnStack: true, altStack, registers: registers(first.address) }),
    );
    expect(nested.address).toBe((first.address - 1088n) & ~0xfn);
    expect(new DataView(nested.bytes.buffer).getInt32(152, true)).toBe(SS_ONSTACK);
    // No room left on the alternate stack: Linux kills with SIGSEGV.
    expect(() =>
      buildRtSigframe(delivery({ isOnStack: true, altStack, registers: registers(0x50_0100n) })),
    ).toThrow(SignalFrameInvalid);
  });

  it('disarms an SS_AUTODISARM alternate stack on delivery', () => {
    const altStack = { sp: 0x50_0000n, flags: SS_AUTODISARM, size: 0x2000n };
    const built = buildRtSigframe(delivery({ isOnStack: true, altStack }));
    expect(built.address).toBe(0x50_2000n - 1088n);
    expect(built.altStack).toEqual(NO_ALT_STACK);
    expect(readRtSigframe(built.bytes).altStack).toEqual({
      sp: 0x50_0000n,
      flags: 0,
      size: 0x2000n,
    });
  });

  it('refuses a siginfo of the wrong size or a bad signal number', () => {
    expect(() => buildRtSigframe(delivery({ siginfo: new Uint8Array(64) }))).toThrow(
      SignalFrameInvalid,
    );
    expect(() => buildRtSigframe(delivery({ signal: 65 }))).toThrow(SignalFrameInvalid);
  });
});

describe('rt_sigreturn', () => {
  const u64 = fc.bigInt(0n, (1n << 64n) - 1n);
  it('round-trips every register, fcsr and the mask', () => {
    fc.assert(
      fc.property(
        fc.array(u64, { minLength: 32, maxLength: 32 }),
        fc.array(u64, { minLength: 32, maxLength: 32 }),
        fc.bigInt(0n, (1n << 63n) - 1n).map((pc) => pc & ~1n),
        fc.integer({ min: 0, max: 255 }),
        u64,
        (x, f, pc, fcsr, mask) => {
          x[0] = 0n;
          x[2] = 0x3f_0000_0000n + (x[2]! & 0xffffn);
          const d = delivery({ registers: { pc, x, f, fcsr }, savedMask: mask });
          const back = readRtSigframe(buildRtSigframe(d).bytes);
          expect(back.registers).toEqual({ pc, x, f, fcsr });
          expect(back.mask).toBe(mask);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("applies a handler's edits to its ucontext", () => {
    const built = buildRtSigframe(delivery());
    const v = new DataView(built.bytes.buffer);
    v.setBigUint64(304, 0x10_3000n, true); // uc_mcontext pc
    v.setBigUint64(304 + 8 * 10, 77n, true); // a0
    v.setBigUint64(304 + 256 + 8 * 5, 0x3ff0_0000_0000_0000n, true); // f5 = 1.0
    v.setUint32(304 + 512, 0x4 | (1 << 5), true); // fcsr: OF, frm = RTZ
    v.setBigUint64(168, 0x4n, true); // uc_sigmask
    const back = readRtSigframe(built.bytes);
    expect(back.registers.pc).toBe(0x10_3000n);
    expect(back.registers.x[10]).toBe(77n);
    expect(back.registers.f[5]).toBe(0x3ff0_0000_0000_0000n);
    expect(back.registers.fcsr).toBe(0x24);
    expect(back.mask).toBe(0x4n);
  });

  it('refuses a frame with extension state it does not know, or of the wrong size', () => {
    const built = buildRtSigframe(delivery());
    new DataView(built.bytes.buffer).setUint32(1080, 0x53465457, true); // RISCV_V_MAGIC
    expect(() => readRtSigframe(built.bytes)).toThrow(SignalFrameInvalid);
    expect(() => readRtSigframe(new Uint8Array(1000))).toThrow(SignalFrameInvalid);
  });
});

describe('siginfo', () => {
  it('lays out the fault and rt members as glibc reads them', () => {
    const fault = new DataView(
      encodeSiginfo({ kind: 'fault', signo: 11, code: SEGV_MAPERR, address: 0xdead0n }).buffer,
    );
    expect([
      fault.getInt32(0, true),
      fault.getInt32(8, true),
      fault.getBigUint64(16, true),
    ]).toEqual([11, 1, 0xdead0n]);
    const rt = new DataView(
      encodeSiginfo({ kind: 'rt', signo: 34, code: SI_QUEUE, pid: 7, uid: 8, value: 9n }).buffer,
    );
    expect([
      rt.getInt32(8, true),
      rt.getInt32(16, true),
      rt.getUint32(20, true),
      rt.getBigUint64(24, true),
    ]).toEqual([-1, 7, 8, 9n]);
  });
});

describe('the rt_sigreturn trampoline page', () => {
  it('holds li a7, 139; ecall at the last user page', () => {
    const page = sigreturnTrampolinePage();
    const v = new DataView(page.buffer);
    // Encodings as riscv64-linux-gnu-as assembles them.
    expect(v.getUint32(0, true)).toBe(0x08b00893);
    expect(v.getUint32(4, true)).toBe(0x00000073);
    expect(page.subarray(8).every((b) => b === 0)).toBe(true);
    expect(NR_RT_SIGRETURN).toBe(139);
    expect(SIGRETURN_TRAMPOLINE_ADDRESS).toBe(0x3f_ffff_f000);
  });
});
