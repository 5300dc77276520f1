/**
 * piw-sense as a real process (through tsx) on a Sense HAT laid out in a temp dir (PIW_SENSE_ROOT: a
 * plain file for the matrix's framebuffer, a FIFO for the joystick), following a real master (ours, in
 * this process, on the embedded database) with slaves speaking the slave protocol. The frames are read
 * back from the framebuffer file and checked pixel by pixel, the joystick is pressed by writing
 * input_event records into the FIFO.
 *
 * The tests of the first describe run in order on one piw-sense, the cursor carried from one to the next.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { defaultConfig, Master, type MasterConfig } from '../../actors/master/index.js';
import { createMonitorClient, type MonitorClient } from '../../actors/monitor/index.js';
import { memoryLogger } from '../../actors/runtime/logger.js';
import { rgb565Pixel, toRgb565 } from '../../actors/sense/rgb565.js';
import { masterSummary } from '../../machines/farm/index.js';
import { add, hex, mix, type Rgb } from '../../actors/sense/display/colour.js';
import { Frame } from '../../actors/sense/display/frame.js';
import { textStrip, type TextStrip } from '../../actors/sense/display/text.js';
import { tempDir } from '../actors/master/support/world.js';
import { FakeHat, KEY, tap } from '../actors/sense/fake-hat.js';
import { TestSlave } from '../actors/slave-driver/support/harness.js';
import { helloData } from '../machines/support/slave-fixtures.js';
import { ROOT } from './common/harness.js';
import { NotifyListener } from '../../scripts/systemd/notify-listener.js';

const CLI = path.join(ROOT, 'cli', 'piw-sense.ts');

/** A colour as the matrix holds it (RGB565) and reads back. */
const shown = (c: Rgb): Rgb => rgb565Pixel(toRgb565(Frame.filled(c)), 0, 0);
const WHITE = shown([255, 255, 255]);
const BLUE = shown([0, 0, 255]);
const BLACK: Rgb = [0, 0, 0];
const GREY = shown(hex('#333'));
const RED = shown([255, 0, 0]);
const same = (a: Rgb, b: Rgb) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** The picture on the matrix: pixel (x, y). */
type Picture = (x: number, y: number) => Rgb;
const pictureOf = (hat: FakeHat): Picture => {
  const bytes = hat.bytes();
  return (x, y) => rgb565Pixel(bytes, x, y);
};
const show = (p: Picture) => Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => p(x, y).map((c) => c.toString(16).padStart(2, '0')).join('')).join(' ')).join('\n');

