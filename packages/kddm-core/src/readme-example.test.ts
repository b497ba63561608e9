// The README's example, kept runnable.
import { SimEngine } from '@krg/sim-engine';
import { expect, it } from 'vitest';
import { KddmNode, type KddmTransport } from './index.js';

it('runs the README example', async () => {
  const out: number[] = [];
  const engine = new SimEngine({ seed: 1 });
  const nodes: KddmNode[] = [];
  const transport = (from: number): KddmTransport => ({
    send: (to, wire) => void engine.schedule(10_000, () => nodes[to]!.receive(from, wire)),
  });
  for (const self of [0, 1]) {
    const node = new KddmNode({
      self,
      nodeMap: [0, 1],
      transport: transport(self),
      scheduler: engine.createScope(`n${self}`),
    });
    node.registerLinker({ name: 'box', firstTouch: () => ({ value: 0 }) });
    node.createSet({ id: 1, linker: 'box', home: 'round-robin' });
    nodes.push(node);
  }
  const [a, b] = nodes.map((n) => n.set<{ value: number }>(1)!);
  engine.spawn('demo', async () => {
    const obj = await a!.grab(7);
    obj!.value = 42;
    a!.put(7);
    const copy = await b!.get(7);
    out.push(copy!.value);
    b!.put(7);
  });
  await engine.run();
  expect(out).toEqual([42]);
});
