/**
 * File Juggler benchmark (issue 4, item 11): one wheel end to end through the master's real pieces —
 * EXPECT over the bus, the sender (actors/file-sender) in a child process like a slave on another machine,
 * the File Juggler's ROUTER and transfer machine writing a pre-sized temp file (hashed by its worker thread
 * from the page cache as it is written), then VERIFY over the bus (wait for the hash and the fsync, rename
 * into simple/<pkg>/). Prints MB/s for the transfer (HELLO to DONE, as the sender sees it) and for
 * transfer + VERIFY, the median of the runs, and the CPU time each process spent (the master's includes
 * its hashing worker), split on Linux by thread: user/kernel ms of the main thread, ZeroMQ's I/O thread
 * and the rest (libuv's pool, the hashing worker, V8's GC helpers). Asserts nothing, but prints no rate
 * for a file that did not arrive intact.
 *
 *   npx tsx scripts/bench/file-juggler.ts [--mib 256] [--runs 3] [--transport tcp|ipc] [--chunk-kib N] [--dir /tmp]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/file-juggler.ts --runs 1
 *
 * `--chunk-kib` overrides the File Juggler's `chunkSize` (bytes per FETCH; by default the master's own
 * choice, `chunkSizeFor`: 256 KiB for a file this large, 6 in flight; 0.18's is 64 KiB, and every client
 * answers whatever length is asked).
 */
import { fork } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FileJuggler } from '../../actors/file-juggler/index.js';
import { sendFile } from '../../actors/file-sender/index.js';
import { createBus } from '../../actors/runtime/bus.js';
import { createLogger } from '../../actors/runtime/logger.js';
import { queues } from '../../actors/runtime/queues.js';
import { chunkSizeFor } from '../../protocols/file-transfer.js';
import type { FileStateWire } from '../../protocols/records.js';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    transport: { type: 'string', default: 'tcp' },
    'chunk-kib': { type: 'string' },
    dir: { type: 'string', default: '/tmp' },
    // internal: this script runs itself as the sending side
    sender: { type: 'boolean', default: false },
  },
});

const log = createLogger('bench', { level: 'warning' });

type Go = { address: string; slaveId: number; path: string };
type Sent = { ok: true; ms: number; cpuMs: number; threads: ThreadCpu } | { ok: false; error: string };

/**
 * CPU ms of this process's threads since `since` (Linux; empty elsewhere), user and kernel, in three groups:
 * the main thread (the event loop), ZeroMQ's I/O thread (socket reads and writes) and the rest (libuv's
 * pool doing file reads, writes and syncs, the hashing worker, V8's GC helpers).
 */
type ThreadCpu = Record<'main' | 'zmq' | 'other', { user: number; sys: number }>;
type Ticks = Map<string, { group: keyof ThreadCpu; user: number; sys: number }>;
function threadTicks(): Ticks {
  const threads: Ticks = new Map();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const group = tid === String(process.pid) ? 'main' : stat.includes('(ZMQbg') ? 'zmq' : 'other';
      threads.set(tid, { group, user: Number(fields[11]), sys: Number(fields[12]) });
    } catch {
      // the thread has exited
    }
  }
  return threads;
}
function threadCpu(since: Ticks): ThreadCpu {
  const cpu: ThreadCpu = { main: { user: 0, sys: 0 }, zmq: { user: 0, sys: 0 }, other: { user: 0, sys: 0 } };
  const ms = (ticks: number) => (ticks * 1000) / 100; // USER_HZ
  for (const [tid, now] of threadTicks()) {
    const before = since.get(tid);
    cpu[now.group].user += ms(now.user - (before?.user ?? 0));
    cpu[now.group].sys += ms(now.sys - (before?.sys ?? 0));
  }
  return cpu;
}
const showThreads = (t: ThreadCpu) =>
  (['main', 'zmq', 'other'] as const).map((g) => `${g} ${t[g].user.toFixed(0)}u/${t[g].sys.toFixed(0)}s`).join(' ');

