/**
 * piw-logger's main loop: every line of every source is read, classified and, when it makes a record,
 * handed to the log queue. A send that waits holds up reading (back-pressure); a dropped record is counted
 * and warned about ("dropping log entry") once per run of drops, so a master that is away does not flood
 * Apache's error log. Stops early, between batches of lines, when `signal` aborts (SIGTERM from Apache);
 * the records of lines already read are still sent.
 *
 * Lines come in batches (one per chunk read): a batch's records are all encoded first and then sent back
 * to back. Sent one at a time between parsing, each record woke ZeroMQ's I/O thread and the master's
 * reader on its own (a system call or two per record on each side); back to back, the I/O thread carries
 * many records per write. On the 1M-line benchmark that halved the CPU piw-logger spends sending.
 */
import { ProtocolError } from '../../protocols/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { LineSource } from './line-source.js';
import { readLines } from './line-source.js';
import type { LogLineParser } from './log-format.js';
import type { LogPusher } from './log-pusher.js';
import { LogReader, type LoggerCounts } from './log-reader.js';

export interface RunLoggerOptions {
  parser: LogLineParser;
  sources: readonly LineSource[];
  /** The log queue. */
  queue: Pick<LogPusher, 'encode' | 'send'>;
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
        const frames: Buffer[] = [];
        for (const line of lines) {
          const malformed = counts.malformed;
          const msg = reader.read(line);
          if (msg === undefined) {
            if (counts.malformed !== malformed) opts.log.debug(`malformed line in ${source.name}: ${clip(line)}`);
            continue;
          }
          try {
            frames.push(opts.queue.encode(msg));
          } catch (err) {
            // A record the lumberjack protocol refuses is a malformed line, not the end of the run.
            if (!(err instanceof ProtocolError)) throw err;
            counts.records[msg.verb]--;
            counts.malformed++;
            opts.log.debug(`malformed line in ${source.name} (${err.message}): ${clip(line)}`);
          }
        }
        for (const frame of frames) {
          if (await opts.queue.send(frame)) {
            if (droppedInRun) opts.log.info(`log queue accepting again after dropping ${droppedInRun} log entries`);
            droppedInRun = 0;
          } else {
            counts.dropped++;
            if (droppedInRun++ === 0) opts.log.warn('dropping log entry');
          }
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
