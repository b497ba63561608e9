import { describe, expect, it } from 'vitest';
import { EngineBusy, InvalidSimTime, TaskFailed } from './errors.js';
import { SimEngine } from './sim-engine.js';

describe('SimEngine event order', () => {
  it('dispatches by time, then by insertion order at equal times', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: string[] = [];
    engine.schedule(30, () => log.push('c30'));
    engine.schedule(10, () => log.push('a10'));
    engine.schedule(10, () => log.push('b10'));
    engine.schedule(0, () => log.push('z0'));
    engine.schedule(20, () => {
      log.push('d20');
      // Scheduled during dispatch for the same instant: after everything already due.
      engine.schedule(0, () => log.push('e20'));
      engine.schedule(10, () => log.push('f30'));
    });
    const result = await engine.run();
    expect(log).toEqual(['z0', 'a10', 'b10', 'd20', 'e20', 'c30', 'f30']);
    expect(result).toEqual({ reason: 'idle', events: 7, nowNs: 30 });
  });

  it('cancelled timers never fire and report their state', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: number[] = [];
    const t1 = engine.schedule(5, () => log.push(5));
    const t2 = engine.schedule(6, () => log.push(6));
    engine.schedule(1, () => expect(t2.cancel()).toBe(true));
    expect(t1.isPending).toBe(true);
    await engine.run();
    expect(log).toEqual([5]);
    expect(t1.isPending).toBe(false);
    expect(t1.cancel()).toBe(false);
    expect(t2.cancel()).toBe(false);
  });

  it('many cancellations keep the queue consistent (compaction)', async () => {
    const engine = new SimEngine({ seed: 1 });
    const fired: number[] = [];
    const timers = [];
    for (let i = 0; i < 5000; i++) timers.push(engine.schedule(5000 - i, () => fired.push(i)));
    for (let i = 0; i < 5000; i++) if (i % 3 !== 0) timers[i]!.cancel();
    expect(engine.pendingEvents).toBe(1667);
    await engine.run();
    const expected = [];
    for (let i = 4999; i >= 0; i--) if (i % 3 === 0) expected.push(i);
    expect(fired).toEqual(expected);
  });

  it('runs until a bound and advances the clock to it', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: number[] = [];
    for (const t of [10, 20, 30]) engine.schedule(t, () => log.push(t));
    expect(await engine.run({ untilNs: 20 })).toEqual({ reason: 'until', events: 2, nowNs: 20 });
    expect(await engine.run({ maxEvents: 0 })).toEqual({
      reason: 'max-events',
      events: 0,
      nowNs: 20,
    });
    expect(await engine.run({ untilNs: 100 })).toEqual({ reason: 'idle', events: 1, nowNs: 100 });
    expect(log).toEqual([10, 20, 30]);
  });

  it('rejects bad times with a typed error and changes nothing', async () => {
    const engine = new SimEngine({ seed: 1 });
    expect(() => engine.schedule(-1, () => undefined)).toThrow(InvalidSimTime);
    expect(() => engine.schedule(1.5, () => undefined)).toThrow(InvalidSimTime);
    expect(() => engine.schedule(Number.MAX_SAFE_INTEGER + 2, () => undefined)).toThrow(
      InvalidSimTime,
    );
    expect(engine.pendingEvents).toBe(0);
    await expect(engine.run({ untilNs: -5 })).rejects.toThrow(InvalidSimTime);
  });

  it('post runs a callback with its argument in the same order as schedule', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: string[] = [];
    const note = (what: string): void => {
      log.push(`${what}@${engine.nowNs}`);
    };
    engine.post(10, note, 'p10');
    engine.schedule(10, () => note('s10'));
    engine.post(5, note, 'p5');
    engine.schedule(0, () => {
      // Entries of fired posts are reused: these must still fire in (time, order).
      for (let i = 0; i < 3; i++) engine.post(5, note, `q${i}`);
    });
    engine.post(0, note, 'p0');
    expect(engine.pendingEvents).toBe(5);
    const result = await engine.run();
    expect(log).toEqual(['p0@0', 'p5@5', 'q0@5', 'q1@5', 'q2@5', 'p10@10', 's10@10']);
    expect(result.events).toBe(8);
    expect(() => engine.post(-1, note, 'bad')).toThrow(InvalidSimTime);
    expect(engine.pendingEvents).toBe(0);
  });

  it('a killed scope drops its posts, queued or new', async () => {
    const engine = new SimEngine({ seed: 1 });
    const node = engine.createScope('n');
    const log: number[] = [];
    node.post(10, (n: number) => log.push(n), 1);
    engine.schedule(5, () => node.kill());
    engine.schedule(6, () => node.post(1, (n: number) => log.push(n), 2));
    engine.post(20, (n: number) => log.push(n), 3);
    await engine.run();
    expect(log).toEqual([3]);
  });

  it('is not re-entrant', async () => {
    const engine = new SimEngine({ seed: 1 });
    engine.schedule(1, () => undefined);
    const first = engine.run();
    await expect(engine.run()).rejects.toThrow(EngineBusy);
    await first;
  });
});

