import { SimEngine } from '@krg/sim-engine';
import { describe, expect, it } from 'vitest';
import { CallDeadlines } from './call-deadlines.js';

interface Call {
  name: string;
  deadlineNs: number;
  isEnded: boolean;
}

function setup() {
  const engine = new SimEngine({ seed: 1 });
  const expired: string[] = [];
  const list = new CallDeadlines<Call>(engine, (c) => {
    c.isEnded = true;
    expired.push(`${c.name}@${engine.nowNs}`);
  });
  const add = (name: string, timeoutNs: number): Call => {
    const c = { name, deadlineNs: engine.nowNs + timeoutNs, isEnded: false };
    list.add(c);
    return c;
  };
  const end = (c: Call): void => {
    c.isEnded = true;
    list.noteEnded();
  };
  return { engine, expired, list, add, end };
}

describe('CallDeadlines', () => {
  it('expires calls at their deadlines, in deadline then call order, whatever the timeouts', async () => {
    const { engine, expired, add } = setup();
    add('a', 100);
    add('b', 50); // shorter than one already waiting: goes before it
    add('c', 100);
    engine.schedule(10, () => add('d', 40)); // same deadline as b, added later
    engine.schedule(20, () => add('e', 5));
    await engine.run();
    expect(expired).toEqual(['e@25', 'b@50', 'd@50', 'a@100', 'c@100']);
  });

  it('ended calls never expire, and an idle list keeps no timer', async () => {
    const { engine, expired, list, add, end } = setup();
    const a = add('a', 100);
    const b = add('b', 200);
    engine.schedule(10, () => end(a));
    engine.schedule(20, () => {
      end(b);
      expect(list.size).toBe(0);
      expect(engine.pendingEvents).toBe(0);
    });
    const result = await engine.run();
    expect(expired).toEqual([]);
    expect(result.nowNs).toBe(20);
  });

  it('stays bounded by the live calls when calls end much sooner than their deadlines', async () => {
    const { engine, expired, list, add, end } = setup();
    let maxSize = 0;
    const live: Call[] = [];
    for (let i = 0; i < 5000; i++) {
      engine.schedule(i, () => {
        live.push(add(`c${i}`, 1_000_000));
        // Four calls open at a time, ending in call order.
        if (live.length > 4) end(live.shift()!);
        maxSize = Math.max(maxSize, list.size);
      });
    }
    await engine.run();
    expect(maxSize).toBeLessThan(200);
    expect(expired).toEqual(live.map((c) => `${c.name}@${c.deadlineNs}`));
  });
});
