/**
 * Slave Driver benchmark (issue 4, item 11): slave-protocol replies/s and p50/p99 round-trip latency with
 * 10, 100 and 500 simulated slaves against one Slave Driver, and the master's RSS with 500 slaves and
 * 100,000 queued builds. Prints figures; asserts nothing.
 *
 * The master side (Slave Driver, bus, an in-memory Oracle and Secretary that answer at once) runs in this
 * process; the simulated slaves run in child processes (support/slave-load.ts), each slave a REQ socket
 * looping HELLO, then IDLE → BUILD → BUSY → CONT → BUILT (failure) → DONE with no pause (closed loop: the
 * latency is what 500 slaves that never rest would see). Each level measures a window after a warm-up.
 * "master CPU" is this process's CPU time (all threads, zmq's I/O thread included) over the window; its
 * µs per reply is the figure to compare when other work shares the machine. "main thread" is the event
 * loop's busy share (what limits the replies/s once it nears 100%) and its µs per reply.
 *
 * "load CPU" is the load processes' CPU time per reply: when it and the master's together reach the machine's
 * cores, the figure is the machine's, not the Slave Driver's. `--echo` replaces the Slave Driver by a bare
 * ROUTER that answers each request with the reply the loop expects, decoding only the verb: the ceiling
 * this load generator reaches on this machine.
 *
 * `--think MS` makes it an open loop: each slave waits 0.5–1.5 × MS before each request, so 500 slaves
 * offer about 500 × 1000 / MS requests/s whatever the master's speed, and the latency is that of a farm
 * running below saturation rather than of one asked more than it can answer.
 *
 * `--rebuild N` measures the same while a full-site rebuild of N packages is written: a Scribe on this
 * event loop (as in the master) writes BOTH (project page and package index) for every package of a
 * synthetic catalogue (support/site-data.ts), four at a time as the Secretary sends them, into a temp dir,
 * from the start of the warm-up through the window; the line adds the pages written per second.
 *
 *   npx tsx scripts/bench/slave-driver.ts [--slaves 10,100,500] [--seconds 10] [--warmup 2] [--procs 2] [--echo] [--think 100] [--rebuild 20000]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/slave-driver.ts --slaves 500
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as zmq from 'zeromq';
import { createBus } from '../../actors/runtime/bus.js';
import { createLogger } from '../../actors/runtime/logger.js';
import { queues } from '../../actors/runtime/queues.js';
import { MemoryScribeData } from '../../actors/scribe/memory-data.js';
import { Scribe } from '../../actors/scribe/scribe.js';
import { SlaveDriver } from '../../actors/slave-driver/index.js';
import { encodeCbor } from '../../protocols/index.js';
import { makePackages } from './support/site-data.js';

const { values: args } = parseArgs({
  options: {
    slaves: { type: 'string', default: '10,100,500' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    procs: { type: 'string', default: '2' },
    queued: { type: 'string', default: '100000' },
    echo: { type: 'boolean', default: false },
    rebuild: { type: 'string', default: '0' },
    think: { type: 'string', default: '0' },
  },
});
const LEVELS = args.slaves.split(',').map(Number);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const PROCS = Number(args.procs);
const QUEUED = Number(args.queued);
const ABI = 'cp311';
const REBUILD = Number(args.rebuild);
const THINK = Number(args.think);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ------------------------------------------------------------------------------------- the master side

const bus = createBus();
let logLines = 0;
const log = createLogger('master.slave_driver', { level: 'info', sink: () => void logLines++ });
let buildId = 0;
bus.serve(queues.db, (msg) => {
  if (msg.verb === 'GETABIS') return { verb: 'OK', data: new Set([ABI]) };
  if (msg.verb === 'LOGBUILD') return { verb: 'OK', data: ++buildId };
  return { verb: 'ERROR', data: `unexpected ${msg.verb}` };
});
bus.serve(queues.web, () => ({ verb: 'DONE' }));
bus.serve(queues.fs, () => ({ verb: 'OK', data: null }));
let statbq = 0;
bus.listen(queues.stats, () => void statbq++);
let statuses = 0;
bus.subscribe(queues.status, () => void statuses++);

/** What the load talks to: the Slave Driver, or the bare ROUTER of `--echo`. */
interface Master {
  readonly endpoint: string;
  connected(): number;
  stop(): Promise<void>;
}

