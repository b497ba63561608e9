import { describe, expect, it } from 'vitest';
import { KddmBadObjectId, KddmBadSetId } from './errors.js';
import {
  UniqueIdGenerator,
  checkObjectId,
  makeUniqueId,
  uniqueIdLocal,
  uniqueIdNode,
} from './object-id.js';
import { SystemSetId, checkSetId, dynamicSetId, isStaticSetId, setManagerNode } from './set-id.js';

describe('object ids', () => {
  it('accepts integers 0..2^53-1 and rejects everything else with a typed error', () => {
    expect(checkObjectId(0)).toBe(0);
    expect(checkObjectId(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, '3', null, 2n]) {
      expect(() => checkObjectId(bad)).toThrow(KddmBadObjectId);
    }
  });

  it('puts the creating node in bits 45..52', () => {
    const id = makeUniqueId(255, 7);
    expect(id).toBe(255 * 2 ** 45 + 7);
    expect(id).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(uniqueIdNode(id)).toBe(255);
    expect(uniqueIdLocal(id)).toBe(7);
    expect(uniqueIdNode(makeUniqueId(0, 2 ** 45 - 1))).toBe(0);
    expect(() => makeUniqueId(1, 2 ** 45)).toThrow(KddmBadObjectId);
    expect(() => makeUniqueId(256, 1)).toThrow();
  });

  it('hands out distinct ids per node that never collide across nodes', () => {
    const a = new UniqueIdGenerator(3);
    const b = new UniqueIdGenerator(4);
    const ids = new Set<number>();
    for (let i = 0; i < 100; i++) {
      ids.add(a.take());
      ids.add(b.take());
    }
    expect(ids.size).toBe(200);
    expect([...ids].every((id) => [3, 4].includes(uniqueIdNode(id)))).toBe(true);
  });
});

describe('set ids', () => {
  it('has the reference static ids', () => {
    expect(SystemSetId).toMatchObject({
      TASK: 1,
      SIGNAL_STRUCT: 2,
      SIGHAND_STRUCT: 3,
      APP: 8,
      SHMID: 9,
      SHMKEY: 10,
      SHMMAP: 11,
      PID: 20,
      CHILDREN: 21,
      MM_STRUCT: 28,
      PIDMAP_MAP: 29,
    });
    expect(isStaticSetId(SystemSetId.PIDMAP_MAP)).toBe(true);
  });

  it('gives dynamic sets unique ids above the static range whose manager is the creator', () => {
    const id = dynamicSetId(0, 32);
    expect(id).toBe(32);
    expect(isStaticSetId(id)).toBe(false);
    const remote = dynamicSetId(9, 40);
    expect(setManagerNode(remote, [0, 3, 9], 3)).toBe(9);
    // creator gone: falls back to a present node
    expect([0, 3]).toContain(setManagerNode(remote, [0, 3], 3));
    expect(() => dynamicSetId(1, 5)).toThrow(KddmBadSetId);
    expect(() => checkSetId(0)).toThrow(KddmBadSetId);
  });
});
