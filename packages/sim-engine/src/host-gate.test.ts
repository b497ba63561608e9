// The host-operation gate with real files: host I/O finishes in wall-clock
// order (made deliberately random here), yet the simulated run is the same.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskIoTimeNs, DEFAULT_COST_MODEL, nodeCost } from './cost-model.js';
import { SimEngine } from './sim-engine.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'krg-sim-gate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real host delay of 0-3 ms, different every call: the host's noise. */
function hostJitter(): Promise<void> {
  // Host-side code: wall-clock randomness is the point here, never in simulated code.
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
}

async function scenario(tag: string): Promise<{ hash: string; log: string[] }> {
  const engine = new SimEngine({ seed: 99 });
  const disk = nodeCost(DEFAULT_COST_MODEL, 0);
  const log: string[] = [];
  for (let t = 0; t < 4; t++) {
    const node = engine.createScope(`n${t}`);
    node.spawn(`writer${t}`, async () => {
      for (let i = 0; i < 5; i++) {
        const path = join(dir, `${tag}-${t}-${i}.bin`);
        const data = Buffer.alloc(1000 * (t + 1) + i, t);
        await node.hostOp(
          async () => {
            await hostJitter();
            await writeFile(path, data);
          },
          diskIoTimeNs(disk, data.length),
        );
        log.push(`${engine.nowNs} n${t} wrote ${i}`);
        const back = await node.hostOp(
          async () => {
            await hostJitter();
            return readFile(path);
          },
          (b: Buffer) => diskIoTimeNs(disk, b.length),
        );
        log.push(`${engine.nowNs} n${t} read ${back.length}`);
        await node.sleep(engine.rng.intBetween(0, 20_000));
      }
    });
  }
  engine.schedule(0, () => {
    for (let k = 1; k <= 20; k++)
      engine.schedule(k * 7_000, () => log.push(`${engine.nowNs} tick`));
  });
  await engine.run();
  return { hash: engine.traceHash, log };
}

describe('host-operation gate', () => {
  it('keeps runs with real, jittery file I/O identical', async () => {
    const a = await scenario('a');
    const b = await scenario('b');
    expect(b.log).toEqual(a.log);
    expect(b.hash).toBe(a.hash);
    expect(a.log.filter((l) => l.includes('read')).length).toBe(20);
  });

  it('completes at issue instant + cost, and does not dispatch past the issue instant meanwhile', async () => {
    const engine = new SimEngine({ seed: 1 });
    const log: string[] = [];
    let hostDone = false;
    engine.spawn('io', async () => {
      await engine.sleep(100);
      const v = await engine.hostOp(async () => {
        await new Promise((r) => setTimeout(r, 20));
        hostDone = true;
        return 'data';
      }, 500);
      log.push(`${engine.nowNs} got ${v}`);
    });
    // Due at 101, right after the op is issued at 100: must wait for the host.
    engine.schedule(101, () => log.push(`${engine.nowNs} timer hostDone=${hostDone}`));
    await engine.run();
    expect(log).toEqual(['101 timer hostDone=true', '600 got data']);
  });

  it('a dead scope starts no host operation', async () => {
    const engine = new SimEngine({ seed: 1 });
    const node = engine.createScope('n');
    node.kill();
    let started = false;
    void node.hostOp(async () => {
      started = true;
    }, 10);
    await engine.run();
    expect(started).toBe(false);
  });

  it('delivers a host failure as a rejection at the simulated instant', async () => {
    const engine = new SimEngine({ seed: 1 });
    let caught: unknown;
    engine.spawn('io', async () => {
      try {
        await engine.hostOp(() => readFile(join(dir, 'does-not-exist')), 40);
      } catch (e) {
        caught = e;
      }
    });
    await engine.run();
    expect((caught as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(engine.nowNs).toBe(40);
  });
});