/** Waits until the matrix shows what `check` wants (it returns why not, or null). */
async function until(hat: FakeHat, check: (p: Picture) => string | null, timeoutMs = 30_000): Promise<Picture> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = pictureOf(hat);
    const why = check(p);
    if (why === null) return p;
    if (Date.now() > deadline) throw new Error(`the matrix never showed it: ${why}\n${show(p)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `promise`, or a failure saying `why` after 30 s. */
async function within<T>(promise: Promise<T>, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why())), 30_000)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Row `y` as a bar of `value` of 8 pixels, white over blue (the main screen's statistics rows). */
function bar(value: number): Rgb[] {
  const v = Math.min(8, Math.max(0, value));
  return Array.from({ length: 8 }, (_, x) => shown(x < Math.floor(v) ? [255, 255, 255] : x < v ? mix([0, 0, 255], [255, 255, 255], v - x) : [0, 0, 255]));
}

/** A pixel of the cursor: its colour on the way from `base` to white (the same share of each channel's way). */
function isCursorOver(c: Rgb, base: Rgb): boolean {
  const t = (c[0] - base[0]) / (255 - base[0]);
  return t >= -0.02 && t <= 1.02 && [0, 1, 2].every((i) => Math.abs(base[i]! + (255 - base[i]!) * t - c[i]!) <= 8);
}

/**
 * Whether the picture is `strip` at some scroll position in `colour` over `background` (the text's
 * seven rows added to it, the eighth row the background alone); null when it is.
 */
function scrolled(p: Picture, strip: TextStrip, colour: Rgb, background: (x: number, y: number) => Rgb): string | null {
  for (let offset = 0; offset < strip.width - 8; offset++) {
    let ok = true;
    for (let y = 0; y < 8 && ok; y++) {
      for (let x = 0; x < 8 && ok; x++) {
        const lit = y < 7 && strip.rows[y]![offset + x] === 1;
        ok = same(p(x, y), shown(lit ? add(background(x, y), colour) : background(x, y)));
      }
    }
    if (ok) return null;
  }
  return 'not the text over its background at any scroll position';
}

function spawnSense(hat: FakeHat, dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '-v', '--status-queue', `ipc://${dir}/status`, '--control-queue', `ipc://${dir}/control`, ...args],
    { cwd: ROOT, env: { ...process.env, HOME: dir, PIW_SENSE_ROOT: hat.root, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, exited, stderr: () => stderr };
}

function masterConfig(dir: string): MasterConfig {
  return {
    ...defaultConfig(),
    dsn: 'pglite:memory',
    outputPath: path.join(dir, 'www'),
    pypiXmlrpc: 'http://127.0.0.1:9/pypi',
    pypiJson: 'http://127.0.0.1:9/pypi',
    queues: {
      status: `ipc://${dir}/status`,
      control: `ipc://${dir}/control`,
      import: `ipc://${dir}/import`,
      log: `ipc://${dir}/log`,
      slave: 'tcp://127.0.0.1:*',
      file: 'tcp://127.0.0.1:*',
    },
  };
}

/** A slave with its own ABI and label: HELLO, then IDLE (answered SLEEP: nothing to build). */
async function joinSlave(master: Master, abi: string, label: string): Promise<{ slave: TestSlave; id: number }> {
  const slave = new TestSlave(master.endpoints.slave!);
  const hello = helloData({ abi });
  hello[5] = label;
  const ack = await slave.client.request({ verb: 'HELLO', data: hello });
  expect(ack.verb).toBe('ACK');
  expect((await slave.idle()).verb).toBe('SLEEP');
  return { slave, id: (ack.data as [number, string])[0] };
}

/** Keys take a moment to be read (the joystick is polled); pressing the next one too soon is fine too. */
const press = (hat: FakeHat, key: number) => hat.send(tap(key));

describe('piw-sense following a master', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let master: Master;
  let observer: MonitorClient;
  let hat: FakeHat;
  let sense: ReturnType<typeof spawnSense>;
  const slaves: { slave: TestSlave; id: number }[] = [];

  beforeAll(async () => {
    dir = await tempDir('piw-sense-cli-');
    master = new Master({ config: masterConfig(dir.path), log: memoryLogger('master') });
    await master.start();
    // display order: cp39 b, cp310 c, cp311 a (by ABI, numbers as numbers, then label)
    slaves.push(await joinSlave(master, 'cp39', 'b'), await joinSlave(master, 'cp311', 'a'), await joinSlave(master, 'cp310', 'c'));
    observer = createMonitorClient({ statusQueue: `ipc://${dir.path}/status`, controlQueue: `ipc://${dir.path}/control`, log: memoryLogger('observer') });
    hat = new FakeHat();
    sense = spawnSense(hat, dir.path);
  });

  afterAll(async () => {
    if (sense.child.exitCode === null) sense.child.kill('SIGKILL');
    await observer.close();
    await Promise.all(slaves.map((s) => s.slave.close()));
    master.quit('test over');
    await master.done;
    await hat.remove();
    await dir.remove();
  });

  /** The disk row as the master's latest statistics (which the observer also hears) want it. */
  const diskRow = () => {
    const ratio = masterSummary(observer.farm.getSnapshot().context).diskFreeRatio;
    return ratio === null ? null : bar(8 * ratio);
  };

  test('the main screen: ping, disk and queue rows, one grey pixel per idle slave in order, the cursor on the first', async () => {
    await until(hat, (p) => {
      const disk = diskRow();
      if (disk === null) return 'no statistics from the master yet';
      // row 0: time since the master was last heard: white, at most one part-lit pixel, then blue (never red)
      const ping = Array.from({ length: 8 }, (_, x) => p(x, 0));
      const firstBlue = ping.findIndex((c) => !same(c, WHITE));
      if (firstBlue < 0 || ping.slice(firstBlue + 1).some((c) => !same(c, BLUE))) return `row 0 is not a ping bar`;
      for (let x = 0; x < 8; x++) if (!same(p(x, 1), disk[x]!)) return `row 1 is not the disk bar`;
      for (let x = 0; x < 8; x++) if (!same(p(x, 2), BLUE)) return 'row 2 is not an empty queue';
      if (!isCursorOver(p(0, 3), GREY)) return 'no cursor over the first slave';
      if (!same(p(0, 4), GREY) || !same(p(0, 5), GREY)) return 'the other two slaves are not grey';
      for (let y = 3; y < 8; y++) for (let x = 0; x < 8; x++) if ((x > 0 || y > 5) && !same(p(x, y), BLACK)) return `(${x}, ${y}) is lit`;
      return null;
    });
  });

  test('the cursor pulses to white and back', async () => {
    await until(hat, (p) => (same(p(0, 3), WHITE) ? null : 'not white yet'));
    await until(hat, (p) => (same(p(0, 3), GREY) ? null : 'not back to grey yet'));
  });

  test('DOWN moves the cursor to the second slave', async () => {
    await press(hat, KEY.down);
    await until(hat, (p) => (same(p(0, 3), GREY) && isCursorOver(p(0, 4), GREY) && !same(p(0, 4), GREY) ? null : 'the cursor is not on (0, 4)'));
  });

  test('ENTER shows the slave’s label scrolling in white over its colour; RIGHT its ABI', async () => {
    await press(hat, KEY.enter);
    await until(hat, (p) => scrolled(p, textStrip('c'), [255, 255, 255], () => hex('#333')));
    await press(hat, KEY.right);
    await until(hat, (p) => scrolled(p, textStrip('ABI: cp310'), [255, 255, 255], () => hex('#333')));
    await press(hat, KEY.enter);
    await until(hat, (p) => (isCursorOver(p(0, 4), GREY) && same(p(0, 1), diskRow()![0]!) ? null : 'not back on the main screen'));
  });

  test('UP off the top shows the statistics; RIGHT the free disk in grey over its fill; DOWN comes back', async () => {
    await press(hat, KEY.up);
    await press(hat, KEY.up);
    // the ping page first: its fill moves with the time since the master spoke; the blue of the main screen is gone
    await until(hat, (p) => (Array.from({ length: 8 }, (_, x) => p(x, 2)).every((c) => c[2] === 0) ? null : 'still the main screen'));
    await press(hat, KEY.right);
    await until(hat, (p) => {
      const ratio = masterSummary(observer.farm.getSnapshot().context).diskFreeRatio!;
      const fill = fillFromBottom(64 * ratio, mix([255, 0, 0], hex('#008000'), ratio));
      return scrolled(p, textStrip(`Disk Free: ${Math.floor(100 * ratio)}%`), hex('#808080'), fill);
    });
    await press(hat, KEY.down);
    await until(hat, (p) => (isCursorOver(p(0, 3), GREY) ? null : 'not back on the main screen at the first slave'));
  });

  test('kill: ENTER, RIGHT to "Kill?" (red on black), ENTER: the slave gets DIE at its next IDLE and turns red', async () => {
    await press(hat, KEY.down);
    await press(hat, KEY.down);
    await until(hat, (p) => (isCursorOver(p(0, 5), GREY) && !same(p(0, 5), GREY) ? null : 'the cursor is not on the third slave'));
    await press(hat, KEY.enter);
    await until(hat, (p) => scrolled(p, textStrip('a'), [255, 255, 255], () => hex('#333')));
    for (let i = 0; i < 3; i++) await press(hat, KEY.right);
    await until(hat, (p) => scrolled(p, textStrip('Kill?'), [255, 0, 0], () => BLACK));
    await press(hat, KEY.enter);
    const victim = slaves[1]!; // cp311 a, third in display order
    let reply = await victim.slave.idle();
    while (reply.verb === 'SLEEP') {
      await new Promise((r) => setTimeout(r, 50));
      reply = await victim.slave.idle();
    }
    expect(reply.verb).toBe('DIE');
    await until(hat, (p) => (same(p(0, 5), RED) || isCursorOver(p(0, 5), RED) ? null : 'the killed slave is not red'));
    // the others never heard of it
    expect((await slaves[0]!.slave.idle()).verb).toBe('SLEEP');
    expect((await slaves[2]!.slave.idle()).verb).toBe('SLEEP');
  });

  test('DOWN off the bottom, ENTER on "Quit?": piw-sense stops (status 0), the matrix dark; the master runs on', async () => {
    for (let i = 0; i < 3; i++) await press(hat, KEY.down);
    await until(hat, (p) => scrolled(p, textStrip('Quit?'), [255, 0, 0], () => BLACK));
    await press(hat, KEY.enter);
    const { code, stderr } = await within(sense.exited, () => `piw-sense did not stop:\n${sense.stderr()}`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('WARNING sense: stopped') });
    expect(hat.bytes().equals(Buffer.alloc(128))).toBe(true);
    expect((await slaves[0]!.slave.idle()).verb).toBe('SLEEP');
  });
});

