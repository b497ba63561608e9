// Goal: default actions, delivery order, pending queues and generation
// follow Linux (signal(7), kernel/signal.c). Method: the table of signal(7)
// for every number, then direct cases, then a seeded model test of the
// pending queue.
import { SIGNAL, SIGRTMIN, sigAdd, sigbit, type Sigset } from '@krg/epm-core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SI_QUEUE, type SigInfo } from '@krg/arch-riscv';
import { SigPending, decideGeneration, defaultAction, nextSignal, userSigInfo } from './index.js';

const set = (...sigs: number[]): Sigset => sigs.reduce((s, n) => sigAdd(s, n), 0n);

describe('defaultAction', () => {
  test('follows signal(7) for every signal', () => {
    const table: Record<string, number[]> = {
      core: [3, 4, 5, 6, 7, 8, 11, 24, 25, 31],
      ignore: [17, 23, 28],
      stop: [19, 20, 21, 22],
      continue: [18],
    };
    for (let sig = 1; sig <= 64; sig++) {
      const expected =
        Object.entries(table).find(([, sigs]) => sigs.includes(sig))?.[0] ?? 'terminate';
      expect(defaultAction(sig), `signal ${sig}`).toBe(expected);
    }
    expect(() => defaultAction(0)).toThrow(RangeError);
    expect(() => defaultAction(65)).toThrow(RangeError);
  });
});

describe('nextSignal', () => {
  test('delivers synchronous signals first, then the lowest number', () => {
    expect(nextSignal(set(SIGNAL.SIGINT, SIGNAL.SIGSEGV), 0n)).toBe(SIGNAL.SIGSEGV);
    expect(nextSignal(set(SIGNAL.SIGINT, SIGNAL.SIGTERM), 0n)).toBe(SIGNAL.SIGINT);
    expect(nextSignal(set(SIGRTMIN + 2, SIGRTMIN), 0n)).toBe(SIGRTMIN);
    expect(nextSignal(set(SIGRTMIN, SIGNAL.SIGUSR2), 0n)).toBe(SIGNAL.SIGUSR2);
    expect(nextSignal(set(64), 0n)).toBe(64);
  });

  test('skips blocked signals', () => {
    expect(nextSignal(set(SIGNAL.SIGSEGV, SIGNAL.SIGINT), set(SIGNAL.SIGSEGV))).toBe(SIGNAL.SIGINT);
    expect(nextSignal(set(SIGNAL.SIGINT), set(SIGNAL.SIGINT))).toBe(0);
  });
});

describe('SigPending', () => {
  test('coalesces standard signals, keeping the first instance', () => {
    const p = new SigPending();
    expect(p.enqueue(userSigInfo(SIGNAL.SIGUSR1, 100, 0))).toBe('queued');
    expect(p.enqueue(userSigInfo(SIGNAL.SIGUSR1, 200, 0))).toBe('coalesced');
    const first = p.dequeue(0n);
    expect(first?.kind === 'kill' ? first.pid : -1).toBe(100);
    expect(p.dequeue(0n)).toBeUndefined();
  });

  test('queues real-time signals in order, with their values', () => {
    const p = new SigPending();
    const rt = (value: bigint): SigInfo => ({
      kind: 'rt',
      signo: SIGRTMIN + 1,
      code: SI_QUEUE,
      pid: 1,
      uid: 0,
      value,
    });
    p.enqueue(rt(1n));
    p.enqueue(rt(2n));
    p.enqueue(userSigInfo(SIGRTMIN, 5, 0));
    expect(p.queued).toBe(3);
    expect(
      [p.dequeue(0n), p.dequeue(0n), p.dequeue(0n)].map((i) => [
        i?.signo,
        i?.kind === 'rt' ? i.value : undefined,
      ]),
    ).toEqual([
      [SIGRTMIN, undefined],
      [SIGRTMIN + 1, 1n],
      [SIGRTMIN + 1, 2n],
    ]);
    expect(p.set).toBe(0n);
  });

  test('flushes a set of signals and round-trips through its image', () => {
    const p = new SigPending();
    p.enqueue(userSigInfo(SIGNAL.SIGTSTP, 1, 0));
    p.enqueue(userSigInfo(SIGNAL.SIGINT, 1, 0));
    p.flush(sigbit(SIGNAL.SIGTSTP));
    expect(p.set).toBe(set(SIGNAL.SIGINT));
    const copy = SigPending.fromImage(p.toImage());
    expect(copy.set).toBe(p.set);
    expect(copy.dequeue(0n)).toEqual(userSigInfo(SIGNAL.SIGINT, 1, 0));
  });

  test('matches a model under random enqueue, dequeue and take (property)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('enqueue' as const),
        sig: fc.integer({ min: 1, max: 64 }),
        id: fc.nat(),
      }),
      fc.record({
        kind: fc.constant('dequeue' as const),
        blocked: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      }),
      fc.record({ kind: fc.constant('take' as const), sig: fc.integer({ min: 1, max: 64 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const p = new SigPending();
        const model: { sig: number; id: number }[] = [];
        for (const o of ops) {
          if (o.kind === 'enqueue') {
            const dup = o.sig < SIGRTMIN && model.some((m) => m.sig === o.sig);
            expect(p.enqueue({ kind: 'kill', signo: o.sig, code: 0, pid: o.id, uid: 0 })).toBe(
              dup ? 'coalesced' : 'queued',
            );
            if (!dup) model.push({ sig: o.sig, id: o.id });
          } else {
            const sig =
              o.kind === 'take'
                ? o.sig
                : nextSignal(
                    model.reduce((s, m) => sigAdd(s, m.sig), 0n),
                    o.blocked,
                  );
            const got = o.kind === 'take' ? p.take(o.sig) : p.dequeue(o.blocked);
            const i = model.findIndex((m) => m.sig === sig);
            if (i < 0) expect(got).toBeUndefined();
            else expect(got?.kind === 'kill' ? got.pid : -1).toBe(model.splice(i, 1)[0]!.id);
          }
          expect(p.queued).toBe(model.length);
        }
      }),
      { seed: Number(process.env.KRG_SEED ?? 20261125), numRuns: 200 },
    );
  });
});

describe('decideGeneration', () => {
  test('drops ignored signals unless blocked, never SIGKILL', () => {
    expect(decideGeneration(SIGNAL.SIGCHLD, 'default', 0n).isQueued).toBe(false);
    expect(decideGeneration(SIGNAL.SIGCHLD, 'default', set(SIGNAL.SIGCHLD)).isQueued).toBe(true);
    expect(decideGeneration(SIGNAL.SIGCHLD, 'handler', 0n).isQueued).toBe(true);
    expect(decideGeneration(SIGNAL.SIGUSR1, 'ignore', 0n).isQueued).toBe(false);
    expect(decideGeneration(SIGNAL.SIGKILL, 'ignore', 0n).isQueued).toBe(true);
    expect(decideGeneration(SIGNAL.SIGTERM, 'default', 0n).isQueued).toBe(true);
  });

  test('SIGCONT flushes pending stops and a stop signal flushes SIGCONT', () => {
    const stops = set(SIGNAL.SIGSTOP, SIGNAL.SIGTSTP, SIGNAL.SIGTTIN, SIGNAL.SIGTTOU);
    expect(decideGeneration(SIGNAL.SIGCONT, 'default', 0n).flush).toBe(stops);
    expect(decideGeneration(SIGNAL.SIGTSTP, 'default', 0n).flush).toBe(set(SIGNAL.SIGCONT));
    expect(decideGeneration(SIGNAL.SIGINT, 'default', 0n).flush).toBe(0n);
  });
});