describe('cooperative tasks', () => {
  it('resumes a task at the simulated instant its sleep ends', async () => {
    const engine = new SimEngine({ seed: 1 });
    const seen: number[] = [];
    const task = engine.spawn('sleeper', async () => {
      seen.push(engine.nowNs);
      await engine.sleep(100);
      seen.push(engine.nowNs);
      await engine.sleep(50);
      seen.push(engine.nowNs);
      return 'ok';
    });
    await engine.run();
    expect(seen).toEqual([0, 100, 150]);
    expect(task.isFinished).toBe(true);
    await expect(task.done).resolves.toBe('ok');
  });

  it('lets every microtask chain of one event settle before the next event', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: string[] = [];
    // A deep chain of plain promises and nested async functions after a resumption.
    async function deep(n: number): Promise<number> {
      if (n === 0) return 0;
      await Promise.resolve();
      return 1 + (await deep(n - 1));
    }
    engine.spawn('a', async () => {
      await engine.sleep(10);
      const depth = await deep(200);
      log.push(`a done depth=${depth} at ${engine.nowNs}`);
    });
    // Same instant, scheduled after the task's sleep (the task starts in an
    // event at 0, this runs after it): must see the whole chain done.
    engine.schedule(0, () => {
      engine.schedule(10, () => log.push(`timer at ${engine.nowNs}`));
      engine.schedule(11, () => log.push(`timer at ${engine.nowNs}`));
    });
    await engine.run();
    expect(log).toEqual(['a done depth=200 at 10', 'timer at 10', 'timer at 11']);
  });

  it('passes values between tasks through deferreds and plain promises', async () => {
    const engine = new SimEngine({ seed: 1 });
    const mailbox = engine.defer<string>();
    const log: string[] = [];
    let release!: () => void;
    const plain = new Promise<void>((resolve) => (release = resolve));
    engine.spawn('consumer', async () => {
      log.push(`got ${await mailbox.promise} at ${engine.nowNs}`);
      await plain; // settled by another task's code: resumes within that task's turn
      log.push(`released at ${engine.nowNs}`);
    });
    engine.spawn('producer', async () => {
      await engine.sleep(7);
      mailbox.resolve('hello');
      await engine.sleep(5);
      release();
      engine.schedule(0, () => log.push(`timer at ${engine.nowNs}`));
    });
    await engine.run();
    expect(log).toEqual(['got hello at 7', 'released at 12', 'timer at 12']);
    expect(mailbox.resolve('again')).toBe(false);
  });

  it('spawnNow starts a task inside the current event, before anything else due', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: string[] = [];
    engine.schedule(5, () => {
      engine.schedule(0, () => log.push('timer'));
      engine.spawn('later', async () => {
        log.push('spawned');
      });
      const task = engine.spawnNow('now', async () => {
        log.push('started');
        await Promise.resolve();
        log.push('continued');
        await engine.sleep(1);
        log.push(`woke at ${engine.nowNs}`);
        return 7;
      });
      log.push(`returned, finished=${task.isFinished}`);
      void task.done.then((v) => log.push(`done ${v}`));
    });
    const events = (await engine.run()).events;
    expect(log).toEqual([
      'started',
      'returned, finished=false',
      // Its microtasks run before the next event.
      'continued',
      'timer',
      'spawned',
      'woke at 6',
      'done 7',
    ]);
    // The spawnNow cost no event of its own: the outer event, the timer, the spawn, the sleep.
    expect(events).toBe(4);
  });

  it('spawnNow on a dead scope starts nothing; a throwing body stops the run', async () => {
    const engine = new SimEngine({ seed: 1 });
    const node = engine.createScope('n');
    node.kill();
    let ran = false;
    const task = node.spawnNow('x', async () => {
      ran = true;
    });
    expect(task.isFinished).toBe(false);
    engine.schedule(1, () => {
      engine.spawnNow('bad', () => {
        throw new Error('sync boom');
      });
    });
    const err = await engine.run().catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(err).toBeInstanceOf(TaskFailed);
    expect((err as TaskFailed).taskName).toBe('bad');
  });

  it('stops the run with TaskFailed when a task throws', async () => {
    const engine = new SimEngine({ seed: 1 });
    const task = engine.spawn('broken', async () => {
      await engine.sleep(3);
      throw new Error('boom');
    });
    engine.schedule(100, () => undefined);
    const err = await engine.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskFailed);
    expect((err as TaskFailed).taskName).toBe('broken');
    expect(engine.nowNs).toBe(3);
    await expect(task.done).rejects.toThrow('boom');
  });

  it('stops the run with TaskFailed when an event callback throws', async () => {
    const engine = new SimEngine({ seed: 1 });
    engine.schedule(3, () => {
      throw new Error('cb');
    });
    await expect(engine.run()).rejects.toBeInstanceOf(TaskFailed);
  });

  it('a killed scope never fires a timer or resumes a task again', async () => {
    const engine = new SimEngine({ seed: 1 });
    const node = engine.createScope('node1');
    const log: string[] = [];
    node.spawn('worker', async () => {
      for (;;) {
        await node.sleep(10);
        log.push(`tick ${engine.nowNs}`);
      }
    });
    const d = node.defer<number>();
    node.spawn('waiter', async () => {
      log.push(`got ${await d.promise}`);
    });
    node.schedule(100, () => log.push('timer'));
    engine.schedule(25, () => node.kill());
    engine.schedule(30, () => expect(d.resolve(1)).toBe(false));
    await engine.run();
    expect(log).toEqual(['tick 10', 'tick 20']);
    expect(node.isAlive).toBe(false);
    expect(node.schedule(1, () => log.push('late')).isPending).toBe(false);
    expect(engine.pendingEvents).toBe(0);
  });
});

