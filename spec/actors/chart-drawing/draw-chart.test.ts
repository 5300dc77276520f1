import { and, not, setup } from 'xstate';
import { drawChart } from '../../../actors/chart-drawing/draw-chart.js';
import { chartBoxes, overlaps } from '../../support/chart-boxes.js';

const door = setup({
  guards: { unlocked: () => true, daytime: () => true },
  delays: { autoClose: 1000 },
  actors: { alarm: setup({}).createMachine({}) },
}).createMachine({
  id: 'door',
  initial: 'closed',
  on: { PING: {} },
  states: {
    closed: {
      on: {
        OPEN: { target: 'open', guard: 'unlocked' },
        LOCK: { target: 'closed', guard: and(['daytime', not('unlocked')]), reenter: true },
        KNOCK: { actions: () => undefined },
      },
    },
    open: { after: { autoClose: 'closed', 5000: 'alarmed' }, on: { BREAK: 'broken', SLAM: 'closed' } },
    alarmed: {
      initial: 'ringing',
      invoke: { src: 'alarm' },
      on: { RESET: '.quiet' },
      states: { ringing: { on: { HUSH: 'quiet' } }, quiet: {} },
    },
    watched: {
      type: 'parallel',
      states: {
        camera: { initial: 'recording', states: { recording: {} } },
        light: { initial: 'off', states: { off: { on: { MOTION: 'on' } }, on: {} } },
      },
    },
    broken: { type: 'final' },
  },
});

const states = (svg: string) => [...svg.matchAll(/<g class="state[^"]*" data-state="([^"]+)"/g)].map((m) => m[1]);
const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));

test('drawChart: every state is a <g class="state"> carrying its xstate state node id, compounds nesting their children', async () => {
  const { svg } = await drawChart(door);
  expect(states(svg).sort()).toEqual(
    [
      'door',
      'door.alarmed',
      'door.alarmed.quiet',
      'door.alarmed.ringing',
      'door.broken',
      'door.closed',
      'door.open',
      'door.watched',
      'door.watched.camera',
      'door.watched.camera.recording',
      'door.watched.light',
      'door.watched.light.off',
      'door.watched.light.on',
    ].sort(),
  );
  const alarmed = svg.slice(svg.indexOf('data-state="door.alarmed"'));
  expect(alarmed.indexOf('data-state="door.alarmed.ringing"')).toBeLessThan(alarmed.indexOf('</g>\n    </g>'));
  expect(svg).toMatch(/<g class="state region" data-state="door.watched.light">/);
  expect(svg).toMatch(/<g class="state final" data-state="door.broken">/);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="door" width="')).toBe(true);
});

test('drawChart: transitions are labelled EVENT [guard], delays and invocations read as words, actions-only handlers listed in their state', async () => {
  const { svg, everywhere } = await drawChart(door);
  const labels = texts(svg);
  expect(labels).toEqual(
    expect.arrayContaining([
      'OPEN [unlocked]',
      'LOCK [daytime && !unlocked]',
      'SLAM, after autoClose',
      'after 5000 ms',
      'BREAK',
      'HUSH',
      'RESET',
      'MOTION',
      'invoke alarm',
      'on KNOCK',
      'any state',
      'In every state, without leaving it: PING',
    ]),
  );
  expect(everywhere).toEqual(['PING']);
  // The self-transition is drawn as an edge from the state to itself; RESET starts at the "any state" marker.
  expect(svg).toContain('data-source="door.closed" data-target="door.closed"');
  expect(svg).toContain('data-source="door.alarmed" data-target="door.alarmed.quiet"');
});

test('drawChart: the same machine gives the same SVG and Mermaid, byte for byte', async () => {
  const first = await drawChart(door);
  const second = await drawChart(door);
  expect(second.svg).toBe(first.svg);
  expect(second.mermaid).toBe(first.mermaid);
});

test('drawChart: the Mermaid text has the same states and transitions', async () => {
  const { mermaid } = await drawChart(door);
  expect(mermaid.split('\n')).toEqual(
    expect.arrayContaining([
      'stateDiagram-v2',
      '  [*] --> door_closed',
      '  state "broken" as door_broken',
      '  door_broken --> [*]',
      '  door_closed --> door_open : OPEN [unlocked]',
      '  door_open --> door_closed : SLAM, after autoClose',
      '  door_alarmed__any --> door_alarmed_quiet : RESET',
      '  door_closed --> door_closed : KNOCK',
    ]),
  );
  expect(mermaid).toContain('  state "watched (parallel)" as door_watched {\n    state "camera" as door_watched_camera {\n');
  expect(mermaid).not.toMatch(/^\s*--$/m);
});

test('drawChart: no two state boxes or labels overlap, and the picture is sized to hold them', async () => {
  const { svg } = await drawChart(door);
  const { states, labels } = chartBoxes(svg);
  expect([states.length, labels.length]).toEqual([8, 8]);
  expect(overlaps(svg)).toEqual([]);
});

test('drawChart: transitions across levels (to an ancestor, from the root into a child, into a history state) are drawn', async () => {
  const levels = setup({}).createMachine({
    id: 'levels',
    initial: 'a',
    on: { RESET: '.b', BACK_TO_HISTORY: '.a.hist' },
    states: {
      a: {
        initial: 'x',
        on: { LOOP: { target: 'a', reenter: true } },
        states: { x: { on: { UP: '#levels.a', OUT: '#levels.b' } }, y: {}, hist: { type: 'history' } },
      },
      b: { on: { BACK: 'a.y' } },
    },
  });
  const { svg, mermaid } = await drawChart(levels);
  for (const [source, target] of [
    ['levels.a.x', 'levels.a'],
    ['levels', 'levels.b'],
    ['levels', 'levels.a.hist'],
    ['levels.a', 'levels.a'],
    ['levels.b', 'levels.a.y'],
  ]) {
    expect(svg).toContain(`data-source="${source}" data-target="${target}"`);
  }
  expect(svg).toMatch(/<g class="state history" data-state="levels.a.hist">\n\s*<circle/);
  expect(mermaid).toContain('  levels__any --> levels_b : RESET\n');
});
