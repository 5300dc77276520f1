/**
 * The database task of the master: Seraph and N Oracles (default 3) serving the db queue of the bus, as
 * a `nonstop` task (behaviour 19: PAUSE and RESUME are logged and ignored; the database must keep
 * answering while the rest of the master is paused). The master opens the database (schema/open.ts) and
 * hands it in; on a server, open it with at least as many connections as Oracles.
 *
 * Stopping stops serving, answers requests still waiting with ERROR, and waits for those in progress (a
 * request being tried again while the database is unreachable is answered ERROR at once).
 */
import type { PiwheelsDb } from '../../schema/api.js';
import type { Bus } from '../runtime/bus.js';
import type { Logger } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { createTask } from '../runtime/task.js';
import type { TaskChildren } from '../runtime/task-machine.js';
import { Oracle } from './oracle.js';
import { Seraph } from './seraph.js';

export const DEFAULT_ORACLES = 3;

export interface OracleTaskInput {
  bus: Bus;
  db: PiwheelsDb;
  /** How many Oracles answer at once (default 3). */
  oracles?: number;
  /** How long a request is tried again while the database is unreachable (default 60 s). */
  retryForMs?: number;
  log?: Logger;
}

/**
 * Seraph and its Oracles on the bus; the returned function stops them (ending any retry at once). Inside
 * the task (`task` given), each Oracle's chart runs under the task's host.
 */
export function serveDatabase(input: OracleTaskInput, task?: TaskChildren): { seraph: Seraph; oracles: Oracle[]; stop(): Promise<void> } {
  const count = input.oracles ?? DEFAULT_ORACLES;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`the number of Oracles must be a whole number of at least 1, not ${count}`);
  const seraph = new Seraph();
  const stopping = new AbortController();
  const options = {
    signal: stopping.signal,
    ...(input.retryForMs === undefined ? {} : { retryForMs: input.retryForMs }),
    ...(input.log === undefined ? {} : { log: input.log }),
    ...(task === undefined ? {} : { task }),
  };
  const oracles = Array.from({ length: count }, (_, i) => new Oracle(i + 1, input.db, options));
  const unserve = input.bus.serve(queues.db, (request) => seraph.handle(request));
  for (const oracle of oracles) seraph.ready(oracle);
  return {
    seraph,
    oracles,
    async stop() {
      unserve();
      stopping.abort();
      await seraph.stop();
    },
  };
}

export const oracleTask = createTask<OracleTaskInput>({
  kind: 'nonstop',
  start(ctx) {
    const served = serveDatabase({ log: ctx.log, ...ctx.input }, ctx);
    ctx.log.info(`serving the database with ${served.oracles.length} Oracles`);
    return { stop: () => served.stop() };
  },
});