/** The ceiling: a ROUTER answering HELLO, IDLE, BUSY and BUILT with ACK, BUILD, CONT and DONE. */
async function echoMaster(): Promise<Master> {
  const socket = new zmq.Router({ linger: 0, sendTimeout: 0 });
  await socket.bind('tcp://127.0.0.1:*');
  const replies = new Map<string, Buffer>([
    ['HELLO', encodeCbor(['ACK', [1, 'https://pypi.org/simple']])],
    ['IDLE', encodeCbor(['BUILD', ['package', '1.0']])],
    ['BUSY', encodeCbor('CONT')],
    ['BUILT', encodeCbor('DONE')],
  ]);
  let peers = 0;
  const loop = (async () => {
    for await (const [peer, empty, payload] of socket) {
      // [verb, data] is 0x82 then the verb's text head; BYE is a bare text string.
      const verb = payload![0] === 0x82 ? payload!.toString('latin1', 2, 2 + (payload![1]! - 0x60)) : 'BYE';
      if (verb === 'HELLO') peers++;
      if (verb === 'BYE') peers--;
      const reply = replies.get(verb);
      if (reply !== undefined) await socket.send([peer!, empty!, reply]);
    }
  })().catch(() => undefined);
  return {
    endpoint: socket.lastEndpoint!,
    connected: () => peers,
    async stop() {
      socket.close();
      await loop;
    },
  };
}

const driver = args.echo ? undefined : await SlaveDriver.start({ bus, log, address: 'tcp://127.0.0.1:*' });
const master: Master =
  driver === undefined
    ? await echoMaster()
    : { endpoint: driver.endpoint, connected: () => driver.slaveIds().length, stop: () => driver.stop() };

let generation = 0;
/** A fresh queue of `QUEUED` builds, applied before the call returns. */
async function fillQueue(): Promise<void> {
  if (driver === undefined) return;
  generation++;
  const jobs = Array.from({ length: QUEUED }, (_, i) => [`package-${generation}-${i}`, '1.0'] as [string, string]);
  bus.push(queues.builds, { verb: 'QUEUE', data: { [ABI]: jobs } });
  while ((driver.buildQueues.lengths()[ABI] ?? 0) !== QUEUED) await sleep(5);
}

// ---------------------------------------------------------------------------------- the site rebuild

const site = REBUILD > 0 ? await (async () => {
  const packages = makePackages(REBUILD);
  const output = await mkdtemp(join(tmpdir(), 'piw-bench-rebuild-'));
  const scribe = new Scribe({ data: new MemoryScribeData(packages), output });
  await scribe.start();
  return { packages, output, scribe };
})() : undefined;

/** Writes BOTH for every package, four at a time, over and over until `stop()`; counts the pages. */
function rebuildSite() {
  let running = true;
  let pages = 0;
  let next = 0;
  const writers = site === undefined ? [] : Array.from({ length: 4 }, async () => {
    while (running) {
      await site.scribe.both(site.packages[next++ % site.packages.length]!.name);
      pages += 2;
    }
  });
  return {
    pages: () => pages,
    async stop() {
      running = false;
      await Promise.all(writers);
    },
  };
}

// ------------------------------------------------------------------------------------ the slaves' side

// Run from source through tsx, or compiled (dist/) with plain node.
const compiled = import.meta.url.endsWith('.js');
const loadScript = fileURLToPath(new URL(compiled ? './support/slave-load.js' : './support/slave-load.ts', import.meta.url));

