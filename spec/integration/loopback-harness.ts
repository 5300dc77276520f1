/**
 * The two ends of the loopback integration test and of scripts/bench/file-transfer.ts, over real ZeroMQ:
 *
 * - the master: the root supervisor running the real Slave Driver (ROUTER adapter, one slave-session
 *   machine per slave) and File Juggler (file ROUTER, one master-transfer machine per file, temp file →
 *   fsync → SHA-256 → rename) as tasks on the bus, with stand-ins for the Oracle (GETABIS, LOGBUILD
 *   recorded) and the Secretary (DONE);
 * - the slave: the REQ client speaking the slave protocol, with a stand-in build result (a real wheel file
 *   the caller made) sent by the real file sender (fresh DEALER, client-transfer machine).
 *
 * The slave side follows the conversation of protocols.md §4.1 step by step; it is the slave-client
 * machine's place once that machine exists.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createActor, toPromise, waitFor, type Actor } from 'xstate';
import { fileJugglerTask } from '../../actors/file-juggler/index.js';
import { sendFile, type SendFileResult } from '../../actors/file-sender/index.js';
import { createBus, type Bus } from '../../actors/runtime/bus.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { queues } from '../../actors/runtime/queues.js';
import { supervisorMachine, type SupervisorOutput } from '../../actors/runtime/supervisor.js';
import { createTask } from '../../actors/runtime/task.js';
import { slaveDriverTask } from '../../actors/slave-driver/index.js';
import { createRequestClient, type RequestClient } from '../../actors/zmq/request.js';
import { TimeDelta } from '../../protocols/cbor/index.js';
import type { Message } from '../../protocols/protocol.js';
import type { BuildStateWire, FileStateWire } from '../../protocols/records.js';
import { slaveClientProtocol } from '../../protocols/slave-driver.js';

export const ABI = 'cp311';

type StatusMessage = Message<(typeof queues.status.protocol)['send']>;

export interface LoopbackMaster {
  readonly bus: Bus;
  readonly slaveEndpoint: string;
  readonly fileEndpoint: string;
  /** What the stand-in Oracle was asked to LOGBUILD. */
  readonly builds: BuildStateWire[];
  /** Everything published on the status queue. */
  readonly statuses: StatusMessage[];
  /** Puts one job in the Architect's place: QUEUE { abi: [[package, version]] }. */
  queue(pkg: string, version: string): void;
  /** QUIT: the tasks stop in reverse order. */
  stop(): Promise<SupervisorOutput>;
}

export interface LoopbackMasterOptions {
  /** `tcp://127.0.0.1:*` or `ipc://<dir>/…` for each queue. */
  slaveAddress: string;
  fileAddress: string;
  /** The master's output directory: wheels land in `<output>/simple/<package>/`. */
  output: string;
  log: Logger;
  /** Bytes per FETCH (the File Juggler's default when omitted). */
  chunkSize?: number;
}

export async function startLoopbackMaster(opts: LoopbackMasterOptions): Promise<LoopbackMaster> {
  const { log } = opts;
  const bus = createBus({ onError: (err, queue) => log.error(`bus listener on ${queue} threw`, err) });
  const builds: BuildStateWire[] = [];
  const statuses: StatusMessage[] = [];
  let slaveEndpoint = '';
  let fileEndpoint = '';
  const oracle = createTask({
    kind: 'nonstop',
    start: () => ({
      stop: bus.serve(queues.db, (msg) => {
        if (msg.verb === 'GETABIS') return { verb: 'OK', data: new Set([ABI]) };
        if (msg.verb === 'LOGBUILD') return { verb: 'OK', data: builds.push(msg.data) };
        return { verb: 'ERROR', data: `the stand-in Oracle does not do ${msg.verb}` };
      }),
    }),
  });
  const secretary = createTask({ kind: 'pausing', start: () => ({ stop: bus.serve(queues.web, () => ({ verb: 'DONE' })) }) });
  const bigBrother = createTask({ kind: 'pausing', start: () => ({ stop: bus.listen(queues.stats, () => {}) }) });
  const root: Actor<typeof supervisorMachine> = createActor(supervisorMachine, {
    input: {
      log,
      tasks: [
        { id: 'the_oracle', logic: oracle, input: { log: log.child('the_oracle') } },
        { id: 'the_secretary', logic: secretary, input: { log: log.child('the_secretary') } },
        { id: 'big_brother', logic: bigBrother, input: { log: log.child('big_brother') } },
        {
          id: 'file_juggler',
          logic: fileJugglerTask,
          input: {
            log: log.child('file_juggler'),
            bus,
            output: opts.output,
            address: opts.fileAddress,
            ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }),
            onListening: (endpoint: string) => (fileEndpoint = endpoint),
          },
        },
        {
          id: 'slave_driver',
          logic: slaveDriverTask,
          input: { log: log.child('slave_driver'), bus, address: opts.slaveAddress, onListening: (endpoint: string) => (slaveEndpoint = endpoint) },
        },
      ],
    },
  });
  const stopStatus = bus.subscribe(queues.status, (msg) => statuses.push(msg));
  root.start();
  const ready = await waitFor(root, (s) => s.matches('running') || s.status === 'done');
  if (ready.status === 'done') throw new Error(`the master did not start: ${ready.output?.reason}`);
  return {
    bus,
    slaveEndpoint,
    fileEndpoint,
    builds,
    statuses,
    queue(pkg, version) {
      bus.push(queues.builds, { verb: 'QUEUE', data: { [ABI]: [[pkg, version]] } });
    },
    async stop() {
      root.send({ type: 'QUIT' });
      const output = await toPromise(root);
      stopStatus();
      bus.close();
      return output;
    },
  };
}