describe('determinism', () => {
  // Many tasks on several scopes doing seeded random sleeps and message
  // passing; the interleaving is recorded and hashed.
  async function scenario(seed: number): Promise<{ hash: string; log: string[] }> {
    const engine = new SimEngine({ seed });
    const rng = engine.rng.fork('scenario');
    const log: string[] = [];
    const boxes = Array.from({ length: 8 }, () => [] as ((v: number) => void)[]);
    for (let t = 0; t < 8; t++) {
      const scope = engine.createScope(`n${t}`);
      scope.spawn(`t${t}`, async () => {
        for (let i = 0; i < 40; i++) {
          await scope.sleep(rng.intBetween(0, 50));
          const peer = rng.nextInt(8);
          if (rng.chance(0.5)) {
            const d = scope.defer<number>();
            boxes[t]!.push((v) => d.resolve(v));
            const timeout = scope.schedule(30, () => d.resolve(-1));
            const v = await d.promise;
            timeout.cancel();
            log.push(`${engine.nowNs} t${t} recv ${v}`);
          } else {
            const waiter = boxes[peer]!.shift();
            waiter?.(t * 1000 + i);
            log.push(`${engine.nowNs} t${t} send ${peer} ${waiter !== undefined}`);
          }
          engine.trace(t);
        }
      });
    }
    await engine.run();
    return { hash: engine.traceHash, log };
  }

  it('two runs with the same seed interleave identically', async () => {
    const a = await scenario(42);
    const b = await scenario(42);
    expect(b.log).toEqual(a.log);
    expect(b.hash).toBe(a.hash);
    expect(a.log.length).toBe(320);
  });

  it('a different seed gives a different run', async () => {
    const a = await scenario(42);
    const c = await scenario(43);
    expect(c.hash).not.toBe(a.hash);
  });
});
