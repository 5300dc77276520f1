/**
 * What one slave reply costs below the Slave Driver, to tell how far the master's CPU per reply (printed by
 * independent-slaves.ts) can fall on this machine, part by part:
 *
 *   bare ROUTER   a zeromq ROUTER in a process of its own answering slave_load.py (ACK to HELLO, SLEEP false
 *                 to IDLE) with no decoding, no machine: replies/s and its CPU per reply, split into the
 *                 node threads (JavaScript, V8's helpers, zeromq's calls) and ZeroMQ's I/O thread. No master
 *                 answers for less.
 *   codec         decoding and validating one IDLE frame (CBOR + valibot), encoding SLEEP false
 *   session       one IDLE → SLEEP false through the slave-session machine alone (xstate), over 500 sessions,
 *                 with the Slave Driver's services replaced by counters: CPU and bytes allocated per IDLE (the
 *                 garbage that drives the master's young-generation collections and its peak RSS)
 *
 * CPU is process time (user + system), so other work on the machine slows these figures less than it slows
 * replies/s; the in-process parts print the best of three rounds.
 *
 *   npx tsx scripts/bench/slave-floor.ts [--slaves 10,500] [--duration 10] [--sessions 500] [--idles 200000]
 *   (--slaves '' runs the in-process parts only)
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { createActor } from 'xstate';
import { createSlaveSessionMachine } from '../../machines/slave-session/index.js';
import { encodeCbor, Float64, TimeDelta } from '../../protocols/cbor/index.js';
import { slaveDriverProtocol } from '../../protocols/slave-driver.js';
import { loadTool, threadCpuSeconds, zmqSplit } from './support/real-master.js';

const { values: args } = parseArgs({
  options: {
    slaves: { type: 'string', default: '10,500' },
    duration: { type: 'string', default: '10' },
    sessions: { type: 'string', default: '500' },
    idles: { type: 'string', default: '200000' },
  },
});
const SESSIONS = Number(args.sessions);
const IDLES = Number(args.idles);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** CPU µs per call of `op` (process time), the best of three rounds of `count` after a warm-up. */
function cpuPerCall(count: number, op: (i: number) => void): number {
  for (let i = 0; i < count / 10; i++) op(i);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < count; i++) op(i);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / count);
  }
  return best;
}

/** Bytes allocated per call of `op` over `count` calls: the heap's growth plus what each collection meanwhile freed. */
function bytesPerCall(count: number, op: (i: number) => void): number {
  const profiler = new GCProfiler();
  profiler.start();
  const before = getHeapStatistics().used_heap_size;
  for (let i = 0; i < count; i++) op(i);
  const after = getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const gc of profiler.stop().statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return (after - before + freed) / count;
}

// ------------------------------------------------------------------------------------------ bare ROUTER

/** The echo process: CBOR frames written out by hand, so nothing but zeromq runs per message. */
const ECHO = `
const zmq = require(${JSON.stringify(createRequire(import.meta.url).resolve('zeromq'))});
const ACK = Buffer.from([0x82, 0x63, 0x41, 0x43, 0x4b, 0x82, 0x01, 0x60]); // ['ACK', [1, '']]
const SLEEP = Buffer.from([0x82, 0x65, 0x53, 0x4c, 0x45, 0x45, 0x50, 0xf4]); // ['SLEEP', false]
const EMPTY = Buffer.alloc(0);
(async () => {
  const socket = new zmq.Router({ linger: 0, sendTimeout: 0, ipv6: true });
  await socket.bind('tcp://127.0.0.1:*');
  process.stdout.write(socket.lastEndpoint + '\\n');
  for (;;) {
    const [peer, , payload] = await socket.receive();
    // [verb, data] is 0x82 then the verb's text head ('HELLO' is 0x65 then H); BYE comes bare and gets nothing.
    if (payload[0] !== 0x82) continue;
    socket.send([peer, EMPTY, payload[2] === 0x48 ? ACK : SLEEP]).catch(() => undefined);
  }
})();
`;

