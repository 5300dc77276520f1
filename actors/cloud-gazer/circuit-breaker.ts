/**
 * The circuit breaker around calls to PyPI: the statechart machines/cloud-gazer/circuit-breaker.ts decides
 * (closed, open, half-open); this runs one and makes the calls it allows.
 *
 * While open, calls fail at once with PyPIOfflineError without touching the network. Every call that
 * throws counts as a failure. Time comes from the injected clock, so tests drive it. Inside Cloud Gazer's
 * task the chart is a child under the task's host (`pypi-breaker:xmlrpc`, `pypi-breaker:json`).
 */
import { circuitBreakerMachine, type CircuitBreakerInput } from '../../machines/cloud-gazer/circuit-breaker.js';
import { startChild, type Child, type TaskChildren } from '../runtime/task-machine.js';
import { messageOf, PyPIOfflineError } from './errors.js';
import type { Clock, Logger } from './ports.js';
import { logAt } from '../runtime/logger.js';

export interface CircuitBreakerOptions extends Readonly<Omit<CircuitBreakerInput, 'service'>> {
  /** Names the service in log lines: "PyPI offline". */
  readonly service: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The task the breaker serves in: its chart runs there as the child `id` (else on its own). */
  readonly task?: TaskChildren;
  /** Its id under the task's host (default `pypi-breaker`). */
  readonly id?: string;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  readonly service: string;
  readonly failureThreshold: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly #clock: Clock;
  readonly #actor: Child<typeof circuitBreakerMachine>['actor'];
  /** The breaker's answer to the CALL just sent: null when allowed, the wait when refused. */
  #refusal: number | null = null;

  constructor(options: CircuitBreakerOptions) {
    const { clock, logger, task, id = 'pypi-breaker', ...input } = options;
    this.#clock = clock;
    const machine = circuitBreakerMachine.provide({
      actions: { log: (_, { level, message }) => logAt(logger, level, message) },
    });
    // It emits nothing on starting, so listening once it has started misses nothing.
    this.#actor = startChild(task, machine, { id, input }).actor;
    this.#actor.on('allowed', () => (this.#refusal = null));
    this.#actor.on('refused', ({ retryInMs }) => (this.#refusal = retryInMs));
    const { context } = this.#actor.getSnapshot();
    this.service = context.service;
    this.failureThreshold = context.failureThreshold;
    this.baseDelayMs = context.baseDelayMs;
    this.maxDelayMs = context.maxDelayMs;
  }

  get state(): BreakerState {
    const snapshot = this.#actor.getSnapshot();
    return snapshot.matches('halfOpen') ? 'half-open' : snapshot.matches('open') ? 'open' : 'closed';
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#actor.getSnapshot().context.failures;
  }

  /** When the next probe may go out (meaningful while open). */
  get retryAt(): number {
    return this.#actor.getSnapshot().context.retryAt;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    this.#actor.send({ type: 'CALL', now: this.#clock.now() });
    if (this.#refusal !== null) throw new PyPIOfflineError(this.service, this.#refusal);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.#actor.send({ type: 'FAILED', now: this.#clock.now(), reason: messageOf(err) });
      throw err;
    }
    this.#actor.send({ type: 'SUCCEEDED' });
    return result;
  }
}
