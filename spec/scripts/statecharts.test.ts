import { setup } from 'xstate';
import { drawMachine } from '../../scripts/statecharts.js';
import { allMachines } from '../../scripts/statecharts/catalogue.js';

const door = setup({ guards: { unlocked: () => true }, delays: { autoClose: 1000 } }).createMachine({
  id: 'door',
  initial: 'closed',
  on: { PING: {} },
  states: {
    closed: { on: { OPEN: { target: 'open', guard: 'unlocked' } } },
    open: { after: { autoClose: 'closed' }, on: { BREAK: 'broken' } },
    broken: { type: 'final' },
  },
});

test('npm run statecharts: states, guarded and delayed transitions, finals and root handlers are drawn', () => {
  const chart = drawMachine(door);
  expect(chart.mermaid.split('\n')).toEqual(
    expect.arrayContaining([
      'stateDiagram-v2',
      '  [*] --> door_closed',
      '  door_broken --> [*]',
      '  door_closed --> door_open : OPEN [unlocked]',
      '  door_open --> door_closed : after autoClose',
      '  door_open --> door_broken : BREAK',
    ]),
  );
  expect(chart.everywhere).toEqual(['PING']);
});

test('npm run statecharts: every machine in the catalogue can be drawn', () => {
  for (const [name, machine] of Object.entries(allMachines())) {
    const chart = drawMachine(machine);
    expect({ name, starts: chart.mermaid.includes('[*] -->') }).toEqual({ name, starts: true });
  }
});