/** The stand-in build result: a real wheel file and what the slave reports about it. */
export interface Wheel {
  path: string;
  package: string;
  version: string;
  file: FileStateWire;
}

export interface SlaveRun {
  /** Every reply, in order, as `VERB` or `VERB data`. */
  replies: string[];
  slaveId: number;
  transfer: SendFileResult;
  /** Milliseconds: the file transfer alone, and SEND received → DONE received (transfer, SENT, VERIFY, LOGBUILD). */
  transferMs: number;
  sendToDoneMs: number;
}

const stats = (): [Date, number, number, number, number, number, number, number, number] => [
  new Date(),
  100 * 2 ** 30,
  50 * 2 ** 30,
  8 * 2 ** 30,
  4 * 2 ** 30,
  2 ** 30,
  2 ** 30,
  0.5,
  45,
];

const hello = (): Message<(typeof slaveClientProtocol)['send']> => ({
  verb: 'HELLO',
  data: [
    new TimeDelta(0, 3 * 3600, 0), // build timeout
    new TimeDelta(0, 300, 0), // busy timeout
    '311',
    ABI,
    'linux_x86_64',
    'loopback-slave',
    'Debian GNU/Linux',
    '12',
    'unknown',
    'unknown',
  ],
});

/**
 * One slave's life: HELLO → ACK; IDLE until BUILD; BUSY → CONT; BUILT (the wheel) → SEND; the transfer;
 * SENT → DONE; IDLE → SLEEP; BYE. Any other reply fails the run (a 0.18 slave would die).
 */
export async function runLoopbackSlave(opts: {
  slaveEndpoint: string;
  fileEndpoint: string;
  wheel: Wheel;
  log: Logger;
  timeoutMs?: number;
}): Promise<SlaveRun> {
  const client: RequestClient<(typeof slaveClientProtocol)['recv'], (typeof slaveClientProtocol)['send']> = createRequestClient({
    protocol: slaveClientProtocol,
    address: opts.slaveEndpoint,
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
  const replies: string[] = [];
  const ask = async (msg: Message<(typeof slaveClientProtocol)['send']>, ...expected: string[]) => {
    const reply = await client.request(msg);
    replies.push(reply.data === undefined ? reply.verb : `${reply.verb} ${JSON.stringify(reply.data)}`);
    if (!expected.includes(reply.verb)) throw new Error(`${msg.verb} was answered ${reply.verb}, not ${expected.join(' or ')}`);
    return reply;
  };
  try {
    const ack = await ask(hello(), 'ACK');
    const slaveId = (ack.data as [number, string])[0];
    // The queue reaches the Slave Driver asynchronously: a 0.18 slave would sleep 5–10 s after SLEEP.
    let build = await ask({ verb: 'IDLE', data: stats() }, 'BUILD', 'SLEEP');
    for (let tries = 0; build.verb === 'SLEEP' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      replies.pop();
      build = await ask({ verb: 'IDLE', data: stats() }, 'BUILD', 'SLEEP');
    }
    if (build.verb !== 'BUILD') throw new Error('no BUILD came');
    await ask({ verb: 'BUSY', data: stats() }, 'CONT');
    const send = await ask({ verb: 'BUILT', data: [true, new TimeDelta(0, 42, 0), 'stand-in build log', [opts.wheel.file]] }, 'SEND');
    if (send.data !== opts.wheel.file[0]) throw new Error(`SEND asked for ${String(send.data)}`);
    const sendAt = performance.now();
    const transfer = await sendFile({ address: opts.fileEndpoint, slaveId, path: opts.wheel.path, log: opts.log });
    const transferMs = performance.now() - sendAt;
    await ask({ verb: 'SENT' }, 'DONE');
    const sendToDoneMs = performance.now() - sendAt;
    await ask({ verb: 'IDLE', data: stats() }, 'SLEEP');
    await client.notify({ verb: 'BYE' });
    return { replies, slaveId, transfer, transferMs, sendToDoneMs };
  } finally {
    await client.close();
  }
}

/** Writes `size` bytes of incompressible content as `<package>-<version>-cp311-cp311-linux_x86_64.whl`. */
export async function makeWheel(dir: string, size: number, pkg = 'loopback_pkg', version = '1.0'): Promise<Wheel> {
  const filename = `${pkg}-${version}-cp311-cp311-linux_x86_64.whl`;
  const path = join(dir, filename);
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(4 * 2 ** 20);
  const out = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += block.length) {
      const part = block.subarray(0, Math.min(block.length, size - written));
      randomFillSync(part);
      hash.update(part);
      await out.write(part);
    }
  } finally {
    await out.close();
  }
  const file: FileStateWire = [filename, size, hash.digest('hex'), pkg, version, 'cp311', ABI, 'linux_x86_64', {}];
  return { path, package: pkg, version, file };
}
