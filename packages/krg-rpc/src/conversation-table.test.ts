import { describe, expect, it } from 'vitest';
import { ConversationTable } from './conversation-table.js';
import { RpcLimitExceeded } from './errors.js';
import { MAX_OPEN_CONVERSATIONS } from './limits.js';

interface Conv {
  convId: number;
  tag: string;
}

describe('ConversationTable', () => {
  it('finds live entries by id, never a stale id that maps to the same slot', () => {
    const t = new ConversationTable<Conv>();
    const open: Conv[] = [];
    // Long-lived entries while many short ones come and go (ids wrap the slots many times).
    for (let i = 0; i < 3; i++) {
      const c = { convId: t.allocateId(0), tag: `long${i}` };
      t.add(c);
      open.push(c);
    }
    for (let i = 0; i < 1000; i++) {
      const c = { convId: t.allocateId(0), tag: `short${i}` };
      t.add(c);
      expect(t.get(c.convId)).toBe(c);
      expect(t.remove(c)).toBe(true);
      expect(t.get(c.convId)).toBeUndefined();
      expect(t.remove(c)).toBe(false);
    }
    for (const c of open) expect(t.get(c.convId)).toBe(c);
    expect(t.size).toBe(3);
    // A lookup of an id never handed out, even one sharing a slot, finds nothing.
    expect(t.get(open[0]!.convId + 16)).toBeUndefined();
  });

  it('grows without losing entries and hands out distinct ids', () => {
    const t = new ConversationTable<Conv>();
    const ids = new Set<number>();
    const all: Conv[] = [];
    for (let i = 0; i < 5000; i++) {
      const c = { convId: t.allocateId(0), tag: String(i) };
      expect(ids.has(c.convId)).toBe(false);
      ids.add(c.convId);
      t.add(c);
      all.push(c);
      if (i % 3 === 0) t.remove(all[i >> 1]!);
    }
    for (const c of all) {
      const found = t.get(c.convId);
      expect(found === c || found === undefined).toBe(true);
    }
    expect(t.entries().length).toBe(t.size);
  });

  it('refuses ids beyond MAX_OPEN_CONVERSATIONS with a typed error', () => {
    const t = new ConversationTable<Conv>();
    t.add({ convId: t.allocateId(0), tag: 'x' });
    expect(() => t.allocateId(MAX_OPEN_CONVERSATIONS - 1)).toThrow(RpcLimitExceeded);
    expect(t.size).toBe(1);
  });
});
