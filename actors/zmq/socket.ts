/**
 * What every ZeroMQ socket of the project shares (protocols/README.md §1, §2): IPv6 on (so `tcp://*:5555` binds
 * dual-stack, as 0.18's transport wrapper does), a short linger on close (0.18 closes its context with
 * 1 s), ipc socket-file permissions fixed after bind, sends serialised per socket, and a receive loop that
 * nothing a peer sends can stop.
 */
import { chmod, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type * as zmq from 'zeromq';
import { prepareIpcBind } from '../ipc/checks.js';
import { ipcPath } from '../ipc/defaults.js';
import type { Logger } from '../runtime/logger.js';

/** 0.18's context linger: queued messages get one second to leave when a socket closes. */
export const LINGER_MS = 1000;

export const SOCKET_DEFAULTS = { ipv6: true, linger: LINGER_MS } as const;

/** What to do to an ipc:// socket file after bind (protocols/README.md §2). */
export type IpcMode =
  /** Owner only (the import queue: importing is a privilege of the master's user). */
  | 'private'
  /** Add group write, like 0.18's `fix_ipc_mode` (control and status queues: monitors in the group). */
  | 'group-writable';

export { ipcPath };

/**
 * Binds and returns the endpoint actually bound (a `tcp://host:*` address gets its real port); on failure
 * the socket is closed and the error thrown. An ipc:// address is checked first (actors/ipc/checks.ts): a
 * socket file or directory someone else made is refused rather than bound over or beside.
 *
 * ZeroMQ creates an ipc socket file with the process umask, and only then can its mode be set. Connecting
 * needs write permission on the file, so under the usual umask (022) no other user can connect in between;
 * and the default ipc directory is one only the master's user (and its group) can enter anyway
 * (actors/ipc/defaults.ts). Changing the umask around the bind would restrict every file the process
 * writes meanwhile, web pages included.
 */
export async function bindSocket(socket: zmq.Socket, address: string, ipcMode?: IpcMode): Promise<string> {
  const path = ipcPath(address);
  try {
    await prepareIpcBind(address);
    await socket.bind(address);
    if (path !== undefined && ipcMode !== undefined) {
      if (ipcMode === 'private') await chmod(path, 0o600);
      else await chmod(path, ((await stat(path)).mode & 0o7777) | 0o020);
    }
  } catch (err) {
    // The socket is the caller's only for a successful bind: a failed one must not hold the port or the file.
    socket.close();
    throw err;
  }
  return path === undefined ? (socket.lastEndpoint ?? address) : address;
}

type Frames = Buffer[] | (Buffer | string)[];

/**
 * Serialises sends on one socket: zeromq.js allows one pending send at a time (a second one while the
 * socket is mute throws EBUSY at once), so a send that finds the socket busy waits its turn here, in order.
 * The usual case costs one native call and no promise of ours: a ROUTER or PUB send never waits, others
 * rarely do.
 */
export class Outbox {
  /** Sends that found the socket busy (or others already waiting), oldest first. */
  private readonly queued: { frames: Frames; resolve: () => void; reject: (err: unknown) => void }[] = [];
  /** The latest send handed to the socket: while it is pending, the socket takes no other. */
  private last: Promise<void> | undefined;

  constructor(private readonly socket: zmq.Writable<Frames> & zmq.Socket) {}

  send(frames: Frames): Promise<void> {
    if (this.queued.length === 0) {
      const sent = this.trySend(frames);
      if (sent !== undefined) return sent;
    }
    return new Promise<void>((resolve, reject) => {
      if (this.queued.push({ frames, resolve, reject }) === 1) this.flushAfterLast();
    });
  }

  /** The socket's own send, or undefined when the previous one is still in progress (EBUSY). */
  private trySend(frames: Frames): Promise<void> | undefined {
    try {
      return (this.last = this.socket.send(frames));
    } catch (err) {
      if ((err as { code?: string }).code === 'EBUSY') return undefined;
      return Promise.reject(err);
    }
  }

  /** Whatever the outcome of the send in progress, the socket is free again once it has settled. */
  private flushAfterLast(): void {
    const flush = () => this.flush();
    void this.last!.then(flush, flush);
  }

  private flush(): void {
    while (this.queued.length > 0) {
      const next = this.queued[0]!;
      const sent = this.trySend(next.frames);
      if (sent === undefined) return this.flushAfterLast();
      this.queued.shift();
      sent.then(next.resolve, next.reject);
    }
  }
}

/**
 * How long a receive loop may work through queued messages before it lets the rest of the process run.
 * zeromq.js hands over queued messages without a turn of the event loop in between, so a socket under a
 * flood would otherwise keep every other socket, timer and reply waiting until its queue is empty.
 */
export const RECEIVE_SLICE_MS = 2;

/** Counts a receive loop's handling time; `spent` resolves at once unless the loop is due to yield a turn. */
export class TurnBudget {
  #busy = 0;

  /** Adds the time since `start` (a performance.now()); a promise of the next turn when it is time to yield. */
  spent(start: number): Promise<void> | undefined {
    this.#busy += performance.now() - start;
    if (this.#busy < RECEIVE_SLICE_MS) return undefined;
    this.#busy = 0;
    return new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Runs `handle` for every multipart message until the socket closes. A handler that throws is logged and
 * the loop carries on: a peer's garbage never stops the socket. After RECEIVE_SLICE_MS of handling it
 * yields a turn of the event loop, so that no socket's peers can starve the others. Receives directly
 * rather than through the socket's async iterator, which wraps every message in one more promise.
 */
export async function receiveLoop(
  socket: zmq.Readable<Buffer[]> & zmq.Socket,
  log: Logger,
  handle: (frames: Buffer[]) => void,
): Promise<void> {
  const budget = new TurnBudget();
  try {
    while (!socket.closed) {
      const frames = await socket.receive();
      const start = performance.now();
      try {
        handle(frames);
      } catch (err) {
        log.error(`failed to handle a message: ${err instanceof Error ? err.message : String(err)}`, err);
      }
      const turn = budget.spent(start);
      if (turn) await turn;
    }
  } catch (err) {
    // Closing the socket fails a receive already waiting (EAGAIN): that means "done".
    if (!socket.closed) throw err;
  }
}

/** Anything events can be sent to: an xstate actor, or a function-backed stand-in. */
export interface EventTarget<E> {
  send(event: E): void;
}
