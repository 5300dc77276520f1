/**
 * The slave actor: everything piw-slave does, as one call.
 *
 *   const outcome = await runSlave({ slaveQueue, fileQueue, buildDir, label, python, facts, log, signal });
 *
 * It owns the REQ connection to the master's slave queue (connection.ts), runs one slave-client machine
 * (machines/slave-client) fed with the master's decoded replies — a reply that cannot be read is
 * BAD_REPLY — and supplies that machine's side effects from services.ts: stats of the build dir for
 * IDLE/BUSY, builds with the -t limit killing their process group, the wheel transfer to the file queue,
 * stopping a build (1 min grace) and removing its temp dir, a fresh socket when the master has been silent
 * for the master timeout — or for the transfer timeout during a file transfer, which then fails as
 * PIW_ERR_TRANSFER_TIMEOUT and makes the machine start over (a restarted master never answers it). Aborting
 * `signal` (SIGTERM) is STOP. The last word to the master is always BYE.
 *
 * Resolves `{ reason: 'dismissed' }` after the master's DIE and `{ reason: 'stopped' }` after the signal;
 * rejects with a SlaveError for the fatal ends: PIW_ERR_SLAVE_PROTOCOL (a reply out of order or unreadable),
 * PIW_ERR_SLAVE_BUILD_STUCK (a build that would not stop), PIW_ERR_SLAVE_STATS (statistics unreadable).
 */
import { randomInt } from 'node:crypto';
import { createActor, toPromise } from 'xstate';
import { createSlaveClientMachine, type MasterReplyEvent } from '../../../machines/slave-client/index.js';
import type { SendFileResult } from '../../file-sender/index.js';
import type { ServiceNotifier } from '../../systemd/index.js';
import { logAt } from '../../runtime/logger.js';
import { SlaveConnection, type MasterReply, type RequestOutcome } from './connection.js';
import { slaveErrors } from './errors.js';
import { STOP_GRACE_MS, type RunningBuild } from './running-build.js';
import { reportSlave } from './service-status.js';
import {
  createSlaveServices,
  DEFAULT_BUILD_TIMEOUT_MS,
  DEFAULT_MASTER_TIMEOUT_MS,
  DEFAULT_TRANSFER_TIMEOUT_MS,
  type SlaveServiceSettings,
} from './services.js';

/** How long BYE waits for the reply to a request still in flight (the REQ socket's turn) before giving up. */
export const BYE_WAIT_MS = 5_000;

/** What stopping takes beyond a build's grace and BYE's wait: removing the build's files, closing sockets. */
const STOP_MARGIN_MS = 10_000;

/** 0.18's pause after SLEEP, and its wait for a build after CONT: a random 5–10 s (behaviours 184, 186). */
export const randomPauseMs = () => randomInt(5, 11) * 1000;

export interface SlaveObserver {
  /** Every reply from the master, in order. */
  reply?(reply: MasterReply): void;
  /** A wheel the master has every byte of. */
  transferred?(filename: string, result: SendFileResult): void;
}

export interface SlaveOptions extends Omit<SlaveServiceSettings, 'buildTimeoutMs' | 'masterTimeoutMs' | 'transferTimeoutMs'> {
  /** The master's slave queue: `tcp://<master>:5555`. */
  slaveQueue: string;
  /** -t in milliseconds (default 3 h). */
  buildTimeoutMs?: number;
  /** Silence from the master before starting over, in milliseconds (default 5 min). */
  masterTimeoutMs?: number;
  /** Silence from the master during a file transfer before starting over, in milliseconds (default 60 s). */
  transferTimeoutMs?: number;
  /** Aborting it is SIGTERM: stop the build, clean up, BYE. */
  signal?: AbortSignal;
  /** The pauses after SLEEP and CONT (default: 0.18's random 5–10 s). */
  pauseMs?: () => number;
  observer?: SlaveObserver;
  /** Told the slave's states under systemd (READY at the first ACK, STATUS lines, STOPPING). */
  notifier?: ServiceNotifier;
  /** How long to wait for the master's ACK before telling the notifier READY anyway (default 10 s). */
  readyWaitMs?: number;
}

