/**
 * Mr Chase (protocols/README.md §4.3, behaviours 85–103): owns the import ROUTER socket and one import-session
 * actor per client, the end-point of piw-import, piw-remove and piw-rebuild.
 *
 *   import ROUTER (--import-queue, piw-import in the ipc directory, socket file 0600)
 *                        requests → that client's session; the session's replies → that client
 *   db (request)         GETABIS, VEREXISTS, PKGEXISTS, LOGBUILD, SKIPPKG, SKIPVER, DELPKG, DELVER, DELBUILD,
 *                        PROJVERS, ALLPKGS, ADDPKG, ADDVER (through a DbClient)
 *   fs (request)         EXPECT / VERIFY as slave 0, one import's file at a time (the transfer slot)
 *   web, skip (request)  BOTH / PROJECT / DELPKG / DELVER to the Secretary; DELPKG / DELVER to the Slave Driver
 *   stats (push)         HOME for piw-rebuild home / search
 *   refresh (push)       REFRESH to the Architect after piw-add changed what may be built
 *
 * The protocol's order, every check and every reply are the session machine's
 * (machines/import-session); this class only routes. Each client's session is spawned in the task's actor
 * system (actors/runtime/sessions.ts, keyed by the client's identity). A frame that fails to decode or validate is logged
 * by the adapter and never answered (85). A session is dropped once it has sent DONE or ERROR (95), or
 * when its tool went quiet in the middle of an import (`clientTimeoutMs`); the next request from that
 * client starts a new one. One import transfers at a time (the transfer slot); another waits its turn for
 * at most `slotWaitMs`, less than its tool waits for a reply, and is then refused, so a tool that gave up
 * waiting never gets the slot.
 *
 * Paused (the task is `pauseable`), requests wait, in order, until RESUME, as 0.18's paused task left them
 * in its socket; what a session had already started carries on.
 *
 * Nothing a client does, and no failure of another task, stops Mr Chase: the other tasks' failures become
 * the tool's ERROR, a session that fails is forgotten.
 */
import {
  createImportSessionMachine,
  importRequestEvent,
  type ImportReply,
  type ImportRequest,
  type ImportSessionOutput,
  type LogEntry,
  type StatsPush,
} from '../../machines/import-session/index.js';
import { mrChaseProtocol } from '../../protocols/mr-chase.js';
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { logAt, type Logger } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { spawnerOrOwnHost, type ChildSpawner } from '../runtime/session-host.js';
import { SessionRegistry, type Session, type SessionEnd } from '../runtime/sessions.js';
import { createRouterAdapter, type PeerId, type RouterAdapter, type RouterEvent } from '../zmq/router.js';
import type { IpcMode } from '../zmq/socket.js';
import { DEFAULT_CLIENT_TIMEOUT_MS, DEFAULT_IMPORT_QUEUE, DEFAULT_SLOT_WAIT_MS } from './defaults.js';
import { sessionQueries } from './ports.js';
import { TransferSlot } from './transfer-slot.js';

export interface MrChaseOptions {
  bus: Bus;
  log: Logger;
  /** --import-queue (default: piw-import in the ipc directory, actors/ipc). */
  address?: string;
  /** What to do to an ipc socket file after bind (default 'private': 0600, the master's user only). */
  ipcMode?: IpcMode;
  /** Failed VERIFYs of one file before the import is refused (the session's default, 3, when omitted). */
  maxSendAttempts?: number;
  /** See DEFAULT_CLIENT_TIMEOUT_MS. */
  clientTimeoutMs?: number;
  /** See DEFAULT_SLOT_WAIT_MS. */
  slotWaitMs?: number;
  /** The task's pause flag. */
  paused?: () => boolean;
  /** Resolves when a paused task is resumed (rejects when it stops). */
  whenRunning?: () => Promise<void>;
  /** Where sessions are spawned: the task's (TaskContext.sessions); without one, a host of its own. */
  sessions?: ChildSpawner;
}

type SessionMachine = ReturnType<typeof createImportSessionMachine>;
type MrChaseEvent = RouterEvent<(typeof mrChaseProtocol)['recv']>;
type WireMessage = Extract<MrChaseEvent, { type: 'wire.message' }>;

type Client = Session<SessionMachine, undefined>;

export class MrChase {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #opts: MrChaseOptions;
  readonly #paused: () => boolean;
  readonly #whenRunning: () => Promise<void>;
  readonly #slot = new TransferSlot();
  /** One session per client, by its identity. */
  readonly #sessions: SessionRegistry<SessionMachine>;
  /** Where its sessions are spawned: the task's host, or one of its own when run without a task. */
  readonly #host: { spawner: ChildSpawner; stop(): void };
  /** Requests that arrived while paused, in order. */
  readonly #held: WireMessage[] = [];
  #router: RouterAdapter<(typeof mrChaseProtocol)['send']> | undefined;
  #stopped = false;

  private constructor(opts: MrChaseOptions) {
    this.#bus = opts.bus;
    this.#log = opts.log;
    this.#opts = opts;
    this.#paused = opts.paused ?? (() => false);
    this.#whenRunning = opts.whenRunning ?? (() => Promise.resolve());
    this.#host = spawnerOrOwnHost(opts.sessions);
    this.#sessions = new SessionRegistry({ name: 'client', spawner: this.#host.spawner, onEnd: (session, end) => this.#ended(session, end) });
  }

