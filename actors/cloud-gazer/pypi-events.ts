/**
 * PyPIEvents (behaviours 117–127): one `read()` makes at most one changelog request and returns the events
 * Cloud Gazer acts on, with descriptions. It combines the breaker-guarded XML-RPC changelog, the ordering
 * buffer (protocols/pypi/changelog-buffer.ts), the action filter and de-dup cache
 * (protocols/pypi/event-filter.ts) and the JSON descriptions.
 *
 * Failures: a transient one (PyPI unreachable, 5xx, breaker open) is an empty batch; any other (HTTP 4xx,
 * a fault, garbage XML) is thrown as its typed error for the caller to log. Either way, and whenever a read
 * yields nothing, PyPI is left alone for `backoffMs` (10 s). Nothing here throws for any other reason.
 */
import type { ChangelogEntry, GazerEvent } from '../../protocols/pypi/changelog.js';
import { PyPIBuffer, type PyPIBufferOptions } from '../../protocols/pypi/changelog-buffer.js';
import { PyPIEventFilter, VERSION_CACHE_SIZE } from '../../protocols/pypi/event-filter.js';
import type { TaskChildren } from '../runtime/task-machine.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { isTransient } from './errors.js';
import type { HttpOptions } from './http.js';
import { DEFAULT_PYPI_JSON, PyPIDescriptions, type DescriptionSource, type YankReasonSource } from './pypi-json.js';
import { DEFAULT_PYPI_XMLRPC, PyPIXmlRpc, type ChangelogSource } from './pypi-xmlrpc.js';
import type { Clock, Logger } from './ports.js';

export const EMPTY_READ_BACKOFF_MS = 10_000;

type BreakerTuning = Pick<CircuitBreakerOptions, 'failureThreshold' | 'baseDelayMs' | 'maxDelayMs'>;

export interface PyPIEventsOptions {
  readonly changelog: ChangelogSource;
  readonly descriptions: DescriptionSource;
  /** Where the reasons of yanks come from; without one a yank has no reason. */
  readonly yankReasons?: YankReasonSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly serial?: number;
  readonly backoffMs?: number;
  readonly cacheSize?: number;
  readonly buffer?: PyPIBufferOptions;
  /** Guards the changelog calls; built from `breakerTuning` when not given. */
  readonly breaker?: CircuitBreaker;
  readonly breakerTuning?: BreakerTuning;
  /** The task reading: the breakers' charts run under its host. */
  readonly task?: TaskChildren;
}

/** What Cloud Gazer reads events through. */
export interface EventSource {
  /** The next serial to be yielded: what Cloud Gazer stores with SETPYPI. */
  readonly serial: number;
  /** Restarts the stream at `serial`, forgetting everything buffered and de-duplicated (for a replay). */
  rewind(serial: number): void;
  read(): Promise<GazerEvent[]>;
}

export class PyPIEvents implements EventSource {
  readonly breaker: CircuitBreaker;
  readonly backoffMs: number;
  readonly #changelog: ChangelogSource;
  readonly #descriptions: DescriptionSource;
  readonly #yankReasons: YankReasonSource | undefined;
  readonly #clock: Clock;
  readonly #buffer: PyPIBuffer;
  readonly #filter: PyPIEventFilter;
  #nextRead = -Infinity;

  constructor(options: PyPIEventsOptions) {
    this.#changelog = options.changelog;
    this.#descriptions = options.descriptions;
    this.#yankReasons = options.yankReasons;
    this.#clock = options.clock;
    this.backoffMs = options.backoffMs ?? EMPTY_READ_BACKOFF_MS;
    this.#buffer = new PyPIBuffer(options.serial ?? 0, options.buffer);
    this.#filter = new PyPIEventFilter(options.cacheSize ?? VERSION_CACHE_SIZE);
    this.breaker =
      options.breaker ??
      new CircuitBreaker({
        service: 'PyPI',
        clock: options.clock,
        logger: options.logger,
        ...options.breakerTuning,
        ...(options.task === undefined ? {} : { task: options.task }),
        id: 'pypi-breaker:xmlrpc',
      });
  }

  /** PyPIEvents over real HTTP: XML-RPC at `xmlrpcUrl`, JSON at `jsonUrl`. */
  static connect(
    urls: { xmlrpc?: string; json?: string },
    deps: { clock: Clock; logger: Logger; http?: HttpOptions } & Omit<PyPIEventsOptions, 'changelog' | 'descriptions' | 'yankReasons' | 'clock' | 'logger'>,
  ): PyPIEvents {
    const { http, ...rest } = deps;
    const json = new PyPIDescriptions({
      ...http,
      url: urls.json ?? DEFAULT_PYPI_JSON,
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.task === undefined ? {} : { task: deps.task }),
    });
    return new PyPIEvents({
      ...rest,
      changelog: new PyPIXmlRpc(urls.xmlrpc ?? DEFAULT_PYPI_XMLRPC, http),
      descriptions: json,
      yankReasons: json,
    });
  }

  get serial(): number {
    return this.#buffer.serial;
  }

  rewind(serial: number): void {
    this.#buffer.serial = serial;
    this.#filter.clear();
  }

  /** True while the last read was empty or failed less than `backoffMs` ago (behaviour 123). */
  get backingOff(): boolean {
    return this.#clock.now() < this.#nextRead;
  }

  async read(): Promise<GazerEvent[]> {
    if (this.backingOff) return [];
    let ready: ChangelogEntry[];
    try {
      const answer = await this.breaker.call(() => this.#changelog.changelogSinceSerial(this.#buffer.nextSerial));
      ready = this.#buffer.push(answer);
    } catch (err) {
      this.#nextRead = this.#clock.now() + this.backoffMs;
      if (isTransient(err)) return [];
      throw err;
    }
    if (ready.length === 0) {
      this.#nextRead = this.#clock.now() + this.backoffMs;
      return [];
    }
    const events: GazerEvent[] = [];
    for (const entry of ready) {
      const pending = this.#filter.accept(entry);
      if (pending === null) continue;
      const { wantsDescription, ...event } = pending;
      const description = wantsDescription ? await this.#descriptions.description(event.package) : null;
      if (event.action === 'yank' && event.version !== null && this.#yankReasons !== undefined) {
        events.push({ ...event, description, yankReason: await this.#yankReasons.yankReason(event.package, event.version) });
      } else events.push({ ...event, description });
    }
    return events;
  }
}
