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
 * The cycle's rules are the statechart of machines/architect/refresh-machine.ts; this task supplies its
 * side effects: the pause gate, the query, the push and the log.
 *
 * The query is a port (`buildQueue`), so the master wires the database's get_build_queue —
 * `(limit, signal) => database.getBuildQueue(limit, { signal })` — and tests their own; it gets an
 * AbortSignal that fires when the task stops, and should cancel the query on the connection then
 * (behaviour 130: "Cancelled query during shutdown"). A failed query is logged and tried again at the
 * next interval: the database being away for a while must not crash the master.
 */
import { fromPromise } from 'xstate';
import {
  ARCHITECT_INTERVAL_MS,
  architectRefreshMachine,
  BUILD_QUEUE_LIMIT,
  REFRESH_GAP_MS,
} from '../../machines/architect/refresh-machine.js';
import { unlessCancelled } from '../../machines/common/cancelled.js';
import type { BuildQueue } from '../../schema/database.js';
import type { Bus } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import { createTask, type TaskContext } from '../runtime/task.js';
import { logAction, runTaskMachine, whenRunningActor } from '../runtime/task-machine.js';

export { ARCHITECT_INTERVAL_MS, BUILD_QUEUE_LIMIT, REFRESH_GAP_MS };

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
    const { bus, buildQueue, intervalMs, refreshGapMs, limit } = ctx.input;
    const machine = architectRefreshMachine.provide({
      actors: {
        whenRunning: whenRunningActor(ctx as TaskContext<unknown>),
        buildQueue: fromPromise<BuildQueue, { limit: number }>(({ input }) =>
          unlessCancelled(ctx.signal, 'the build queue query', () => buildQueue(input.limit, ctx.signal)),
        ),
        publish: fromPromise<boolean, BuildQueue>(async ({ input }) => bus.push(queues.builds, { verb: 'QUEUE', data: input })),
      },
      actions: { log: logAction(ctx.log) },
    });
    const run = runTaskMachine(ctx as TaskContext<unknown>, machine, {
      ...(intervalMs === undefined ? {} : { intervalMs }),
      ...(refreshGapMs === undefined ? {} : { refreshGapMs }),
      ...(limit === undefined ? {} : { limit }),
    });
    const unlisten = bus.listen(queues.refresh, () => run.actor.send({ type: 'REFRESH' }));
    return {
      // Stopping aborts ctx.signal; the stop waits for the cancelled query to wind down.
      stop: () => (unlisten(), run.stop()),
    };
  },
});
