/**
 * Load generator for scripts/bench/slave-driver.ts, run as a child process so the simulated slaves never
 * share the master's event loop. Each simulated slave is a REQ socket speaking the real 0.18 protocol
 * (requests made and checked by protocols/; replies only decoded): HELLO → ACK, then IDLE → BUILD → BUSY → CONT → BUILT (failure,
 * so no file transfer) → DONE → IDLE …; SLEEP is answered with the next IDLE after `sleepMs`.
 *
 * With `thinkMs` > 0 a slave waits a random 0.5–1.5 × thinkMs before each request after HELLO (an open
 * loop: the offered rate is about slaves × 1000 / thinkMs per second, whatever the master's speed);
 * with 0 it asks again as soon as it has its answer (a closed loop).
 *
 * Parent → child (IPC): { type: 'start', endpoint, slaves, abi, sleepMs, thinkMs } then { type: 'measure' } and
 * { type: 'stop' }. Child → parent: { type: 'ready' } once every slave has its ACK, then
 * { type: 'result', replies, latencies (ms, measured window only), errors, cpuMicros (this process's CPU
 * time over the window) }.
 */
import { performance } from 'node:perf_hooks';
import * as zmq from 'zeromq';
import { decodeCbor, slaveClientProtocol, TimeDelta, type Message } from '../../../protocols/index.js';

type Start = { type: 'start'; endpoint: string; slaves: number; abi: string; sleepMs: number; thinkMs: number };
type Command = Start | { type: 'measure' } | { type: 'stop' };
type Request = Message<(typeof slaveClientProtocol)['send']>;

let measuring = false;
let running = true;
let replies = 0;
let errors = 0;
const latencies: number[] = [];
/** This process's CPU time over the measured window (µs), so the parent can tell whether the load saturates. */
let cpuAtMeasure: NodeJS.CpuUsage | undefined;
let cpuMeasured = 0;

function frames(abi: string) {
  const encode = (msg: Request) => slaveClientProtocol.encode(msg);
  const stats = [new Date(), 32_000_000_000, 20_000_000_000, 4_000_000_000, 3_000_000_000, 0, 0, 0.5, 45.0] as const;
  return {
    hello: encode({
      verb: 'HELLO',
      data: [TimeDelta.fromSeconds(3 * 3600), TimeDelta.fromSeconds(300), '311', abi, 'linux_armv7l', 'bench', 'Raspbian GNU/Linux', '11 (bullseye)', 'c03111', 'unknown'],
    }),
    idle: encode({ verb: 'IDLE', data: [...stats] }),
    busy: encode({ verb: 'BUSY', data: [...stats] }),
    built: encode({ verb: 'BUILT', data: [false, TimeDelta.fromSeconds(12.5), 'error: no compiler\n'.repeat(20), []] }),
    bye: encode({ verb: 'BYE' }),
  };
}

/**
 * The verb of a reply. Replies are only decoded, not validated: the tests check the Slave Driver's replies,
 * and on a two-core machine every microsecond the load generator spends is taken from the master.
 */
function verbOf(frame: Buffer): string {
  const item = decodeCbor(frame);
  return typeof item === 'string' ? item : String((item as unknown[])[0]);
}

async function slave(start: Start, f: ReturnType<typeof frames>, ready: () => void, go: Promise<void>): Promise<void> {
  const socket = new zmq.Request({ linger: 0, receiveTimeout: 60_000 });
  socket.connect(start.endpoint);
  const roundTrip = async (frame: Buffer): Promise<string> => {
    const t0 = performance.now();
    await socket.send(frame);
    const [reply] = await socket.receive();
    const t1 = performance.now();
    if (measuring) {
      replies++;
      latencies.push(t1 - t0);
    }
    return verbOf(reply!);
  };
  const request = async (frame: Buffer): Promise<string> => {
    if (start.thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, start.thinkMs * (0.5 + Math.random())));
    return roundTrip(frame);
  };
  try {
    if ((await roundTrip(f.hello)) !== 'ACK') throw new Error('no ACK');
    ready();
    await go;
    while (running) {
      const verb = await request(f.idle);
      if (verb === 'BUILD') {
        if ((await request(f.busy)) === 'CONT') await request(f.built);
      } else if (verb === 'SLEEP') {
        if (start.sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, start.sleepMs));
      } else if (verb === 'DIE') {
        break;
      }
    }
    await socket.send(f.bye);
  } catch (err) {
    errors++;
    if (errors === 1) process.stderr.write(`slave-load: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    socket.close();
  }
}

let finished: Promise<unknown> = Promise.resolve();
let letGo!: () => void;
const go = new Promise<void>((resolve) => (letGo = resolve));

process.on('message', (cmd: Command) => {
  if (cmd.type === 'start') {
    const f = frames(cmd.abi);
    let acked = 0;
    const ready = () => {
      if (++acked === cmd.slaves) {
        process.send!({ type: 'ready' });
        letGo();
      }
    };
    finished = Promise.all(Array.from({ length: cmd.slaves }, () => slave(cmd, f, ready, go)));
  } else if (cmd.type === 'measure') {
    measuring = true;
    cpuAtMeasure = process.cpuUsage();
  } else {
    measuring = false;
    running = false;
    const cpu = process.cpuUsage(cpuAtMeasure);
    cpuMeasured = cpu.user + cpu.system;
    void finished.then(() => {
      process.send!({ type: 'result', replies, latencies, errors, cpuMicros: cpuMeasured }, () => process.exit(0));
    });
  }
});
