/**
 * Drives a slave client the way piw-slave will: replies as events, services that record every call and
 * whose long-running work (builds, transfers, clean-ups) the test finishes when it wants. Every request
 * is encoded with the real protocol, so an invalid message fails the test where it is made.
 */
import { createActor, SimulatedClock } from 'xstate';
import { slaveClientProtocol } from '../../../protocols/index.js';
import { createSlaveClientMachine } from '../../../machines/slave-client/index.js';
import type {
  BuildInput,
  BuiltData,
  CleanupInput,
  LogEntry,
  MasterRequest,
  SlaveClientEvent,
  SlaveClientServices,
  TransferInput,
} from '../../../machines/slave-client/index.js';
import { helloData, statsData } from '../support/slave-fixtures.js';
import { deferred, settle } from '../slave-session/harness.js';
import type { Deferred } from '../slave-session/harness.js';

export const SLEEP_PAUSE_MS = 7000;
export const CONT_WAIT_MS = 6000;
export const STATS = statsData();

/** A piece of work the test completes: its input, its promise's controls, and whether it was aborted. */
export interface Work<I, O> extends Deferred<O> {
  input: I;
  aborted: boolean;
}

function work<I, O>(list: Work<I, O>[], input: I, signal: AbortSignal): Promise<O> {
  const item: Work<I, O> = { ...deferred<O>(), input, aborted: false };
  signal.addEventListener('abort', () => { item.aborted = true; });
  list.push(item);
  return item.promise;
}

export function startClient(options: { hello?: ReturnType<typeof helloData>; services?: Partial<SlaveClientServices>; autoCleanup?: boolean } = {}) {
  const clock = new SimulatedClock();
  const sent: MasterRequest[] = [];
  const logs: LogEntry[] = [];
  const builds: Work<BuildInput, BuiltData>[] = [];
  const transfers: Work<TransferInput, void>[] = [];
  const cleanups: Work<CleanupInput, void>[] = [];
  let reconnects = 0;
  const autoCleanup = options.autoCleanup ?? true;

  const services: SlaveClientServices = {
    send: (request) => {
      slaveClientProtocol.encode(request);
      sent.push(request);
    },
    reconnect: () => { reconnects++; },
    log: (entry) => logs.push(entry),
    collectStats: async () => STATS,
    build: (input, signal) => work(builds, input, signal),
    transfer: (input, signal) => work(transfers, input, signal),
    cleanup: (input, signal) => {
      const promise = work(cleanups, input, signal);
      if (autoCleanup) cleanups[cleanups.length - 1]!.resolve();
      return promise;
    },
    sleepPauseMs: () => SLEEP_PAUSE_MS,
    contWaitMs: () => CONT_WAIT_MS,
    ...options.services,
  };
  const actor = createActor(createSlaveClientMachine(services), { clock, input: { hello: options.hello ?? helloData() } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });

  const check = () => {
    if (errors.length) throw errors[0];
  };
  const client = {
    actor,
    clock,
    sent,
    logs,
    builds,
    transfers,
    cleanups,
    reconnects: () => reconnects,
    async start() {
      actor.start();
      await settle();
      check();
    },
    async reply(event: SlaveClientEvent) {
      actor.send(event);
      await settle();
      check();
    },
    async advance(ms: number) {
      clock.increment(ms);
      await settle();
      check();
    },
    /** Let pending promises (a build, a transfer) deliver their results. */
    async settle() {
      await settle();
      check();
    },
    verbs: () => sent.map((m) => m.verb),
    last: () => sent[sent.length - 1],
    state: () => actor.getSnapshot(),
    errorLogs: () => logs.filter((l) => l.level === 'error').map((l) => l.message),
    /** Started, ACKed as slave 7, told to BUILD foo 1.0: BUSY sent, the build running. */
    async toBuilding() {
      await client.start();
      await client.reply({ type: 'ACK', data: [7, 'http://index.example/simple'] });
      await client.reply({ type: 'BUILD', data: ['foo', '1.0'] });
    },
  };
  return client;
}
