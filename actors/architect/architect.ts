/**
 * The Architect (behaviours 128–130): runs the build-queue query at start and then every minute (measured
 * from the end of the previous run, behaviour 15) and pushes the whole result to the Slave Driver as
 * `QUEUE {abi: [[pkg, ver], …]}`, each list oldest release first (A.1). A `pauseable` task: while the
 * master sleeps no query runs.
 *
 * The query is a port (`buildQueue`), so the master wires the database's get_build_queue and tests their
 * own; it gets an AbortSignal that fires when the task stops, and should cancel the query on the
 * connection then (behaviour 130: "Cancelled query during shutdown"). A failed query is logged and tried
 * again at the next interval: the database being away for a while must not crash the master.
 */
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { queues } from '../runtime/queues.js';
import { createTask } from '../runtime/task.js';

/** 0.18: the query re-runs every 60 s, at most 100 000 rows per ABI (protocols.md §7). */
export const ARCHITECT_INTERVAL_MS = 60_000;
export const BUILD_QUEUE_LIMIT = 100_000;

/** One row of get_build_queue(limit): ordered by ABI, then by position in that ABI's queue. */
export interface BuildQueueRow {
  abi_tag: string;
  package: string;
  version: string;
}

/** Runs get_build_queue(limit); cancels the query when `signal` aborts (rejecting). */
export type BuildQueuePort = (limit: number, signal: AbortSignal) => Promise<Iterable<BuildQueueRow>>;

export interface ArchitectInput {
  bus: Bus;
  buildQueue: BuildQueuePort;
  intervalMs?: number;
  /** Rows per ABI. */
  limit?: number;
}

export type BuildQueue = Record<string, [string, string][]>;

/** The QUEUE data: rows grouped by ABI, order kept. */
export function groupBuildQueue(rows: Iterable<BuildQueueRow>): BuildQueue {
  // No prototype: an ABI is a name from the database, never an object property.
  const queue: BuildQueue = Object.create(null);
  for (const { abi_tag: abi, package: pkg, version } of rows) (queue[abi] ??= []).push([pkg, version]);
  return queue;
}

export const architectTask = createTask<ArchitectInput>({
  kind: 'pauseable',
  start(ctx) {
    const { bus, buildQueue, intervalMs = ARCHITECT_INTERVAL_MS, limit = BUILD_QUEUE_LIMIT } = ctx.input;
    const log = ctx.log;

    async function refresh(): Promise<void> {
      let queue: BuildQueue;
      try {
        queue = groupBuildQueue(await buildQueue(limit, ctx.signal));
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

    let running: Promise<void> = Promise.resolve();
    ctx.every(intervalMs, () => (running = refresh()));
    // Stopping aborts ctx.signal; the stop waits for the cancelled query to wind down.
    return { stop: () => running };
  },
});
