/**
 * The Lumberjack's end of the log queue: a PULL socket bound at `--log-queue` (default `piw-logger` in
 * the ipc directory, actors/ipc), one CBOR frame per record, checked against the lumberjack protocol
 * (protocols/README.md §4.9). A frame that is not a valid record is logged as an error and skipped (behaviour
 * 166); the loop never stops for a peer's garbage.
 *
 * Unlike actors/zmq's PULL adapter, this loop reads only when `ready()` says so: while the task is paused
 * or the write buffer is full nothing is read, and records wait in ZeroMQ's queues (back-pressure to
 * piw-logger) instead of piling up in memory.
 */
import { performance } from 'node:perf_hooks';
import * as zmq from 'zeromq';
import { lumberjackProtocol } from '../../protocols/lumberjack.js';
import type { Logger } from '../runtime/logger.js';
import { FaultLog } from '../zmq/fault-log.js';
import { decodeSingle } from '../zmq/pull.js';
import { SOCKET_DEFAULTS, TurnBudget, bindSocket } from '../zmq/socket.js';
import type { LogRecord } from './log-sink.js';

/** The log queue's default address (protocols/README.md §2), in the ipc directory every tool shares. */
export { DEFAULT_LOG_QUEUE } from '../ipc/defaults.js';

export interface LogQueueOptions {
  address: string;
  log: Logger;
  /** zmq's receive high-water mark (default 1000). */
  hwm?: number;
  /**
   * Undefined when the next record may be read at once (the usual case, kept free of promises); otherwise
   * a promise that resolves when it may, or rejects to end the loop.
   */
  ready(): Promise<void> | undefined;
  accept(record: LogRecord): void;
}

export interface LogQueue {
  /** The address bound (a `tcp://…:*` address with its real port). */
  readonly endpoint: string;
  /** Settles when the loop ends: resolves when closed, rejects if the socket failed. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

export async function bindLogQueue(opts: LogQueueOptions): Promise<LogQueue> {
  const socket = new zmq.Pull({
    ...SOCKET_DEFAULTS,
    maxMessageSize: lumberjackProtocol.maxFrame,
    ...(opts.hwm === undefined ? {} : { receiveHighWaterMark: opts.hwm }),
  });
  const endpoint = await bindSocket(socket, opts.address);
  const faults = new FaultLog({ log: opts.log, socket: 'log queue' });
  let closing!: () => void;
  const closed = new Promise<void>((resolve) => (closing = resolve));
  const budget = new TurnBudget();
  const done = (async () => {
    while (!socket.closed) {
      const wait = opts.ready();
      if (wait) {
        try {
          await Promise.race([wait, closed]);
        } catch {
          return;
        }
        if (socket.closed) return;
      }
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (err) {
        if (socket.closed) return;
        throw err;
      }
      const start = performance.now();
      const record: LogRecord | undefined = decodeSingle(lumberjackProtocol, frames, faults);
      if (record !== undefined) opts.accept(record);
      const turn = budget.spent(start);
      if (turn) await turn;
    }
  })();
  return {
    endpoint,
    done,
    async close() {
      socket.close();
      closing();
      await done.catch(() => {});
      faults.close();
    },
  };
}
