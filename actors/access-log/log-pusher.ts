/**
 * piw-logger's end of the log queue: a PUSH socket connected to `--log-queue`, sending one CBOR frame per
 * record (protocols/README.md §4.9). Encoding and sending are separate so a caller can encode a batch and then
 * send it back to back (run-logger.ts says why).
 *
 * A record is encoded without a second pass of the lumberjack protocol's schema: classify() builds it
 * from a parsed line, so its shape is the protocol's by construction (the types hold it to that), and
 * what the types cannot say (a time a datetime cannot carry, text with no UTF-8 form) the encoder itself
 * refuses. The Lumberjack validates every frame it receives anyway. That pass cost about as much as the
 * encoding.
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
import { encodeCbor } from '../../protocols/cbor/index.js';
import { ProtocolError } from '../../protocols/errors.js';
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
    encode(msg) {
      try {
        return encodeCbor([msg.verb, msg.data]);
      } catch {
        throw new ProtocolError('PIW_ERR_SERIALIZE', 'unable to serialize data', msg.verb);
      }
    },
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