  /** Binds the import socket. */
  static async start(opts: MrChaseOptions): Promise<MrChase> {
    const chase = new MrChase(opts);
    chase.#router = await createRouterAdapter({
      protocol: mrChaseProtocol,
      address: opts.address ?? DEFAULT_IMPORT_QUEUE,
      target: { send: (event) => chase.#onWire(event) },
      log: opts.log,
      ipcMode: opts.ipcMode ?? 'private',
    });
    return chase;
  }

  /** The import socket's endpoint. */
  get endpoint(): string {
    return this.#router!.endpoint;
  }

  /** How many clients have a conversation under way. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** The importers' transfer slot (read-only use: who holds it, how many wait). */
  get transferSlot(): Pick<TransferSlot, 'holder' | 'waiting'> {
    return this.#slot;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#held.length = 0;
    for (const session of this.#sessions.stopAll()) this.#slot.release(session.key);
    this.#host.stop();
    await this.#router?.close();
  }

  #onWire(event: MrChaseEvent): void {
    // An undecodable or invalid request was logged by the adapter; 0.18 never answers it (85).
    if (event.type !== 'wire.message' || this.#stopped) return;
    if (this.#held.length > 0 || this.#paused()) {
      this.#held.push(event);
      if (this.#held.length === 1) this.#holdUntilResumed();
      return;
    }
    this.#deliver(event);
  }

  #holdUntilResumed(): void {
    this.#log.info('paused: requests wait until resumed');
    this.#whenRunning().then(
      () => {
        for (const event of this.#held.splice(0)) this.#deliver(event);
      },
      () => {
        // Stopping: the held requests go unanswered, as they would in a closed socket.
      },
    );
  }

  #deliver({ peer, msg }: WireMessage): void {
    if (this.#stopped) return;
    this.#log.debug(`<< ${describeRequest(msg)} (client ${peer})`);
    const session = this.#sessions.get(peer) ?? this.#spawn(peer);
    session.ref.send(importRequestEvent(msg));
  }

  #spawn(peer: PeerId): Client {
    const machine = createImportSessionMachine({
      ...sessionQueries({ bus: this.#bus, slot: this.#slot, owner: peer, slotWaitMs: this.#opts.slotWaitMs ?? DEFAULT_SLOT_WAIT_MS }),
      reply: (_, reply) => this.#reply(peer, reply),
      pushStats: (msg) => this.#pushStats(msg),
      refreshBuilds: () => this.#refreshBuilds(),
      log: (_, entry) => this.#logFor(peer, entry),
    }).provide({ delays: { clientTimeout: this.#opts.clientTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS } });
    const input = { client: peer, ...(this.#opts.maxSendAttempts === undefined ? {} : { maxSendAttempts: this.#opts.maxSendAttempts }) };
    return this.#sessions.spawn(peer, machine as SessionMachine, input, undefined);
  }

  /** Behaviour 95: the session is dropped, and with it any claim on the transfer slot. */
  #ended(session: Client, end: SessionEnd): void {
    if (end.status === 'error') this.#log.error(`client ${session.key}: session failed (${describe(end.error)}); forgetting the client`, end.error);
    if (this.#stopped) return;
    this.#slot.release(session.key);
    const output = end.status === 'done' ? (end.output as ImportSessionOutput | undefined) : undefined;
    if (output?.outcome === 'abandoned') this.#log.warn(`client ${session.key}: gave up on an import (no SENT)`);
  }

  #reply(peer: PeerId, reply: ImportReply): void {
    const failed = (err: unknown) => this.#log.error(`client ${peer}: reply ${reply.verb} not sent (${describe(err)})`, err);
    if (this.#router === undefined || this.#stopped) return;
    try {
      this.#router.reply(peer, reply).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  #pushStats(msg: StatsPush): void {
    try {
      if (!this.#bus.push(queues.stats, msg)) this.#log.warn(`${msg.verb} dropped: the stats queue is full`);
    } catch (err) {
      this.#log.error(`${msg.verb} not pushed to the stats queue (${describe(err)})`, err);
    }
  }

  #refreshBuilds(): void {
    try {
      // Dropped when the Architect's queue is full or absent: its next minute's refresh finds the work anyway.
      this.#bus.push(queues.refresh, { verb: 'REFRESH' });
    } catch (err) {
      this.#log.warn(`REFRESH not pushed to the Architect (${describe(err)})`);
    }
  }

  #logFor(peer: PeerId, { level, message }: LogEntry): void {
    logAt(this.#log, level, `client ${peer}: ${message}`);
  }
}

function describeRequest(msg: ImportRequest): string {
  switch (msg.verb) {
    case 'IMPORT':
      return `IMPORT ${msg.data[1]} ${msg.data[2]} (${msg.data[7].length} files)`;
    case 'REMOVE':
      return `REMOVE ${msg.data[0]} ${msg.data[1] ?? '(every version)'}${msg.data[2] === '' ? '' : ` skip ${JSON.stringify(msg.data[2])}`}`;
    case 'REBUILD':
      return `REBUILD ${msg.data.map((x) => x ?? '(every package)').join(' ')}`;
    case 'ADDPKG':
      return `ADDPKG ${msg.data[0]}`;
    case 'ADDVER':
      return `ADDVER ${msg.data[0]} ${msg.data[1]}`;
    default:
      return msg.verb;
  }
}
