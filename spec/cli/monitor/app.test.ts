/**
 * The monitor's drawing loop with a stand-in terminal (it records frames) and the real farm model fed by
 * hand, under fake timers: how often it draws is a matter of the clock it is given, not of the machine.
 */
import { jest } from '@jest/globals';
import { createActor } from 'xstate';
import type { MonitorClient } from '../../../actors/monitor/index.js';
import { farmMachine } from '../../../machines/farm/index.js';
import { runMonitorApp } from '../../../cli/monitor/app.js';
import { frameText, type Frame } from '../../../cli/monitor/frame.js';
import type { TerminalIo } from '../../../cli/monitor/terminal.js';
import { T0, at, masterHello, slave, slaveJoins } from '../../machines/farm/fixtures.js';

beforeEach(() => jest.useFakeTimers({ now: T0 }));
afterEach(() => jest.useRealTimers());

function harness() {
  const farm = createActor(farmMachine, { input: { now: T0 } }).start();
  const sent: string[] = [];
  const client = {
    farm,
    statusQueue: 'ipc:///tmp/piw-status',
    controlQueue: 'ipc:///tmp/piw-control',
    pause: async () => void sent.push('pause'),
    resume: async () => void sent.push('resume'),
    kill: async (id: number | null) => void sent.push(`kill ${id}`),
    skip: async (id: number | null) => void sent.push(`skip ${id}`),
    quit: async () => void sent.push('quit'),
  } as unknown as MonitorClient;
  const frames: Frame[] = [];
  let key: (k: string) => void = () => {};
  let resize: (w: number, h: number) => void = () => {};
  const size = { width: 80, height: 24 };
  const io: TerminalIo = {
    get width() {
      return size.width;
    },
    get height() {
      return size.height;
    },
    draw: (f) => void frames.push(f),
    onKey: (h) => void (key = h),
    onMouse: () => {},
    onResize: (h) => void (resize = h),
    close: () => {},
  };
  const app = runMonitorApp({ client, io });
  return { farm, app, frames, sent, press: (k: string) => key(k), resize: (w: number, h: number) => ((size.width = w), (size.height = h), resize(w, h)) };
}

test('a flood of status messages is drawn at most 10 times a second', async () => {
  const h = harness();
  h.farm.send({ type: 'STATUS', at: at(0), messages: [masterHello(-10), ...slaveJoins(1, 0)] });
  const before = h.frames.length;
  // 100 messages a second for 3 s, each changing what is shown (a new build every time)
  for (let i = 0; i < 300; i++) {
    h.farm.send({ type: 'STATUS', at: T0 + i * 10, messages: [slave.build(1, i / 100, `pkg${i}`, '1.0')] });
    await jest.advanceTimersByTimeAsync(10);
  }
  const drawn = h.frames.length - before;
  expect(drawn).toBeGreaterThanOrEqual(25);
  expect(drawn).toBeLessThanOrEqual(31);
  expect(frameText(h.frames.at(-1)!)).toContain('Building pkg29');
  h.app.stop();
});

test('nothing visible changed, nothing drawn: a repeated message or a tick within the same second', async () => {
  const h = harness();
  h.farm.send({ type: 'STATUS', at: at(0), messages: [masterHello(-10), ...slaveJoins(1, 0), slave.sleep(1, 0, false)] });
  await jest.advanceTimersByTimeAsync(200);
  const before = h.frames.length;
  for (let i = 0; i < 10; i++) {
    h.farm.send({ type: 'STATUS', at: at(0), messages: [slave.sleep(1, 0, false)] });
    h.farm.send({ type: 'TICK', now: at(0) + 50 });
    await jest.advanceTimersByTimeAsync(50);
  }
  expect(h.frames.length).toBe(before);
  h.farm.send({ type: 'TICK', now: at(2) });
  await jest.advanceTimersByTimeAsync(200);
  expect(h.frames.length).toBe(before + 1); // the clocks moved on
  h.app.stop();
});

test('keys become control messages; the outcome shows, then goes; a resize draws the new size at once', async () => {
  const h = harness();
  h.farm.send({ type: 'STATUS', at: at(0), messages: [masterHello(-10), ...slaveJoins(1, 0)] });
  await jest.advanceTimersByTimeAsync(200); // keys act on what is on screen
  h.press('p');
  h.press('k');
  h.press('y');
  await jest.advanceTimersByTimeAsync(200);
  expect(h.sent).toEqual(['pause', 'kill 1']);
  expect(frameText(h.frames.at(-1)!)).toContain('sent KILL 1: the slave gets DIE at its next request');
  await jest.advanceTimersByTimeAsync(7000);
  expect(frameText(h.frames.at(-1)!)).not.toContain('sent KILL');
  h.resize(100, 30);
  await jest.advanceTimersByTimeAsync(150);
  expect(h.frames.at(-1)).toMatchObject({ width: 100, height: 30 });
  h.press('q');
  await expect(h.app.done).resolves.toBeUndefined();
});
