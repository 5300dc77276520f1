/**
 * The Secretary as a `pausing` task (behaviours 18, 131–137): serves the web queue in front of the Scribe,
 * driving the pure buffer machine (machines/secretary) and carrying out what it emits:
 *
 *   answer   the caller gets DONE now (PROJECT / BOTH, buffered; REBUILD from piw-rebuild, due at once)
 *   forward  HOME / SEARCH / DELPKG / DELVER go to the Scribe over the scribe queue; the caller gets DONE
 *            once the Scribe has answered (a Scribe that cannot be reached fails the caller's request)
 *   rewrite  a PROJECT / BOTH that is due goes to the Scribe (as many at once as the machine's concurrency,
 *            so the Scribe can read and write them in batches); when the Scribe cannot be reached
 *            it is logged and buffered again, so it is retried after the buffer delay
 *
 * Start-up loads the rewrites saved at the last shutdown (LOADRWP, behaviour 136) before anything is
 * flushed; every `tickMs` (1 s) the machine is told the time and flushes what is older than `delayMs` (60 s;
 * the master passes 3 s in --dev-mode). PAUSE only raises the task's flag: requests are still answered
 * and buffered, nothing is flushed until RESUME (behaviour 18); the flag is passed on at each request and
 * tick. Stopping stops serving and saves the buffer, rewrites still in flight first (SAVERWP, an empty list
 * when nothing is pending), while the database is still up: the master stops tasks in reverse order.
 */
import { pendingRows, secretaryMachine, type WebRequest } from '../../machines/secretary/secretary-machine.js';
import type { PiwheelsDb } from '../../schema/api.js';
import { DbClient } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { queues } from '../runtime/queues.js';
import { createTask } from '../runtime/task.js';

export const TICK_MS = 1_000;

export interface SecretaryTaskInput {
  bus: Bus;
  /** How long rewrites are held back (default 60 s; --dev-mode: 3 s). */
  delayMs?: number;
  /** How often due rewrites are looked for (default 1 s). */
  tickMs?: number;
  /** Rewrites handed to the Scribe at once (the machine's default when omitted). */
  concurrency?: number;
  /** Where the buffer is saved and loaded (default: the database through the bus). */
  store?: Pick<PiwheelsDb, 'loadRewritesPending' | 'saveRewritesPending'>;
  /** The clock of the buffer, in ms since the epoch. */
  now?: () => number;
}

/** The id of a rewrite put back in the buffer after a failure: nobody waits for its answer. */
const RETRY = -1;

function describeRequest(msg: WebRequest): string {
  if (msg.verb === 'DELVER') return `DELVER ${msg.data[0]} ${msg.data[1]}`;
  return msg.verb === 'HOME' || msg.verb === 'SEARCH' ? msg.verb : `${msg.verb} ${msg.data}`;
}

export const secretaryTask = createTask<SecretaryTaskInput>({
  kind: 'pausing',
  async start(ctx) {
    const { bus, delayMs, tickMs = TICK_MS, concurrency, store = new DbClient(bus), now = Date.now } = ctx.input;
    const log = ctx.log;
    // A child under the task's host: in the master's actor tree, and stopped with the task.
    const actor = ctx.sessions.spawn(secretaryMachine, {
      id: 'secretary',
      input: { ...(delayMs === undefined ? {} : { delayMs }), ...(concurrency === undefined ? {} : { concurrency }) },
    });
    const waiting = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>();
    let lastId = 0;
    let stopped = false;
    let paused = false;

    const settle = (id: number, err?: unknown) => {
      const caller = waiting.get(id);
      waiting.delete(id);
      if (err === undefined) caller?.resolve();
      else caller?.reject(err);
    };
    const syncPause = () => {
      if (stopped || ctx.paused() === paused) return;
      paused = ctx.paused();
      actor.send({ type: paused ? 'PAUSE' : 'RESUME' });
    };

    actor.on('answer', ({ id }) => settle(id));
    actor.on('forward', ({ id, msg }) => {
      bus.request(queues.scribe, msg).then(
        () => settle(id),
        (err: unknown) => {
          log.error(`unable to pass ${describeRequest(msg)} to the Scribe: ${describe(err)}`, err);
          settle(id, err);
        },
      );
    });
    actor.on('rewrite', ({ msg }) => {
      bus.request(queues.scribe, msg).then(
        () => {
          if (!stopped) actor.send({ type: 'REWRITTEN', package: msg.data });
        },
        (err: unknown) => {
          if (stopped) return;
          log.error(`unable to pass ${msg.verb} ${msg.data} to the Scribe (${describe(err)}); it will be tried again`, err);
          actor.send({ type: 'REWRITTEN', package: msg.data });
          actor.send({ type: 'REQUEST', id: RETRY, msg, at: now() });
        },
      );
    });

    try {
      const rows = await store.loadRewritesPending();
      actor.send({ type: 'LOAD', rows });
      log.info(`loaded ${rows.length} pending page rewrites`);
    } catch (err) {
      ctx.sessions.stop('secretary');
      throw err;
    }

    const unserve = bus.serve(queues.web, (msg) => {
      log.debug(`<< ${describeRequest(msg)}`);
      syncPause();
      return new Promise<{ verb: 'DONE' }>((resolve, reject) => {
        const id = ++lastId;
        waiting.set(id, { resolve: () => resolve({ verb: 'DONE' }), reject });
        actor.send({ type: 'REQUEST', id, msg, at: now() });
      });
    });
    ctx.every(tickMs, () => {
      syncPause();
      actor.send({ type: 'TICK', now: now() });
    });

    return {
      async stop() {
        unserve();
        stopped = true;
        const rows = pendingRows(actor.getSnapshot().context);
        ctx.sessions.stop('secretary');
        await store.saveRewritesPending(rows);
        log.info(`saved ${rows.length} pending page rewrites`);
      },
    };
  },
});
