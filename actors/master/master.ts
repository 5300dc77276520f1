/**
 * The master's main part: everything of piw-master that is not a task (protocols/README.md §2, behaviours 24–36).
 *
 *   start()   checks every ipc queue's socket and directory (actors/ipc: nobody else's), opens the
 *             database (its version checked: behaviour 34), binds the status PUB and the
 *             control PULL (HWM 10; ipc socket files made group-writable for monitors, 36), then hands the
 *             tasks to the root supervisor, which starts them in order, each within 10 s (24)
 *   running   every message on the bus's status queue is re-published unchanged on the PUB socket (28);
 *             control messages (from monitors through the PULL socket, or from tasks on the bus) are
 *             carried out by control.ts (25, 29–32); garbage on the PULL socket is logged and dropped (27)
 *   quit()    the supervisor stops the tasks in reverse order (25); then the sockets, the bus and the
 *             database are closed and `done` resolves with the supervisor's outcome
 *
 * `quit()` may come at any time, even before or during start(): the master then stops as soon as it can.
 * With a `notifier` (piw-master under systemd) service-status.ts tells systemd all of this as it happens:
 * READY once the supervisor runs, STATUS lines, more time per task while starting and stopping.
 * With `config.inspect` (piw-master --inspect) the root is created with actors/inspect's observer and the
 * live view is served; without it that module is not even loaded.
 */
import { dirname } from 'node:path';
import { createActor, toPromise, waitFor, type Actor, type InspectionEvent } from 'xstate';
import { masterControlProtocol } from '../../protocols/master-control.js';
import { monitorStatsProtocol } from '../../protocols/monitor-stats.js';
import { defineErrors, PiwError } from '../../protocols/errors.js';
import { describeTarget } from '../../schema/dsn.js';
import type { Database } from '../../schema/database.js';
import { openDatabase } from '../../schema/open.js';
import { createBus, type Bus } from '../runtime/bus.js';
import { describe } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { queues } from '../runtime/queues.js';
import { supervisorMachine, type SupervisorOutput } from '../runtime/supervisor.js';
import type { InspectAddress } from '../inspect/address.js';
import type { Inspector } from '../inspect/index.js';
import { prepareIpcBind } from '../ipc/checks.js';
import { serviceNotifier, type ServiceNotifier } from '../systemd/index.js';
import { createPullAdapter, type Receiver } from '../zmq/pull.js';
import { createPublisherAdapter, type Publisher } from '../zmq/push.js';
import type { MasterConfig } from './config.js';
import { handleControl } from './control.js';
import { masterHello } from './hello.js';
import { reportMaster } from './service-status.js';
import { masterTasks } from './tasks.js';

export class MasterStartError extends PiwError {}

const startErrors = defineErrors(MasterStartError, {
  failed: ['PIW_ERR_MASTER_START', (reason: string, cause: unknown) => ({ message: `the master did not start: ${reason}`, cause })],
  again: ['PIW_ERR_MASTER_STARTED', () => 'the master has already been started'],
});

export interface MasterOptions {
  config: MasterConfig;
  log: Logger;
  /** An open database to use instead of opening `config.dsn`; the master closes it when done. */
  database?: Database;
  /** How long each task may take to be ready (default 10 s, as 0.18). */
  readyTimeoutMs?: number;
  /** How long each task may take to stop before it is stopped outright (default 10 s). */
  stopTimeoutMs?: number;
  /** Told what the master is doing, for systemd (service-status.ts); default: nothing is told. */
  notifier?: ServiceNotifier;
}

/** Where the master's sockets ended up (the real port of a `tcp://…:*` address). */
export interface MasterEndpoints {
  status?: string;
  control?: string;
  slave?: string;
  file?: string;
  import?: string;
  /** The live view's page (--inspect). */
  inspect?: string;
}

type Supervisor = Actor<typeof supervisorMachine>;

const SILENT = serviceNotifier({ env: {} });

