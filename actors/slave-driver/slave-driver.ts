/**
 * The Slave Driver (behaviours 37–71): owns the slave ROUTER socket and one slave-session actor per
 * connected slave, and the per-ABI build queues they take jobs from.
 *
 *   slave ROUTER (--slave-queue, tcp://*:5555)  requests → session events; session replies → that peer
 *   builds queue (listen)     QUEUE from the Architect: GETABIS, then replace the queues (60)
 *   skip queue (serve)        DELVER / DELPKG: GETABIS, exclude for 1 h, SKIP slaves building it → OK (62–64)
 *   slave_driver_control      HELLO (replay), KILL / SKIP / SLEEP / WAKE for one slave or all (65–71)
 *   db / fs / web (request)   GETABIS, LOGBUILD; EXPECT, VERIFY; PROJECT, BOTH (through SlaveDriverPorts)
 *   stats (push)              STATBQ after each IDLE and each refresh (47, 60)
 *   status (publish)          SLAVE […] for every reply but CONT, every IDLE/BUSY, BYE and expiry (58, 59, 69)
 *
 * The protocol's order and every reply are the session machine's (machines/slave-session); this class only
 * routes. Each new connection gets a session, spawned in the task's actor system (actors/runtime/sessions.ts,
 * keyed by the connection's identity); the session itself rejects a first message that is not HELLO (39)
 * and asks for an id when it accepts one. A message that fails validation is logged by the adapter and not
 * answered (40). Ids run 1, 2, … and are never reused while the counter lives (37). When a session ends
 * mid-build (BYE, or silence past its busy timeout) its job goes back to the head of its queue for the next
 * slave of that ABI.
 *
 * Master-wide pause (43): the task's pause flag is read as each message arrives, and sessions are told
 * PAUSE / RESUME when it changed, so every IDLE meanwhile is answered SLEEP true.
 *
 * Nothing a slave does, and no failure of another task, stops the Slave Driver: failures of the ports become
 * the session's protocol answers, failures of a session end that session only.
 */