function startLoad(slaves: number): ChildProcess[] {
  const procs = Math.min(PROCS, slaves);
  return Array.from({ length: procs }, (_, i) => {
    const child = fork(loadScript, [], { execArgv: compiled ? [] : ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const share = Math.floor(slaves / procs) + (i < slaves % procs ? 1 : 0);
    child.send({ type: 'start', endpoint: master.endpoint, slaves: share, abi: ABI, sleepMs: 0, thinkMs: THINK });
    return child;
  });
}

const nextMessage = <T>(child: ChildProcess, type: string) =>
  new Promise<T>((resolve) => {
    const on = (msg: { type: string }) => {
      if (msg.type !== type) return;
      child.off('message', on);
      resolve(msg as T);
    };
    child.on('message', on);
  });

interface Result {
  replies: number;
  latencies: number[];
  errors: number;
  cpuMicros: number;
}

async function level(slaves: number) {
  await fillQueue();
  const children = startLoad(slaves);
  await Promise.all(children.map((c) => nextMessage(c, 'ready')));
  const { rss: rssConnected, heapUsed: heapConnected } = process.memoryUsage();
  const rebuild = rebuildSite();
  await sleep(WARMUP * 1000);
  const pages0 = rebuild.pages();
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
  const statusesBefore = statuses;
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  for (const c of children) c.send({ type: 'measure' });
  await sleep(SECONDS * 1000);
  const results = children.map((c) => nextMessage<Result>(c, 'result'));
  for (const c of children) c.send({ type: 'stop' });
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const pages = rebuild.pages() - pages0;
  clearInterval(sampler);
  await rebuild.stop();
  const done = await Promise.all(results);
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null)))));
  const replies = done.reduce((n, r) => n + r.replies, 0);
  const errors = done.reduce((n, r) => n + r.errors, 0);
  const loadCpu = done.reduce((n, r) => n + r.cpuMicros, 0) / 1e6 / elapsed;
  const all = Float64Array.from(done.flatMap((r) => r.latencies)).sort();
  // Let the BYEs land so the next level starts with no sessions.
  while (master.connected() > 0) await sleep(10);
  return {
    slaves,
    repliesPerSecond: replies / elapsed,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    max: all.length ? all[all.length - 1]! : NaN,
    masterCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
    mainThread: elu.utilization,
    loadCpu,
    statusesPerSecond: (statuses - statusesBefore) / elapsed,
    rssConnected,
    heapConnected,
    rssPeak,
    errors,
    pagesPerSecond: pages / elapsed,
  };
}

console.log(`Slave Driver benchmark: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`${args.echo ? 'ECHO (bare ROUTER, the ceiling); ' : ''}${THINK > 0 ? 'open loop' : 'closed loop'}, ${SECONDS} s per level after ${WARMUP} s warm-up, ${QUEUED.toLocaleString('en')} queued builds, load in ${PROCS} processes` +
    (THINK > 0 ? `, each slave pausing ${THINK / 2}–${(THINK * 3) / 2} ms before each request` : '') +
    (site ? `, while rewriting the site of ${REBUILD.toLocaleString('en')} packages` : ''));
const rssIdle = process.memoryUsage().rss;
for (const slaves of LEVELS) {
  const r = await level(slaves);
  console.log(
    `${String(r.slaves).padStart(4)} slaves: ${Math.round(r.repliesPerSecond).toLocaleString('en').padStart(7)} replies/s` +
      `  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(1)} ms` +
      `  master CPU ${(r.masterCpu * 100).toFixed(0)}% (${((r.masterCpu * 1e6) / r.repliesPerSecond).toFixed(0)} µs/reply;` +
      ` main thread ${(r.mainThread * 100).toFixed(0)}% busy, ${((r.mainThread * 1e6) / r.repliesPerSecond).toFixed(0)} µs/reply)` +
      `  load CPU ${(r.loadCpu * 100).toFixed(0)}% (${((r.loadCpu * 1e6) / r.repliesPerSecond).toFixed(0)} µs/reply)  status msgs/s ${Math.round(r.statusesPerSecond).toLocaleString('en')}` +
      `  RSS ${mb(r.rssConnected)} connected (heap ${mb(r.heapConnected)}), ${mb(r.rssPeak)} peak${r.errors ? `  ERRORS ${r.errors}` : ''}` +
      (site ? `  pages written ${Math.round(r.pagesPerSecond).toLocaleString('en')}/s` : ''),
  );
}
console.log(`master RSS before any slave: ${mb(rssIdle)}; builds logged ${buildId.toLocaleString('en')}; STATBQ ${statbq.toLocaleString('en')}; log lines ${logLines.toLocaleString('en')}`);
await master.stop();
bus.close();
if (site) await rm(site.output, { recursive: true, force: true });
