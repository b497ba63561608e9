// KDDM frames: every message round-trips through its binary layout, and
// frames from the network that are not well formed — seeded random bytes,
// seeded mutations of valid frames — throw KddmBadMessage and change nothing
// on the node that receives them. KRG_SEED=<n> replays a seed;
// KDDM_FRAME_FUZZ_RUNS=<n> (`pnpm run fuzz:frames`) runs longer.
import { encodeValue } from '@krg/ghost-io';
import { RpcLayer, SimNetwork } from '@krg/krg-rpc';
import { Rng, SimEngine } from '@krg/sim-engine';
import { describe, expect, it } from 'vitest';
import { KddmBadMessage } from './errors.js';
import {
  MAX_OBJECT_FRAME_BYTES,
  NO_PAYLOAD,
  OBJECT_FRAME_HEADER_BYTES,
  decodeFrame,
  encodeObjectFrame,
} from './frame.js';
import { KddmNode } from './kddm-node.js';
import { type KddmSet } from './kddm-set.js';
import { MAX_OBJECT_ID } from './limits.js';
import { type KddmMessage, MESSAGE_TYPES } from './messages.js';
import { type NodeSet } from './node-set.js';
import { ObjectState } from './object-state.js';
import { ALL_REQUEST_FLAGS } from './request-flags.js';
import { kddmOverRpc } from './rpc-transport.js';
import { counterLinker, makeCluster } from './sim-net.test-util.js';

const replay = process.env['KRG_SEED'];
const FUZZ_RUNS = Number(process.env['KDDM_FRAME_FUZZ_RUNS'] ?? 3000);
const SEED = replay === undefined ? 4242 : Number(replay);

function randomNodeSet(r: Rng): NodeSet {
  let s = 0n;
  const n = r.pick([0, 1, 2, 5, 64, 256]);
  for (let i = 0; i < n; i++) s |= 1n << BigInt(r.nextInt(256));
  return s;
}

function randomSafeInt(r: Rng): number {
  return r.pick([0, 1, r.nextInt(1 << 30), MAX_OBJECT_ID, r.nextInt(2 ** 21) * 2 ** 32 + 5]);
}

/** A random message with a random subset of its optional fields, and its payload. */
function randomMessage(r: Rng): { msg: KddmMessage; payload: unknown } {
  const msg: { -readonly [K in keyof KddmMessage]: KddmMessage[K] } = {
    type: r.pick(MESSAGE_TYPES),
    setId: Math.max(1, randomSafeInt(r)),
    objId: randomSafeInt(r),
    flags: r.nextInt(ALL_REQUEST_FLAGS + 1) & ALL_REQUEST_FLAGS,
    reqId: randomSafeInt(r),
    replyNode: r.nextInt(256),
  };
  if (r.chance(0.5)) msg.version = randomSafeInt(r);
  if (r.chance(0.3)) msg.newOwner = r.nextInt(256);
  if (r.chance(0.3)) msg.objectState = r.pick(Object.values(ObjectState));
  if (r.chance(0.3)) msg.master = { copyset: randomNodeSet(r), rmset: randomNodeSet(r) };
  if (r.chance(0.3)) msg.rmset = randomNodeSet(r);
  let payload: unknown = NO_PAYLOAD;
  if (r.chance(0.4)) {
    payload = r.pick([{ value: r.nextInt(1000) }, 'page', [1, 2, 3], null, new Uint8Array(16)]);
    msg.carriesObject = true;
  }
  return { msg, payload };
}

function encode(m: { msg: KddmMessage; payload: unknown }): Uint8Array {
  return encodeObjectFrame(m.msg, m.payload === NO_PAYLOAD ? undefined : encodeValue(m.payload));
}

/** Decodes, and says how it went: 'bad' for KddmBadMessage; anything else thrown fails the test. */
function tryDecode(frame: Uint8Array): 'bad' | ReturnType<typeof decodeFrame> {
  try {
    return decodeFrame(frame);
  } catch (error) {
    if (error instanceof KddmBadMessage) return 'bad';
    throw error;
  }
}

function mutate(r: Rng, frame: Uint8Array): Uint8Array {
  const b = Uint8Array.from(frame);
  switch (r.nextInt(4)) {
    case 0: {
      const flips = 1 + r.nextInt(3);
      for (let i = 0; i < flips; i++) b[r.nextInt(b.length)] = r.nextInt(256);
      return b;
    }
    case 1:
      return b.subarray(0, r.nextInt(b.length));
    case 2: {
      const longer = new Uint8Array(b.length + 1 + r.nextInt(8));
      longer.set(b);
      for (let i = b.length; i < longer.length; i++) longer[i] = r.nextInt(256);
      return longer;
    }
    default:
      // A field of the fixed header set to a random value.
      b[r.nextInt(OBJECT_FRAME_HEADER_BYTES)] = r.nextInt(256);
      return b;
  }
}

