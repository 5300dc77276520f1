/**
 * piw-logger's end of the log queue: a PUSH socket connected to `--log-queue`, sending one CBOR frame per
 * record (protocols.md §4.9, checked against the lumberjack protocol when it is encoded). Encoding and
 * sending are separate so a caller can encode a batch and then send it back to back (run-logger.ts says why).
 *
 * Without `--drop` a send waits for as long as the queue is full, so reading waits too (back-pressure).
 * With `--drop` a send gives up after `dropAfterMs` (0.18: 10 ms) and the record is dropped. While the
 * master is away every record would wait those 10 ms, which is slower than a busy Apache writes: after one
 * drop, the next records are only tried without waiting, until one goes through again. So Apache's pipe is
 * never blocked for more than one wait.
 *
 * This is the log queue's own small socket rather than actors/zmq's push adapter because of that adaptive
 * timeout.
 */
import * as zmq from 'zeromq';
import { loggerProtocol } from '../../protocols/lumberjack.js';
import { LINGER_MS, SOCKET_DEFAULTS } from '../zmq/socket.js';
import type { LogMessage } from './classify.js';

/** 0.18's `--drop` wait. */
export const DROP_AFTER_MS = 10;

export interface LogPusher {
  /** The record's frame; throws a ProtocolError for a record the lumberjack protocol refuses. */
  encode(msg: LogMessage): Buffer;
  /** Resolves true once the frame is queued, false when `--drop` dropped it. */
  send(frame: Buffer): Promise<boolean>;
  /**
   * Closes the socket. Without `--drop` the process then waits until every queued record has reached the
   * master (nothing is lost); with it, queued records get 0.18's linger of 1 s while the master is
   * connected and taking records, and none otherwise (they could not leave anyway, and Apache should not
   * wait on a piped logger that is shutting down).
   */
  close(): void;
}

export interface LogPusherOptions {
  address: string;
  drop: boolean;
  dropAfterMs?: number;
  /** zmq's send high-water mark (default 1000). */
  hwm?: number;
}

export function createLogPusher(opts: LogPusherOptions): LogPusher {
  const patience = opts.dropAfterMs ?? DROP_AFTER_MS;
  const socket = new zmq.Push({
    ...SOCKET_DEFAULTS,
    ...(opts.hwm === undefined ? {} : { sendHighWaterMark: opts.hwm }),
    ...(opts.drop ? { sendTimeout: patience } : {}),
  });
  let connected = false;
  // Read as an iterator: the observer's event-emitter mode loads a module lazily, which jest's module
  // registry refuses once a test file is done.
  void (async () => {
    for await (const event of socket.events) {
      if (event.type === 'connect') connected = true;
      else if (event.type === 'disconnect') connected = false;
    }
  })().catch(() => {});
  socket.connect(opts.address);
  let dropping = false;
  return {
    encode: (msg) => loggerProtocol.encode(msg),
    async send(frame) {
      try {
        await socket.send(frame);
      } catch (err) {
        if (!opts.drop || (err as { code?: string }).code !== 'EAGAIN') throw err;
        if (!dropping) socket.sendTimeout = 0;
        dropping = true;
        return false;
      }
      if (dropping) socket.sendTimeout = patience;
      dropping = false;
      return true;
    },
    close() {
      socket.linger = !opts.drop ? -1 : connected && !dropping ? LINGER_MS : 0;
      socket.close();
    },
  };
}
