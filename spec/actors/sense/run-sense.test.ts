/**
 * piw-sense's task in this process, on a stand-in HAT and a monitor client with no master to follow
 * ("Waiting for master"): how it ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMonitorClient, type MonitorClient } from '../../../actors/monitor/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { openJoystick } from '../../../actors/sense/joystick.js';
import { openMatrix } from '../../../actors/sense/matrix.js';
import { runSense } from '../../../actors/sense/run-sense.js';
import { FakeHat, KEY, tap } from './fake-hat.js';

let hat: FakeHat;
let client: MonitorClient;
let dir: string;
/** Stops whatever a test left running, failed or not. */
let stop: AbortController;
beforeEach(async () => {
  stop = new AbortController();
  hat = new FakeHat();
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-sense-run-'));
  client = createMonitorClient({ statusQueue: `ipc://${dir}/status`, controlQueue: `ipc://${dir}/control`, log: memoryLogger('sense') });
});
afterEach(async () => {
  stop.abort();
  await client.close();
  await hat.remove();
  await rm(dir, { recursive: true, force: true });
});

async function run(opts: { matrixDevice?: string; stickDevice?: string } = {}) {
  const matrix = await openMatrix(opts.matrixDevice ?? hat.framebuffer, 0);
  const stick = await openJoystick(opts.stickDevice ?? hat.joystick, 0);
  try {
    return await runSense({ client, matrix, stick: (s) => stick.messages(s), log: memoryLogger('sense'), signal: stop.signal, frameMs: 20 });
  } finally {
    await stick.close();
    await matrix.close().catch(() => {});
  }
}

test('the signal stops it: outcome "stopped", the matrix dark', async () => {
  const running = run();
  // "Waiting for master" scrolls in
  while (!hat.bytes().some((b) => b !== 0)) await new Promise((r) => setTimeout(r, 10));
  stop.abort();
  expect(await running).toBe('stopped');
  expect(hat.bytes().equals(Buffer.alloc(128))).toBe(true);
});

test('"Quit?" from the joystick: outcome "quit"', async () => {
  const running = run();
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 5; i++) await hat.send(tap(KEY.down));
  await hat.send(tap(KEY.enter));
  expect(await running).toBe('quit');
});

test('"Terminate?" with no master to tell: it says so, and stops all the same', async () => {
  const log = memoryLogger('sense');
  const matrix = await openMatrix(hat.framebuffer, 0);
  const stick = await openJoystick(hat.joystick, 0);
  const running = runSense({ client, matrix, stick: (s) => stick.messages(s), log, signal: stop.signal, frameMs: 20 });
  await new Promise((r) => setTimeout(r, 50));
  for (const key of [KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.right, KEY.enter]) await hat.send(tap(key));
  expect(await running).toBe('terminated');
  expect(log.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
    `the master was not told to terminate: no master is connected at ipc://${dir}/status; QUIT was not sent`,
  ]);
  await stick.close();
  await matrix.close();
});

test('a matrix that cannot be written ends it with the device’s error', async () => {
  await expect(run({ matrixDevice: '/dev/full' })).rejects.toMatchObject({
    code: 'PIW_ERR_SENSE_DEVICE',
    message: expect.stringContaining("cannot write to the Sense HAT's LED matrix /dev/full: ENOSPC"),
  });
});

test('a joystick that cannot be read ends it with the device’s error', async () => {
  await expect(run({ stickDevice: dir })).rejects.toMatchObject({
    code: 'PIW_ERR_SENSE_DEVICE',
    message: expect.stringContaining(`cannot read the Sense HAT's joystick ${dir}: EISDIR`),
  });
});
