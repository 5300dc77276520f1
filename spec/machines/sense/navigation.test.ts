import { createActor, type SnapshotFrom } from 'xstate';
import { cursorOf, navigationMachine, slotAt } from '../../../machines/sense/navigation.js';
import type { NavigationEmitted, NavigationEvent } from '../../../machines/sense/navigation.js';
import { navigationEvent } from '../../../actors/sense/stick-events.js';
import { expectFullCoverage } from '../support/coverage.js';

/** A started navigation machine; `out` collects what it emits. */
function start(slaves: number[] = [11, 12, 13, 14, 15, 16, 17]) {
  const actor = createActor(navigationMachine);
  const out: NavigationEmitted[] = [];
  actor.on('*', (e) => out.push(e));
  actor.start();
  actor.send({ type: 'SLAVES', ids: slaves });
  const press = (...types: Exclude<NavigationEvent['type'], 'SLAVES'>[]) => types.forEach((type) => actor.send({ type }));
  const state = () => actor.getSnapshot();
  return { actor, out, press, state };
}

describe('the main screen', () => {
  test('starts on the main screen with the cursor on the first slave', () => {
    const n = start();
    expect(n.state().value).toBe('main');
    expect(n.state().context.cursor).toEqual({ x: 0, y: 0 });
  });

  test('the cursor moves over the slave area and stops at its left and right edges', () => {
    const n = start();
    n.press('DOWN', 'DOWN', 'RIGHT');
    expect(n.state().context.cursor).toEqual({ x: 1, y: 2 });
    n.press('LEFT', 'LEFT', 'LEFT');
    expect(n.state().context.cursor).toEqual({ x: 0, y: 2 });
    n.press(...Array<'RIGHT'>(10).fill('RIGHT'));
    expect(n.state().context.cursor).toEqual({ x: 7, y: 2 });
    n.press('UP');
    expect(n.state().context.cursor).toEqual({ x: 7, y: 1 });
  });

  test('slots run down each column of five rows, then across', () => {
    expect(slotAt({ x: 0, y: 4 })).toBe(4);
    expect(slotAt({ x: 1, y: 0 })).toBe(5);
    expect(slotAt({ x: 7, y: 4 })).toBe(39);
    expect(cursorOf(6)).toEqual({ x: 1, y: 1 });
    expect(cursorOf(40)).toBeNull();
    expect(cursorOf(-1)).toBeNull();
  });

  test('ENTER on a slave opens its detail screens at the label', () => {
    const n = start();
    n.press('DOWN', 'RIGHT', 'ENTER'); // slot 6
    expect(n.state().value).toEqual({ slave: 'label' });
    expect(n.state().context.slaveId).toBe(17);
  });

  test('ENTER on an empty slot does nothing', () => {
    const n = start([11, 12]);
    n.press('RIGHT', 'ENTER');
    expect(n.state().value).toBe('main');
    expect(n.state().context.slaveId).toBeNull();
  });

  test('UP off the top goes to the statistics; DOWN comes back with the cursor where it was', () => {
    const n = start();
    n.press('RIGHT', 'RIGHT', 'UP');
    expect(n.state().value).toEqual({ stats: 'ping' });
    n.press('DOWN');
    expect(n.state().value).toBe('main');
    expect(n.state().context.cursor).toEqual({ x: 2, y: 0 });
  });

  test('DOWN off the bottom goes to quit; UP comes back', () => {
    const n = start();
    n.press('DOWN', 'DOWN', 'DOWN', 'DOWN');
    expect(n.state().value).toBe('main');
    n.press('DOWN');
    expect(n.state().value).toEqual({ quit: 'quit' });
    n.press('UP');
    expect(n.state().value).toBe('main');
    expect(n.state().context.cursor).toEqual({ x: 0, y: 4 });
  });
});

describe('a slave’s detail screens', () => {
  test('LEFT and RIGHT page through label, ABI, task and kill, and stop at both ends', () => {
    const n = start();
    n.press('ENTER');
    const pages = [n.state().value];
    for (let i = 0; i < 4; i++) {
      n.press('RIGHT');
      pages.push(n.state().value);
    }
    expect(pages).toEqual([{ slave: 'label' }, { slave: 'abi' }, { slave: 'task' }, { slave: 'kill' }, { slave: 'kill' }]);
    n.press('LEFT', 'LEFT', 'LEFT', 'LEFT');
    expect(n.state().value).toEqual({ slave: 'label' });
  });

  test('UP and DOWN do nothing there', () => {
    const n = start();
    n.press('ENTER', 'RIGHT', 'UP', 'DOWN');
    expect(n.state().value).toEqual({ slave: 'abi' });
  });

  test('ENTER anywhere but kill goes back to main without a word to the master', () => {
    for (const rights of [0, 1, 2]) {
      const n = start();
      n.press('ENTER', ...Array<'RIGHT'>(rights).fill('RIGHT'), 'ENTER');
      expect(n.state().value).toBe('main');
      expect(n.out).toEqual([]);
    }
  });

  test('ENTER on kill kills that slave and goes back to main', () => {
    const n = start();
    n.press('RIGHT', 'ENTER', 'RIGHT', 'RIGHT', 'RIGHT', 'ENTER');
    expect(n.out).toEqual([{ type: 'kill', slaveId: 16 }]);
    expect(n.state().value).toBe('main');
    expect(n.state().context.slaveId).toBeNull();
  });

  test('the slave shown stays the same when others come and go and the list re-sorts', () => {
    const n = start();
    n.press('DOWN', 'ENTER'); // 12
    n.actor.send({ type: 'SLAVES', ids: [10, 11, 12] });
    n.press('RIGHT', 'RIGHT', 'RIGHT', 'ENTER');
    expect(n.out).toEqual([{ type: 'kill', slaveId: 12 }]);
  });

  test('back to main on its own when the slave leaves the farm', () => {
    const n = start();
    n.press('DOWN', 'ENTER', 'RIGHT');
    n.actor.send({ type: 'SLAVES', ids: [11, 13] });
    expect(n.state().value).toBe('main');
    expect(n.state().context.slaves).toEqual([11, 13]);
    n.press('ENTER'); // now on slot 1: slave 13
    expect(n.state().context.slaveId).toBe(13);
  });
});

