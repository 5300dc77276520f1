/**
 * `npm start` as a user runs it (the package.json script, through npm): it prints one `Index:` line, pip
 * installs a demo wheel the local slave built from that index, the `Monitor:` line it prints starts a
 * piw-monitor that shows the demo's slave, Ctrl-C (SIGINT to the whole terminal
 * process group) stops it all, and a second start in the same directory serves the same index again and
 * stops on SIGTERM sent to npm. No process of the demo outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../scripts/start/processes.js';
import { startMonitor } from '../cli/monitor/support.js';
import { Venv, waitUntil } from './support/farm.js';

const LONG = 300_000;

let dir: string;
let venv: Venv;
const started: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number | null>;
}

function npmStart(): Run {
  const child = spawn('npm', ['start', '--', '--dir', path.join(dir, 'demo')], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0) process.stderr.write(`npm start exited ${code}:\n${out}\n${err}\n`);
  });
  return { child, stdout: () => out, exited };
}

/** The pids of processes whose command line names `needle` (the demo's directory). */
async function processesNaming(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

async function indexLine(run: Run): Promise<string> {
  const match = await waitUntil('the Index line', () => {
    if (run.child.exitCode !== null) throw new Error(`npm start exited early:\n${run.stdout()}`);
    return /^Index: (http:\/\/127\.0\.0\.1:\d+\/simple\/)$/m.exec(run.stdout()) ?? undefined;
  }, LONG);
  expect(run.stdout().match(/^Index: /gm)).toHaveLength(1);
  return match[1]!;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-start-'));
  venv = await Venv.create(path.join(dir, 'venv'));
}, LONG);

afterAll(async () => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await rm(dir, { recursive: true, force: true });
});

test('npm start serves an index that pip installs a freshly built wheel from; Ctrl-C stops everything', async () => {
  const run = npmStart();
  const index = await indexLine(run);
  expect(run.stdout()).toMatch(/^Build ABI: cp\d+ registered/m);

  // The demo announces the wheel once the index lists it; from then on pip installs it.
  await waitUntil('the wheel announced', () => /^Wheel: piw_demo_pure-1\.0-py3-none-any\.whl -> pip install --index-url (\S+) piw-demo-pure$/m.exec(run.stdout())?.[1] === index, LONG);
  const installed = await venv.install(index, 'piw-demo-pure');
  expect(installed.code).toBe(0);
  expect((await venv.run('import piw_demo_pure; print(piw_demo_pure.hello())')).output).toContain('hello from piw-demo-pure 1.0');
  // the Monitor line is a working piw-monitor command line: it shows the demo's slave
  const monitorArgs = /^Monitor: piw-monitor (.+)$/m.exec(run.stdout())![1]!.split(' ');
  const monitor = startMonitor(monitorArgs);
  await monitor.waitForScreen(/▪ +\d+ demo-slave +cp\d+ /, LONG);
  monitor.press('q');
  expect(await monitor.exited).toBe(0);
  const ipcDir = /ipc:\/\/(\/\S+)\/import/.exec(run.stdout())![1]!;
  expect(await processesNaming(path.join(dir, 'demo'))).not.toHaveLength(0);

  process.kill(-run.child.pid!, 'SIGINT');
  expect(await run.exited).toBe(0);
  expect(run.stdout()).toMatch(/^Stopped\.$/m);
  expect(await processesNaming(path.join(dir, 'demo'))).toEqual([]);
  expect(existsSync(ipcDir)).toBe(false);
}, LONG);

test('a second npm start reuses the data directory, serves the index again and stops on SIGTERM', async () => {
  const run = npmStart();
  const index = await indexLine(run);
  // The database, its ABI and the wheels are still there.
  expect(run.stdout()).not.toMatch(/^Build ABI:/m);
  await waitUntil('the wheel announced', () => /^Wheel: piw_demo_pure-1\.0-py3-none-any\.whl/m.test(run.stdout()), LONG);
  const again = await venv.install(index, 'piw-demo-pure', { reinstall: true });
  expect(again.code).toBe(0);
  expect(again.output).toContain(`${index}piw-demo-pure/piw_demo_pure-1.0-py3-none-any.whl`);

  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  expect(await processesNaming(path.join(dir, 'demo'))).toEqual([]);
}, LONG);
