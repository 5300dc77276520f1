/**
 * piw-monitor as a person uses it: a real process on a pseudo-terminal, its screen read through a terminal
 * emulator, against a real piw-master (on PGlite) with slaves speaking the slave protocol. What the master
 * logs and what the slaves are told show the keys did what the screen says.
 */
import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STATUS_QUEUE } from '../../actors/ipc/index.js';
import { KEYS, startMaster, startMonitor, type MasterProcess, type MonitorProcess } from './monitor/support.js';
import { run } from './common/harness.js';
import { MonitorCommand } from '../../cli/monitor/command.js';

let dir: string;
let master: MasterProcess;
const monitors: MonitorProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-monitor-'));
  master = await startMaster(dir);
}, 180_000);

afterAll(async () => {
  await master?.stop();
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const m of monitors.splice(0)) m.kill();
  await master.byeAll();
});

// a monitor starts through tsx, on a machine that may be busy
jest.setTimeout(180_000);

function monitor(args: string[] = ['--status-queue', master.statusQueue, '--control-queue', master.controlQueue], opts: Parameters<typeof startMonitor>[1] = {}) {
  const m = startMonitor(args, opts);
  monitors.push(m);
  return m;
}


test('80x24: the master panel, the slave list with the new slave, its details, the footer; q leaves the terminal as it was', async () => {
  const { id } = await master.slave('pi-one');
  const m = monitor();
  const text = await m.waitForScreen(new RegExp(`▪ +${id} pi-one +cp311 .*Waiting for jobs`));
  const rows = m.screen();
  expect(rows).toHaveLength(24);
  expect(rows[0]).toMatch(/^ piw-monitor │ master \S+ │ running │ up \d+:\d\d:\d\d │ last message \d+s ago/);
  expect(text).toMatch(/Queue /);
  expect(text).toMatch(/Disk \[[█░]+\] \d+ [KMGT]?B free of \d+ [KMGT]?B/); // the slave's, in its details
  expect(text).toMatch(new RegExp(`─ Slave ${id}: pi-one ─`));
  expect(rows[23]).toMatch(/p Pause +r Resume +k Kill +K Kill all +s Skip +t Terminate +h Help +q Quit/);
  for (const row of rows) expect(row.length).toBeLessThanOrEqual(80);
  m.press('q');
  expect(await m.exited).toBe(0);
  expect(m.restored()).toEqual({ normalScreen: true, mouseOff: true, cursorShown: true });
});

test('p pauses the master (the screen says PAUSED, the master logs it, a slave asking for work is told to sleep); r resumes', async () => {
  const { slave: s } = await master.slave('pi-pause');
  const m = monitor();
  await m.waitForScreen(/│ running │/);
  m.press('p');
  await m.waitForScreen(/│ PAUSED │[\s\S]*sent SLEEP/);
  await master.waitForLog(/WARNING master: sleeping all slaves and master/);
  expect(await s.idle()).toEqual({ verb: 'SLEEP', data: true });
  await m.waitForScreen(/Sleeping \(paused\)/);
  m.press('r');
  await m.waitForScreen(/│ running │[\s\S]*sent WAKE/);
  await master.waitForLog(/WARNING master: waking all slaves and master/);
  expect(await s.idle()).toEqual({ verb: 'SLEEP', data: false });
  m.press('q');
  expect(await m.exited).toBe(0);
});

test('k asks, then the selected slave gets DIE at its next request and shows as terminated; another key cancels', async () => {
  const first = await master.slave('pi-kill-1');
  const second = await master.slave('pi-kill-2');
  const m = monitor();
  await m.waitForScreen(new RegExp(`─ Slave ${first.id}: `));
  m.press(KEYS.down);
  await m.waitForScreen(new RegExp(`─ Slave ${second.id}: `));
  m.press('k');
  await m.waitForScreen(new RegExp(`Kill slave ${second.id} \\(pi-kill-2\\)\\? .*\\[y/N\\]`));
  m.press('n');
  await m.waitForScreen(/cancelled/);
  m.press('k');
  await m.waitForScreen(/\[y\/N\]/);
  m.press('y');
  await m.waitForScreen(new RegExp(`sent KILL ${second.id}`));
  await master.waitForLog(new RegExp(`WARNING master: killing slave ${second.id}\\b`));
  expect((await second.slave.idle()).verb).toBe('DIE');
  expect((await first.slave.idle()).verb).toBe('SLEEP');
  await m.waitForScreen(new RegExp(`▪ +${second.id} .*Terminated`));
  m.press(KEYS.ctrlC);
  expect(await m.exited).toBe(0);
  expect(m.restored()).toEqual({ normalScreen: true, mouseOff: true, cursorShown: true });
});

