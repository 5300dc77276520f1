/**
 * piw-logger's main loop: every line of every source is read, classified and, when it makes a record,
 * handed to the log queue. A send that waits holds up reading (back-pressure); a dropped record is counted
 * and warned about ("dropping log entry") once per run of drops, so a master that is away does not flood
 * Apache's error log. Stops early, between lines, when `signal` aborts (SIGTERM from Apache).
 */
import { ProtocolError } from '../../protocols/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { LogMessage } from './classify.js';
import type { LineSource } from './line-source.js';
import { readLines } from './line-source.js';
import type { LogLineParser } from './log-format.js';
import { LogReader, type LoggerCounts } from './log-reader.js';

export interface RunLoggerOptions {
  parser: LogLineParser;
  sources: readonly LineSource[];
  /** Resolves true when the record was handed over, false when it was dropped. */
  push(msg: LogMessage): Promise<boolean>;
  log: Logger;
  signal?: AbortSignal;
}

export async function runLogger(opts: RunLoggerOptions): Promise<LoggerCounts> {
  const reader = new LogReader(opts.parser);
  const { counts } = reader;
  let droppedInRun = 0;
  for (const source of opts.sources) {
    if (opts.signal?.aborted) break;
    opts.log.debug(`reading ${source.name}`);
    try {
      for await (const lines of readLines(source)) {
        for (const line of lines) {
          const malformed = counts.malformed;
          const msg = reader.read(line);
          if (msg === undefined) {
            if (counts.malformed !== malformed) opts.log.debug(`malformed line in ${source.name}: ${clip(line)}`);
            continue;
          }
          let pushed: boolean;
          try {
            pushed = await opts.push(msg);
          } catch (err) {
            // A record the lumberjack protocol refuses is a malformed line, not the end of the run.
            if (!(err instanceof ProtocolError)) throw err;
            counts.records[msg.verb]--;
            counts.malformed++;
            opts.log.debug(`malformed line in ${source.name} (${err.message}): ${clip(line)}`);
            continue;
          }
          if (pushed) {
            if (droppedInRun) opts.log.info(`log queue accepting again after dropping ${droppedInRun} log entries`);
            droppedInRun = 0;
          } else {
            counts.dropped++;
            if (droppedInRun++ === 0) opts.log.warn('dropping log entry');
          }
          if (opts.signal?.aborted) break;
        }
        if (opts.signal?.aborted) break;
      }
    } catch (err) {
      // Stopping may cut a read short (standard input destroyed): that is the end, not a failure.
      if (!opts.signal?.aborted) throw err;
    }
  }
  return counts;
}

function clip(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
