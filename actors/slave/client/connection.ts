/**
 * The slave's end of the slave queue (protocols/README.md §4.1): one REQ socket to `tcp://<master>:5555` through
 * actors/zmq's request client, strict request → reply. Every request settles as an outcome, never a
 * throw: the validated reply, a failure (a reply the slave cannot read: behaviour 190), or "abandoned"
 * when `restart()` dropped the socket it was waiting on. `restart()` opens a fresh socket, which the master
 * sees as a new slave (behaviour 191). `bye()` says BYE on the current socket — after the reply to a
 * request still in flight, if that comes soon enough — so the master can release the slave's build.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequestClient, type RequestClient } from '../../zmq/request.js';
import type { Message } from '../../../protocols/protocol.js';
import { slaveClientProtocol } from '../../../protocols/slave-driver.js';

/** What the slave sends: HELLO, IDLE, BUSY, BUILT, SENT (and BYE through `bye()`). */
export type SlaveRequest = Message<typeof slaveClientProtocol.send>;
/** What the master answers: ACK, SLEEP, BUILD, CONT, SEND, DONE, DIE. */
export type MasterReply = Message<typeof slaveClientProtocol.recv>;

export type RequestOutcome =
  | { status: 'reply'; reply: MasterReply }
  /** The reply could not be decoded or validated, or the request could not be sent. */
  | { status: 'failed'; error: unknown }
  /** The socket was dropped by `restart()` or `close()` before the reply came. */
  | { status: 'abandoned' };

export interface SlaveConnectionOptions {
  /** The master's slave queue, e.g. `tcp://10.0.0.1:5555`. */
  address: string;
  /** A reply timeout enforced by the socket (none by default: the slave-client machine times the master). */
  timeoutMs?: number;
}

type Client = RequestClient<typeof slaveClientProtocol.recv, typeof slaveClientProtocol.send>;

export class SlaveConnection {
  readonly address: string;
  #client: Client;
  #closed = false;
  /** Sockets opened so far: 1 for the first, one more per restart. */
  #generation = 1;

  constructor(private readonly opts: SlaveConnectionOptions) {
    this.address = opts.address;
    this.#client = this.#open();
  }

  /** How many sockets this connection has opened (each one a new slave to the master). */
  get generation(): number {
    return this.#generation;
  }

  #open(): Client {
    return createRequestClient({
      protocol: slaveClientProtocol,
      address: this.opts.address,
      ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
    });
  }

  /** Sends `msg` and settles with what became of it. */
  async request(msg: SlaveRequest): Promise<RequestOutcome> {
    const client = this.#client;
    try {
      return { status: 'reply', reply: await client.request(msg) };
    } catch (error) {
      if (client !== this.#client || this.#closed) return { status: 'abandoned' };
      return { status: 'failed', error };
    }
  }

  /** Drops the socket, and any request waiting on it, for a new one. */
  async restart(): Promise<void> {
    if (this.#closed) return;
    const old = this.#client;
    this.#client = this.#open();
    this.#generation++;
    await old.close();
  }

  /**
   * Says BYE (no reply comes). Waits at most `waitMs` for a request in flight to be answered and the BYE
   * to leave; resolves whether it left.
   */
  async bye(waitMs: number): Promise<boolean> {
    if (this.#closed) return false;
    const sent = this.#client.notify({ verb: 'BYE' }).then(
      () => true,
      () => false,
    );
    const abandon = new AbortController();
    const late = sleep(waitMs, false, { signal: abandon.signal }).catch(() => false);
    try {
      return await Promise.race([sent, late]);
    } finally {
      abandon.abort();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }
}
