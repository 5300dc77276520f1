/**
 * Slave-protocol benchmark through an independent client: ../shared/loadtools/slave_load.py (pyzmq + cbor2,
 * as real 0.18 slaves are: HELLO → IDLE → SLEEP …) against a real piw-master process on a real PostgreSQL
 * or, with `--embedded`, on the embedded database (PGlite) as `npm start` runs it (support/real-master.ts),
 * so the figures do not come from our own client code. Prints slave_load.py's lines (replies/s, p50/p99
 * per level), then the master's CPU time per reply and its memory: RSS sampled every 250 ms from the
 * moment the process exists (the peak of its start-up, of the load, and over the whole run) and read
 * before the load, at its end, 10 s after and `--after` seconds after it stopped (whether the master gives
 * back what the slaves cost), each split into anonymous memory (V8's heap, malloc, PGlite's WebAssembly
 * memory) and file-backed pages (code); and what the memory was made of at the load's highest RSS, as a
 * probe inside the master read it (support/memory-breakdown.ts: V8's heap spaces, malloc's arenas, the
 * rest). `--root` runs another checkout's master against the same client,
 * for before/after figures in one sitting; `--installed` runs the master as installed (its `dist/` build,
 * without tsx's loader thread: the memory an operator's master has); `--snapshots DIR` writes V8 heap
 * snapshots of the master before the load, at its end and at the last reading (they perturb the figures
 * that follow them).
 *
 *   npx tsx scripts/bench/independent-slaves.ts [--slaves 10,500] [--duration 20] [--repeat 1] [--embedded] [--installed]
 *     [--after 60] [--root DIR] [--snapshots DIR] [--node-arg=--trace-gc …]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMemoryAtPeak, memoryProbeArgs, readMemoryAtPeak } from './support/memory-breakdown.js';
import { cpuSeconds, loadTool, rssMiB, threadCpuSeconds, withRealMaster, zmqSplit } from './support/real-master.js';

const { values: args } = parseArgs({
  options: {
    slaves: { type: 'string', default: '10,500' },
    duration: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '1' },
    embedded: { type: 'boolean', default: false },
    installed: { type: 'boolean', default: false },
    after: { type: 'string', default: '60' },
    root: { type: 'string' },
    dir: { type: 'string', default: tmpdir() },
    snapshots: { type: 'string' },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const SLAVE_LOAD = loadTool('slave_load.py');
const AFTER_S = Number(args.after);
if (!(AFTER_S >= 10)) throw new Error(`--after ${args.after}: at least 10 seconds`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (n: number) => `${n.toFixed(0)} MiB`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** RSS split as /proc/PID/status has it: anonymous (heaps, WebAssembly memory) and file-backed (code) pages. */
function memory(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return `${mib(kb('VmRSS'))} (anon ${mib(kb('RssAnon'))}, file ${mib(kb('RssFile'))})`;
}

/** The highest RSS seen since the last `take()`, sampled every 250 ms. */
class PeakSampler {
  #peak = 0;
  readonly #timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.#timer = setInterval(() => this.#sample(), 250);
  }
  #sample(): void {
    try {
      this.#peak = Math.max(this.#peak, rssMiB(this.pid));
    } catch {
      // The process has gone: its peak stays what it was.
    }
  }
  take(): number {
    this.#sample();
    const peak = this.#peak;
    this.#peak = 0;
    return peak;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Runs slave_load.py, its output shown as it comes and returned. */
function slaveLoad(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [SLAVE_LOAD, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      process.stdout.write(d);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`slave_load.py exited ${code}`))));
  });
}

