import { createActor } from 'xstate';
import { ENDED_LINGER_MS, farmMachine, sortedSlaves, type StatusMessage } from '../../../../machines/farm/index.js';
import { displayOrder } from '../../../../actors/sense/display/order.js';
import { at, masterHello, slave, slaveJoins } from '../../../machines/farm/fixtures.js';

function farm() {
  const actor = createActor(farmMachine, { input: { now: at(0) } }).start();
  const status = (seconds: number, ...messages: StatusMessage[]) => actor.send({ type: 'STATUS', at: at(seconds), messages });
  const tick = (seconds: number) => actor.send({ type: 'TICK', now: at(seconds) });
  return { status, tick, context: () => actor.getSnapshot().context };
}

const labels = (order: ReturnType<typeof displayOrder>) => order.map((s) => `${s.facts?.abi} ${s.facts?.label}`);

test('the display order is the model’s, kept up to date as slaves come, report, change and go', () => {
  const f = farm();
  f.status(0, masterHello(0), ...slaveJoins(1, 0, { abi: 'cp311', label: 'pi-10' }), ...slaveJoins(2, 0, { abi: 'cp39', label: 'pi-2' }));
  expect(labels(displayOrder(f.context()))).toEqual(['cp39 pi-2', 'cp311 pi-10']);

  // a report changes the slave, not the order: the same slaves in the same order, as they are now
  f.status(5, slave.build(1, 5));
  const order = displayOrder(f.context());
  expect(order.map((s) => s.id)).toEqual([2, 1]);
  expect(order[1]).toBe(f.context().slaves.get(1));
  expect(order[1]!.activity).toBe('building');

  // one more, and a slave greeting again under another label
  f.status(6, ...slaveJoins(3, 6, { abi: 'cp39', label: 'pi-1' }));
  expect(labels(displayOrder(f.context()))).toEqual(['cp39 pi-1', 'cp39 pi-2', 'cp311 pi-10']);
  f.status(7, ...slaveJoins(2, 7, { abi: 'cp39', label: 'pi-0' }));
  expect(labels(displayOrder(f.context()))).toEqual(['cp39 pi-0', 'cp39 pi-1', 'cp311 pi-10']);
  expect(displayOrder(f.context())).toEqual(sortedSlaves(f.context()));

  // a slave killed leaves the list a few seconds later
  f.status(8, slave.die(3, 8));
  f.tick(8 + ENDED_LINGER_MS / 1000 + 1);
  expect(labels(displayOrder(f.context()))).toEqual(['cp39 pi-0', 'cp311 pi-10']);
});

test('asking again for the same model costs nothing: the same array', () => {
  const f = farm();
  f.status(0, masterHello(0), ...slaveJoins(1, 0));
  expect(displayOrder(f.context())).toBe(displayOrder(f.context()));
});
