/**
 * The PyPI circuit breaker as a pure machine: every state and transition reached by generated paths, and
 * its answers and log lines on a live actor driven with times in the events.
 */
import { createActor, type SnapshotFrom } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerEmitted } from '../../../machines/cloud-gazer/index.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import { expectFullCoverage } from '../support/coverage.js';

const input = { service: 'PyPI', failureThreshold: 2, baseDelayMs: 1000, maxDelayMs: 4000 };

test('generated paths reach every state and every transition of the breaker', () => {
  const report = expectFullCoverage(circuitBreakerMachine, {
    input,
    // Times 0 and 10 s: a CALL at 0 comes before any wait is over, one at 10 s after it.
    events: () => [
      { type: 'CALL', now: 0 },
      { type: 'CALL', now: 10_000 },
      { type: 'SUCCEEDED' },
      { type: 'FAILED', now: 0, reason: 'ECONNREFUSED' },
    ],
    serializeState: (s: SnapshotFrom<typeof circuitBreakerMachine>) =>
      // Failures past the threshold steer nothing: counted up to it, the space is finite.
      JSON.stringify([s.value, Math.min(s.context.failures, input.failureThreshold), s.context.delayMs, s.context.retryAt]),
  });
  const toHalfOpen = report.paths.find((p) => p.state.startsWith('["halfOpen"'));
  expect(toHalfOpen?.events.map((e) => e.type)).toEqual(['FAILED', 'FAILED', 'CALL']);
});

function live() {
  const logs: LogEntry[] = [];
  const answers: CircuitBreakerEmitted[] = [];
  const actor = createActor(circuitBreakerMachine.provide({ actions: { log: (_, entry) => logs.push(entry) } }), { input });
  actor.on('*', (e) => answers.push(e));
  actor.start();
  const fail = (now: number) => actor.send({ type: 'FAILED', now, reason: 'ECONNREFUSED' });
  const call = (now: number) => (actor.send({ type: 'CALL', now }), answers.at(-1));
  return { actor, logs, fail, call };
}

test('opens at the threshold, refuses calls with the time left, lets one probe out once the wait is over', () => {
  const b = live();
  expect(b.call(0)).toEqual({ type: 'allowed' });
  b.fail(100);
  expect(b.actor.getSnapshot().value).toBe('closed');
  b.fail(200);
  expect(b.actor.getSnapshot().value).toBe('open');
  expect(b.logs).toEqual([
    { level: 'warning', message: 'PyPI offline after 2 consecutive failures (ECONNREFUSED); next attempt in 1 s' },
  ]);
  expect(b.call(700)).toEqual({ type: 'refused', retryInMs: 500 });
  expect(b.call(1200)).toEqual({ type: 'allowed' });
  expect(b.actor.getSnapshot().value).toBe('halfOpen');
  // While the probe is out every other call is refused.
  expect(b.call(1300)).toEqual({ type: 'refused', retryInMs: 1000 });
});

test('failed probes double the wait up to the cap, logged at debug level; a success closes and resets', () => {
  const b = live();
  b.fail(0);
  b.fail(0);
  for (const [now, wait] of [[1000, 2000], [3000, 4000], [7000, 4000]] as const) {
    b.call(now);
    b.fail(now);
    expect(b.actor.getSnapshot().context).toMatchObject({ delayMs: wait, retryAt: now + wait });
  }
  expect(b.logs.slice(1).map((l) => l.level)).toEqual(['debug', 'debug', 'debug']);
  expect(b.logs[3]).toEqual({ level: 'debug', message: 'PyPI still offline (ECONNREFUSED); next attempt in 4 s' });
  b.call(11_000);
  b.actor.send({ type: 'SUCCEEDED' });
  expect(b.actor.getSnapshot().value).toBe('closed');
  expect(b.actor.getSnapshot().context).toMatchObject({ failures: 0, delayMs: 1000 });
  expect(b.logs.at(-1)).toEqual({ level: 'info', message: 'PyPI back online' });
});

test('a call allowed while closed that fails after the breaker opened opens it afresh, logged again', () => {
  const b = live();
  b.fail(0);
  b.fail(0);
  b.fail(500);
  expect(b.actor.getSnapshot().context).toMatchObject({ failures: 3, retryAt: 1500 });
  expect(b.logs.filter((l) => l.level === 'warning')).toHaveLength(2);
});

test('without its log action the machine fails with a typed error when it has something to say', () => {
  const actor = createActor(circuitBreakerMachine, { input });
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  actor.send({ type: 'FAILED', now: 0, reason: 'x' });
  actor.send({ type: 'FAILED', now: 0, reason: 'x' });
  expect(errors[0]).toBeInstanceOf(NotProvidedError);
});
