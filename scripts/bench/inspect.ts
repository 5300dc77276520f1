/**
 * What `piw-master --inspect` costs the master: 500 actors (as 500 slave sessions) each handed events in
 * turn, a status-like payload on each, in one actor system, timed without an inspector, with the live
 * view's recorder attached and no page open, and with a page watching (a delta taken and serialised every
 * 250 ms, as the server does); an inspector that does nothing separates xstate's own cost of inspection
 * from the recorder's. Prints events/s for each (best of 3 rounds), the cost per event, the bytes of a
 * push when every actor changed, and the heap the recorder holds (500 actors × the last 20 events).
 *
 *   node --expose-gc --import tsx scripts/bench/inspect.ts [actors] [events]
 */
import { performance } from 'node:perf_hooks';
import { assign, createActor, setup, type AnyActorRef, type InspectionEvent } from 'xstate';
import { ChartIndex } from '../../actors/inspect/charts.js';
import { Recorder } from '../../actors/inspect/recorder.js';

const ACTORS = Number(process.argv[2] ?? 500);
const EVENTS = Number(process.argv[3] ?? 200_000);
const ROUNDS = 3;

type Ev = { type: 'IDLE' | 'BUSY' | 'BUILT'; at: Date; data: unknown[] };

const session = setup({ types: { events: {} as Ev, context: {} as { n: number } } }).createMachine({
  id: 'session',
  context: { n: 0 },
  initial: 'ready',
  states: {
    ready: { on: { IDLE: { target: 'requesting', actions: assign({ n: ({ context }) => context.n + 1 }) } } },
    requesting: { on: { BUSY: 'building', IDLE: 'ready' } },
    building: { on: { BUSY: 'building', BUILT: 'ready' } },
  },
});

const root = setup({ types: { events: {} as { type: 'SPAWN'; id: string } }, actors: { session } }).createMachine({
  id: 'root',
  on: { SPAWN: { actions: assign(({ spawn, event }) => (spawn('session', { id: event.id }), {})) } },
});

const STATS = [900 * 1000, 2_000_000_000, 500_000_000, 1_000_000_000, 4, 1.5, 0.7, 0.4, 48.2, 'pi4', 'armv7l', 'Raspbian 11'];
const TYPES: Ev['type'][] = ['IDLE', 'BUSY', 'BUSY', 'BUILT', 'IDLE', 'IDLE'];

/** Sends EVENTS events round-robin to ACTORS children; returns the milliseconds it took. */
function run(inspect?: (e: InspectionEvent) => void, onTick?: () => void): number {
  const actor = createActor(root, inspect === undefined ? {} : { inspect }).start();
  for (let i = 0; i < ACTORS; i++) actor.send({ type: 'SPAWN', id: `slave:${i}` });
  const children = Object.values(actor.getSnapshot().children) as AnyActorRef[];
  const at = new Date();
  const started = performance.now();
  let lastTick = started;
  for (let i = 0; i < EVENTS; i++) {
    children[i % ACTORS]!.send({ type: TYPES[Math.floor(i / ACTORS) % TYPES.length]!, at, data: STATS });
    if (onTick !== undefined && (i & 1023) === 0 && performance.now() - lastTick >= 250) {
      lastTick = performance.now();
      onTick();
    }
  }
  const ms = performance.now() - started;
  actor.stop();
  return ms;
}

console.log(`${ACTORS} actors, ${EVENTS.toLocaleString('en')} events, best of ${ROUNDS} rounds (node ${process.version}; indicative on a shared machine)`);
const watching = new Recorder({ charts: new ChartIndex({ session }) });
watching.watch(true);
let pushes = 0;
let pushBytes = 0;
const configs: [string, () => number][] = [
  ['no inspector (--inspect off)', () => run()],
  ['an inspector that does nothing', () => run(() => {})],
  ['recorder, no page open', () => run(new Recorder({ charts: new ChartIndex({ session }) }).observe)],
  [
    'recorder, a page watching (250 ms)',
    () =>
      run(watching.observe, () => {
        pushBytes += JSON.stringify(watching.takeChanges()).length;
        pushes++;
      }),
  ],
];
run(); // warm-up
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, go] of configs) best.set(label, Math.min(best.get(label) ?? Infinity, go()));
}
for (const [label, ms] of best) console.log(`${label.padEnd(36)} ${Math.round(EVENTS / (ms / 1000)).toLocaleString('en').padStart(10)} events/s`);
const [bare, empty, unwatched, watched] = [...best.values()] as [number, number, number, number];
// Per event sent: xstate's own inspection events (microsteps, actions, snapshots), then the recorder's.
const perEvent = (ms: number, base: number) => (((ms - base) / EVENTS) * 1e6).toFixed(0);
console.log(`cost per event: xstate's inspection ${perEvent(empty, bare)} ns; the recorder on top ${perEvent(unwatched, empty)} ns (no page), ${perEvent(watched, empty)} ns (page watching)`);

// One push in which every actor changed, the most a page is sent per interval.
const full = new Recorder({ charts: new ChartIndex({ session }) });
full.watch(true);
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const holder = createActor(root, { inspect: full.observe }).start();
for (let i = 0; i < ACTORS; i++) holder.send({ type: 'SPAWN', id: `slave:${i}` });
const kids = Object.values(holder.getSnapshot().children) as AnyActorRef[];
for (let i = 0; i < ACTORS * 25; i++) kids[i % ACTORS]!.send({ type: 'IDLE', at: new Date(), data: STATS });
const bytes = JSON.stringify(full.takeChanges()).length;
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
console.log(`a push with all ${ACTORS} actors changed: ${(bytes / 1024).toFixed(0)} KiB (at most 4 a second: ${((bytes * 4) / 1024).toFixed(0)} KiB/s per page)`);
console.log(`pushes while the page watched: ${pushes}, ${(pushBytes / Math.max(1, pushes) / 1024).toFixed(0)} KiB each on average`);
console.log(`heap for ${ACTORS} actors with 20 events each (actors included): ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB${global.gc ? '' : ' (run with node --expose-gc for a steadier figure)'}`);
holder.stop();
