/**
 * The REQ client of slaves and tools (slave queue, import queue): strict request → reply lock-step over one
 * socket, requests queued in order. A reply that does not come within the timeout fails the request with
 * PIW_ERR_ZMQ_TIMEOUT, and the socket is replaced by a fresh one (a REQ socket still waiting for a reply
 * can never send again) — which the master sees as a new peer, as it sees a reconnecting 0.18 slave.
 */
import * as zmq from 'zeromq';
import type { Message, Protocol, VerbMap } from '../../protocols/protocol.js';
import { ProtocolError } from '../../protocols/errors.js';
import { SOCKET_DEFAULTS } from './socket.js';
import { zmqErrors } from './errors.js';

export interface RequestClient<R extends VerbMap, S extends VerbMap> {
  /** Sends `msg` (validated first) and resolves with the validated reply. */
  request(msg: Message<S>, opts?: { timeoutMs?: number }): Promise<Message<R>>;
  /**
   * Sends a message that gets no reply (a slave's BYE), then starts a fresh socket; waits at most the
   * socket's linger for it to leave.
   */
  notify(msg: Message<S>): Promise<void>;
  close(): Promise<void>;
}

export interface RequestClientOptions<R extends VerbMap, S extends VerbMap> {
  /** The client's view of the protocol (the mirror): sends `S`, receives `R`. */
  protocol: Protocol<R, S>;
  address: string;
  /** Default reply timeout; none when omitted (wait for ever, like a plain REQ). */
  timeoutMs?: number;
}

export function createRequestClient<R extends VerbMap, S extends VerbMap>(
  opts: RequestClientOptions<R, S>,
): RequestClient<R, S> {
  const { protocol, address } = opts;
  let socket = open();
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  function open(): zmq.Request {
    const s = new zmq.Request({ ...SOCKET_DEFAULTS, maxMessageSize: protocol.maxFrame });
    s.connect(address);
    return s;
  }

  function renew(): void {
    socket.close();
    socket = open();
  }

  /** Runs `job` after every earlier call has finished. */
  function inTurn<T>(job: () => Promise<T>): Promise<T> {
    const run = tail.then(() => {
      if (closed) throw zmqErrors.closed(address);
      return job();
    });
    tail = run.catch(() => {});
    return run;
  }

  return {
    request(msg, callOpts = {}) {
      const frame = protocol.encode(msg); // throws before anything is sent (behaviour 9)
      const timeoutMs = callOpts.timeoutMs ?? opts.timeoutMs;
      return inTurn(async () => {
        const s = socket;
        const exchange = s.send(frame).then(() => s.receive());
        let reply: Buffer[];
        try {
          reply = await withTimeout(exchange, timeoutMs, () => {
            // The REQ is stuck mid-exchange (unsent, or waiting for a reply): only a new socket can go on.
            exchange.catch(() => {});
            renew();
            return zmqErrors.timeout(address, msg.verb, timeoutMs!);
          });
        } catch (err) {
          throw closed ? zmqErrors.closed(address) : err;
        }
        if (reply.length !== 1) throw new ProtocolError('PIW_ERR_STRUCTURE', 'invalid message structure received');
        return protocol.decode(reply[0]!);
      });
    },
    notify(msg) {
      const frame = protocol.encode(msg);
      return inTurn(async () => {
        await socket.send(frame);
        renew();
      });
    },
    /** Closes at once: a request still waiting fails with PIW_ERR_ZMQ_CLOSED. */
    async close() {
      if (closed) return;
      closed = true;
      socket.close();
      await tail;
    },
  };
}

/** `promise`, or the error `onTimeout` makes if it has not settled within `ms` (no limit when undefined). */
function withTimeout<T>(promise: Promise<T>, ms: number | undefined, onTimeout: () => Error): Promise<T> {
  if (ms === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
