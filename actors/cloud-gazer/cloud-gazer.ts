/**
 * Cloud Gazer's task body (behaviours 104–116): follows PyPI's changelog and writes what it learns to the
 * database, asking the Secretary to rewrite pages and the Slave Driver to drop deleted work. The task actor
 * calls `start()` once, then runs its poll cycle (machines/cloud-gazer/poll-cycle.ts): `read()`, then
 * `apply()` the batch, every 10 s and not while paused; `poll()` is the two in one.
 *
 * The decisions are the pure plans of actors/cloud-gazer/gazer-plan.ts; this class runs them against the
 * ports and owns the package cache and the stored serial.
 *
 * Errors:
 *  - PyPI trouble never leaves `read()`: transient failures are an empty batch, other PyPI errors (HTTP 4xx,
 *    faults, garbage) are logged with their code; PyPIEvents backs off 10 s and the breaker backs off
 *    exponentially if they persist.
 *  - A port failing (the Oracle answering ERROR, a queue timing out) rejects `apply()` with that error after
 *    rewinding the event stream to the last stored serial, so the interrupted batch is read again and
 *    replayed instead of being lost. Every plan is idempotent in effect: a package the interrupted batch
 *    may have inserted is kept in `unannounced` until its pages are asked for, so the replay announces it
 *    though NEWPKG then says "already there". The poll cycle logs the failure and polls again after its
 *    interval; a supervisor may restart the task, whose `start()` reloads the cache and serial (the
 *    `unannounced` set lives in memory, for the replays of this run).
 */
import type { GazerEvent } from '../../protocols/pypi/changelog.js';
import type { PollSummary } from '../../machines/cloud-gazer/poll-cycle.js';
import { DEV_MODE_SKIP, planEvent, planSerial, type GazerPlan, type GazerStep } from './gazer-plan.js';
import { PiwError } from '../../protocols/errors.js';
import { GazerNotStartedError, messageOf } from './errors.js';
import type { EventSource } from './pypi-events.js';
import type { Logger, OraclePort, SkipQueuePort, WebQueuePort } from './ports.js';

export interface CloudGazerPorts {
  readonly db: OraclePort;
  readonly web: WebQueuePort;
  readonly skip: SkipQueuePort;
  readonly pypi: EventSource;
  readonly logger: Logger;
}

export interface CloudGazerOptions {
  /** --dev-mode: new packages are added with skip "development mode" (behaviour 116). */
  readonly devMode?: boolean;
}

export type { PollSummary };

export class CloudGazer {
  readonly skipDefault: string;
  readonly #ports: CloudGazerPorts;
  #packages = new Set<string>();
  readonly #unannounced = new Set<string>();
  #serial = -1;
  #started = false;
  #polling: Promise<PollSummary> | null = null;

  constructor(ports: CloudGazerPorts, options: CloudGazerOptions = {}) {
    this.#ports = ports;
    this.skipDefault = options.devMode ? DEV_MODE_SKIP : '';
  }

  /** Canonical names of every package known to the database. */
  get packages(): ReadonlySet<string> {
    return this.#packages;
  }

  /** The PyPI serial last stored (GETPYPI / SETPYPI). */
  get serial(): number {
    return this.#serial;
  }

  /** Behaviour 104: the package cache from ALLPKGS, the starting serial from GETPYPI. */
  async start(): Promise<void> {
    const { db, pypi, logger } = this.#ports;
    logger.info('retrieving current state');
    this.#packages = new Set(await db.request({ verb: 'ALLPKGS' }));
    this.#serial = await db.request({ verb: 'GETPYPI' });
    pypi.rewind(this.#serial);
    this.#started = true;
    logger.info('querying upstream');
  }

  /** One cycle: read a batch from PyPI, act on every event, store the serial reached. A call made while a
   *  cycle is running joins that cycle. (The task runs the two halves as states of its poll cycle.) */
  poll(): Promise<PollSummary> {
    if (!this.#started) return Promise.reject(new GazerNotStartedError());
    this.#polling ??= (async () => this.apply(await this.read()))().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }

  /** A batch of events from PyPI; PyPI's trouble is logged and is an empty batch. */
  async read(): Promise<GazerEvent[]> {
    try {
      return await this.#ports.pypi.read();
    } catch (err) {
      const code = err instanceof PiwError ? `${err.code}: ` : '';
      this.#ports.logger.error(`reading PyPI failed: ${code}${messageOf(err)}`);
      return [];
    }
  }

  /** Acts on every event of a batch and stores the serial reached; on a port's failure rewinds the stream
   *  to the stored serial (the batch is read again) and rejects. */
  async apply(events: readonly GazerEvent[]): Promise<PollSummary> {
    const { pypi } = this.#ports;
    try {
      for (const event of events) {
        await this.#run(planEvent(event, { packages: this.#packages, skipDefault: this.skipDefault, unannounced: this.#unannounced }));
      }
      this.#serial = await this.#run(planSerial(this.#serial, pypi.serial));
    } catch (err) {
      pypi.rewind(this.#serial);
      throw err;
    }
    return { events: events.length, serial: this.#serial };
  }

  /** Drives a plan: performs each step and resumes the plan with the step's answer. */
  async #run<R>(plan: GazerPlan<R>): Promise<R> {
    let next = plan.next();
    while (!next.done) next = plan.next(await this.#perform(next.value));
    return next.value;
  }

  async #perform(step: GazerStep): Promise<unknown> {
    switch (step.to) {
      case 'db':
        return this.#ports.db.request(step.msg);
      case 'web':
        return this.#ports.web.send(step.msg);
      case 'skip':
        return this.#ports.skip.send(step.msg);
      case 'cache':
      case 'unannounced': {
        const set = step.to === 'cache' ? this.#packages : this.#unannounced;
        if (step.op === 'add') set.add(step.pkg);
        else set.delete(step.pkg);
        return undefined;
      }
      case 'log':
        this.#ports.logger.info(step.text);
        return undefined;
    }
  }
}
