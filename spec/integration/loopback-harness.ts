/**
 * The two ends of the loopback integration test and of scripts/bench/file-transfer.ts, over real ZeroMQ:
 *
 * - the master: the root supervisor running the real Slave Driver (ROUTER adapter, one slave-session
 *   machine per slave) and File Juggler (file ROUTER, one master-transfer machine per file, temp file →
 *   fsync → SHA-256 → rename) as tasks on the bus, with stand-ins for the Oracle (GETABIS, LOGBUILD
 *   recorded) and the Secretary (DONE);
 * - the slave: piw-slave's actor (REQ connection, slave-client machine) with a stand-in builder whose
 *   result is a real wheel file the caller made, sent by the real file sender (fresh DEALER,
 *   client-transfer machine).
 */
import { createHash, randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createActor, toPromise, waitFor, type Actor } from 'xstate';
import { fileJugglerTask } from '../../actors/file-juggler/index.js';
import type { SendFileResult } from '../../actors/file-sender/index.js';
import { createBus, type Bus } from '../../actors/runtime/bus.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { queues } from '../../actors/runtime/queues.js';
import { supervisorMachine, type SupervisorOutput } from '../../actors/runtime/supervisor.js';
import { createTask } from '../../actors/runtime/task.js';
import { slaveDriverTask } from '../../actors/slave-driver/index.js';
import { runSlave, type Builder } from '../../actors/slave/client/index.js';
import type { MachineFacts } from '../../actors/slave/machine-facts.js';
import { TimeDelta } from '../../protocols/cbor/index.js';
import type { Message } from '../../protocols/protocol.js';
import type { BuildStateWire, FileStateWire } from '../../protocols/records.js';

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
  /** Every reply, in order, as `VERB` or `VERB data` (SLEEPs before BUILD left out: the queue was on its way). */
  replies: string[];
  slaveId: number;
  transfer: SendFileResult;
  /** Milliseconds: the file transfer alone, and SEND received → DONE received (transfer, SENT, VERIFY, LOGBUILD). */
  transferMs: number;
  sendToDoneMs: number;
}

/** What the loopback slave says of itself: the master's build ABI, whatever Python runs the test. */
const LOOPBACK_FACTS: MachineFacts = {
  pyVersionTag: '311',
  abiTag: ABI,
  platformTag: 'linux_x86_64',
  osName: 'Debian GNU/Linux',
  osVersion: '12',
  boardRevision: 'unknown',
  boardSerial: 'unknown',
};

/** The stand-in builder: the caller's wheel, already built (it stays the caller's: cleanup removes nothing). */
function standInBuilder(wheel: Wheel): Builder {
  const [filename, size, hash, packageTag, packageVersionTag, pyVersionTag, abiTag, platformTag, dependencies] = wheel.file;
  return async (pkg, version) => ({
    package: pkg,
    version,
    status: true,
    duration: new TimeDelta(0, 42, 0),
    output: 'stand-in build log',
    files: [{ filename, path: wheel.path, size, hash, packageTag, packageVersionTag, pyVersionTag, abiTag, platformTag, dependencies }],
    dir: dirname(wheel.path),
    cleanup: async () => {},
  });
}

/**
 * One slave's life, by piw-slave's own actor (actors/slave/client) with the stand-in builder: HELLO → ACK;
 * IDLE until BUILD; BUSY → CONT; BUILT (the wheel) → SEND; the transfer by the real file sender; SENT →
 * DONE; IDLE → SLEEP, where the run is stopped (SIGTERM's path): BYE. A reply out of order is fatal to
 * the slave, so it fails the run.
 */
export async function runLoopbackSlave(opts: {
  slaveEndpoint: string;
  fileEndpoint: string;
  wheel: Wheel;
  log: Logger;
  timeoutMs?: number;
}): Promise<SlaveRun> {
  const replies: string[] = [];
  const stop = new AbortController();
  let slaveId = 0;
  let building = false;
  let finished = false;
  let sendAt = 0;
  let transferMs = 0;
  let sendToDoneMs = 0;
  let transfer: SendFileResult | undefined;
  const outcome = await runSlave({
    slaveQueue: opts.slaveEndpoint,
    fileQueue: opts.fileEndpoint,
    buildDir: dirname(opts.wheel.path),
    masterTimeoutMs: opts.timeoutMs ?? 30_000,
    label: 'loopback-slave',
    python: 'python3',
    facts: LOOPBACK_FACTS,
    log: opts.log,
    builder: standInBuilder(opts.wheel),
    signal: stop.signal,
    // A 0.18 slave pauses 5–10 s after SLEEP; the queue reaches the Slave Driver within milliseconds.
    pauseMs: () => 20,
    observer: {
      reply(reply) {
        if (reply.verb === 'SLEEP' && !building) return;
        replies.push(reply.data === undefined ? reply.verb : `${reply.verb} ${JSON.stringify(reply.data)}`);
        if (reply.verb === 'ACK') slaveId = reply.data[0];
        else if (reply.verb === 'BUILD') building = true;
        else if (reply.verb === 'SEND') sendAt = performance.now();
        else if (reply.verb === 'DONE') {
          sendToDoneMs = performance.now() - sendAt;
          finished = true;
        } else if (finished) stop.abort();
      },
      transferred(_filename, result) {
        transferMs = performance.now() - sendAt;
        transfer = result;
      },
    },
  });
  if (outcome.reason !== 'stopped') throw new Error(`the master said DIE (replies: ${replies.join(', ')})`);
  if (transfer === undefined) throw new Error(`nothing was transferred (replies: ${replies.join(', ')})`);
  return { replies, slaveId, transfer, transferMs, sendToDoneMs };
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
