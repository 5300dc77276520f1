import { findSenseHat } from '../../../actors/sense/discover.js';
import { inputEventSize, openJoystick, StickDecoder } from '../../../actors/sense/joystick.js';
import { openMatrix } from '../../../actors/sense/matrix.js';
import { rgb565Pixel, toRgb565 } from '../../../actors/sense/rgb565.js';
import { BLUE, hex, WHITE } from '../../../actors/sense/display/colour.js';
import { Frame } from '../../../actors/sense/display/frame.js';
import type { StickMessage } from '../../../actors/sense/stick-events.js';
import { FakeHat, HOLD, inputEvent, KEY, PRESS, RELEASE, tap } from './fake-hat.js';

const hats: FakeHat[] = [];
const hat = (opts?: ConstructorParameters<typeof FakeHat>[0]) => {
  const h = new FakeHat(opts);
  hats.push(h);
  return h;
};
afterEach(async () => {
  await Promise.all(hats.splice(0).map((h) => h.remove()));
});

describe('finding the HAT', () => {
  test('the framebuffer and the input device are found by their sysfs names', async () => {
    const h = hat();
    expect(await findSenseHat(h.root)).toEqual({ framebuffer: h.framebuffer, joystick: h.joystick });
  });

  test('no HAT: the error names what was looked for, and where', async () => {
    const h = hat({ matrix: false, stick: false });
    const err = await findSenseHat(h.root).catch((e: Error & { code: string }) => e);
    expect(err).toMatchObject({ code: 'PIW_ERR_NO_SENSE_HAT' });
    expect((err as Error).message).toBe(
      `no Sense HAT found: looked for a framebuffer named "RPi-Sense FB" (${h.root}/sys/class/graphics/fb*/name) and ` +
        `an input device named "Raspberry Pi Sense HAT Joystick" (${h.root}/sys/class/input/event*/device/name); ` +
        'is the HAT fitted and its overlay loaded (dtoverlay=rpi-sense)?',
    );
  });

  test('a matrix without its joystick is no HAT either; only the missing part is named', async () => {
    const h = hat({ stick: true, matrix: false });
    await expect(findSenseHat(h.root)).rejects.toThrow(/looked for a framebuffer named "RPi-Sense FB" \([^)]*\); is the HAT/);
  });

  test('a machine without sysfs at all', async () => {
    await expect(findSenseHat('/nonexistent-root')).rejects.toMatchObject({ code: 'PIW_ERR_NO_SENSE_HAT' });
  });
});

describe('the matrix', () => {
  test('RGB565 little-endian, row-major, two bytes a pixel', () => {
    const f = new Frame().set(1, 0, [255, 0, 0]).set(0, 1, [0, 255, 0]).set(7, 7, [0, 0, 255]);
    const bytes = toRgb565(f);
    expect(bytes).toHaveLength(128);
    expect(bytes.readUInt16LE(2)).toBe(0xf800);
    expect(bytes.readUInt16LE(16)).toBe(0x07e0);
    expect(bytes.readUInt16LE(126)).toBe(0x001f);
    expect(rgb565Pixel(bytes, 1, 0)).toEqual([255, 0, 0]);
    expect(rgb565Pixel(toRgb565(Frame.filled(hex('#333'))), 4, 4)).toEqual([0x31, 0x30, 0x31]);
  });

  test('each frame is written whole, turned for the rotation; closing turns every LED off', async () => {
    const h = hat();
    const m = await openMatrix(h.framebuffer, 90);
    await m.show(Frame.filled(BLUE).set(0, 0, WHITE));
    expect(h.bytes()).toHaveLength(128);
    expect(h.pixel(0, 7)).toEqual(WHITE); // the picture's top left, a quarter turn counter-clockwise
    expect(h.pixel(0, 0)).toEqual(BLUE);
    await m.close();
    expect(h.bytes().equals(Buffer.alloc(128))).toBe(true);
  });

  test('frames that arrive during a write collapse into the latest', async () => {
    const h = hat();
    const m = await openMatrix(h.framebuffer, 0);
    const shown = [m.show(Frame.filled(BLUE)), m.show(Frame.filled(WHITE)), m.show(Frame.filled(hex('#060')))];
    await Promise.all(shown);
    expect(h.pixel(3, 3)).toEqual(rgb565Pixel(toRgb565(Frame.filled(hex('#060'))), 0, 0));
    await m.close();
  });

  test('a matrix that cannot be opened says which device', async () => {
    await expect(openMatrix('/nonexistent/fb1', 0)).rejects.toThrow("cannot open the Sense HAT's LED matrix /nonexistent/fb1: ENOENT");
  });
});

