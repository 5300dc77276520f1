/**
 * What every ZeroMQ socket of the project shares (protocols.md §1, §2): IPv6 on (so `tcp://*:5555` binds
 * dual-stack, as 0.18's transport wrapper does), a short linger on close (0.18 closes its context with
 * 1 s), ipc socket-file permissions fixed after bind, sends serialised per socket, and a receive loop that
 * nothing a peer sends can stop.
 */
import { chmod, stat } from 'node:fs/promises';
import type * as zmq from 'zeromq';
import type { Logger } from '../runtime/logger.js';

/** 0.18's context linger: queued messages get one second to leave when a socket closes. */
export const LINGER_MS = 1000;

export const SOCKET_DEFAULTS = { ipv6: true, linger: LINGER_MS } as const;

/** What to do to an ipc:// socket file after bind (protocols.md §2). */
export type IpcMode =
  /** Owner only (the import queue: importing is a privilege of the master's user). */
  | 'private'
  /** Add group write, like 0.18's `fix_ipc_mode` (control and status queues: monitors in the group). */
  | 'group-writable';

export function ipcPath(address: string): string | undefined {
  return address.startsWith('ipc://') ? address.slice('ipc://'.length) : undefined;
}

/** Binds and returns the endpoint actually bound (a `tcp://host:*` address gets its real port). */
export async function bindSocket(socket: zmq.Socket, address: string, ipcMode?: IpcMode): Promise<string> {
  await socket.bind(address);
  const path = ipcPath(address);
  if (path !== undefined && ipcMode !== undefined) {
    if (ipcMode === 'private') await chmod(path, 0o600);
    else await chmod(path, ((await stat(path)).mode & 0o7777) | 0o020);
  }
  return path === undefined ? (socket.lastEndpoint ?? address) : address;
}

type Frames = Buffer[] | (Buffer | string)[];

/**
 * Serialises sends on one socket: zeromq.js allows one pending send at a time (a second one while the
 * socket is mute fails with EBUSY), so sends wait their turn here, in order.
 */
export class Outbox {
  private tail: Promise<void> | undefined;
  private waiting = 0;

  constructor(private readonly socket: zmq.Writable<Frames> & zmq.Socket) {}

  send(frames: Frames): Promise<void> {
    // Fast path: nothing queued, so send now (a ROUTER or PUB send never waits; others rarely do).
    const sent = this.waiting === 0 ? this.socket.send(frames) : this.tail!.then(() => this.socket.send(frames));
    this.waiting++;
    const settled = sent.then(
      () => void this.waiting--,
      () => void this.waiting--,
    );
    this.tail = settled;
    return sent;
  }
}

/**
 * Runs `handle` for every multipart message until the socket closes. A handler that throws is logged and
 * the loop carries on: a peer's garbage never stops the socket.
 */
export async function receiveLoop(
  socket: zmq.Readable<Buffer[]> & zmq.Socket,
  log: Logger,
  handle: (frames: Buffer[]) => void,
): Promise<void> {
  try {
    for await (const frames of socket) {
      try {
        handle(frames);
      } catch (err) {
        log.error(`failed to handle a message: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    }
  } catch (err) {
    // Closing the socket ends the iterator, or fails a receive already waiting: both mean "done".
    if (!socket.closed) throw err;
  }
}

/** Anything events can be sent to: an xstate actor, or a function-backed stand-in. */
export interface EventTarget<E> {
  send(event: E): void;
}
