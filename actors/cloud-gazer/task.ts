/**
 * Cloud Gazer as a `pauseable` task (behaviours 17, 104–127): at start it loads the package cache and the
 * stored serial (CloudGazer.start), then runs its poll cycle (machines/cloud-gazer/poll-cycle.ts): PyPI
 * read and acted on every 10 s, measured from the end of the previous poll; while the master sleeps no
 * poll runs. Its ports are the bus (gazerBusPorts).
 *
 * A poll that fails (the Oracle answering ERROR, the Secretary or Slave Driver away) is logged and tried
 * again at the next interval; CloudGazer has already rewound its stream, so the interrupted batch is read
 * again. Nothing a poll does crashes the master. PyPI's own trouble never reaches this far (PyPIEvents
 * backs off and its circuit breaker logs PyPI going offline and coming back).
 *
 * --dev-mode: new packages are added with skip "development mode" (behaviour 116) and PyPI's events are not
 * held back. 0.18 holds each event until it is 5 minutes older than the newest event read (PyPI's
 * timestamps run backwards a little); against a real PyPI that costs 5 minutes of latency, but a local
 * stand-in goes quiet after its last event, which would then wait for ever. So in development mode the
 * buffer holds nothing (`holdSeconds: 0`): events are acted on as soon as they are read.
 *
 * Stopping aborts the ports: a poll in flight rejects at its next step and is dropped quietly; what it had
 * not stored with SETPYPI is read again at the next start.
 *
 * Beyond 0.18: after a poll that recorded a version to build — a new one with a source file, or one no
 * longer skipped "binary only" — the task says REFRESH to the Architect, which then reads the build queue
 * within seconds instead of at its next one-minute refresh. Also after a poll that failed part-way: what it
 * recorded is in the database, and its replay will find the versions already there.
 */
import { fromPromise } from 'xstate';
import type { OracleMessage } from './gazer-plan.js';
import type { PyPIBufferOptions } from '../../protocols/pypi/changelog-buffer.js';
import type { GazerEvent } from '../../protocols/pypi/changelog.js';
import { POLL_INTERVAL_MS, pollCycleMachine, type PollSummary } from '../../machines/cloud-gazer/poll-cycle.js';
import { unlessCancelled } from '../../machines/common/cancelled.js';
import type { Bus } from '../runtime/bus.js';
import { createTask, type TaskContext } from '../runtime/task.js';
import { logAction, runTaskMachine, whenRunningActor } from '../runtime/task-machine.js';
import { gazerBusPorts } from './bus-ports.js';
import { CloudGazer } from './cloud-gazer.js';
import type { HttpOptions } from './http.js';
import { PyPIEvents, type EventSource } from './pypi-events.js';
import { systemClock, type Clock, type OraclePort } from './ports.js';

export { POLL_INTERVAL_MS };

/** The PyPI buffer of a development master: nothing held back. */
export const DEV_MODE_BUFFER: PyPIBufferOptions = { holdSeconds: 0 };

/**
 * Whether the database's answer to `msg` means a version may now be in the build queue: NEWVER inserted a
 * version with no skip (it has a source file), or SKIPVER cleared a version's skip.
 */
export function queuesAVersion(msg: OracleMessage, result: unknown): boolean {
  if (msg.verb === 'NEWVER') return result === true && msg.data[3] === '';
  return msg.verb === 'SKIPVER' && msg.data[2] === '';
}

export interface CloudGazerTaskInput {
  bus: Bus;
  /** --pypi-xmlrpc (default https://pypi.org/pypi). */
  pypiXmlrpc?: string;
  /** --pypi-json (default https://pypi.org/pypi). */
  pypiJson?: string;
  /** --dev-mode. */
  devMode?: boolean;
  intervalMs?: number;
  /** The PyPI buffer (default: 0.18's; DEV_MODE_BUFFER with devMode). */
  buffer?: PyPIBufferOptions;
  http?: HttpOptions;
  clock?: Clock;
  /** Where events come from (default: PyPIEvents over HTTP at pypiXmlrpc and pypiJson). */
  pypi?: EventSource;
}

export const cloudGazerTask = createTask<CloudGazerTaskInput>({
  kind: 'pauseable',
  async start(ctx) {
    const { bus, pypiXmlrpc, pypiJson, devMode = false, intervalMs = POLL_INTERVAL_MS, http, clock = systemClock } = ctx.input;
    const log = ctx.log;
    const buffer = ctx.input.buffer ?? (devMode ? DEV_MODE_BUFFER : undefined);
    const pypi =
      ctx.input.pypi ??
      PyPIEvents.connect(
        { ...(pypiXmlrpc === undefined ? {} : { xmlrpc: pypiXmlrpc }), ...(pypiJson === undefined ? {} : { json: pypiJson }) },
        { clock, logger: log, task: ctx, ...(http === undefined ? {} : { http }), ...(buffer === undefined ? {} : { buffer }) },
      );
    const ports = gazerBusPorts(bus, ctx.signal);
    /** Tells the poll cycle that this poll recorded a version to build. */
    let recorded = () => {};
    const db: OraclePort = {
      async request(msg) {
        const result = await ports.db.request(msg);
        if (queuesAVersion(msg, result)) recorded();
        return result;
      },
    };
    const gazer = new CloudGazer({ ...ports, db, pypi, logger: log }, { devMode });
    await gazer.start();
    const machine = pollCycleMachine.provide({
      actors: {
        whenRunning: whenRunningActor(ctx as TaskContext<unknown>),
        readChangelog: fromPromise(() => unlessCancelled(ctx.signal, 'reading PyPI', () => gazer.read())),
        applyEvents: fromPromise<PollSummary, readonly GazerEvent[]>(({ input }) =>
          unlessCancelled(ctx.signal, 'acting on PyPI events', () => gazer.apply(input)),
        ),
      },
      actions: {
        log: logAction(log),
        refresh: () => ports.refresh(),
      },
    });
    const run = runTaskMachine(ctx as TaskContext<unknown>, machine, { intervalMs });
    recorded = () => run.actor.send({ type: 'RECORDED' });
    return { stop: () => run.stop() };
  },
});
