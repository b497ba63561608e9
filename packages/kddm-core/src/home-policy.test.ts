import { describe, expect, it } from 'vitest';
import { KddmBadUsage } from './errors.js';
import {
  customHome,
  defaultOwner,
  fixedHome,
  nextPresentNode,
  roundRobinHome,
  uniqueIdHome,
} from './home-policy.js';
import { makeUniqueId } from './object-id.js';

describe('home policies (default owner)', () => {
  const nodes = [0, 2, 5, 7];
  it('round-robin picks the (objid % nr)-th present node', () => {
    expect([0, 1, 2, 3, 4].map((id) => defaultOwner(roundRobinHome, id, nodes, 2))).toEqual([
      0, 2, 5, 7, 0,
    ]);
  });

  it('unique-id picks the creator, else falls back to round-robin', () => {
    expect(defaultOwner(uniqueIdHome, makeUniqueId(5, 9), nodes, 0)).toBe(5);
    const orphan = makeUniqueId(6, 9);
    expect(defaultOwner(uniqueIdHome, orphan, nodes, 0)).toBe(nodes[orphan % 4]);
  });

  it('fixed picks its node, else the (node % nr)-th', () => {
    expect(defaultOwner(fixedHome(7), 123, nodes, 0)).toBe(7);
    expect(defaultOwner(fixedHome(6), 123, nodes, 0)).toBe(nodes[6 % 4]);
  });

  it('custom uses the callback (PID-style origin node with ring fallback)', () => {
    const byOrigin = customHome((objId, present) => nextPresentNode(objId >> 22, present));
    expect(defaultOwner(byOrigin, (5 << 22) | 77, nodes, 0)).toBe(5);
    expect(defaultOwner(byOrigin, (6 << 22) | 77, nodes, 0)).toBe(7);
    expect(defaultOwner(byOrigin, (8 << 22) | 77, nodes, 0)).toBe(0);
    const broken = customHome(() => 3);
    expect(() => defaultOwner(broken, 1, nodes, 0)).toThrow(KddmBadUsage);
  });

  it('an empty node map makes the local node home', () => {
    expect(defaultOwner(roundRobinHome, 42, [], 9)).toBe(9);
  });
});
