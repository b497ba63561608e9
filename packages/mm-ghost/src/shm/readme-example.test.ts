// Goal: the SysV shm example of the README runs and says what it claims.
import { ROOT_CREDENTIALS } from '@krg/epm-core';
import { expect, test } from 'vitest';
import { AddressSpace, IPC_PRIVATE, ShmNode, SingleNodeKddm } from '../index.js';

test('README: two address spaces attached to one segment share its bytes', async () => {
  const shm = new ShmNode({
    kddm: new SingleNodeKddm(),
    spawn: (_name, work) => void work(),
  });
  const caller = { pid: 100, credentials: ROOT_CREDENTIALS, nowS: 0 };
  const created = await shm.get(caller, IPC_PRIVATE, 8192, 0o600);
  const shmId = created.ok ? created.value : -1;
  const [a, b] = [new AddressSpace(), new AddressSpace()];
  const at = await shm.attach(caller, a, shmId, 0, 0);
  const fixed = await shm.attach(caller, b, shmId, 0x10_0000_0000, 0);
  expect(fixed).toEqual({ ok: true, value: 0x10_0000_0000 });
  a.writeUser(at.ok ? at.value : 0, new TextEncoder().encode('hi'));
  expect(b.readUser(0x10_0000_0000, 2)).toEqual(new TextEncoder().encode('hi'));
  const stat = await shm.stat(caller, shmId);
  expect(stat.ok && stat.value.nattch).toBe(2);
  expect(stat.ok && stat.value.segszBytes).toBe(8192);
});