import {
  createSlaveSessionMachine,
  type RegisterInput,
  type ReleaseJobInput,
  type RequestJobInput,
  type RequestJobOutput,
  type SlaveMessageEvent,
  type SlaveReply,
  type SlaveSessionContext,
  type SlaveSessionServices,
  type SlaveStatus,
} from '../../machines/slave-session/index.js';
import { slaveDriverProtocol } from '../../protocols/slave-driver.js';
import type { Message } from '../../protocols/protocol.js';
import type { LogEntry } from '../../machines/common/log-entry.js';
import type { Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import { logAt, type Logger } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { spawnerOrOwnHost, type ChildSpawner } from '../runtime/session-host.js';
import { SessionRegistry, type Session, type SessionEnd } from '../runtime/sessions.js';
import { createRouterAdapter, type PeerId, type RouterAdapter, type RouterEvent } from '../zmq/router.js';
import type { IpcMode } from '../zmq/socket.js';
import { BuildQueues, type Job } from './build-queues.js';
import { slaveDriverControlQueue, type SlaveControlMessage } from './control.js';
import { busPorts, type SlaveDriverPorts } from './ports.js';

export const DEFAULT_SLAVE_QUEUE = 'tcp://*:5555';
export const DEFAULT_PYPI_SIMPLE = 'https://pypi.org/simple';

/** Hands out slave ids; one counter per master run, so a restarted Slave Driver does not reuse ids. */
export interface SlaveIdCounter {
  next(): number;
}

export function slaveIdCounter(): SlaveIdCounter {
  let last = 0;
  return { next: () => ++last };
}

export interface SlaveDriverOptions {
  bus: Bus;
  log: Logger;
  /** --slave-queue (default tcp://*:5555). */
  address?: string;
  ipcMode?: IpcMode;
  /** --pypi-simple: the index URL sent in ACK. */
  pypiSimpleUrl?: string;
  /** Failed VERIFYs of one file before its build is abandoned (the session's default when omitted). */
  maxSendAttempts?: number;
  /** --max-file-size: a success reporting a larger wheel is recorded as a failure. */
  maxFileSize?: number;
  /** The task's pause flag (behaviour 43). */
  paused?: () => boolean;
  slaveIds?: SlaveIdCounter;
  /** Defaults to the bus (db, fs and web queues). */
  ports?: SlaveDriverPorts;
  /** The clock of the queue exclusions (ms since the epoch). */
  now?: () => number;
  /** Where sessions are spawned: the task's (TaskContext.sessions); without one, a host of its own. */
  sessions?: ChildSpawner;
}

type SessionMachine = ReturnType<typeof createSlaveSessionMachine>;
type SlaveRequest = Message<(typeof slaveDriverProtocol)['recv']>;

type Slave = Session<SessionMachine, undefined>;

export class SlaveDriver {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #ports: SlaveDriverPorts;
  readonly #paused: () => boolean;
  readonly #ids: SlaveIdCounter;
  readonly #pypiSimpleUrl: string;
  readonly #maxSendAttempts: number | undefined;
  readonly #maxFileSize: number | undefined;
  readonly #queues: BuildQueues;
  readonly #machine: SessionMachine;
  /** One session per connection, by its identity; a registered slave also by its id. */
  readonly #slaves: SessionRegistry<SessionMachine>;
  /** The host of the sessions when the driver runs outside a task. */
  /** Where its sessions are spawned: the task's host, or one of its own when run without a task. */
  readonly #host: { spawner: ChildSpawner; stop(): void };
  readonly #abort = new AbortController();
  readonly #unsubscribe: (() => void)[] = [];
  #router: RouterAdapter<(typeof slaveDriverProtocol)['send']> | undefined;
  #masterPaused: boolean;
  /** QUEUE messages are applied one at a time, in order. */
  #refreshing: Promise<void> = Promise.resolve();
  /** The STATBQ due at the end of this turn of the event loop, for the IDLEs handled in it. */
  #statsDue: NodeJS.Immediate | undefined;
  #stopped = false;

  private constructor(opts: SlaveDriverOptions) {
    this.#bus = opts.bus;
    this.#log = opts.log;
    this.#ports = opts.ports ?? busPorts(opts.bus, this.#abort.signal);
    this.#paused = opts.paused ?? (() => false);
    this.#ids = opts.slaveIds ?? slaveIdCounter();
    this.#pypiSimpleUrl = opts.pypiSimpleUrl ?? DEFAULT_PYPI_SIMPLE;
    this.#maxSendAttempts = opts.maxSendAttempts;
    this.#maxFileSize = opts.maxFileSize;
    this.#queues = new BuildQueues(opts.now);
    this.#masterPaused = this.#paused();
    this.#machine = createSlaveSessionMachine(this.#services());
    this.#host = spawnerOrOwnHost(opts.sessions);
    this.#slaves = new SessionRegistry({ name: 'slave', spawner: this.#host.spawner, onEnd: (slave, end) => this.#ended(slave, end) });
  }

  /** Binds the slave socket and starts serving the skip, builds and control queues. */
  static async start(opts: SlaveDriverOptions): Promise<SlaveDriver> {
    const driver = new SlaveDriver(opts);
    driver.#router = await createRouterAdapter({
      protocol: slaveDriverProtocol,
      address: opts.address ?? DEFAULT_SLAVE_QUEUE,
      target: { send: (event) => driver.#onWire(event) },
      log: opts.log,
      ...(opts.ipcMode === undefined ? {} : { ipcMode: opts.ipcMode }),
    });
    try {
      const bus = opts.bus;
      driver.#unsubscribe.push(bus.serve(queues.skip, (msg) => driver.#onDelete(msg.verb === 'DELVER' ? msg.data : [msg.data, null])));
      driver.#unsubscribe.push(bus.listen(queues.builds, (msg) => driver.#onQueue(msg.data)));
      driver.#unsubscribe.push(bus.listen(slaveDriverControlQueue, (msg) => driver.control(msg)));
    } catch (err) {
      await driver.stop();
      throw err;
    }
    return driver;
  }

  /** The slave socket's endpoint (the real port when bound to `tcp://…:*`). */
  get endpoint(): string {
    return this.#router!.endpoint;
  }

  /** The build queues (read-only use: lengths, pending jobs). */
  get buildQueues(): Pick<BuildQueues, 'lengths' | 'pending' | 'abis' | 'inFlight'> {
    return this.#queues;
  }

  /** Ids of the connected slaves, in order. */
  slaveIds(): number[] {
    return this.#registered().map((slave) => slave.ref.getSnapshot().context.slaveId);
  }

  /** What the session of slave `id` knows (undefined when there is no such slave). */
  slave(id: number): Readonly<SlaveSessionContext> | undefined {
    return this.#slaves.find(String(id))?.ref.getSnapshot().context;
  }

  /** The sessions of slaves that said HELLO, in id order (the order of a monitor's replay). */
  #registered(): Slave[] {
    const ids = new Map<Slave, number>();
    for (const slave of this.#slaves.list()) {
      const id = slave.ref.getSnapshot().context.slaveId;
      if (id !== 0) ids.set(slave, id);
    }
    return [...ids.keys()].sort((a, b) => ids.get(a)! - ids.get(b)!);
  }

  /** A control verb for one slave or (null) all; an unknown id is ignored silently (65). */
  control(msg: SlaveControlMessage): void {
    if (this.#stopped) return;
    this.#log.debug(`<< ${msg.verb} ${msg.data === undefined ? '' : String(msg.data)}`.trimEnd());
    this.#syncPause();
    if (msg.verb === 'HELLO') {
      for (const slave of this.#registered()) slave.ref.send({ type: 'REPLAY' });
      return;
    }
    if (msg.data === null) {
      for (const slave of this.#slaves.list()) slave.ref.send({ type: msg.verb });
    } else {
      this.#slaves.find(String(msg.data))?.ref.send({ type: msg.verb });
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    clearImmediate(this.#statsDue);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#slaves.stopAll();
    this.#host.stop();
    await this.#router?.close();
    await this.#refreshing;
  }

  // ------------------------------------------------------------------------------------------- slaves

  #onWire(event: RouterEvent<(typeof slaveDriverProtocol)['recv']>): void {
    // An invalid message was logged by the adapter; 0.18 answers neither strangers nor slaves (39, 40).
    if (event.type !== 'wire.message' || this.#stopped) return;
    const { peer, msg } = event;
    this.#syncPause();
    const slave = this.#slaves.get(peer) ?? this.#spawn(peer);
    slave.ref.send(toEvent(msg));
  }

  /** A session for a new connection; it decides itself whether the first message is a HELLO (39). */
  #spawn(peer: PeerId): Slave {
    const input = {
      peer,
      pypiSimpleUrl: this.#pypiSimpleUrl,
      masterPaused: this.#masterPaused,
      ...(this.#maxSendAttempts === undefined ? {} : { maxSendAttempts: this.#maxSendAttempts }),
      ...(this.#maxFileSize === undefined ? {} : { maxFileSize: this.#maxFileSize }),
    };
    return this.#slaves.spawn(peer, this.#machine, input, undefined);
  }

  /** The session accepted a HELLO: the slave gets the next id, by which monitors' control finds it (37). */
  #register({ peer }: RegisterInput): number {
    const id = this.#ids.next();
    this.#slaves.alias(peer, String(id));
    return id;
  }

  /** The session finished (BYE, expiry, rejected) or failed: a job the slave was building is released. */
  #ended(slave: Slave, end: SessionEnd): void {
    const { context } = slave.ref.getSnapshot();
    if (end.status === 'error') {
      this.#log.error(`slave ${context.slaveId}: session failed (${describe(end.error)}); forgetting the slave`, end.error);
    }
    if (this.#stopped) return;
    const build = context.build;
    if (build === null || context.hello === null || !unfinished(build)) return;
    this.#release({ slaveId: context.slaveId, abi: context.hello[3], job: [build.package, build.version] });
  }

  /** A job the slave will not finish goes back to the head of its queue, to be built next. */
  #release({ slaveId, abi, job }: ReleaseJobInput): void {
    if (this.#queues.release(abi, job, slaveId)) this.#log.info(`slave ${slaveId}: ${job[0]} ${job[1]} is back in the ${abi} queue`);
  }

  /** Sessions learn of a change of the task's pause flag before the next message reaches them. */
  #syncPause(): void {
    const paused = this.#paused();
    if (paused === this.#masterPaused) return;
    this.#masterPaused = paused;
    for (const slave of this.#slaves.list()) slave.ref.send({ type: paused ? 'PAUSE' : 'RESUME' });
  }

  #services(): SlaveSessionServices {
    const ports = this.#ports;
    return {
      reply: (peer, reply) => this.#reply(peer, reply),
      publishStatus: (status) => this.#publish(status),
      log: (entry, peer) => this.#sessionLog(entry, peer),
      register: (input) => this.#register(input),
      requestJob: (input) => this.#requestJob(input),
      logBuild: (build) => ports.logBuild(build),
      expectFile: ({ slaveId, file }, signal) => ports.expectFile(slaveId, file, signal),
      verifyFile: ({ slaveId, package: pkg }, signal) => ports.verifyFile(slaveId, pkg, signal),
      requestPages: (msg) => ports.requestPages(msg, this.#abort.signal),
      releaseJob: (input) => this.#release(input),
    };
  }

  /** A slave's protocol errors are counted with its garbage (FaultLog), so a flood of them is summarised. */
  #sessionLog({ level, message, fault }: LogEntry, peer: PeerId): void {
    if (fault && this.#router !== undefined) this.#router.fault(peer, message);
    else logAt(this.#log, level, message);
  }

  #reply(peer: PeerId, reply: SlaveReply): void {
    if (this.#stopped || this.#router === undefined) return;
    const failed = (err: unknown) => this.#log.error(`slave ${this.#slaves.get(peer)?.ref.getSnapshot().context.slaveId}: reply ${reply.verb} not sent (${describe(err)})`, err);
    try {
      this.#router.reply(peer, reply).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  #publish(status: SlaveStatus): void {
    try {
      this.#bus.publish(queues.status, status);
    } catch (err) {
      this.#log.error(`status ${status.data[2]} of slave ${status.data[0]} not published (${describe(err)})`, err);
    }
  }

  /**
   * Behaviours 44–47: the head of the slave's own ABI queue, then STATBQ: one per turn of the event loop
   * with the lengths after its last IDLE, however many IDLEs it handled (Big Brother keeps only the latest
   * figures; one STATBQ per IDLE cost 500 busy slaves a tenth of the master's time).
   */
  #requestJob({ slaveId, abi, buildTimeout }: RequestJobInput): RequestJobOutput {
    const job = this.#queues.pop(abi, slaveId, buildTimeout.totalMilliseconds);
    this.#statsDue ??= setImmediate(() => {
      this.#statsDue = undefined;
      if (!this.#stopped) this.#pushStats();
    });
    return job;
  }

  /** STATBQ with every queue's length, dropped when the stats queue is full (47). */
  #pushStats(): void {
    try {
      this.#bus.push(queues.stats, { verb: 'STATBQ', data: this.#queues.lengths() });
    } catch (err) {
      this.#log.error(`STATBQ not pushed (${describe(err)})`, err);
    }
  }

  // ------------------------------------------------------------------------------------------- queues

  #onQueue(queue: Readonly<Record<string, readonly Job[]>>): void {
    this.#refreshing = this.#refreshing.then(() => this.#refresh(queue));
  }

  /** Behaviour 60. */
  async #refresh(queue: Readonly<Record<string, readonly Job[]>>): Promise<void> {
    const abis = await this.#buildAbis(Object.keys(queue));
    if (this.#stopped) return;
    this.#queues.replace(abis, queue);
    this.#pushStats();
  }

  /** Behaviours 62–64. */
  async #onDelete([pkg, ver]: readonly [string, string | null]): Promise<{ verb: 'OK' }> {
    const what = ver === null ? `package ${pkg}` : `${pkg} ${ver}`;
    this.#log.info(`deleting ${what} from the build queues`);
    const abis = await this.#buildAbis([]);
    this.#queues.delete(pkg, ver, abis);
    for (const slave of this.#registered()) {
      const { build, slaveId } = slave.ref.getSnapshot().context;
      if (build !== null && build.package === pkg && (ver === null || build.version === ver)) {
        this.#log.info(`slave ${slaveId}: skipping ${build.package} ${build.version} (deleted)`);
        slave.ref.send({ type: 'SKIP' });
      }
    }
    return { verb: 'OK' };
  }

  /** GETABIS; when the Oracle fails, the ABIs known so far plus `also` (and the error is logged). */
  async #buildAbis(also: readonly string[]): Promise<Iterable<string>> {
    try {
      return await this.#ports.buildAbis();
    } catch (err) {
      if (!this.#stopped) this.#log.error(`unable to read the build ABIs (${describe(err)}); using the ABIs known so far`, err);
      return new Set([...this.#queues.abis(), ...also]);
    }
  }
}

/** A decoded request as the session's event, stamped with its arrival. */
function toEvent(msg: SlaveRequest): SlaveMessageEvent {
  return { type: msg.verb, data: msg.data, at: new Date() } as SlaveMessageEvent;
}

/**
 * Whether a build the slave left behind was never recorded: still building, or wheels not all transferred
 * (a success is logged only after the last VERIFY, behaviour 57). A failure, or a success with every file
 * in, may already be in the database.
 */
function unfinished(build: NonNullable<SlaveSessionContext['build']>): boolean {
  if (build.status === undefined) return true;
  return build.status && (build.files ?? []).some((f) => !f.transferred);
}
