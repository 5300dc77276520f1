import { createActor } from 'xstate';
import { farmMachine, type FarmEvent, type StatusMessage } from '../../../../machines/farm/index.js';
import { hex, type Rgb } from '../../../../actors/sense/display/colour.js';
import { navigationMachine, type NavigationEvent } from '../../../../machines/sense/navigation.js';
import { renderFrame } from '../../../../actors/sense/display/render.js';
import { textStrip } from '../../../../actors/sense/display/text.js';
import { at, masterHello, masterStats, slave, slaveJoins } from '../../../machines/farm/fixtures.js';

const WHITE: Rgb = [255, 255, 255];
const BLUE: Rgb = [0, 0, 255];
const BLACK: Rgb = [0, 0, 0];
const RED: Rgb = [255, 0, 0];
const GREY = hex('#333');
const GREEN = hex('#060');
const SEND_BLUE = hex('#007');
const PURPLE = hex('#707');
const YELLOW = hex('#760');
const NOW = at(1007.5);

function farmOf(...steps: [number, ...StatusMessage[]][]) {
  const farm = createActor(farmMachine, { input: { now: at(0) } }).start();
  farm.send({ type: 'LINK_UP', at: at(0) });
  for (const [seconds, ...messages] of steps) farm.send({ type: 'STATUS', at: at(seconds), messages } satisfies FarmEvent);
  return farm;
}

/**
 * Seven slaves, one of each colour, heard from last at 1000 s. In display order (cp311 before cp312, then
 * label): 3 sending, 2 building, 4 cleaning, 5 building for 16 minutes, 6 killed, 7 silent since 0 s
 * (timed out: 5 minutes is its busy timeout), 1 idle.
 */
function busyFarm() {
  return farmOf(
    [0, masterHello(0), ...slaveJoins(7, 0, { label: 'f' }), ...slaveJoins(5, 0, { label: 'd' })],
    [40, slave.build(5, 40, 'scipy', '1.0')],
    [990,
      slave.stats(5, 990),
      ...slaveJoins(1, 990, { abi: 'cp312', label: 'a' }), slave.sleep(1, 990, false),
      ...slaveJoins(2, 990, { label: 'b' }), slave.build(2, 990),
      ...slaveJoins(3, 990, { label: 'a' }), slave.build(3, 990), slave.send(3, 991),
      ...slaveJoins(4, 990, { label: 'c' }), slave.build(4, 990), slave.send(4, 991), slave.done(4, 992),
      ...slaveJoins(6, 990, { label: 'e' }), slave.die(6, 993)],
    [1000, masterStats(1000, { diskFree: 60, diskSize: 100, pending: { cp311: 40, cp39: 2 } })],
  );
}

function navOf(...events: NavigationEvent[]) {
  const nav = createActor(navigationMachine).start();
  for (const e of events) nav.send(e);
  return nav;
}

const ticks = (n: number): NavigationEvent[] => Array.from({ length: n }, () => ({ type: 'TICK' }));
const row = (frame: ReturnType<typeof renderFrame>, y: number) => Array.from({ length: 8 }, (_, x) => frame.get(x, y));
const near = (c: Rgb) => c.map(Math.round);