if (args.sender) {
  // The slave's side, in its own process; it waits for each "go" so process start-up is never timed.
  process.on('message', (go: Go | 'stop') => {
    if (go === 'stop') process.exit(0); // a normal exit, so --cpu-prof writes the sender's profile too
    const cpu = process.cpuUsage();
    const ticks = threadTicks();
    const started = performance.now();
    sendFile({ ...go, log }).then(
      () => {
        const used = process.cpuUsage(cpu);
        const ms = performance.now() - started;
        process.send!({ ok: true, ms, cpuMs: (used.user + used.system) / 1000, threads: threadCpu(ticks) } satisfies Sent);
      },
      (err: unknown) => process.send!({ ok: false, error: String(err) } satisfies Sent),
    );
  });
  process.send!('ready');
} else {
  await main();
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const size = Number(args.mib) * 2 ** 20;
  const runs = Number(args.runs);
  const wheel = 'bench_pkg-1.0-cp311-cp311-linux_x86_64.whl';
  const work = await mkdtemp(join(args.dir, 'piw-bench-juggler-'));
  const source = join(work, wheel);
  const output = join(work, 'www');
  const child = fork(fileURLToPath(import.meta.url), ['--sender'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fromChild = () => new Promise<unknown>((resolve) => child.once('message', resolve));
  const ready = fromChild();
  const bus = createBus();
  let juggler: FileJuggler | undefined;
  try {
    // incompressible content, hashed as it is written
    const hash = createHash('sha256');
    const block = Buffer.allocUnsafe(4 << 20);
    const out = await open(source, 'w');
    for (let written = 0; written < size; written += block.length) {
      const part = block.subarray(0, Math.min(block.length, size - written));
      randomFillSync(part);
      hash.update(part);
      await out.write(part);
    }
    await out.close();
    const file: FileStateWire = [wheel, size, hash.digest('hex'), 'bench_pkg', '1.0', 'cp311', 'cp311', 'linux_x86_64', {}];
    const address = args.transport === 'ipc' ? `ipc://${work}/file-queue` : 'tcp://127.0.0.1:*';
    const chunkSize = args['chunk-kib'] === undefined ? undefined : Number(args['chunk-kib']) * 1024;
    juggler = await FileJuggler.start({ bus, log, output, address, ...(chunkSize === undefined ? {} : { chunkSize }) });
    await ready;

    console.log(
      `File Juggler: ${args.mib} MiB wheel over ${args.transport} loopback, ${(chunkSize ?? chunkSizeFor(size)) / 1024} KiB chunks, ` +
        `sender in a child process; ${cpus().length} CPUs (load average ${loadavg()[0]!.toFixed(1)}), Node ${process.version}`,
    );
    const transferRates: number[] = [];
    const totalRates: number[] = [];
    const mbps = (ms: number) => (size / 1e6 / ms) * 1000;
    for (let run = 1; run <= runs; run++) {
      const expect = await bus.request(queues.fs, { verb: 'EXPECT', data: [run, file] });
      if (expect.verb !== 'OK') throw new Error(`EXPECT refused: ${String(expect.data)}`);
      const cpu = process.cpuUsage();
      const ticks = threadTicks();
      const started = performance.now();
      child.send({ address: juggler.endpoint, slaveId: run, path: source } satisfies Go);
      const sent = (await fromChild()) as Sent;
      const transferred = performance.now();
      const verify = await bus.request(queues.fs, { verb: 'VERIFY', data: [run, 'bench_pkg'] });
      const verified = performance.now();
      const used = process.cpuUsage(cpu);
      const threads = threadCpu(ticks);
      const stored = join(output, 'simple', 'bench_pkg', wheel);
      if (!sent.ok || verify.verb !== 'OK' || (await stat(stored)).size !== size) {
        console.log(`run ${run}: FAILED (sender: ${sent.ok ? 'done' : sent.error}; VERIFY: ${verify.verb} ${String(verify.data)})`);
        process.exitCode = 1;
        continue;
      }
      transferRates.push(mbps(transferred - started));
      totalRates.push(mbps(verified - started));
      console.log(
        `run ${run}: transfer ${(transferred - started).toFixed(0)} ms (${mbps(transferred - started).toFixed(0)} MB/s), ` +
          `VERIFY ${(verified - transferred).toFixed(0)} ms, transfer + verify ${mbps(verified - started).toFixed(0)} MB/s; ` +
          `CPU: master ${((used.user + used.system) / 1000).toFixed(0)} ms, sender ${sent.cpuMs.toFixed(0)} ms` +
          (sent.threads.main.user + sent.threads.main.sys > 0 ? ` (threads: master ${showThreads(threads)}; sender ${showThreads(sent.threads)})` : ''),
      );
      await rm(stored);
    }
    const left = (await readdir(join(output, 'simple'))).filter((name) => name !== 'bench_pkg');
    if (left.length > 0) console.log(`left behind in simple/: ${left.join(', ')}`);
    if (transferRates.length > 0) {
      console.log(
        `median of ${transferRates.length}: transfer ${median(transferRates).toFixed(0)} MB/s, ` +
          `transfer + verify ${median(totalRates).toFixed(0)} MB/s (target ≥ 500 MB/s; 0.18: ~300 MiB/s)`,
      );
    }
  } finally {
    child.send('stop');
    await juggler?.stop();
    bus.close();
    await rm(work, { recursive: true, force: true });
  }
}
