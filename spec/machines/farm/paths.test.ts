import type { SnapshotFrom } from 'xstate';
import { SILENT_MS, farmMachine, masterPaused, type FarmEvent } from '../../../machines/farm/index.js';
import { expectFullCoverage } from '../support/coverage.js';
import { T0, at, masterHello, masterStats, slave, slaveJoins } from './fixtures.js';

/** Everything the client can feed the model: the socket coming and going, messages, the clock, our controls. */
const events: FarmEvent[] = [
  { type: 'LINK_UP', at: at(1) },
  { type: 'LINK_DOWN', at: at(2) },
  { type: 'STATUS', at: at(3), messages: [masterHello(0), masterStats(3), ...slaveJoins(1, 3)] },
  { type: 'STATUS', at: at(5), messages: [slave.sleep(1, 5, true)] },
  { type: 'STATUS', at: at(6), messages: [slave.build(1, 6)] },
  { type: 'STATUS', at: at(9), messages: [masterHello(8)] },
  { type: 'TICK', now: at(4) },
  { type: 'TICK', now: at(10) + SILENT_MS },
  { type: 'CONTROL', at: at(7), msg: { verb: 'SLEEP', data: null } },
  { type: 'CONTROL', at: at(8), msg: { verb: 'WAKE', data: null } },
  { type: 'CONTROL', at: at(8), msg: { verb: 'QUIT' } },
  { type: 'CONTROL', at: at(8), msg: { verb: 'KILL', data: 1 } },
];

/** The walk's notion of "another state": the chart's state and what its guards read. */
function identity(s: SnapshotFrom<typeof farmMachine>): string {
  const { master, now } = s.context;
  return JSON.stringify([s.value, masterPaused(master), master.quitAt !== null, master.facts?.started ?? null, master.heardAt !== null && now - master.heardAt > SILENT_MS]);
}

test('generated paths reach every state and every transition of the farm model', () => {
  const report = expectFullCoverage(farmMachine, { input: { now: T0 }, events: () => events, serializeState: identity });
  // e.g. the shortest way to a silent master: heard, then a long tick
  const silent = report.paths.find((p) => p.state.includes('"silent"'));
  expect(silent?.events.map((e) => e.type)).toEqual(['STATUS', 'TICK']);
});

test('on every generated step, the master region agrees with the evidence it is derived from', () => {
  expectFullCoverage(farmMachine, {
    input: { now: T0 },
    events: () => events,
    serializeState: identity,
    onTransition: (_from, _event, to) => {
      const s = to as SnapshotFrom<typeof farmMachine>;
      if (s.matches({ master: 'quitting' })) expect(s.context.master.quitAt).not.toBeNull();
      else expect(s.matches({ master: 'paused' })).toBe(masterPaused(s.context.master));
      // every message is folded: a live master has been heard
      if (s.matches({ link: 'live' }) || s.matches({ link: 'silent' })) expect(s.context.master.heardAt).not.toBeNull();
    },
  });
});
