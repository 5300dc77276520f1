/**
 * The farm model: what piw-monitor and piw-sense show, folded from the master's status queue.
 *
 * Usage (actors/monitor/ does all of this for you; use it directly only in tests or tools):
 *
 *   import { createActor } from 'xstate';
 *   import { farmMachine, sortedSlaves, slaveState, masterSummary, linkState, masterState } from '../machines/farm/index.js';
 *
 *   const farm = createActor(farmMachine, { input: { now: Date.now() } }).start();
 *   farm.send({ type: 'LINK_UP', at: Date.now() });                       // the status socket connected
 *   farm.send({ type: 'STATUS', at: Date.now(), messages: [msg, ...] });  // decoded by monitorProtocol
 *   farm.send({ type: 'TICK', now: Date.now() });                         // about once a second
 *   farm.send({ type: 'CONTROL', at: Date.now(), msg: { verb: 'SLEEP', data: null } }); // what we sent
 *
 *   const snap = farm.getSnapshot();
 *   linkState(snap);                 // 'absent' | 'asking' | 'live' | 'silent'
 *   masterState(snap);               // 'running' | 'paused' | 'quitting'
 *   for (const s of sortedSlaves(snap.context)) slaveState(s, snap.context.now); // 'idle' | 'building' | …
 *   masterSummary(snap.context);     // uptime, queue, builds/hour, disk, last heard, restarts
 *
 * The context is immutable: `context.master`, `context.slaves` and each slave object stay the same objects
 * until something about them changes, so a face can tell cheaply what it must draw again. machine.ts has the chart, fold.ts the rules, types.ts the shapes.
 */
export * from './types.js';
export { farmMachine, SILENT_MS, type FarmMachine } from './machine.js';
export { foldStatus, foldControl, foldTick, initialContext, masterPaused, ENDED_LINGER_MS, HISTORY_MS, HISTORY_MAX } from './fold.js';
export {
  LONG_BUILD_MS,
  byAbi,
  compareSlaves,
  historySeries,
  isLongBuild,
  linkState,
  masterState,
  masterSummary,
  slaveAlerts,
  slaveState,
  slaveTimedOut,
  sortedSlaves,
  type LinkState,
  type MasterState,
  type MasterSummary,
  type SeriesName,
  type SlaveState,
} from './views.js';