describe('statistics and quit', () => {
  test('LEFT and RIGHT page through the six statistics', () => {
    const n = start();
    n.press('UP');
    const pages = [n.state().value];
    for (let i = 0; i < 6; i++) {
      n.press('RIGHT');
      pages.push(n.state().value);
    }
    expect(pages.map((p) => (p as { stats: string }).stats)).toEqual(['ping', 'disk', 'queue', 'buildRate', 'buildTime', 'buildSize', 'buildSize']);
    n.press('LEFT', 'UP', 'ENTER');
    expect(n.state().value).toEqual({ stats: 'buildTime' });
  });

  test('ENTER on quit stops piw-sense only', () => {
    const n = start();
    n.press('DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'ENTER');
    expect(n.out).toEqual([{ type: 'quit' }]);
    expect(n.state().status).toBe('done');
  });

  test('ENTER on terminate asks the master to stop, then stops', () => {
    const n = start();
    n.press('DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'RIGHT', 'RIGHT', 'ENTER');
    expect(n.out).toEqual([{ type: 'terminate' }]);
    expect(n.state().status).toBe('done');
  });

  test('LEFT from terminate is quit again', () => {
    const n = start();
    n.press('DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'RIGHT', 'LEFT');
    expect(n.state().value).toEqual({ quit: 'quit' });
  });
});

describe('animation', () => {
  test('TICK counts frames; each screen remembers the frame it was first shown at', () => {
    const n = start();
    n.press('TICK', 'TICK', 'TICK');
    expect(n.state().context).toMatchObject({ frame: 3, pageFrame: 0 });
    n.press('UP');
    expect(n.state().context.pageFrame).toBe(3);
    n.press('TICK', 'TICK');
    n.press('RIGHT');
    expect(n.state().context).toMatchObject({ frame: 5, pageFrame: 5 });
    n.press('TICK', 'LEFT'); // a move against an edge is no new page
    n.press('LEFT');
    expect(n.state().context).toMatchObject({ frame: 6, pageFrame: 6 });
  });
});

describe('joystick events', () => {
  const at = new Date(0);
  test('a press or a held direction moves; a release never does', () => {
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'up', true, false] })).toEqual({ type: 'UP' });
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'left', true, true] })).toEqual({ type: 'LEFT' });
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'right', false, false] })).toBeNull();
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'down', false, true] })).toBeNull();
  });

  test('ENTER acts on the press, not while held', () => {
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'enter', true, false] })).toEqual({ type: 'ENTER' });
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'enter', true, true] })).toBeNull();
  });

  test('an unknown direction is ignored', () => {
    expect(navigationEvent({ verb: 'EVENT', data: [at, 'sideways', true, false] })).toBeNull();
  });
});

/** A snapshot's identity for the walk: the screen, the cursor, whether a slave is picked, the slave count. */
function identity(s: SnapshotFrom<typeof navigationMachine>): string {
  const c = s.context;
  return JSON.stringify([s.value, s.status, c.cursor, c.slaveId, c.slaves.length, c.frame > 0, c.pageFrame > 0]);
}

test('generated paths reach every screen and every transition; the cursor never leaves the slave area', () => {
  const events: NavigationEvent[] = [
    { type: 'UP' }, { type: 'DOWN' }, { type: 'LEFT' }, { type: 'RIGHT' }, { type: 'ENTER' }, { type: 'TICK' },
    { type: 'SLAVES', ids: [1, 2, 3, 4, 5, 6] }, { type: 'SLAVES', ids: [3] }, { type: 'SLAVES', ids: [] },
  ];
  const report = expectFullCoverage(navigationMachine, {
    input: undefined,
    events: () => events,
    serializeState: identity,
    onTransition: (_from, _event, to) => {
      const { x, y } = to.context.cursor;
      expect(x >= 0 && x < 8 && y >= 0 && y < 5).toBe(true);
      if (to.value === 'main') expect(to.context.slaveId).toBeNull();
      // a detail screen is only ever of a slave the farm has
      if (typeof to.value === 'object' && 'slave' in to.value) expect(to.context.slaves).toContain(to.context.slaveId);
    },
  });
  // the shortest way to kill a slave: one arrives, open it, three pages right
  const toKill = report.paths.find((p) => p.state.startsWith('[{"slave":"kill"}'));
  expect(toKill?.events.map((e) => e.type)).toEqual(['SLAVES', 'ENTER', 'RIGHT', 'RIGHT', 'RIGHT']);
});