export type SlaveOutcome = { reason: 'dismissed' } | { reason: 'stopped' };

/** A reply as the machine's event: `{ type: verb, data }`. */
const replyEvent = (reply: MasterReply) => ({ type: reply.verb, data: reply.data }) as MasterReplyEvent;

export async function runSlave(opts: SlaveOptions): Promise<SlaveOutcome> {
  const { log, observer, signal } = opts;
  const pause = opts.pauseMs ?? randomPauseMs;
  const services = createSlaveServices({
    ...opts,
    buildTimeoutMs: opts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
    masterTimeoutMs: opts.masterTimeoutMs ?? DEFAULT_MASTER_TIMEOUT_MS,
    transferTimeoutMs: opts.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS,
  });
  const connection = new SlaveConnection({ address: opts.slaveQueue });
  /** The build of the current job, from BUILD until `cleanup` has removed it. */
  let current: RunningBuild | undefined;
  let bye: Promise<boolean> | undefined;

  // The services run only once the actor exists.
  let actor!: ReturnType<typeof createActor<ReturnType<typeof createSlaveClientMachine>>>;
  const deliver = (outcome: RequestOutcome) => {
    if (outcome.status === 'reply') {
      observer?.reply?.(outcome.reply);
      actor.send(replyEvent(outcome.reply));
    } else if (outcome.status === 'failed') {
      actor.send({ type: 'BAD_REPLY', error: outcome.error });
    }
  };

  const machine = createSlaveClientMachine({
    send(request) {
      if (request.verb === 'BYE') bye = connection.bye(BYE_WAIT_MS);
      else void connection.request(request).then(deliver);
    },
    reconnect: () => void connection.restart(),
    log: ({ level, message }) => logAt(log, level, message),
    collectStats: () => services.statsData(),
    build(input, stop) {
      const running = services.startBuild(input.package, input.version, input.indexUrl, input.buildTimeout.totalMilliseconds);
      current = running;
      stop.addEventListener('abort', () => running.abort(), { once: true });
      return running.result.then(services.builtData);
    },
    async transfer({ slaveId, filename }, stop) {
      if (current === undefined) throw slaveErrors.protocol(`SEND for ${filename} with no build`);
      const sent = await services.sendWheel(slaveId, await current.result, filename, stop);
      observer?.transferred?.(filename, sent);
    },
    async cleanup() {
      const running = current;
      if (running === undefined) return;
      if (!(await running.discard(STOP_GRACE_MS))) throw slaveErrors.buildStuck(running.name, STOP_GRACE_MS / 1000);
      current = undefined;
    },
    sleepPauseMs: pause,
    contWaitMs: pause,
  });

  actor = createActor(machine, { input: { hello: services.helloData() } });
  const report = opts.notifier === undefined ? undefined : reportSlave(opts.notifier, opts.slaveQueue, opts.readyWaitMs);
  if (report !== undefined) actor.subscribe((snapshot) => report.update(snapshot));
  const onAbort = () => {
    // A build gets its grace period to stop, then BYE its wait: systemd is told so before it counts.
    report?.stopping(String(signal?.reason ?? 'STOP'), STOP_GRACE_MS + BYE_WAIT_MS + STOP_MARGIN_MS);
    actor.send({ type: 'STOP' });
  };
  const ended = toPromise(actor);
  actor.start();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await ended;
    if (bye !== undefined && !(await bye)) log.warn('BYE could not be sent: the master did not answer in time');
    if (outcome.reason === 'protocol-error') throw slaveErrors.protocol(outcome.message);
    if (outcome.reason === 'stuck') throw slaveErrors.stuck(outcome.message);
    if (outcome.reason === 'failed') throw slaveErrors.stats(outcome.message);
    return { reason: outcome.reason };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    report?.close();
    actor.stop();
    await connection.close();
  }
}