async function bareRouter(): Promise<void> {
  const echo = spawn(process.execPath, ['-e', ECHO], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    echo.stdout.once('data', (d) => resolve(String(d).trim()));
    echo.once('exit', (code) => reject(new Error(`the echo ROUTER exited ${code}`)));
  });
  try {
    for (const slaves of args.slaves.split(',').filter(Boolean)) {
      const before = threadCpuSeconds(echo.pid!);
      const output = await new Promise<string>((resolve, reject) => {
        const tool = spawn('/usr/bin/python3', [loadTool('slave_load.py'), '--slave-queue', endpoint, '--slaves', slaves, '--duration', args.duration, '--repeat', '1', '--abi', 'cp311', '--procs', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        tool.stdout.on('data', (d) => (out += String(d)));
        tool.on('error', reject);
        tool.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`slave_load.py exited ${code}`))));
      });
      const after = threadCpuSeconds(echo.pid!);
      const line = output.split('\n').find((l) => l.startsWith('N='));
      // Every reply the ROUTER sent, warm-up included, is in the CPU: count them all (the tool's verbs are the measured window only).
      const replies = Number(/verbs \{'SLEEP': (\d+)\}/.exec(line ?? '')?.[1] ?? 0);
      const { zmq: io, other: node } = zmqSplit(before, after);
      const window = Number(args.duration);
      // The tool runs a 3 s warm-up before its window: the CPU covers both, so scale the replies to the whole run.
      const total = replies * ((window + 3) / window);
      console.log(`bare ROUTER, ${slaves} slaves: ${line?.replace(/^N=\s*\d+\s+run 1:\s*/, '').replace(/\s+loadgen.*/, '')}`);
      if (replies > 0) {
        console.log(`  CPU per reply (warm-up counted at the same rate): ${(((io + node) * 1e6) / total).toFixed(0)} µs = node threads ${((node * 1e6) / total).toFixed(0)} + ZeroMQ I/O thread ${((io * 1e6) / total).toFixed(0)}`);
      }
    }
  } finally {
    echo.kill();
  }
}

// ------------------------------------------------------------------------------------ codec and session

function inProcess(): void {
  const idle = encodeCbor(['IDLE', [new Date(), 16 * 2 ** 30, 8 * 2 ** 30, 4 * 2 ** 30, 2 * 2 ** 30, 0, 0, new Float64(0.25), new Float64(45)]]);
  console.log(`codec: IDLE (${idle.length} bytes) decoded and validated ${cpuPerCall(IDLES, () => slaveDriverProtocol.decode(idle)).toFixed(2)} µs; SLEEP false encoded ${cpuPerCall(IDLES, () => slaveDriverProtocol.encode({ verb: 'SLEEP', data: false })).toFixed(2)} µs`);

  let replies = 0;
  let ids = 0;
  const machine = createSlaveSessionMachine({
    reply: () => void replies++,
    publishStatus: () => undefined,
    log: () => undefined,
    register: () => ++ids,
    requestJob: () => null,
    logBuild: async () => 1,
    expectFile: async () => undefined,
    verifyFile: async () => true,
    requestPages: async () => undefined,
    releaseJob: () => undefined,
  });
  const hello = [new TimeDelta(0, 3 * 3600, 0), new TimeDelta(0, 300, 0), '311', 'cp311', 'linux_armv7l', 'bench', 'Raspbian GNU/Linux', '12', 'a020d3', '1a2b3c4d'] as const;
  const sessions = Array.from({ length: SESSIONS }, (_, i) => createActor(machine, { input: { peer: `peer-${i}`, pypiSimpleUrl: 'https://pypi.org/simple' } }).start());
  for (const session of sessions) session.send({ type: 'HELLO', data: [...hello], at: new Date() });
  const stats = slaveDriverProtocol.decode(idle).data as never;
  const sendIdle = (i: number) => sessions[i % SESSIONS]!.send({ type: 'IDLE', data: stats, at: new Date() });
  const perIdle = cpuPerCall(IDLES, sendIdle);
  const bytes = bytesPerCall(IDLES, sendIdle);
  const expected = SESSIONS + Math.floor(IDLES / 10) + 4 * IDLES;
  if (replies !== expected) throw new Error(`the sessions sent ${replies} replies, not ${expected}`);
  console.log(`session: IDLE → SLEEP false over ${SESSIONS} sessions ${perIdle.toFixed(2)} µs, ${(bytes / 1024).toFixed(1)} KB allocated (xstate, the machine's actions, their garbage)`);
  for (const session of sessions) session.stop();
}

console.log(`machine: ${cpus().length} cores, load average ${load()} (other work on it shows in every figure)`);
inProcess();
await bareRouter();
console.log(`load average now ${load()}`);