describe('KDDM frames', () => {
  it(`every message survives its frame (seed ${SEED})`, () => {
    const r = new Rng(SEED);
    for (let i = 0; i < 500; i++) {
      const m = randomMessage(r);
      const d = decodeFrame(encode(m));
      expect(d.kind, `seed ${SEED} message ${i}`).toBe('object');
      if (d.kind !== 'object') return;
      expect(d.msg).toEqual(m.msg);
      expect(d.payload).toEqual(m.payload);
    }
  });

  it('a frame is never rewritten after it was handed out', () => {
    const r = new Rng(SEED + 1);
    const first = randomMessage(r);
    const frame = encode(first);
    const copy = Uint8Array.from(frame);
    for (let i = 0; i < 5000; i++) encode(randomMessage(r));
    expect(frame).toEqual(copy);
  });

  it(`seeded random bytes throw KddmBadMessage or decode to a valid message (seed ${SEED})`, () => {
    const r = new Rng(SEED + 2);
    let decoded = 0;
    for (let i = 0; i < FUZZ_RUNS; i++) {
      const len = r.pick([0, 1, 8, 39, 40, 41, 64, 200]);
      const b = new Uint8Array(len);
      for (let k = 0; k < len; k++) b[k] = r.nextInt(256);
      if (len > 0 && r.chance(0.5)) b[0] = r.pick([1, 2]); // past the tag check more often
      const d = tryDecode(b);
      if (d !== 'bad') decoded++;
    }
    // Random bytes almost never make a frame; the count shows the checks are not vacuous.
    expect(decoded).toBeLessThan(FUZZ_RUNS / 10);
  });

  it(`mutations of valid frames throw KddmBadMessage or decode to a message that frames the same (seed ${SEED})`, () => {
    const r = new Rng(SEED + 3);
    let bad = 0;
    for (let i = 0; i < FUZZ_RUNS; i++) {
      const m = randomMessage(r);
      const mutated = mutate(r, encode(m));
      const d = tryDecode(mutated);
      if (d === 'bad') {
        bad++;
        continue;
      }
      // Accepted: it is a well-formed message, and (without a payload, whose codec bytes have
      // several spellings) its frame is exactly the mutated bytes: one message, one frame.
      if (d.kind === 'object' && d.payload === NO_PAYLOAD) {
        expect(encodeObjectFrame(d.msg, undefined), `seed ${SEED + 3} mutation ${i}`).toEqual(
          mutated,
        );
      }
    }
    expect(bad).toBeGreaterThan(FUZZ_RUNS / 4);
  });

  it('bounds are checked before anything is allocated', () => {
    const huge = new Uint8Array(MAX_OBJECT_FRAME_BYTES + 1);
    huge[0] = 1;
    expect(() => decodeFrame(huge)).toThrow(KddmBadMessage);
    const list = encode({
      msg: { type: 'REMOVE_DONE', setId: 1, objId: 1, flags: 0, replyNode: 0, rmset: 0b101n },
      payload: NO_PAYLOAD,
    });
    const tooMany = Uint8Array.from(list);
    tooMany[OBJECT_FRAME_HEADER_BYTES] = 0xff;
    tooMany[OBJECT_FRAME_HEADER_BYTES + 1] = 0xff; // 65535 nodes
    expect(() => decodeFrame(tooMany)).toThrow(/at most 256/);
  });
});

interface Box {
  value: number;
}

describe('a node fed malformed frames', () => {
  it(`throws KddmBadMessage and changes nothing (seed ${SEED})`, async () => {
    const c = makeCluster(3, 9, () => [counterLinker()]);
    const sets = c.nodes.map((n) =>
      n.createSet<Box>({ id: 1, linker: 'counter', home: 'round-robin' }),
    );
    // Some state to disturb: objects owned, copied and frozen on node 0.
    const valid: Uint8Array[] = [];
    c.scopes[0]!.spawn('setup', async () => {
      for (let id = 0; id < 6; id++) {
        await sets[id % 3]!.grab(id);
        sets[id % 3]!.put(id);
        await sets[0]!.get(id);
        if (id !== 2) sets[0]!.put(id);
      }
    });
    await c.engine.run();
    const snapshot = (s: KddmSet<Box>) =>
      s.objectIds().map((id) => [id, s.entryOf(id), s.peek(id), s.parkedMessages(id)]);
    const before = sets.map(snapshot);
    // Valid frames that would change node 0 if they got through, as mutation seeds.
    for (const type of MESSAGE_TYPES) {
      valid.push(
        encode({
          msg: {
            type,
            setId: 1,
            objId: 2,
            flags: 0,
            replyNode: 1,
            reqId: 1,
            version: 1,
            objectState: ObjectState.WRITE_OWNER,
            master: { copyset: 0b11n, rmset: 0n },
          },
          payload: { value: 99 },
        }),
      );
    }
    const r = new Rng(SEED + 4);
    let rejected = 0;
    for (let i = 0; i < FUZZ_RUNS; i++) {
      const frame = mutate(r, r.pick(valid));
      if (tryDecode(frame) !== 'bad') continue; // only malformed frames are fed in
      expect(() => c.nodes[0]!.receive(1, frame), `seed ${SEED + 4} frame ${i}`).toThrow(
        KddmBadMessage,
      );
      rejected++;
    }
    expect(rejected).toBeGreaterThan(FUZZ_RUNS / 4);
    expect(sets.map(snapshot)).toEqual(before);
    expect(c.nodes[0]!.isRecovering).toBe(false);
  });

  it('over krg-rpc: dropped and counted by the adapter, nothing else happens', async () => {
    const engine = new SimEngine({ seed: 3 });
    const rpc = new RpcLayer(engine, new SimNetwork(engine));
    const nodeMap = [0, 1];
    const bindings = nodeMap.map((id) => {
      const node = rpc.boot(id);
      const binding = kddmOverRpc(node);
      const k = new KddmNode({
        self: id,
        nodeMap,
        transport: binding.transport,
        scheduler: node.scope,
      });
      binding.attach(k);
      k.registerLinker(counterLinker());
      k.createSet({ id: 1, linker: 'counter', home: 'round-robin' });
      return binding;
    });
    const r = new Rng(SEED + 5);
    for (let i = 0; i < 50; i++) {
      const junk = new Uint8Array(1 + r.nextInt(60));
      for (let k = 0; k < junk.length; k++) junk[k] = r.nextInt(256);
      junk[0] = r.pick([1, 2, 9]);
      bindings[1]!.transport.send(0, junk);
    }
    await engine.run();
    expect(bindings[0]!.badMessages).toBe(50);
  });
});