describe('the joystick', () => {
  const at = new Date(1_700_000_000_250);

  test('64-bit records: presses, the kernel’s repeats while held, releases; other events skipped', () => {
    const d = new StickDecoder(0, 24);
    const msgs = d.push(Buffer.concat([
      inputEvent(KEY.up, PRESS), inputEvent(0, 0, { type: 0 }),
      inputEvent(KEY.up, HOLD), inputEvent(KEY.up, RELEASE),
      inputEvent(KEY.enter, PRESS), inputEvent(KEY.enter, RELEASE),
      inputEvent(30, PRESS), // a key the HAT does not have
      inputEvent(KEY.left, PRESS, { type: 4 }), // EV_MSC
    ]));
    expect(msgs).toEqual<StickMessage[]>([
      { verb: 'EVENT', data: [at, 'up', true, false] },
      { verb: 'EVENT', data: [at, 'up', true, true] },
      { verb: 'EVENT', data: [at, 'up', false, true] },
      { verb: 'EVENT', data: [at, 'enter', true, false] },
      { verb: 'EVENT', data: [at, 'enter', false, false] },
    ]);
  });

  test('32-bit records (Raspberry Pi OS armhf) read the same', () => {
    const d = new StickDecoder(0, 16);
    expect(d.push(Buffer.concat([inputEvent(KEY.down, PRESS, { size: 16 }), inputEvent(KEY.right, PRESS, { size: 16 })]))).toEqual([
      { verb: 'EVENT', data: [at, 'down', true, false] },
      { verb: 'EVENT', data: [at, 'right', true, false] },
    ]);
    expect(inputEventSize('arm')).toBe(16);
    expect(inputEventSize('arm64')).toBe(24);
    expect(inputEventSize('x64')).toBe(24);
  });

  test('a record split across reads waits for its end', () => {
    const d = new StickDecoder(0, 24);
    const rec = inputEvent(KEY.left, PRESS);
    expect(d.push(rec.subarray(0, 10))).toEqual([]);
    expect(d.push(Buffer.concat([rec.subarray(10), rec.subarray(0, 23)]))).toHaveLength(1);
    expect(d.push(rec.subarray(23))).toHaveLength(1);
  });

  test('keys are read as directions on the picture of a rotated HAT', () => {
    const d = new StickDecoder(90, 24);
    expect(d.push(inputEvent(KEY.up, PRESS)).map((m) => m.data[1])).toEqual(['right']);
  });

  test('from the device as the keys are pressed, the writer coming and going, until stopped', async () => {
    const h = hat();
    const stop = new AbortController();
    const got: string[] = [];
    const stick = await openJoystick(h.joystick, 0);
    const reading = (async () => {
      for await (const msg of stick.messages(stop.signal)) {
        got.push(`${msg.data[1]}${msg.data[2] ? '+' : '-'}`);
        if (got.length === 6) stop.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 50)); // the reader has the FIFO open before the writer opens it
    await h.send(tap(KEY.down));
    await h.send(tap(KEY.enter));
    await h.unplug(); // nothing to read is not the end
    await new Promise((r) => setTimeout(r, 100));
    await h.send(tap(KEY.up));
    await reading;
    await stick.close();
    expect(got).toEqual(['down+', 'down-', 'enter+', 'enter-', 'up+', 'up-']);
  });

  test('stopping while the joystick is quiet ends the reading at once, without an error', async () => {
    const h = hat();
    const stop = new AbortController();
    const stick = await openJoystick(h.joystick, 0);
    const reading = (async () => {
      const got: StickMessage[] = [];
      for await (const msg of stick.messages(stop.signal)) got.push(msg);
      return got;
    })();
    await new Promise((r) => setTimeout(r, 50));
    await h.send(inputEvent(KEY.left, PRESS));
    await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    expect(await reading).toHaveLength(1);
    await stick.close();
  });

  test('a joystick that cannot be opened says which device', async () => {
    await expect(openJoystick('/nonexistent/event0', 0)).rejects.toThrow("cannot read the Sense HAT's joystick /nonexistent/event0: ENOENT");
  });
});
