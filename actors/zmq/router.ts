/**
 * The ROUTER adapter for REQ clients (slaves on the slave queue, piw-import / piw-remove / piw-rebuild on
 * the import queue): frames are `[identity, '', payload]` (protocols/README.md §1.4). Each valid request becomes a
 * `wire.message` event for the target; a request that fails to decode or validate is logged and becomes a
 * `wire.invalid` event (the owner decides whether the protocol answers it); a message that is not exactly
 * three frames is logged as "invalid message structure received" (behaviour 10) and dropped. No peer's
 * garbage reaches any other peer or stops the socket.
 *
 * Faults are logged through a FaultLog (the first few as they come, then counts per peer every 10 s); the
 * owner reports the faults only it can see (a valid message out of order) with `fault`. A peer past a few
 * faults in a window has its messages dropped unread until the window ends. Frames over the protocol's
 * `maxFrame` never arrive: ZeroMQ disconnects the peer instead.
 */
import * as zmq from 'zeromq';
import type { Message, Protocol, VerbMap } from '../../protocols/protocol.js';
import type { ProtocolError } from '../../protocols/errors.js';
import type { Logger } from '../runtime/logger.js';
import { FaultLog } from './fault-log.js';
import { Outbox, SOCKET_DEFAULTS, bindSocket, receiveLoop, type EventTarget, type IpcMode } from './socket.js';

/** A peer's routing identity, as the hex of its identity frame (fit for a Map key). */
export type PeerId = string;

export type RouterEvent<R extends VerbMap> =
  | { type: 'wire.message'; peer: PeerId; msg: Message<R> }
  | { type: 'wire.invalid'; peer: PeerId; error: ProtocolError };

export interface RouterAdapterOptions<R extends VerbMap, S extends VerbMap> {
  /** The binding side's protocol: requests are `R`, replies `S`. */
  protocol: Protocol<R, S>;
  address: string;
  target: EventTarget<RouterEvent<R>>;
  log: Logger;
  ipcMode?: IpcMode;
  /** What the socket is, for the fault summaries ('slave queue'). */
  name?: string;
}

export interface RouterAdapter<S extends VerbMap> {
  /** The endpoint bound (with the real port for `tcp://…:*`). */
  readonly endpoint: string;
  /** Validates, encodes and sends a reply to one peer (throws a ProtocolError before sending if invalid). */
  reply(peer: PeerId, msg: Message<S>): Promise<void>;
  /** Counts (and, within limits, logs) a fault of `peer` the owner found; it counts towards shedding. */
  fault(peer: PeerId, message: string): void;
  /** Resolves when the receive loop has ended (after `close`). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

const EMPTY = Buffer.alloc(0);

export async function createRouterAdapter<R extends VerbMap, S extends VerbMap>(
  opts: RouterAdapterOptions<R, S>,
): Promise<RouterAdapter<S>> {
  const { protocol, target, log } = opts;
  // A ROUTER never blocks a send (a reply to a gone or flooded peer is dropped), so it need not ask the
  // socket whether it may send before each one: with a zero send timeout every reply goes out at once.
  const socket = new zmq.Router({ ...SOCKET_DEFAULTS, sendTimeout: 0, maxMessageSize: protocol.maxFrame });
  const endpoint = await bindSocket(socket, opts.address, opts.ipcMode);
  const outbox = new Outbox(socket);
  const faults = new FaultLog({ log, socket: opts.name ?? `${protocol.name} queue` });
  const loop = receiveLoop(socket, log, (frames) => {
    const peer = frames[0]!.toString('hex');
    if (faults.shedding(peer)) return;
    if (frames.length !== 3 || frames[1]!.length !== 0) {
      faults.fault(peer, 'invalid message structure received');
      return;
    }
    let msg: Message<R>;
    try {
      msg = protocol.decode(frames[2]!);
    } catch (err) {
      faults.fault(peer, `${(err as Error).message} (from ${peer})`);
      target.send({ type: 'wire.invalid', peer, error: err as ProtocolError });
      return;
    }
    target.send({ type: 'wire.message', peer, msg });
  });
  return {
    endpoint,
    reply(peer, msg) {
      const payload = protocol.encode(msg);
      return outbox.send([Buffer.from(peer, 'hex'), EMPTY, payload]);
    },
    fault: (peer, message) => faults.fault(peer, message),
    closed: loop,
    async close() {
      socket.close();
      await loop;
      faults.close();
    },
  };
}
