/**
 * The in-process bus: the master's tasks talk over it as 0.18's talk over inproc:// sockets, with the same
 * protocols and the same checks, but without encoding or copying: a message object is validated and
 * handed over as it is (the receiver must treat it as read-only).
 *
 * - request/serve (REQ ⇄ REP/ROUTER): one server per queue. The request is checked with the queue's mirror
 *   (`client.checkSend`) before anything happens, the reply with the protocol's `checkSend`. The server's
 *   handler runs on a later microtask, never inside the requester's call stack; by default every request
 *   is handed over as it arrives (ROUTER-like), `concurrency` bounds how many run at once (1 = REP).
 *   With no server the request fails at once (PIW_ERR_BUS_NO_SERVER); `timeoutMs` and `signal` end a wait.
 * - push/listen (PUSH → PULL): one listener. Delivery is asynchronous and in order. While nobody listens,
 *   up to the queue's high-water mark messages wait for the first listener; beyond it `push` drops the
 *   message and returns false, as a zmq PUSH with NOBLOCK does at its HWM.
 * - publish/subscribe (PUB → SUB): every subscriber gets every message published after it subscribed, or
 *   those its `wants` takes; a message no subscriber wants is dropped unchecked (returns 0), as a PUB drops
 *   what no subscription matches. Checked with the protocol's `checkSend` (the publisher is the binding
 *   side) before any subscriber hears it.
 * A listener or subscriber that throws is reported to `onError` and never reaches the sender.
 */
import type { Message, VerbMap } from '../../protocols/protocol.js';
import { BusError, busErrors } from './errors.js';
import { Fifo } from './fifo.js';
import type { Queue } from './queues.js';

export type ServeHandler<R extends VerbMap, S extends VerbMap> = (msg: Message<R>) => Promise<Message<S>> | Message<S>;

export interface RequestOptions {
  /** Give up waiting for the reply after this many milliseconds (PIW_ERR_BUS_TIMEOUT). */
  timeoutMs?: number;
  /** Give up when this signal aborts (PIW_ERR_BUS_ABORTED). */
  signal?: AbortSignal;
}

export interface ServeOptions {
  /** How many requests the handler may work on at once; the rest wait in order. Default: no bound. */
  concurrency?: number;
}

export interface SubscribeOptions<S extends VerbMap> {
  /**
   * Which messages the subscriber takes, asked as each is published (default: all). A status nobody wants
   * (the status socket's forwarder with no monitor connected, a summary that counts slaves) costs the
   * publisher no check and no delivery: at 500 slaves that was two valibot checks and two deliveries a reply.
   */
  wants?: (msg: Message<S>) => boolean;
}

interface Subscriber {
  handler: (msg: Message<VerbMap>) => void;
  wants: ((msg: Message<VerbMap>) => boolean) | undefined;
}

export interface BusOptions {
  /** Where exceptions thrown by listeners and subscribers go (default: stderr). */
  onError?: (err: unknown, queue: string) => void;
}

interface Call {
  msg: Message<VerbMap>;
  resolve: (reply: Message<VerbMap>) => void;
  reject: (err: unknown) => void;
  settled: boolean;
  cleanup: (() => void) | undefined;
}

interface Server {
  handler: ServeHandler<VerbMap, VerbMap>;
  queue: Queue;
  concurrency: number;
  active: number;
  waiting: Fifo<Call>;
  stopped: boolean;
}

interface PushQueue {
  listener: ((msg: Message<VerbMap>) => void) | undefined;
  pending: Fifo<Message<VerbMap>>;
  scheduled: boolean;
}

type AnyQueue = Queue<any, any>;

export class Bus {
  private readonly servers = new Map<string, Server>();
  private readonly pushQueues = new Map<string, PushQueue>();
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly inFlight = new Set<Call>();
  private readonly onError: (err: unknown, queue: string) => void;
  private closed = false;

  constructor(opts: BusOptions = {}) {
    this.onError =
      opts.onError ??
      ((err, queue) => process.stderr.write(`bus: handler on queue ${queue} threw: ${err instanceof Error ? err.stack : String(err)}\n`));
  }

