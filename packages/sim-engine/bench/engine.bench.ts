// Engine throughput: timer events per wall second, against a bare binary heap
// doing the same pushes and pops. Classic "hold" model: HOLD timers pending at
// all times; each firing schedules the next one a pseudo-random delay later.
//
// Run: pnpm bench   (node --conditions=@krg/source --import tsx bench/engine.bench.ts)
import { SimEngine } from '../src/index.js';

const HOLD = 1000;
const EVENTS = 2_000_000;
const RESUMES = 200_000;
const ROUNDS = 3;

// The same delay sequence for both sides (a fixed LCG, no engine involved).
const delays = new Uint32Array(EVENTS + HOLD);
let x = 12345;
for (let i = 0; i < delays.length; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  delays[i] = 1 + (x % 10_000);
}

/** Events per second of this process's CPU time, alongside the wall figure (the machine is shared). */
interface Rate {
  wall: number;
  cpu: number;
}

function rate(count: number, t0: bigint, c0: NodeJS.CpuUsage): Rate {
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  return { wall: count / wall, cpu: count / ((cpu.user + cpu.system) / 1e6) };
}

async function timeEngine(): Promise<Rate> {
  const engine = new SimEngine({ seed: 1 });
  let next = 0;
  let fired = 0;
  const onFire = (): void => {
    fired++;
    if (next < EVENTS + HOLD) engine.schedule(delays[next++]!, onFire);
  };
  for (let i = 0; i < HOLD; i++) engine.schedule(delays[next++]!, onFire);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await engine.run();
  if (fired !== EVENTS + HOLD) throw new Error(`fired ${fired}`);
  return rate(fired, t0, c0);
}

interface Entry {
  timeNs: number;
  seq: number;
  fn: () => void;
}

function timeBareHeap(): Rate {
  const heap: Entry[] = [];
  let seq = 0;
  let now = 0;
  const before = (a: Entry, b: Entry): boolean =>
    a.timeNs < b.timeNs || (a.timeNs === b.timeNs && a.seq < b.seq);
  const push = (e: Entry): void => {
    let i = heap.length;
    heap.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = e;
  };
  const pop = (): Entry | undefined => {
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let c = l;
        if (l + 1 < n && before(heap[l + 1]!, heap[l]!)) c = l + 1;
        if (!before(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  let next = 0;
  let fired = 0;
  const onFire = (): void => {
    fired++;
    if (next < EVENTS + HOLD) push({ timeNs: now + delays[next++]!, seq: seq++, fn: onFire });
  };
  for (let i = 0; i < HOLD; i++) push({ timeNs: delays[next++]!, seq: seq++, fn: onFire });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let e = pop(); e !== undefined; e = pop()) {
    now = e.timeNs;
    e.fn();
  }
  if (fired !== EVENTS + HOLD) throw new Error(`fired ${fired}`);
  return rate(fired, t0, c0);
}

/** Task resumptions: each sleep end wakes an async function (one macrotask yield each). */
async function timeResumes(): Promise<Rate> {
  const engine = new SimEngine({ seed: 1 });
  const tasks = 100;
  for (let t = 0; t < tasks; t++) {
    engine.spawn(`t${t}`, async () => {
      for (let i = 0; i < RESUMES / tasks; i++) await engine.sleep(1 + ((i * 7 + t) % 50));
    });
  }
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = await engine.run();
  return rate(r.events, t0, c0);
}

const fmt = (v: number): string => `${(v / 1e6).toFixed(2)} M/s`;
for (let round = 1; round <= ROUNDS; round++) {
  const heap = timeBareHeap();
  const engine = await timeEngine();
  const resumes = await timeResumes();
  console.log(
    `round ${round}: engine timer events ${fmt(engine.wall)} wall, ${fmt(engine.cpu)} cpu | bare heap ${fmt(heap.wall)} wall, ${fmt(heap.cpu)} cpu | ratio ${(engine.wall / heap.wall).toFixed(2)} wall, ${(engine.cpu / heap.cpu).toFixed(2)} cpu | goal >= 1 M/s wall: ${engine.wall >= 1e6 ? 'met' : 'NOT met'} | task resumptions ${fmt(resumes.wall)} wall, ${fmt(resumes.cpu)} cpu`,
  );
}
