/**
 * A circuit breaker around calls to PyPI (beyond 0.18, which simply retried every 10 s for ever).
 *
 *  closed ──N consecutive failures──► open ──delay elapsed──► half-open (one probe call)
 *    ▲                                 ▲                          │
 *    └────────── probe succeeds ───────┼──────────────────────────┤
 *                                      └── probe fails: delay ×2, up to the cap
 *
 * While open, calls fail at once with PyPIOfflineError without touching the network. "<service> offline"
 * is logged once when the breaker opens and "<service> back online" when a call succeeds again. Every call
 * that throws counts as a failure. Time comes from the injected clock, so tests drive it.
 */
import { messageOf, PyPIOfflineError } from './errors.js';
import type { Clock, Logger } from './ports.js';

export interface CircuitBreakerOptions {
  /** Names the service in log lines: "PyPI offline". */
  readonly service: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold?: number;
  /** First wait before a probe, in ms; doubled after each failed probe. */
  readonly baseDelayMs?: number;
  /** The longest wait between probes, in ms. */
  readonly maxDelayMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  readonly service: string;
  readonly failureThreshold: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #state: BreakerState = 'closed';
  #failures = 0;
  #delayMs: number;
  #retryAt = 0;

  constructor(options: CircuitBreakerOptions) {
    this.service = options.service;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.failureThreshold = options.failureThreshold ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 30_000;
    this.maxDelayMs = options.maxDelayMs ?? 10 * 60_000;
    this.#delayMs = this.baseDelayMs;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#failures;
  }

  /** When the next probe may go out (meaningful while open). */
  get retryAt(): number {
    return this.#retryAt;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    const now = this.#clock.now();
    if (this.#state === 'half-open') throw new PyPIOfflineError(this.service, this.#delayMs); // a probe is out
    if (this.#state === 'open') {
      if (now < this.#retryAt) throw new PyPIOfflineError(this.service, this.#retryAt - now);
      this.#state = 'half-open';
    }
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.#failed(err);
      throw err;
    }
    this.#succeeded();
    return result;
  }

  #succeeded(): void {
    if (this.#state !== 'closed') this.#logger.info(`${this.service} back online`);
    this.#state = 'closed';
    this.#failures = 0;
    this.#delayMs = this.baseDelayMs;
  }

  #failed(err: unknown): void {
    this.#failures += 1;
    const reason = messageOf(err);
    if (this.#state === 'half-open') {
      this.#delayMs = Math.min(this.#delayMs * 2, this.maxDelayMs);
      this.#open();
      this.#logger.debug(`${this.service} still offline (${reason}); next attempt in ${seconds(this.#delayMs)} s`);
    } else if (this.#failures >= this.failureThreshold) {
      this.#delayMs = this.baseDelayMs;
      this.#open();
      this.#logger.warn(
        `${this.service} offline after ${this.#failures} consecutive failures (${reason}); next attempt in ${seconds(this.#delayMs)} s`,
      );
    }
  }

  #open(): void {
    this.#state = 'open';
    this.#retryAt = this.#clock.now() + this.#delayMs;
  }
}

const seconds = (ms: number) => Math.ceil(ms / 1000);
