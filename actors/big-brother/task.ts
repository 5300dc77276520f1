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
import { slaveStats, type SlaveStats } from '../slave/stats.js';
import type { PiwheelsDb } from '../../schema/api.js';
import { DbClient } from '../oracle/db-client.js';
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { queues } from '../runtime/queues.js';
import { createTask } from '../runtime/task.js';
import { bigBrotherControlQueue } from './control.js';
import { initialStats, toMasterStatsWire, withStatistics, type MasterStats } from './master-stats.js';

export const STATS_INTERVAL_MS = 10_000;
export const HOME_INTERVAL_MS = 30_000;
export const SEARCH_INTERVAL_MS = 5 * 60_000;
export const HISTORY_SIZE = 100;

/** The figures of this machine Big Brother reports. */
export type MachineFigures = Pick<SlaveStats, 'memSize' | 'memFree' | 'swapSize' | 'swapFree' | 'loadAverage' | 'cpuTemp'>;

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

export const bigBrotherTask = createTask<BigBrotherInput>({
  kind: 'pausing',
  start(ctx) {
    const {
      bus,
      machine = readMachine,
      db = new DbClient(bus, { signal: ctx.signal }),
      statsIntervalMs = STATS_INTERVAL_MS,
      homeIntervalMs = HOME_INTERVAL_MS,
      searchIntervalMs = SEARCH_INTERVAL_MS,
      historySize = HISTORY_SIZE,
      now = () => new Date(),
    } = ctx.input;
    const log = ctx.log;
    const signal = ctx.signal;
    let stats: MasterStats = initialStats(now());
    const history: MasterStats[] = [];

    /** Runs a job unless paused; a failure is logged, except one caused by the task stopping. */
    const job = (name: string, work: () => Promise<void>) => async () => {
      if (ctx.paused()) return log.debug(`paused: not going to ${name}`);
      try {
        await work();
      } catch (err) {
        if (!signal.aborted) log.error(`unable to ${name}: ${describe(err)}`, err);
      }
    };

    ctx.every(
      statsIntervalMs,
      job('read the machine statistics', async () => {
        const figures = await machine();
        if (signal.aborted || ctx.paused()) return;
        stats = { ...stats, ...figures, timestamp: now() };
        history.push(stats);
        if (history.length > historySize) history.shift();
        bus.publish(queues.status, { verb: 'STATS', data: toMasterStatsWire(stats) });
      }),
    );
    const homeJob = ctx.every(
      homeIntervalMs,
      job('update the home page', async () => {
        const figures = await db.getStatistics();
        stats = withStatistics({ ...stats, timestamp: now() }, figures);
        await bus.request(queues.web, { verb: 'HOME', data: toMasterStatsWire(stats) }, { signal });
      }),
    );
    const searchJob = ctx.every(
      searchIntervalMs,
      job('update the search index', async () => {
        const index = await db.getSearchIndex();
        await bus.request(queues.web, { verb: 'SEARCH', data: index }, { signal });
      }),
    );

    const unlisten = [
      bus.listen(queues.stats, (msg) => {
        log.debug(`<< ${msg.verb}`);
        if (msg.verb === 'STATFS') stats = { ...stats, diskSize: msg.data[0], diskFree: msg.data[1] };
        else if (msg.verb === 'STATBQ') stats = { ...stats, buildsPending: msg.data };
        else {
          homeJob.force();
          searchJob.force();
        }
      }),
      bus.listen(bigBrotherControlQueue, () => {
        log.debug('<< STATS');
        for (const entry of history) bus.publish(queues.status, { verb: 'STATS', data: toMasterStatsWire(entry) });
      }),
    ];

    return {
      stop() {
        for (const stop of unlisten) stop();
      },
    };
  },
});
