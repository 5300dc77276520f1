/**
 * piw-sense benchmark: its CPU and memory while it follows a master that N slaves report to, drawing
 * 15 frames a second. Prints figures; asserts nothing.
 *
 * The master (ours, on the embedded database in memory, PyPI unreachable so nothing is ever built) runs
 * in this process; piw-sense runs as its own process (through tsx) on a stand-in HAT in a temp dir
 * (scripts/sense/stand-in-hat.ts); the slaves are ../shared/loadtools/slave_load.py's 0.18-style fake
 * slaves, each IDLE → SLEEP → think → IDLE, every IDLE putting a STATS and a SLEEP on the status queue.
 * After the warm-up (the slaves say HELLO, piw-sense takes the master's replay) it samples piw-sense's
 * CPU time (all threads, /proc/PID/stat) and RSS over the window, and counts the frames that reached
 * the matrix (the framebuffer file's writes, seen by its modification time changing between samples).
 *
 *   npx tsx scripts/bench/sense.ts [--slaves 500] [--think 5-10] [--seconds 30] [--warmup 20]
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfig, Master } from '../../actors/master/index.js';
import { createLogger } from '../../actors/runtime/logger.js';
import { layOutHat } from '../sense/stand-in-hat.js';
import { freePort } from '../start/free-port.js';

const { values: args } = parseArgs({
  options: {
    slaves: { type: 'string', default: '500' },
    think: { type: 'string', default: '5-10' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '20' },
  },
});
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOADTOOLS = path.resolve(ROOT, '../../shared/loadtools/slave_load.py');
const TICKS_PER_SECOND = 100; // USER_HZ
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system, all threads) and RSS (MiB) of a process. */
function usage(pid: number): { cpu: number; rssMiB: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return { cpu, rssMiB: Number(rss) / 1024 };
}

const dir = await mkdtemp(path.join(tmpdir(), 'piw-bench-sense-'));
const port = await freePort();
const master = new Master({
  config: {
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
      slave: `tcp://127.0.0.1:${port}`,
      file: 'tcp://127.0.0.1:*',
    },
  },
  log: createLogger('master', { level: 'error' }),
});
await master.start();

const hat = layOutHat(path.join(dir, 'hat'));
const sense = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/piw-sense.ts'), '--status-queue', `ipc://${dir}/status`, '--control-queue', `ipc://${dir}/control`], {
  cwd: ROOT,
  env: { ...process.env, PIW_SENSE_ROOT: hat.root },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const warmup = Number(args.warmup);
const seconds = Number(args.seconds);
const load = spawn(
  '/usr/bin/python3',
  [LOADTOOLS, '--slave-queue', `tcp://127.0.0.1:${port}`, '--slaves', args.slaves, '--think', args.think, '--warmup', String(warmup), '--duration', String(seconds + 5), '--abi', 'cp311'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let loadOut = '';
load.stdout!.on('data', (d) => (loadOut += String(d)));

try {
  await sleep(warmup * 1000);
  const before = usage(sense.pid!);
  let frames = 0;
  let lastWrite = statSync(hat.framebuffer).mtimeMs;
  const started = Date.now();
  let peakRss = before.rssMiB;
  while (Date.now() - started < seconds * 1000) {
    await sleep(10);
    const mtime = statSync(hat.framebuffer).mtimeMs;
    if (mtime !== lastWrite) {
      frames++;
      lastWrite = mtime;
    }
    if (frames % 50 === 0) peakRss = Math.max(peakRss, usage(sense.pid!).rssMiB);
  }
  const elapsed = (Date.now() - started) / 1000;
  const after = usage(sense.pid!);
  const cpuShare = (after.cpu - before.cpu) / elapsed;
  await new Promise((resolve) => load.on('close', resolve));
  const replies = /median of.*\n[^\n]*\n\s*(\d+)\s+([\d.]+)/.exec(loadOut);
  console.log(`piw-sense following ${args.slaves} slaves (think ${args.think} s${replies ? `, ${replies[2]} slave replies/s` : ''}), ${elapsed.toFixed(1)} s after ${warmup} s of warm-up:`);
  console.log(`  CPU ${(100 * cpuShare).toFixed(1)}% of a core (${((1000 * cpuShare) / Math.max(1, frames / elapsed)).toFixed(2)} ms per frame drawn)`);
  console.log(`  frames on the matrix ~${(frames / elapsed).toFixed(1)}/s (seen by the framebuffer file's mtime, 10 ms sampling)`);
  console.log(`  RSS ${after.rssMiB.toFixed(1)} MiB (peak sampled ${peakRss.toFixed(1)} MiB)`);
} finally {
  load.kill('SIGKILL');
  sense.kill('SIGTERM');
  await new Promise((resolve) => sense.on('close', resolve));
  master.quit('benchmark over');
  await master.done;
  await rm(dir, { recursive: true, force: true });
}
