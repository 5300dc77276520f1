import type { SnapshotFrom } from 'xstate';
import { MASTER_SILENT, slaveClientMachine } from '../../../machines/slave-client/index.js';
import type { SlaveClientEvent } from '../../../machines/slave-client/index.js';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage } from '../support/coverage.js';
import { builtFailed, builtOk, helloData, pureWheel, statsData } from '../support/slave-fixtures.js';

const failure = new Error('service failed');
/** A transfer the master never answered (the file sender's silence limit). */
const silence = Object.assign(new Error('master fell silent: timed out'), { code: MASTER_SILENT });

/** Every reply the master could give, every outcome of every service, STOP. */
const fixedEvents = [
  { type: 'ACK', data: [7, 'http://index.example/simple'] },
  { type: 'SLEEP', data: false },
  { type: 'BUILD', data: ['foo', '1.0'] },
  { type: 'CONT', data: undefined },
  { type: 'SEND', data: pureWheel[0] },
  { type: 'SEND', data: 'not-ours-1.0-py3-none-any.whl' },
  { type: 'DONE', data: undefined },
  { type: 'DIE', data: undefined },
  { type: 'BAD_REPLY', error: failure },
  { type: 'STOP' },
  doneEvent('collectStats', statsData()),
  errorEvent('collectStats', failure),
  doneEvent('build', builtOk([pureWheel])),
  doneEvent('build', builtFailed()),
  errorEvent('build', failure),
  doneEvent('transfer', undefined),
  errorEvent('transfer', failure),
  errorEvent('transfer', silence),
  doneEvent('cleanup', undefined),
  errorEvent('cleanup', failure),
] as SlaveClientEvent[];

/** A snapshot's identity for the walk: its state and what steers a guard. */
function identity(s: SnapshotFrom<typeof slaveClientMachine>): string {
  const c = s.context;
  return JSON.stringify([s.value, s.status, c.slaveId !== null, c.job !== null, c.result?.[0] ?? null, c.filename, c.outcome?.reason ?? null]);
}

test('generated paths reach every state and every transition of the slave client', () => {
  // delays are resolved even by the pure walk; the random ones are the owner's to inject
  const machine = slaveClientMachine.provide({ delays: { sleepPause: 5000, contWait: 5000 } });
  const report = expectFullCoverage(machine, {
    input: { hello: helloData() },
    events: (snapshot) => [...fixedEvents, ...delayedEvents(snapshot)] as SlaveClientEvent[],
    serializeState: identity,
  });
  // The walk found the whole happy path to a transfer.
  const toTransfer = report.paths.find((p) => p.state.includes('"transferring"'));
  expect(toTransfer?.events.map((e) => e.type)).toEqual([
    'ACK', 'xstate.done.actor.collectStats', 'BUILD', 'xstate.done.actor.collectStats', 'CONT', 'xstate.done.actor.build', 'SEND',
  ]);
});
