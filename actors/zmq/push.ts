/**
 * PUSH (monitors and tools → control queue, piw-logger → log queue) and PUB (master → status queue): one
 * CBOR frame per message, validated before anything is sent (behaviour 9).
 */
import * as zmq from 'zeromq';
import { MAX_SUBSCRIPTION } from '../../protocols/monitor-stats.js';
import type { Message, Protocol, VerbMap } from '../../protocols/protocol.js';
import { Outbox, SOCKET_DEFAULTS, bindSocket, type IpcMode } from './socket.js';

export interface Pusher<S extends VerbMap> {
  /**
   * Sends one message. Resolves true once queued; with `dropAfterMs` set, resolves false when the message
   * could not be queued within that time (piw-logger's `--drop`: 0.01 s) instead of waiting.
   */
  push(msg: Message<S>): Promise<boolean>;
  close(): Promise<void>;
}

export interface PushOptions<S extends VerbMap> {
  /** The sender's view of the protocol (the mirror of the binding side's). */
  protocol: Protocol<VerbMap, S>;
  address: string;
  hwm?: number;
  dropAfterMs?: number;
}

export function createPushAdapter<S extends VerbMap>(opts: PushOptions<S>): Pusher<S> {
  const socket = new zmq.Push({
    ...SOCKET_DEFAULTS,
    ...(opts.hwm === undefined ? {} : { sendHighWaterMark: opts.hwm }),
    ...(opts.dropAfterMs === undefined ? {} : { sendTimeout: opts.dropAfterMs }),
  });
  socket.connect(opts.address);
  const outbox = new Outbox(socket);
  return {
    async push(msg) {
      const frame = opts.protocol.encode(msg);
      try {
        await outbox.send([frame]);
        return true;
      } catch (err) {
        if (opts.dropAfterMs !== undefined && (err as { code?: string }).code === 'EAGAIN') return false;
        throw err;
      }
    },
    async close() {
      socket.close();
    },
  };
}

export interface Publisher<S extends VerbMap> {
  readonly endpoint: string;
  /** Sends to every subscriber connected now (a PUB never blocks: slow subscribers lose messages). */
  publish(msg: Message<S>): Promise<void>;
  /** Whether a subscriber is connected (or may be: a subscription not read yet); false means publish drops. */
  listening(): boolean;
  close(): Promise<void>;
}

/**
 * Binds the status PUB socket; its ipc file is made group-writable (behaviour 36). What subscribers send
 * it (their subscriptions) may be at most MAX_SUBSCRIPTION bytes: a larger one disconnects the subscriber.
 *
 * It is an XPUB, so it sees the subscriptions: while no subscriber is connected a message is dropped
 * before it is encoded, as a PUB drops it after (a status stream nobody watches, the usual case, costs the
 * master nothing per message: without this every slave reply cost two encodes and two sends). libzmq
 * passes up the first subscription to a prefix and the unsubscription (or disconnect) of its last
 * subscriber. One that arrived but is not read yet shows as `readable`, which is asked at the first
 * message of each turn of the event loop (asking costs a system call: per message it was 8% of the master
 * at 500 slaves), so a monitor's replay, answered in a later turn than its subscription arrived in, is not
 * lost to the bookkeeping.
 */
export async function createPublisherAdapter<S extends VerbMap>(opts: {
  protocol: Protocol<VerbMap, S>;
  address: string;
  ipcMode?: IpcMode;
}): Promise<Publisher<S>> {
  const socket = new zmq.XPublisher({ ...SOCKET_DEFAULTS, maxMessageSize: MAX_SUBSCRIPTION });
  const endpoint = await bindSocket(socket, opts.address, opts.ipcMode);
  const outbox = new Outbox(socket);
  /** Subscribed prefixes (as latin1 text) with at least one subscriber; null when they cannot be tracked. */
  let prefixes: Set<string> | null = new Set();
  const watch = (async () => {
    try {
      while (!socket.closed) {
        const [frame] = await socket.receive();
        if (frame === undefined || frame.length === 0) continue;
        const prefix = frame.toString('latin1', 1);
        if (frame[0] === 1) prefixes?.add(prefix);
        else if (frame[0] === 0) prefixes?.delete(prefix);
      }
    } catch {
      // Closed (EAGAIN on the waiting receive); or failed: from then on every message is sent.
      prefixes = null;
    }
  })();
  /** Whether this turn of the event loop already found no subscription waiting. */
  let quietThisTurn = false;
  const idle = () => {
    if (prefixes === null || prefixes.size > 0) return false;
    if (quietThisTurn) return true;
    if (socket.readable) return false;
    quietThisTurn = true;
    setImmediate(() => (quietThisTurn = false));
    return true;
  };
  return {
    endpoint,
    publish: (msg) => (idle() ? Promise.resolve() : outbox.send([opts.protocol.encode(msg)])),
    listening: () => !idle(),
    async close() {
      socket.close();
      await watch;
    },
  };
}
