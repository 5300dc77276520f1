/**
 * The Lumberjack: the master task that stores piw-logger's records (behaviours 165–167). It binds the log
 * queue, makes each record fit the database (fit-record.ts), buffers records and writes them through a
 * `LogSink` in batches (log-batcher.ts), and logs per-kind counts once a minute.
 *
 * A pauseable task (behaviour 17): while paused it neither reads the queue nor writes. On QUIT it stops
 * reading, then writes what it holds within `drainTimeoutMs`; records still unwritten then (the database
 * being away) are lost and logged as such.
 */
import { createTask } from '../runtime/task.js';
import { fitRecord } from './fit-record.js';
import { LogBatcher, type BatchPolicy } from './log-batcher.js';
import { LogCounts } from './log-counts.js';
import { DEFAULT_LOG_QUEUE, bindLogQueue } from './log-queue.js';
import type { LogSink } from './log-sink.js';

export interface LumberjackInput {
  sink: LogSink;
  /** `--log-queue`. */
  address?: string;
  hwm?: number;
  batch?: Partial<BatchPolicy>;
  /** How often counts are logged (behaviour 167: a minute). */
  countsIntervalMs?: number;
  /** How long QUIT waits for buffered records to be written. */
  drainTimeoutMs?: number;
}

export const lumberjackTask = createTask<LumberjackInput>({
  kind: 'pauseable',
  async start(ctx) {
    const { sink, address = DEFAULT_LOG_QUEUE, hwm, batch, countsIntervalMs = 60_000, drainTimeoutMs = 5_000 } = ctx.input;
    const log = ctx.log;
    const counts = new LogCounts();
    const batcher = new LogBatcher({
      sink,
      log,
      ...(batch ? { policy: batch } : {}),
      whenRunning: () => ctx.whenRunning(),
      onWritten: (records) => counts.addWritten(records),
      onRefused: () => counts.refused++,
      task: ctx,
    });
    const queue = await bindLogQueue({
      address,
      log,
      ...(hwm === undefined ? {} : { hwm }),
      ready: () =>
        ctx.paused() || !batcher.hasRoom()
          ? (async () => {
              await ctx.whenRunning();
              await batcher.whenRoom();
            })()
          : undefined,
      accept: (record) => {
        const fit = fitRecord(record);
        if ('refused' in fit) {
          counts.refused++;
          log.error(`dropping a ${record.verb} record that cannot be stored: ${fit.refused}`);
          return;
        }
        if (fit.truncated) counts.truncated++;
        batcher.add(fit.record);
      },
    });
    log.debug(`listening on ${queue.endpoint}`);
    queue.done.catch((err) => ctx.fail(err));
    const logCounts = () => {
      const line = counts.take();
      if (line) log.info(line);
    };
    ctx.every(countsIntervalMs, logCounts);
    return {
      async stop() {
        await queue.close();
        const lost = await batcher.drain(drainTimeoutMs);
        logCounts();
        if (lost) log.error(`${lost} log records were not written: the database did not take them within ${drainTimeoutMs} ms`);
      },
    };
  },
});
