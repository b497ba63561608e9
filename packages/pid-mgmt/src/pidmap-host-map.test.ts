// Goal: the pidmap-host rules of reference §7 (join, leave, adoption on
// reservation) as pure functions. Method: one case per rule.
import { describe, expect, test } from 'vitest';
import {
  NO_HOST,
  adoptAfterCrash,
  emptyPidmapHosts,
  hostForReservation,
  joinNode,
  leaveNode,
} from './index.js';

const allAlive = () => true;

describe('joinNode', () => {
  test('a new node id creates its own pidmap', () => {
    const r = joinNode(emptyPidmapHosts(), 4, allAlive);
    expect(r.hosts[4]).toBe(4);
    expect(r.moves).toEqual([{ kind: 'create', owner: 4, at: 4 }]);
  });

  test('a returning node takes its pidmap back from the adoptive host', () => {
    const left = leaveNode(joinNode(emptyPidmapHosts(), 4, allAlive).hosts, 4, 7);
    expect(left.moves).toEqual([{ kind: 'inject', owner: 4, to: 7 }]);
    const back = joinNode(left.hosts, 4, allAlive);
    expect(back.moves).toEqual([{ kind: 'steal', owner: 4, from: 7 }]);
    expect(back.hosts[4]).toBe(4);
  });

  test('a returning node whose adoptive host died starts a fresh pidmap', () => {
    const left = leaveNode(joinNode(emptyPidmapHosts(), 4, allAlive).hosts, 4, 7);
    const back = joinNode(left.hosts, 4, (n) => n !== 7);
    expect(back.moves).toEqual([{ kind: 'create', owner: 4, at: 4 }]);
  });
});

describe('leaveNode', () => {
  test('hands every pidmap the node holds, foreign ones included, to the heir', () => {
    let hosts = joinNode(emptyPidmapHosts(), 1, allAlive).hosts;
    hosts = joinNode(hosts, 2, allAlive).hosts;
    hosts = leaveNode(hosts, 2, 1).hosts; // 1 now holds 1 and 2
    const r = leaveNode(hosts, 1, 3);
    expect(r.moves).toEqual([
      { kind: 'inject', owner: 1, to: 3 },
      { kind: 'inject', owner: 2, to: 3 },
    ]);
    expect(r.hosts[1]).toBe(3);
    expect(r.hosts[2]).toBe(3);
  });
});

describe('hostForReservation', () => {
  test('uses the live host of the origin', () => {
    const hosts = joinNode(emptyPidmapHosts(), 5, allAlive).hosts;
    expect(hostForReservation(hosts, 5, 0, allAlive)).toMatchObject({ host: 5, moves: [] });
  });

  test('makes the requester adopt a fresh pidmap when the origin never existed or its host died', () => {
    const never = hostForReservation(emptyPidmapHosts(), 5, 0, allAlive);
    expect(never.host).toBe(0);
    expect(never.moves).toEqual([{ kind: 'create', owner: 5, at: 0 }]);
    const hosts = joinNode(emptyPidmapHosts(), 5, allAlive).hosts;
    const dead = hostForReservation(hosts, 5, 2, (n) => n !== 5);
    expect(dead.host).toBe(2);
    expect(dead.hosts[5]).toBe(2);
    expect(emptyPidmapHosts()[5]).toBe(NO_HOST);
  });
});

describe('adoptAfterCrash', () => {
  test('the heir starts a fresh pidmap for every owner the dead node hosted', () => {
    let hosts = joinNode(emptyPidmapHosts(), 1, allAlive).hosts;
    hosts = joinNode(hosts, 2, allAlive).hosts;
    hosts = leaveNode(hosts, 2, 1).hosts; // 1 holds 1 and 2
    const r = adoptAfterCrash(hosts, 1, 3);
    expect(r.moves).toEqual([
      { kind: 'create', owner: 1, at: 3 },
      { kind: 'create', owner: 2, at: 3 },
    ]);
    expect(r.hosts[1]).toBe(3);
    expect(r.hosts[2]).toBe(3);
    // The owner takes its map back from the heir when it rejoins.
    expect(joinNode(r.hosts, 1, allAlive).moves).toEqual([{ kind: 'steal', owner: 1, from: 3 }]);
  });

  test('a node that hosted nothing leaves the map as it was', () => {
    const hosts = joinNode(emptyPidmapHosts(), 1, allAlive).hosts;
    expect(adoptAfterCrash(hosts, 5, 1)).toEqual({ hosts, moves: [] });
  });
});
