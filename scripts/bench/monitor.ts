/**
 * piw-monitor benchmark (issue 9): what watching a busy farm costs the monitor.
 *
 * Starts piw-master (on the embedded database, queues in a temp dir), drives it with 0.18-style slaves from
 * ../shared/loadtools/slave_load.py (`--slaves 500 --think 5-10`: each slave asks for work every 5–10 s, as
 * a real idle slave does), and runs piw-monitor on a pseudo-terminal (node-pty, 120×40) against it. After a
 * warm-up (the monitor's start-up and the master's replay of every slave), over a measured window:
 *
 *   monitor CPU      user + system time of the piw-monitor process from /proc/PID/stat, as % of one core
 *   redraws/s        frames the monitor drew (each is one synchronized update, ESC [?2026h), mean and the
 *                    busiest second; and bytes/s it wrote to the terminal
 *   status msgs/s    what the master published on the status queue meanwhile (counted by a subscriber here)
 *   monitor RSS      at the end of the window
 *
 * Targets (issue 9): under 10% of a core, at most 10 redraws a second. The load generator, the master and
 * the monitor share this machine: on a busy one, compare figures taken in one sitting. The last screen is
 * printed at the end (through a terminal emulator), to show what was being drawn.
 *
 *   npx tsx scripts/bench/monitor.ts [--slaves 500] [--seconds 40] [--warmup 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import xtermHeadless from '@xterm/headless';
import * as pty from 'node-pty';
import * as zmq from 'zeromq';
import { boundAddress, masterReady } from './support/master-log.js';

const { values } = parseArgs({
  options: {
    slaves: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '20' },
  },
});
const SLAVES = Number(values.slaves);
const WINDOW_S = Number(values.seconds);
const WARMUP_S = Number(values.warmup);
const COLS = 120;
const ROWS = 40;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** ../shared/loadtools beside the repository (DEVELOPERS.md); a worktree one level deeper looks further up. */
const SLAVE_LOAD = [path.resolve(ROOT, '..', 'shared'), path.resolve(ROOT, '..', '..', 'shared')]
  .map((d) => path.join(d, 'loadtools', 'slave_load.py'))
  .find((p) => existsSync(p));
const SYNC = '\x1b[?2026h';
/** Clock ticks per second in /proc/PID/stat (USER_HZ: 100 on every Linux this runs on). */
const TICKS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** user + system CPU seconds of a process, from /proc/PID/stat (fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startMaster(dir: string): Promise<{ child: ChildProcess; status: string; control: string; slaveQueue: string }> {
  const ipc = (q: string) => `ipc://${path.join(dir, q)}`;
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', path.join(ROOT, 'cli', 'piw-master.ts'),
      '--status-queue', ipc('status'), '--control-queue', ipc('control'), '--import-queue', ipc('import'), '--log-queue', ipc('log'),
      '--slave-queue', 'tcp://127.0.0.1:*', '--file-queue', 'tcp://127.0.0.1:*',
      '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi', '--pypi-json', 'http://127.0.0.1:9/pypi', '-v',
      '-o', path.join(dir, 'www'),
    ],
    { cwd: ROOT, env: { ...process.env, XDG_DATA_HOME: path.join(dir, 'data'), PIW_ALLOW_ROOT: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = boundAddress(await masterReady(child), 'listening for slaves on');
  return { child, status: ipc('status'), control: ipc('control'), slaveQueue: endpoint };
}

async function main(): Promise<void> {
  if (SLAVE_LOAD === undefined) throw new Error('../shared/loadtools/slave_load.py not found beside the repository');
  const dir = await mkdtemp(path.join(tmpdir(), 'piw-bench-monitor-'));
  const children: ChildProcess[] = [];
  let monitor: pty.IPty | undefined;
  try {
    console.log(`piw-monitor benchmark: ${SLAVES} slaves (slave_load.py --think 5-10), ${COLS}x${ROWS} terminal, ${WARMUP_S} s warm-up, ${WINDOW_S} s measured`);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on it shows in every figure)`);
    const master = await startMaster(dir);
    children.push(master.child);

    // what the master publishes, for scale
    const sub = new zmq.Subscriber();
    sub.connect(master.status);
    sub.subscribe('');
    let published = 0;
    let counting = false;
    void (async () => {
      try {
        for await (const _ of sub) if (counting) published++;
      } catch {
        // closed
      }
    })();

    const load = spawn(
      '/usr/bin/python3',
      [SLAVE_LOAD, '--slave-queue', master.slaveQueue, '--slaves', String(SLAVES), '--think', '5-10', '--repeat', '1', '--warmup', '1', '--duration', String(WARMUP_S + WINDOW_S + 10), '--abi', 'cp311'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(load);
    let loadOut = '';
    load.stdout!.on('data', (d) => (loadOut += String(d)));
    load.stderr!.on('data', (d) => (loadOut += String(d)));

    const term = new xtermHeadless.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
    monitor = pty.spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli', 'piw-monitor.ts'), '--status-queue', master.status, '--control-queue', master.control], {
      cwd: ROOT,
      name: 'xterm-256color',
      cols: COLS,
      rows: ROWS,
      env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>,
    });
    let frames = 0;
    let bytes = 0;
    monitor.onData((d) => {
      bytes += Buffer.byteLength(d);
      for (let i = d.indexOf(SYNC); i >= 0; i = d.indexOf(SYNC, i + 1)) frames++;
      term.write(d);
    });
    const pid = monitor.pid;

    await sleep(WARMUP_S * 1000);
    const cpu0 = cpuSeconds(pid);
    const frames0 = frames;
    const bytes0 = bytes;
    const t0 = performance.now();
    counting = true;
    let busiest = 0;
    for (let s = 0; s < WINDOW_S; s++) {
      const before = frames;
      await sleep(1000);
      busiest = Math.max(busiest, frames - before);
    }
    counting = false;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const rss = rssMiB(pid);
    const drawn = frames - frames0;

    console.log('');
    console.log(`status messages published: ${(published / seconds).toFixed(1)}/s`);
    console.log(`monitor CPU:               ${((cpu / seconds) * 100).toFixed(2)}% of a core (${cpu.toFixed(2)} s over ${seconds.toFixed(1)} s)   target < 10%`);
    console.log(`monitor redraws:           ${(drawn / seconds).toFixed(2)}/s mean, ${busiest} in the busiest second   target <= 10/s`);
    console.log(`monitor output:            ${((bytes - bytes0) / seconds / 1024).toFixed(1)} KiB/s to the terminal`);
    console.log(`monitor RSS:               ${rss.toFixed(0)} MiB`);
    console.log(`machine load average now:  ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const buffer = term.buffer.active;
    const screen: string[] = [];
    for (let y = 0; y < ROWS; y++) screen.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '').trimEnd());
    console.log('\nthe last screen:\n');
    console.log(screen.join('\n'));
    monitor.write('q');
    await sleep(1000);
    sub.close();
    load.kill('SIGTERM');
    await new Promise((r) => load.once('close', r));
    const summary = loadOut.trim().split('\n').find((l) => l.startsWith('N='));
    if (summary) console.log(`\nslave_load.py: ${summary}`);
  } finally {
    monitor?.kill();
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(2000);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