describe('the main screen', () => {
  const farm = busyFarm();
  const ids = [3, 2, 4, 5, 6, 7, 1];

  test('row 0: 7.5 s since the master was heard is two white pixels of eight (8 per 30 s)', () => {
    const frame = renderFrame(farm.getSnapshot(), navOf({ type: 'SLAVES', ids }).getSnapshot(), NOW);
    expect(row(frame, 0)).toEqual([WHITE, WHITE, BLUE, BLUE, BLUE, BLUE, BLUE, BLUE]);
  });

  test('row 0 grows a part-lit pixel between whole ones', () => {
    const frame = renderFrame(farm.getSnapshot(), navOf().getSnapshot(), at(1000) + 5_625); // 1.5 pixels
    expect(row(frame, 0).slice(0, 3)).toEqual([WHITE, [128, 128, 255], BLUE]);
  });

  test('row 1: 60 % disk free is 4.8 pixels; row 2: 42 builds waiting is 5.25 pixels (8 builds each)', () => {
    const frame = renderFrame(farm.getSnapshot(), navOf().getSnapshot(), NOW);
    expect(row(frame, 1)).toEqual([WHITE, WHITE, WHITE, WHITE, [204, 204, 255], BLUE, BLUE, BLUE]);
    expect(row(frame, 2)).toEqual([WHITE, WHITE, WHITE, WHITE, WHITE, [64, 64, 255], BLUE, BLUE]);
  });

  test('one pixel per slave, by ABI then label, down the columns: the six colours', () => {
    // cursor away from the slaves, on an empty slot, so every slave shows its own colour
    const nav = navOf({ type: 'SLAVES', ids }, { type: 'RIGHT' }, { type: 'RIGHT' });
    const frame = renderFrame(farm.getSnapshot(), nav.getSnapshot(), NOW);
    expect([3, 4, 5, 6, 7].map((y) => frame.get(0, y))).toEqual([SEND_BLUE, GREEN, PURPLE, YELLOW, RED]);
    expect([3, 4, 5].map((y) => frame.get(1, y))).toEqual([RED, GREY, BLACK]);
    expect(frame.get(2, 3)).toEqual(BLACK); // the cursor at the start of its pulse: the colour under it
    for (let x = 3; x < 8; x++) for (let y = 3; y < 8; y++) expect(frame.get(x, y)).toEqual(BLACK);
  });

  test('the cursor pulses from the colour under it to white and back, 15 frames each way', () => {
    const shades = [0, 7, 14, 15, 22, 29, 30].map((n) => renderFrame(farm.getSnapshot(), navOf(...ticks(n)).getSnapshot(), NOW).get(0, 3));
    expect(shades.map(near)).toEqual([
      SEND_BLUE,
      near([(0 + 255) / 2, (0 + 255) / 2, (0x77 + 255) / 2]),
      WHITE,
      WHITE,
      near([(0 + 255) / 2, (0 + 255) / 2, (0x77 + 255) / 2]),
      SEND_BLUE,
      SEND_BLUE,
    ]);
  });

  test('after 30 s of silence the ping row pulses red', () => {
    const quiet = at(1000) + 31_000;
    const frames = [0, 7, 14].map((n) => renderFrame(farm.getSnapshot(), navOf(...ticks(n)).getSnapshot(), quiet));
    expect(row(frames[0]!, 0)).toEqual(Array(8).fill(BLACK));
    expect(row(frames[1]!, 0)).toEqual(Array(8).fill([128, 0, 0]));
    expect(row(frames[2]!, 0)).toEqual(Array(8).fill(RED));
    // exactly 30 s is a full white row, not yet red
    expect(row(renderFrame(farm.getSnapshot(), navOf().getSnapshot(), at(1030)), 0)).toEqual(Array(8).fill(WHITE));
  });

  test('a master with no statistics yet shows empty disk and queue rows', () => {
    const frame = renderFrame(farmOf([0, masterHello(0)]).getSnapshot(), navOf().getSnapshot(), at(0));
    expect(row(frame, 1)).toEqual(Array(8).fill(BLUE));
    expect(row(frame, 2)).toEqual(Array(8).fill(BLUE));
  });

  test('past 40 slaves the rest do not fit', () => {
    const many = farmOf([0, masterHello(0), ...Array.from({ length: 45 }, (_, i) => slaveJoins(i + 1, 0, { label: `s${String(i).padStart(2, '0')}` })).flat()]);
    const frame = renderFrame(many.getSnapshot(), navOf({ type: 'DOWN' }).getSnapshot(), at(1));
    for (let x = 0; x < 8; x++) for (let y = 3; y < 8; y++) if (!(x === 0 && y === 4)) expect(frame.get(x, y)).toEqual(GREY);
  });
});

describe('waiting for the master', () => {
  test('until the master is heard, "Waiting for master" scrolls in white in place of the main screen', () => {
    const farm = createActor(farmMachine, { input: { now: at(0) } }).start();
    const strip = textStrip('Waiting for master');
    const frames = [0, 8].map((n) => renderFrame(farm.getSnapshot(), navOf(...ticks(n)).getSnapshot(), at(0)));
    expect(frames[0]!.toHexRows().flat().every((c) => c === '#000000')).toBe(true); // the text is about to come in
    for (let y = 0; y < 7; y++) for (let x = 0; x < 8; x++) expect(frames[1]!.get(x, y)).toEqual(strip.rows[y]![8 + x] ? WHITE : BLACK);
    expect(row(frames[1]!, 7)).toEqual(Array(8).fill(BLACK));
  });
});