test('a resize re-lays the screen out at once; a click selects a slave and presses an action', async () => {
  const a = await master.slave('pi-a');
  const b = await master.slave('pi-b');
  const m = monitor();
  await m.waitForScreen(new RegExp(`─ Slave ${a.id}: `));
  m.resize(120, 40);
  await m.waitForScreen(new RegExp(`${master.statusQueue.replace(/[/.]/g, '\\$&')} *\\n`));
  const rows = m.screen();
  expect(rows).toHaveLength(40);
  expect(rows[39]).toMatch(/p Pause .* q Quit/);
  expect(rows.some((r) => r.length > 80)).toBe(true);
  const row = rows.findIndex((r) => new RegExp(`▪ +${b.id} `).test(r));
  m.click(10, row);
  await m.waitForScreen(new RegExp(`─ Slave ${b.id}: `));
  m.resize(60, 15);
  await m.waitForScreen(/q Quit/);
  expect(m.screen()).toHaveLength(15);
  for (const r of m.screen()) expect(r.length).toBeLessThanOrEqual(60);
  const footer = m.screen()[14]!;
  m.click(footer.indexOf('h Help') + 1, 14);
  await m.waitForScreen(/Help \(h or Esc closes\)/);
  m.signal('SIGTERM');
  expect(await m.exited).toBe(0);
  expect(m.restored()).toEqual({ normalScreen: true, mouseOff: true, cursorShown: true });
});

test('no master: "waiting for the master at ADDR", and it follows the master once one starts there', async () => {
  const status = `ipc://${path.join(dir, 'later-status')}`;
  const control = `ipc://${path.join(dir, 'later-control')}`;
  const m = monitor(['--status-queue', status, '--control-queue', control]);
  await m.waitForScreen(new RegExp(`Waiting for the master at ${status.replace(/[/.]/g, '\\$&')}`));
  m.press('p');
  await m.waitForScreen(/no master is connected/);
  const later = await startMaster(dir, 'later');
  try {
    await m.waitForScreen(/│ running │/, 120_000);
    // terminate, with a confirmation: the master stops and the monitor waits for the next one
    m.press('t');
    await m.waitForScreen(/Terminate the master\? \[y\/N\]/);
    m.press('y');
    await later.waitForLog(/WARNING master: shutting down on QUIT message/);
    expect(await later.exited).toBe(0);
    await m.waitForScreen(/Waiting for the master at/);
  } finally {
    await later.stop();
  }
  m.press('q');
  expect(await m.exited).toBe(0);
}, 300_000);

test('--help and --version, as the manual lists them', async () => {
  const help = await run(MonitorCommand, ['--help']);
  expect(help.code).toBe(0);
  for (const option of ['-c,--configuration FILE', '--status-queue ADDR', '--control-queue ADDR']) expect(help.stdout).toContain(option);
  // the master's default, in the private ipc directory every command shares (actors/ipc)
  expect(help.stdout).toContain(`(default: ${DEFAULT_STATUS_QUEUE})`);
  const version = await run(MonitorCommand, ['--version']);
  expect(version).toMatchObject({ code: 0, stdout: '0.18\n' });
});

test('bad options and no terminal: a clear message and a non-zero exit', async () => {
  const file = path.join(dir, 'monitor.conf');
  await writeFile(file, '[monitor]\nstatus_queue = /tmp/piw-status\n');
  const fromFile = await run(MonitorCommand, ['-c', file]);
  expect(fromFile.code).toBe(2);
  expect(fromFile.stderr).toContain(`invalid value for --status-queue (from ${file} [monitor] status_queue): expected an ipc:// or tcp:// address`);
  const bad = await run(MonitorCommand, ['--status-queue', 'nowhere']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/invalid value for option --status-queue: expected an ipc:\/\/ or tcp:\/\/ address/);
  const notty = await run(MonitorCommand, ['--status-queue', 'ipc:///nonexistent/status']);
  expect(notty.code).toBe(1);
  expect(notty.stderr).toMatch(/piw-monitor draws on a terminal/);
});
