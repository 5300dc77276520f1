/**
 * The Architect (behaviours 128–130): runs the build-queue query at start and then every minute (measured
 * from the end of the previous run, behaviour 15) and pushes the whole result to the Slave Driver as
 * `QUEUE {abi: [[pkg, ver], …]}`, each list oldest release first (A.1). A `pauseable` task: while the
 * master sleeps no query runs.
 *
 * Beyond 0.18: Cloud Gazer says `REFRESH` on the refresh queue when it has recorded versions to build, and
 * the Architect then runs the query at once rather than at its next one-minute turn: never while one runs,
 * once for any number of REFRESHes that come meanwhile, and no sooner than `refreshGapMs` after the end of
 * the last query a REFRESH asked for (so REFRESH costs the database at most one query every few seconds).
 * A query that starts after a REFRESH answers it, whoever asked for it; a REFRESH during a query asks for
 * one more after it (that query may have started before the versions were recorded). The minute's
 * refreshes go on as before.
 *
 * The query is a port (`buildQueue`), so the master wires the database's get_build_queue —
 * `(limit, signal) => database.getBuildQueue(limit, { signal })` — and tests their own; it gets an
 * AbortSignal that fires when the task stops, and should cancel the query on the connection then
 * (behaviour 130: "Cancelled query during shutdown"). A failed query is logged and tried again at the
 * next interval: the database being away for a while must not crash the master.
 */
import type { BuildQueue } from '../../schema/database.js';
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { queues } from '../runtime/queues.js';
import { createTask } from '../runtime/task.js';

/** 0.18: the query re-runs every 60 s, at most 100 000 rows per ABI (protocols.md §7). */
export const ARCHITECT_INTERVAL_MS = 60_000;
export const BUILD_QUEUE_LIMIT = 100_000;
/** The least time from the end of one query a REFRESH asked for to the start of the next. */
export const REFRESH_GAP_MS = 3_000;

/** Runs get_build_queue(limit): per ABI, the versions to build, oldest release first; cancels (rejecting)
 *  when `signal` aborts. */
export type BuildQueuePort = (limit: number, signal: AbortSignal) => Promise<BuildQueue>;

export interface ArchitectInput {
  bus: Bus;
  buildQueue: BuildQueuePort;
  intervalMs?: number;
  /** The least time from the end of one query a REFRESH asked for to the start of the next. */
  refreshGapMs?: number;
  /** Rows per ABI. */
  limit?: number;
}

export type { BuildQueue };

export const architectTask = createTask<ArchitectInput>({
  kind: 'pauseable',
  start(ctx) {
    const { bus, buildQueue, intervalMs = ARCHITECT_INTERVAL_MS, refreshGapMs = REFRESH_GAP_MS, limit = BUILD_QUEUE_LIMIT } = ctx.input;
    const log = ctx.log;
    let querying = false;
    /** A REFRESH came that no query started since has answered. */
    let wanted = false;
    /** A query for REFRESH is on its way: waiting out the gap, waiting for RESUME, or forced and not yet started. */
    let scheduled = false;
    /** The periodic job was forced for REFRESH: the next query is REFRESH's. */
    let forced = false;
    let lastRefreshEnded = -Infinity;
    let gapTimer: NodeJS.Timeout | undefined;

    async function refresh(): Promise<void> {
      const forRefresh = forced;
      if (forced) forced = scheduled = false;
      wanted = false;
      querying = true;
      try {
        await query();
      } finally {
        querying = false;
        if (forRefresh) lastRefreshEnded = Date.now();
      }
      if (wanted) refreshSoon();
    }

    async function query(): Promise<void> {
      let queue: BuildQueue;
      try {
        queue = await buildQueue(limit, ctx.signal);
      } catch (err) {
        if (ctx.signal.aborted) log.info('Cancelled query during shutdown');
        else log.error(`build queue query failed (${describe(err)}); trying again in ${intervalMs / 1000} s`, err);
        return;
      }
      if (ctx.signal.aborted) return;
      const counts = Object.entries(queue).map(([abi, jobs]) => `${abi}: ${jobs.length}`);
      log.debug(`build queue: ${counts.join(', ') || 'empty'}`);
      if (!bus.push(queues.builds, { verb: 'QUEUE', data: queue })) {
        log.warn('the builds queue is full (is the Slave Driver running?); this refresh is dropped');
      }
    }

    /** The periodic job now, once the gap has passed and the task is not paused, unless a query answers first. */
    function refreshSoon(): void {
      if (scheduled || ctx.signal.aborted) return;
      scheduled = true;
      gapTimer = setTimeout(() => {
        ctx.whenRunning().then(
          () => {
            if (wanted && !querying) {
              forced = true;
              periodic.force();
            } else {
              // Answered by a query that started since; or one running now, which asks again when it ends.
              scheduled = false;
            }
          },
          () => undefined,
        );
      }, Math.max(0, lastRefreshEnded + refreshGapMs - Date.now()));
    }

    let running: Promise<void> = Promise.resolve();
    const periodic = ctx.every(intervalMs, () => (running = refresh()));
    const unlisten = bus.listen(queues.refresh, () => {
      log.debug('REFRESH: new versions to build');
      wanted = true;
      if (!querying) refreshSoon();
    });
    // Stopping aborts ctx.signal; the stop waits for the cancelled query to wind down.
    return {
      stop: () => {
        unlisten();
        clearTimeout(gapTimer);
        return running;
      },
    };
  },
});