/** `count` of 64 pixels lit from the bottom left, a row at a time upwards, the next one part-lit. */
function fillFromBottom(count: number, colour: Rgb) {
  return (x: number, y: number): Rgb => {
    const i = (7 - y) * 8 + x;
    return i < Math.floor(count) ? colour : i < count ? mix(BLACK, colour, count - i) : BLACK;
  };
}

describe('piw-sense turned, stopped and terminating', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let master: Master;
  let observer: MonitorClient;
  const hats: FakeHat[] = [];
  const senses: ReturnType<typeof spawnSense>[] = [];
  const slaves: TestSlave[] = [];

  beforeAll(async () => {
    dir = await tempDir('piw-sense-cli-');
    master = new Master({ config: masterConfig(dir.path), log: memoryLogger('master') });
    await master.start();
    for (const [abi, label] of [['cp311', 'a'], ['cp39', 'b']] as const) slaves.push((await joinSlave(master, abi, label)).slave);
    observer = createMonitorClient({ statusQueue: `ipc://${dir.path}/status`, controlQueue: `ipc://${dir.path}/control`, log: memoryLogger('observer') });
  });

  afterAll(async () => {
    for (const s of senses) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await observer.close();
    await Promise.all(slaves.map((s) => s.close()));
    master.quit('test over');
    await master.done;
    await Promise.all(hats.map((h) => h.remove()));
    await dir.remove();
  });

  const start = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const hat = new FakeHat();
    hats.push(hat);
    const sense = spawnSense(hat, dir.path, args, env);
    senses.push(sense);
    return { hat, sense };
  };

  test('-r 90: the picture a quarter turn counter-clockwise, the joystick turned with it; SIGTERM leaves it dark', async () => {
    const { hat, sense } = start(['-r', '90']);
    // picture (x, y) is matrix (y, 7 - x): the queue row is column 2, the slaves' first column the bottom row
    await until(hat, (p) => {
      const ratio = masterSummary(observer.farm.getSnapshot().context).diskFreeRatio;
      if (ratio === null) return 'no statistics from the master yet';
      const disk = bar(8 * ratio);
      for (let x = 0; x < 8; x++) {
        if (!same(p(2, 7 - x), BLUE)) return 'matrix column 2 is not the empty queue';
        if (!same(p(1, 7 - x), disk[x]!)) return 'matrix column 1 is not the disk bar';
      }
      if (!isCursorOver(p(3, 7), GREY) || !same(p(4, 7), GREY)) return 'the slaves are not along the bottom row';
      return same(p(5, 7), BLACK) && same(p(3, 6), BLACK) ? null : 'lit where no slave is';
    });
    // the HAT's UP key points right on the turned picture: the cursor goes to picture (1, 3), matrix (3, 6)
    await hat.send(tap(KEY.up));
    await until(hat, (p) => (same(p(3, 7), GREY) && isCursorOver(p(3, 6), BLACK) && !same(p(3, 6), BLACK) ? null : 'the cursor did not move right'));
    sense.child.kill('SIGTERM');
    const { code, stderr } = await within(sense.exited, () => `piw-sense did not stop:\n${sense.stderr()}`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('WARNING sense: shutting down on SIGTERM') });
    expect(hat.bytes().equals(Buffer.alloc(128))).toBe(true);
  });

  test('under systemd (Type=notify): READY once following the master, WATCHDOG, STOPPING on SIGTERM', async () => {
    const listener = await NotifyListener.start();
    try {
      const { sense } = start([], { NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '1000000' });
      const ready = await listener.next('READY', '1');
      expect(ready.assignments.STATUS).toBe(`following the master at ipc://${dir.path}/status`);
      await listener.next('WATCHDOG', '1');
      sense.child.kill('SIGTERM');
      expect((await within(sense.exited, () => `piw-sense did not stop:\n${sense.stderr()}`)).code).toBe(0);
      expect((await listener.next('STOPPING')).assignments).toEqual({ STOPPING: '1', STATUS: 'stopping: SIGTERM' });
    } finally {
      listener.close();
    }
  });

  test('"Terminate?" tells the master to QUIT, and piw-sense stops too', async () => {
    const { hat, sense } = start();
    await until(hat, (p) => (isCursorOver(p(0, 3), GREY) ? null : 'no main screen yet'));
    for (let i = 0; i < 5; i++) await hat.send(tap(KEY.down));
    await hat.send(tap(KEY.right));
    await until(hat, (p) => scrolled(p, textStrip('Terminate?'), [255, 0, 0], () => BLACK));
    await hat.send(tap(KEY.enter));
    const { code, stderr } = await within(sense.exited, () => `piw-sense did not stop:\n${sense.stderr()}`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('WARNING sense: told the master to terminate; stopped') });
    await within(master.done, () => `the master did not stop:\n${stderr}`); // it stopped on QUIT
    expect(hat.bytes().equals(Buffer.alloc(128))).toBe(true);
  });
});

test('no Sense HAT: says what it looked for and exits 1', async () => {
  const dir = await tempDir('piw-sense-cli-');
  try {
    const sense = spawnSense({ root: dir.path } as FakeHat, dir.path);
    const { code, stderr } = await sense.exited;
    expect(code).toBe(1);
    expect(stderr).toContain(`ERROR sense: no Sense HAT found: looked for a framebuffer named "RPi-Sense FB" (${dir.path}/sys/class/graphics/fb*/name)`);
    expect(stderr).toContain('an input device named "Raspberry Pi Sense HAT Joystick"');
  } finally {
    await dir.remove();
  }
});

test('a bad --rotate is a usage error (status 2)', async () => {
  const dir = await tempDir('piw-sense-cli-');
  try {
    const { code, stderr } = await spawnSense({ root: dir.path } as FakeHat, dir.path, ['-r', '45']).exited;
    expect({ code, stderr }).toEqual({ code: 2, stderr: 'piw-sense: invalid value for option --rotate: expected 0, 90, 180 or 270\n' });
  } finally {
    await dir.remove();
  }
});