describe('the statistics screens', () => {
  const farm = busyFarm();
  /** The page, and the frame once its text has scrolled `step` columns. */
  const page = (rights: number, step: number) =>
    renderFrame(farm.getSnapshot(), navOf({ type: 'UP' }, ...Array<NavigationEvent>(rights).fill({ type: 'RIGHT' }), ...ticks(step)).getSnapshot(), NOW);

  test('disk free: the background fills from the bottom row up, red to green with the free share', () => {
    const frame = page(1, 0); // 60 %: 38.4 of 64 pixels
    const colour = near([255 * 0.4, 0x80 * 0.6, 0]);
    for (const y of [7, 6, 5, 4]) expect(row(frame, y).map(near)).toEqual(Array(8).fill(colour));
    expect(row(frame, 3).map(near)).toEqual([...Array(6).fill(colour), near([colour[0]! * 0.4, colour[1]! * 0.4, 0]), BLACK]);
    expect(row(frame, 2)).toEqual(Array(8).fill(BLACK));
  });

  test('its text scrolls in grey over the fill: "DISK FREE: 60%"', () => {
    const strip = textStrip('Disk Free: 60%');
    const frame = page(1, 8); // the first column of the text is at the left edge
    const background = page(1, 0); // the text not in yet
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const under = background.get(x, y);
        const expected = strip.rows[y]?.[8 + x] ? under.map((c) => Math.min(255, c + 128)) : under;
        expect({ x, y, c: frame.get(x, y) }).toEqual({ x, y, c: expected });
      }
    }
  });

  test('ping: the seconds since the master was heard, green to red as 30 s draw near', () => {
    const frame = page(0, 0); // 7.5 s: a quarter
    const colour = near([255 * 0.25, 0x80 * 0.75, 0]);
    for (const y of [7, 6]) expect(row(frame, y).map(near)).toEqual(Array(8).fill(colour));
    expect(row(frame, 5)).toEqual(Array(8).fill(BLACK));
  });

  test('queue: one blue pixel per build waiting', () => {
    const frame = page(2, 0); // 42: five rows and two
    for (const y of [7, 6, 5, 4, 3]) expect(row(frame, y)).toEqual(Array(8).fill(BLUE));
    expect(row(frame, 2)).toEqual([BLUE, BLUE, BLACK, BLACK, BLACK, BLACK, BLACK, BLACK]);
  });

  test('build rate: builds an hour out of 1,000', () => {
    const frame = page(3, 0); // 12 an hour (the fixture's) = 0.768 pixels
    expect(near(frame.get(0, 7))).toEqual(near([0, 0, 255 * 0.768]));
    expect(frame.get(1, 7)).toEqual(BLACK);
  });

  test('build time and build size are text on black', () => {
    for (const [rights, text] of [[4, 'Build Time: 2:00:00'], [5, 'Build Size: 5 MB']] as const) {
      const strip = textStrip(text);
      const frame = page(rights, 8);
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(frame.get(x, y)).toEqual(strip.rows[y]?.[8 + x] ? [128, 128, 128] : BLACK);
    }
  });

  test('each page scrolls from its start when shown', () => {
    const a = renderFrame(farm.getSnapshot(), navOf({ type: 'UP' }, ...ticks(30), { type: 'RIGHT' }, { type: 'RIGHT' }, ...ticks(8)).getSnapshot(), NOW);
    expect(a.toHexRows()).toEqual(page(2, 8).toHexRows());
  });
});

describe('a slave’s screens', () => {
  const farm = busyFarm();
  const ids = [3, 2, 4, 5, 6, 7, 1];
  const screen = (slot: number, rights: number, step = 8) =>
    renderFrame(
      farm.getSnapshot(),
      navOf({ type: 'SLAVES', ids }, ...Array<NavigationEvent>(slot).fill({ type: 'DOWN' }), { type: 'ENTER' }, ...Array<NavigationEvent>(rights).fill({ type: 'RIGHT' }), ...ticks(step)).getSnapshot(),
      NOW,
    );
  const expectText = (frame: ReturnType<typeof renderFrame>, text: string, fg: Rgb, bg: Rgb) => {
    const strip = textStrip(text);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect({ x, y, c: frame.get(x, y) }).toEqual({ x, y, c: strip.rows[y]?.[8 + x] ? fg : bg });
  };

  test('label, ABI and task in white on the slave’s colour', () => {
    expectText(screen(1, 0), 'b', WHITE, GREEN);
    expectText(screen(1, 1), 'ABI: cp311', WHITE, GREEN);
    expectText(screen(1, 2), 'Building numpy 1.14.0', WHITE, GREEN);
    expectText(screen(3, 2), 'Building scipy 1.0', WHITE, YELLOW);
  });

  test('the task says what each slave is doing', () => {
    expectText(screen(0, 2), 'Sending numpy 1.14.0', WHITE, SEND_BLUE);
    expectText(screen(2, 2), 'Cleaning up after numpy 1.14.0', WHITE, PURPLE);
    expectText(screen(4, 2), 'Terminated', WHITE, RED);
  });

  test('kill is red on black', () => {
    expectText(screen(1, 3), 'Kill?', RED, BLACK);
  });

  test('a slave the farm has dropped shows the main screen until the navigation hears of it', () => {
    const nav = navOf({ type: 'SLAVES', ids: [99] }, { type: 'ENTER' });
    const frame = renderFrame(farm.getSnapshot(), nav.getSnapshot(), NOW);
    expect(row(frame, 1)).toEqual([WHITE, WHITE, WHITE, WHITE, [204, 204, 255], BLUE, BLUE, BLUE]);
  });
});

describe('quit and terminate', () => {
  test('red on black; nothing at all once stopped', () => {
    const farm = busyFarm();
    const down5 = Array<NavigationEvent>(5).fill({ type: 'DOWN' });
    for (const [rights, text] of [[0, 'Quit?'], [1, 'Terminate?']] as const) {
      const strip = textStrip(text);
      const frame = renderFrame(farm.getSnapshot(), navOf(...down5, ...Array<NavigationEvent>(rights).fill({ type: 'RIGHT' }), ...ticks(9)).getSnapshot(), NOW);
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(frame.get(x, y)).toEqual(strip.rows[y]?.[9 + x] ? RED : BLACK);
    }
    const stopped = renderFrame(farm.getSnapshot(), navOf(...down5, { type: 'ENTER' }).getSnapshot(), NOW);
    expect(stopped.rgb.every((b) => b === 0)).toBe(true);
  });
});