export class Master {
  readonly endpoints: MasterEndpoints = {};
  readonly #opts: MasterOptions;
  readonly #log: Logger;
  #root: Supervisor | undefined;
  #bus: Bus | undefined;
  #quitReason: string | undefined;
  #done: Promise<SupervisorOutput> | undefined;
  #closers: (() => unknown)[] = [];

  constructor(opts: MasterOptions) {
    this.#opts = opts;
    this.#log = opts.log;
  }

  /**
   * Starts the master; resolves once every task is ready (or once a quit that came meanwhile has been
   * carried out). Rejects with MasterStartError, everything released, when start-up failed.
   */
  async start(): Promise<void> {
    if (this.#done !== undefined) throw startErrors.again();
    const { config } = this.#opts;
    const log = this.#log;
    const notifier = this.#opts.notifier ?? SILENT;
    let release!: (output: SupervisorOutput) => void;
    this.#done = new Promise((resolve) => (release = resolve));
    try {
      const hello = await masterHello(new Date());
      await checkQueues(config);
      notifier.status('opening the database');
      // The embedded database is served to psql and piw-abis too (schema/operator-socket.ts).
      const database = this.#opts.database ?? (await openDatabase({ dsn: config.dsn, max: config.oracles + 2, serveOperators: true }));
      this.#closers.unshift(() => database.close());
      log.info(`using ${describeTarget(database.target)}`);
      if (database.operatorSocket !== undefined) log.info(`operators reach it with: psql -h ${dirname(database.operatorSocket)} -U postgres postgres`);
      if (database.operatorsUnserved !== undefined) log.warn(`the embedded database is not served to psql and piw-abis (${database.operatorsUnserved})`);
      const bus = createBus({ onError: (err, queue) => log.error(`a handler on queue ${queue} failed: ${describe(err)}`, err) });
      this.#bus = bus;
      this.#closers.unshift(() => bus.close());
      notifier.status('binding the status and control queues');
      await this.#bindSockets(bus);
      const inspect = config.inspect === undefined ? undefined : await this.#serveInspector(config.inspect);
      const tasks = masterTasks(config, {
        bus,
        database,
        log,
        onListening: (task, endpoint) => {
          if (task === 'slave_driver') this.endpoints.slave = endpoint;
          else if (task === 'file_juggler') this.endpoints.file = endpoint;
          else this.endpoints.import = endpoint;
        },
      });
      const root = createActor(supervisorMachine, {
        ...(inspect === undefined ? {} : { inspect }),
        input: {
          log,
          tasks,
          ...(this.#opts.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: this.#opts.readyTimeoutMs }),
          ...(this.#opts.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: this.#opts.stopTimeoutMs }),
        },
      });
      this.#root = root;
      this.#closers.unshift(reportMaster(notifier, { root, bus }));
      this.#closers.unshift(
        bus.listen(queues.control, (msg) =>
          handleControl(msg, {
            bus,
            log,
            hello,
            pause: () => root.send({ type: 'PAUSE' }),
            resume: () => root.send({ type: 'RESUME' }),
            quit: (reason) => this.quit(reason),
          }),
        ),
      );
      const finished = toPromise(root);
      root.start();
      if (this.#quitReason !== undefined) root.send({ type: 'QUIT', reason: this.#quitReason });
      const reached = await waitFor(root, (s) => s.matches('running') || s.status === 'done', { timeout: Infinity });
      void finished.then(async (output) => release(await this.#close(output)));
      if (reached.status === 'done' && reached.output!.failed) {
        const output = await this.#done;
        throw startErrors.failed(output.reason, output.error);
      }
      if (reached.status !== 'done') log.info('all tasks ready');
    } catch (err) {
      if (this.#root === undefined) {
        // Failed before the supervisor existed: nothing ran, so there is nothing to stop.
        release(await this.#close({ failed: true, reason: describe(err), error: err }));
      }
      throw err;
    }
  }

  /** The tasks' bus (for tools embedding the master, and tests); undefined before start(). */
  get bus(): Bus | undefined {
    return this.#bus;
  }

  /** Resolves once the master has stopped and released everything. */
  get done(): Promise<SupervisorOutput> {
    if (this.#done === undefined) return Promise.reject(new Error('the master has not been started'));
    return this.#done;
  }

  /** Stops the master (tasks in reverse order); safe to call at any time, more than once. */
  quit(reason: string): void {
    this.#quitReason ??= reason;
    this.#root?.send({ type: 'QUIT', reason });
  }

  /** The status PUB (group-writable when ipc) fed by the bus, then the control PULL feeding the bus. */
  async #bindSockets(bus: Bus): Promise<void> {
    const { config } = this.#opts;
    const log = this.#log;
    const status: Publisher<(typeof monitorStatsProtocol)['send']> = await bound('status', config.queues.status, () =>
      createPublisherAdapter({ protocol: monitorStatsProtocol, address: config.queues.status, ipcMode: 'group-writable' }),
    );
    this.#closers.unshift(() => status.close());
    this.endpoints.status = status.endpoint;
    this.#closers.unshift(
      bus.subscribe(
        queues.status,
        (msg) => {
          status.publish(msg).catch((err: unknown) => log.error(`unable to publish ${msg.verb} on the status queue: ${describe(err)}`, err));
        },
        // With no monitor connected nothing is checked or handed over for it.
        { wants: () => status.listening() },
      ),
    );
    const control: Receiver = await bound('control', config.queues.control, () =>
      createPullAdapter({
        protocol: masterControlProtocol,
        address: config.queues.control,
        hwm: 10,
        ipcMode: 'group-writable',
        log,
        target: {
          send: (event) => {
            if (!bus.push(queues.control, event.msg)) log.warn(`the control queue is full; ${event.msg.verb} is dropped`);
          },
        },
      }),
    );
    this.#closers.unshift(() => control.close());
    this.endpoints.control = control.endpoint;
  }

  /** The live view's server; returns the observer the root is created with. */
  async #serveInspector(address: InspectAddress): Promise<(event: InspectionEvent) => void> {
    const { startInspector } = await import('../inspect/index.js');
    let inspector: Inspector;
    try {
      inspector = await startInspector({ address });
    } catch (err) {
      throw startErrors.failed(`unable to serve the live view (--inspect) at ${address.host}:${address.port}: ${describe(err)}`, err);
    }
    this.#closers.unshift(() => inspector.close());
    this.endpoints.inspect = inspector.url;
    this.#log.info(`live view of the actors at ${inspector.url}`);
    return inspector.observe;
  }

  /** Closes what start() opened, newest first; a failure is logged and the rest still closed. */
  async #close(output: SupervisorOutput): Promise<SupervisorOutput> {
    for (const close of this.#closers.splice(0)) {
      try {
        await close();
      } catch (err) {
        this.#log.error(`unable to close cleanly: ${describe(err)}`, err);
      }
    }
    this.#log.info('closed all queues');
    return output;
  }
}

/**
 * Every ipc queue checked before anything starts (actors/ipc/checks.ts): a squatted socket or a directory
 * someone else controls stops the master at once, naming the option, rather than after half its tasks.
 * Nothing is made yet: each socket's bind makes the private default directory if need be.
 */
async function checkQueues(config: MasterConfig): Promise<void> {
  for (const [queue, address] of Object.entries(config.queues)) {
    try {
      await prepareIpcBind(address, { create: false });
    } catch (err) {
      throw startErrors.failed(`unable to use the ${queue} queue (--${queue}-queue): ${describe(err)}`, err);
    }
  }
}

/** Binds a socket of the master's own, saying which option's address could not be bound and why. */
async function bound<T>(queue: 'status' | 'control', address: string, bind: () => Promise<T>): Promise<T> {
  try {
    return await bind();
  } catch (err) {
    throw startErrors.failed(`unable to bind the ${queue} queue (--${queue}-queue) to ${address}: ${describe(err)}`, err);
  }
}