  /** Becomes the one server of `queue`; the returned function stops serving. */
  serve<R extends VerbMap, S extends VerbMap>(queue: Queue<R, S>, handler: ServeHandler<R, S>, opts: ServeOptions = {}): () => void {
    if (this.closed) throw busErrors.closed(queue.name);
    if (this.servers.has(queue.name)) throw busErrors.alreadyServed(queue.name);
    const concurrency = opts.concurrency ?? Infinity;
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, not ${concurrency}`);
    const server: Server = {
      handler: handler as unknown as ServeHandler<VerbMap, VerbMap>,
      queue: queue as unknown as Queue,
      concurrency,
      active: 0,
      waiting: new Fifo(),
      stopped: false,
    };
    this.servers.set(queue.name, server);
    return () => {
      if (server.stopped) return;
      server.stopped = true;
      if (this.servers.get(queue.name) === server) this.servers.delete(queue.name);
      // Requests already being handled still get their reply; those still waiting never will.
      for (const call of server.waiting.drain()) this.settle(call, busErrors.serverGone(queue.name, call.msg.verb), false);
    };
  }

  /** Sends a request and resolves with the validated reply. */
  request<R extends VerbMap, S extends VerbMap>(queue: Queue<R, S>, msg: Message<R>, opts: RequestOptions = {}): Promise<Message<S>> {
    return new Promise<Message<S>>((resolve, reject) => {
      if (this.closed) return reject(busErrors.closed(queue.name));
      queue.client.checkSend(msg as never);
      const server = this.servers.get(queue.name);
      if (server === undefined) return reject(busErrors.noServer(queue.name));
      const { signal, timeoutMs } = opts;
      if (signal?.aborted) return reject(busErrors.aborted(queue.name, msg.verb, signal.reason));
      const call: Call = {
        msg: msg as Message<VerbMap>,
        resolve: resolve as (reply: Message<VerbMap>) => void,
        reject,
        settled: false,
        cleanup: undefined,
      };
      if (timeoutMs !== undefined || signal !== undefined) {
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => this.settle(call, busErrors.timeout(queue.name, msg.verb, timeoutMs), false), timeoutMs);
        const onAbort = () => this.settle(call, busErrors.aborted(queue.name, msg.verb, signal!.reason), false);
        signal?.addEventListener('abort', onAbort, { once: true });
        call.cleanup = () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
      }
      this.inFlight.add(call);
      if (server.active < server.concurrency) this.dispatch(server, call);
      else server.waiting.push(call);
    });
  }

  /** Becomes the one listener of `queue`; messages pushed before it arrived are delivered first. */
  listen<R extends VerbMap>(queue: Queue<R, VerbMap>, handler: (msg: Message<R>) => void): () => void {
    if (this.closed) throw busErrors.closed(queue.name);
    const pq = this.pushQueue(queue.name);
    if (pq.listener !== undefined) throw busErrors.alreadyListened(queue.name);
    const listener = handler as (msg: Message<VerbMap>) => void;
    pq.listener = listener;
    if (pq.pending.length > 0) this.scheduleDrain(queue.name, pq);
    return () => {
      if (pq.listener === listener) pq.listener = undefined;
    };
  }

  /** Pushes a one-way message; false when it was dropped (no listener and the high-water mark reached). */
  push<R extends VerbMap>(queue: Queue<R, VerbMap>, msg: Message<R>): boolean {
    if (this.closed) throw busErrors.closed(queue.name);
    queue.client.checkSend(msg as never);
    const pq = this.pushQueue(queue.name);
    if (pq.listener === undefined && pq.pending.length >= queue.hwm) return false;
    pq.pending.push(msg as Message<VerbMap>);
    if (pq.listener !== undefined) this.scheduleDrain(queue.name, pq);
    return true;
  }

  /** Subscribes to everything published on `queue` from now on (or what `opts.wants` takes). */
  subscribe<S extends VerbMap>(queue: Queue<VerbMap, S>, handler: (msg: Message<S>) => void, opts: SubscribeOptions<S> = {}): () => void {
    if (this.closed) throw busErrors.closed(queue.name);
    let subs = this.subscribers.get(queue.name);
    if (subs === undefined) this.subscribers.set(queue.name, (subs = new Set()));
    // A record of its own, so the same function may subscribe twice and unsubscribe each separately.
    const sub: Subscriber = {
      handler: handler as (msg: Message<VerbMap>) => void,
      wants: opts.wants as ((msg: Message<VerbMap>) => boolean) | undefined,
    };
    subs.add(sub);
    return () => void subs.delete(sub);
  }

  /**
   * Publishes to every current subscriber that wants the message; returns how many there were. With none,
   * the message is dropped before it is checked, as a PUB socket with no matching subscription drops it: a
   * status stream nobody listens to costs its publishers nothing per message.
   */
  publish<S extends VerbMap>(queue: Queue<VerbMap, S>, msg: Message<S>): number {
    if (this.closed) throw busErrors.closed(queue.name);
    const subs = this.subscribers.get(queue.name);
    if (subs === undefined || subs.size === 0) return 0;
    const message = msg as Message<VerbMap>;
    let targets: Subscriber[] | undefined;
    for (const sub of subs) if (sub.wants === undefined || sub.wants(message)) (targets ??= []).push(sub);
    if (targets === undefined) return 0;
    queue.protocol.checkSend(msg as never);
    const to = targets;
    queueMicrotask(() => {
      for (const sub of to) {
        if (!subs.has(sub)) continue;
        try {
          sub.handler(message);
        } catch (err) {
          this.onError(err, queue.name);
        }
      }
    });
    return to.length;
  }

  /** Whether `queue` has a server right now. */
  isServed(queue: AnyQueue): boolean {
    return this.servers.has(queue.name);
  }

  /** Ends everything: waiting requests fail with PIW_ERR_BUS_CLOSED, later calls throw it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of [...this.inFlight]) this.settle(call, busErrors.closed('*'), false);
    this.servers.clear();
    this.pushQueues.clear();
    this.subscribers.clear();
  }

  private dispatch(server: Server, call: Call): void {
    server.active++;
    queueMicrotask(() => {
      if (call.settled) return this.release(server);
      let result: PromiseLike<Message<VerbMap>> | Message<VerbMap>;
      try {
        result = server.handler(call.msg);
      } catch (err) {
        this.settle(call, busErrors.handler(server.queue.name, call.msg.verb, err), false);
        return this.release(server);
      }
      if (isThenable(result)) {
        result.then(
          (reply) => {
            this.reply(server, call, reply);
            this.release(server);
          },
          (err) => {
            this.settle(call, busErrors.handler(server.queue.name, call.msg.verb, err), false);
            this.release(server);
          },
        );
      } else {
        this.reply(server, call, result);
        this.release(server);
      }
    });
  }

  private reply(server: Server, call: Call, reply: Message<VerbMap>): void {
    try {
      server.queue.protocol.checkSend(reply);
    } catch (err) {
      return this.settle(call, busErrors.badReply(server.queue.name, call.msg.verb, err), false);
    }
    this.settle(call, reply, true);
  }

  /** A handler finished (or skipped a call that had already ended): start the next waiting call. */
  private release(server: Server): void {
    server.active--;
    if (server.stopped) return;
    while (server.active < server.concurrency && server.waiting.length > 0) {
      const next = server.waiting.shift()!;
      if (!next.settled) this.dispatch(server, next);
    }
  }

  private settle(call: Call, value: unknown, ok: boolean): void {
    if (call.settled) return;
    call.settled = true;
    call.cleanup?.();
    this.inFlight.delete(call);
    if (ok) call.resolve(value as Message<VerbMap>);
    else call.reject(value);
  }

  private pushQueue(name: string): PushQueue {
    let pq = this.pushQueues.get(name);
    if (pq === undefined) this.pushQueues.set(name, (pq = { listener: undefined, pending: new Fifo(), scheduled: false }));
    return pq;
  }

  private scheduleDrain(name: string, pq: PushQueue): void {
    if (pq.scheduled) return;
    pq.scheduled = true;
    queueMicrotask(() => {
      pq.scheduled = false;
      // Stops when the listener goes away; what is left waits for the next one.
      while (pq.listener !== undefined && pq.pending.length > 0) {
        const msg = pq.pending.shift()!;
        try {
          pq.listener(msg);
        } catch (err) {
          this.onError(err, name);
        }
      }
    });
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function createBus(opts?: BusOptions): Bus {
  return new Bus(opts);
}

export { BusError };
