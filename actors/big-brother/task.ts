/**
 * Big Brother as a `pausing` task (behaviours 157–164): keeps the master's statistics and
 *
 *   every 10 s     reads this machine's memory, swap, 1-minute load and CPU temperature, keeps the result in
 *                  a history of 100 and publishes STATS on the status queue (157)
 *   every 30 s     merges the database's figures (GETSTATS) and sends HOME <stats> to the web queue (158)
 *   every 5 min    sends SEARCH <GETSEARCH> to the web queue (159)
 *
 * The stats queue brings STATFS (the output path's disk, from the File Juggler), STATBQ (build queue
 * lengths, from the Slave Driver) and HOME (piw-rebuild via Mr Chase: run both web jobs on the next turn,
 * 161). Its control queue brings STATS: replay the history on the status queue for a new monitor (163).
 * While the master sleeps the three jobs do nothing (162); the queues are still served (behaviour 18).
 *
 * A job that fails (the database or the Scribe away, /proc unreadable) is logged and runs again at its next
 * interval: statistics are never worth stopping the master for. Messages on the bus are validated by their
 * sender, so garbage never reaches this task (behaviour 164 is the bus's check).
 */
import { fromPromise } from 'xstate';
import {
  bigBrotherMachine,
  HISTORY_SIZE,
  HOME_INTERVAL_MS,
  SEARCH_INTERVAL_MS,
  STATS_INTERVAL_MS,
  type SearchIndex,
} from '../../machines/big-brother/index.js';
import type { MachineFigures } from '../../protocols/master-stats.js';
import type { MasterStatsWire } from '../../protocols/records.js';
import { slaveStats } from '../slave/stats.js';
import type { PiwheelsDb } from '../../schema/api.js';
import { DbClient } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { logAt } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { createTask, type TaskContext } from '../runtime/task.js';
import { runTaskMachine } from '../runtime/task-machine.js';
import { bigBrotherControlQueue } from './control.js';

export { HISTORY_SIZE, HOME_INTERVAL_MS, SEARCH_INTERVAL_MS, STATS_INTERVAL_MS, type MachineFigures };

export interface BigBrotherInput {
  bus: Bus;
  /** Reads this machine's figures (default: /proc/meminfo, the thermal zone and the load average, as a slave does). */
  machine?: () => Promise<MachineFigures>;
  /** GETSTATS and GETSEARCH (default: the database through the bus). */
  db?: Pick<PiwheelsDb, 'getStatistics' | 'getSearchIndex'>;
  statsIntervalMs?: number;
  homeIntervalMs?: number;
  searchIntervalMs?: number;
  historySize?: number;
  now?: () => Date;
}

/** The slave's statistics reader, keeping the machine's figures (the disk comes from STATFS). */
async function readMachine(): Promise<MachineFigures> {
  const { memSize, memFree, swapSize, swapFree, loadAverage, cpuTemp } = await slaveStats('/');
  return { memSize, memFree, swapSize, swapFree, loadAverage, cpuTemp };
}

/**
 * The chart of machines/big-brother runs the cycle, as a child under the task's host; this supplies the
 * machine, the database and the queues.
 */
export const bigBrotherTask = createTask<BigBrotherInput>({
  kind: 'pausing',
  start(ctx) {
    const { bus, machine = readMachine, db = new DbClient(bus, { signal: ctx.signal }), now = () => new Date(), ...intervals } = ctx.input;
    const run = runTaskMachine(
      ctx as TaskContext<unknown>,
      bigBrotherMachine.provide({
        actors: {
          readMachine: fromPromise(async () => ({ value: await machine(), at: now() })),
          getStatistics: fromPromise(async () => ({ value: await db.getStatistics(), at: now() })),
          getSearchIndex: fromPromise(() => db.getSearchIndex()),
          sendHome: fromPromise<void, MasterStatsWire>(async ({ input, signal }) => {
            await bus.request(queues.web, { verb: 'HOME', data: input }, { signal });
          }),
          sendSearch: fromPromise<void, SearchIndex>(async ({ input, signal }) => {
            await bus.request(queues.web, { verb: 'SEARCH', data: input }, { signal });
          }),
        },
        actions: {
          publish: (_, data) => bus.publish(queues.status, { verb: 'STATS', data }),
          log: (_, line) => logAt(ctx.log, line.level, line.message, line.error),
        },
        guards: { paused: () => ctx.paused() },
      }),
      { at: now(), ...intervals },
    );
    const cycle = run.actor;
    const unlisten = [
      bus.listen(queues.stats, (msg) => {
        ctx.log.debug(`<< ${msg.verb}`);
        cycle.send(msg.verb === 'HOME' ? { type: 'HOME' } : msg.verb === 'STATFS' ? { type: 'STATFS', data: msg.data } : { type: 'STATBQ', data: msg.data });
      }),
      bus.listen(bigBrotherControlQueue, () => {
        ctx.log.debug('<< STATS');
        cycle.send({ type: 'REPLAY' });
      }),
    ];
    return {
      async stop() {
        for (const stop of unlisten) stop();
        await run.stop();
      },
    };
  },
});
