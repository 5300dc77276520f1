/**
 * PULL (control queue, logger queue) and SUB (monitors on the status queue): one CBOR frame per message
 * (protocols/README.md §1.4). A valid message becomes a `wire.message` event for the target; anything else is
 * logged ("unable to deserialize data", behaviours 21, 27; past a few a window, counted: FaultLog) and
 * dropped, and the loop goes on. Frames over the protocol's `maxFrame` are refused by ZeroMQ.
 */
import * as zmq from 'zeromq';
import type { Message, Protocol, VerbMap } from '../../protocols/protocol.js';
import type { Logger } from '../runtime/logger.js';
import { FaultLog } from './fault-log.js';
import { SOCKET_DEFAULTS, bindSocket, receiveLoop, type EventTarget, type IpcMode } from './socket.js';

export type WireEvent<R extends VerbMap> = { type: 'wire.message'; msg: Message<R> };

export interface Receiver {
  readonly endpoint: string;
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

interface ReceiverOptions<R extends VerbMap> {
  /** The receiving side's view of the protocol. */
  protocol: Protocol<R, VerbMap>;
  address: string;
  target: EventTarget<WireEvent<R>>;
  log: Logger;
}

/** The frame's message, or undefined after counting what is wrong with it. */
export function decodeSingle<R extends VerbMap>(protocol: Protocol<R, VerbMap>, frames: Buffer[], faults: FaultLog): Message<R> | undefined {
  if (frames.length !== 1) {
    faults.fault(undefined, 'invalid message structure received');
    return undefined;
  }
  try {
    return protocol.decode(frames[0]!);
  } catch (err) {
    faults.fault(undefined, (err as Error).message);
    return undefined;
  }
}

function receiver(socket: zmq.Pull | zmq.Subscriber, endpoint: string, opts: ReceiverOptions<any>): Receiver {
  const faults = new FaultLog({ log: opts.log, socket: `${opts.protocol.name} queue` });
  const closed = receiveLoop(socket, opts.log, (frames) => {
    const msg = decodeSingle(opts.protocol, frames, faults);
    if (msg !== undefined) opts.target.send({ type: 'wire.message', msg });
  });
  return {
    endpoint,
    closed,
    async close() {
      socket.close();
      await closed;
      faults.close();
    },
  };
}

/** Binds a PULL socket (the master's control queue, HWM 10; the Lumberjack's log queue). */
export async function createPullAdapter<R extends VerbMap>(
  opts: ReceiverOptions<R> & { ipcMode?: IpcMode; hwm?: number },
): Promise<Receiver> {
  const socket = new zmq.Pull({
    ...SOCKET_DEFAULTS,
    maxMessageSize: opts.protocol.maxFrame,
    ...(opts.hwm === undefined ? {} : { receiveHighWaterMark: opts.hwm }),
  });
  return receiver(socket, await bindSocket(socket, opts.address, opts.ipcMode), opts);
}

export interface SubscriberOptions<R extends VerbMap> extends ReceiverOptions<R> {
  /**
   * Told when the connection to the publisher is made (ZeroMQ's handshake) and lost (ZeroMQ keeps
   * reconnecting). With it, ZMTP heartbeats every `heartbeatMs` (default 5 s) also notice a publisher
   * that vanished without closing its connection (a tcp peer that lost power).
   */
  onLink?: (up: boolean) => void;
  heartbeatMs?: number;
}

/** Connects a SUB socket subscribed to everything (`''`, behaviour 11): monitors on the status queue. */
export function createSubscriberAdapter<R extends VerbMap>(opts: SubscriberOptions<R>): Receiver {
  const { onLink } = opts;
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const socket = new zmq.Subscriber({
    ...SOCKET_DEFAULTS,
    maxMessageSize: opts.protocol.maxFrame,
    ...(onLink === undefined ? {} : { heartbeatInterval: heartbeatMs, heartbeatTimeout: heartbeatMs * 3 }),
  });
  if (onLink !== undefined) void watchLink(socket.events, onLink);
  socket.connect(opts.address);
  socket.subscribe('');
  return receiver(socket, opts.address, opts);
}

/**
 * Reports the socket's connection as its monitor events come (read directly: the observer's emitter mode
 * requires Node's `events` lazily, which a test runner that has moved on to another file refuses).
 */
async function watchLink(observer: zmq.Observer, onLink: (up: boolean) => void): Promise<void> {
  try {
    while (!observer.closed) {
      const event = await observer.receive();
      if (event.type === 'handshake') onLink(true);
      else if (event.type === 'disconnect') onLink(false);
      else if (event.type === 'end') return;
    }
  } catch {
    // the observer closes with its socket
  }
}