let sampler: PeakSampler | undefined;
const node = [...memoryProbeArgs, ...args['node-arg'], ...(args.snapshots === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2'])];
const memoryFile = path.join(args.dir, `piw-bench-memory-${process.pid}.json`);
process.env.PIW_BENCH_MEMORY_FILE = memoryFile;
if (args.snapshots !== undefined) await mkdir(args.snapshots, { recursive: true });

/** A heap snapshot of the master (node writes Heap.*.heapsnapshot in its working directory), moved to --snapshots as NAME. */
async function snapshot(child: ChildProcess, root: string, name: string): Promise<void> {
  if (args.snapshots === undefined) return;
  const before = new Set(await readdir(root));
  child.kill('SIGUSR2');
  for (;;) {
    await sleep(500);
    const made = (await readdir(root)).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    // Written in full once the next one could start; a size that stops growing is the simplest sign here.
    if (made !== undefined) {
      const size = () => statSync(path.join(root, made)).size;
      for (let last = -1; size() === 0 || size() !== last; ) {
        last = size();
        await sleep(1000);
      }
      await rename(path.join(root, made), path.join(args.snapshots, `${name}.heapsnapshot`));
      console.log(`heap snapshot: ${path.join(args.snapshots, `${name}.heapsnapshot`)}`);
      return;
    }
  }
}

const onSpawn = (child: ChildProcess) => {
  sampler = new PeakSampler(child.pid!);
};

await withRealMaster({ root: args.root, dir: args.dir, nodeArgs: node, embedded: args.embedded, installed: args.installed, onSpawn }, async (master) => {
  const pid = master.child.pid!;
  const startPeak = sampler!.take();
  console.log(`slave_load.py against piw-master of ${master.root} on ${args.embedded ? 'the embedded database (PGlite)' : 'PostgreSQL'}`);
  console.log(`machine: ${cpus().length} cores, load average ${load()} (other work on it shows in every figure)`);
  await snapshot(master.child, master.root, 'before');
  const before = memory(pid);
  sampler!.take();
  const cpu = cpuSeconds(pid);
  const threads = threadCpuSeconds(pid);
  const output = await slaveLoad(['--slave-queue', master.slaveQueue, '--slaves', ...args.slaves.split(','), '--duration', args.duration, '--repeat', args.repeat, '--abi', 'cp311', '--procs', '2']);
  const end = memory(pid);
  const loadPeak = sampler!.take();
  const atPeak = readMemoryAtPeak(memoryFile);
  const used = cpuSeconds(pid) - cpu;
  const split = zmqSplit(threads, threadCpuSeconds(pid));
  // each run line counts the replies it measured by verb: verbs {'SLEEP': 21134}
  const replies = [...output.matchAll(/verbs \{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/: (\d+)/g)]).reduce((sum, m) => sum + Number(m[1]), 0);
  if (replies === 0) console.log(`no replies measured: the master's last lines:\n${readFileSync(master.logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
  await snapshot(master.child, master.root, 'end');
  await sleep(10_000);
  const idle = cpuSeconds(pid);
  await sleep(1_000);
  const idleCpu = cpuSeconds(pid) - idle;
  const after10 = memory(pid);
  await sleep((AFTER_S - 11) * 1000);
  const afterN = memory(pid);
  const afterPeak = sampler!.take();
  await snapshot(master.child, master.root, `after-${AFTER_S}s`);
  sampler!.stop();
  console.log(`master CPU over the runs, warm-ups included: ${used.toFixed(2)} s${replies > 0 ? ` (${((used * 1e6) / replies).toFixed(0)} µs per measured reply = ${((split.other * 1e6) / replies).toFixed(0)} in node's threads + ${((split.zmq * 1e6) / replies).toFixed(0)} in ZeroMQ's I/O thread, ${replies} replies)` : ''}; CPU in the 11th second after: ${(idleCpu * 100).toFixed(0)}%`);
  console.log(`master RSS: ${before} before the load, ${end} at its end, ${after10} 10 s after, ${afterN} ${AFTER_S} s after`);
  console.log(`master RSS peaks: start-up ${mib(startPeak)}, load ${mib(loadPeak)}, whole run ${mib(Math.max(startPeak, loadPeak, afterPeak))}; load average now ${load()}`);
  if (atPeak !== undefined) console.log(describeMemoryAtPeak(atPeak));
});
await rm(memoryFile, { force: true });
process.exit(0);
