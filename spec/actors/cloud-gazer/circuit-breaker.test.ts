import { CircuitBreaker } from '../../../actors/cloud-gazer/circuit-breaker.js';
import { PyPIOfflineError, PyPIUnavailableError } from '../../../actors/cloud-gazer/errors.js';
import { TestClock, TestLogger } from './fake-pypi.js';

const down = () => Promise.reject(new PyPIUnavailableError('http://pypi.test/pypi', 'ECONNREFUSED'));

function setup() {
  const clock = new TestClock();
  const logger = new TestLogger();
  const breaker = new CircuitBreaker({ service: 'PyPI', clock, logger, failureThreshold: 3, baseDelayMs: 30_000, maxDelayMs: 100_000 });
  let calls = 0;
  const counted = (fn: () => Promise<string>) => () => {
    calls += 1;
    return fn();
  };
  return { clock, logger, breaker, counted, calls: () => calls };
}

describe('CircuitBreaker around PyPI (resilience beyond 0.18)', () => {
  test('closed: answers pass through, failures are rethrown until the threshold', async () => {
    const { breaker } = setup();
    await expect(breaker.call(async () => 'ok')).resolves.toBe('ok');
    await expect(breaker.call(down)).rejects.toBeInstanceOf(PyPIUnavailableError);
    await expect(breaker.call(down)).rejects.toBeInstanceOf(PyPIUnavailableError);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(2);
  });

  test('only consecutive failures count: a success in between starts again', async () => {
    const { breaker } = setup();
    await expect(breaker.call(down)).rejects.toThrow();
    await expect(breaker.call(down)).rejects.toThrow();
    await breaker.call(async () => 'ok');
    await expect(breaker.call(down)).rejects.toThrow();
    await expect(breaker.call(down)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  test('opens after N consecutive failures, logs "PyPI offline" once and stops calling', async () => {
    const { breaker, logger, counted, calls, clock } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.call(counted(down))).rejects.toBeInstanceOf(PyPIUnavailableError);
    expect(breaker.state).toBe('open');
    expect(logger.at('warn')).toEqual([expect.stringMatching(/^PyPI offline after 3 consecutive failures \(.*ECONNREFUSED\); next attempt in 30 s$/)]);
    clock.advance(29_999);
    await expect(breaker.call(counted(down))).rejects.toBeInstanceOf(PyPIOfflineError);
    await expect(breaker.call(counted(down))).rejects.toMatchObject({ code: 'PIW_ERR_PYPI_OFFLINE' });
    expect(calls()).toBe(3);
    expect(logger.at('warn')).toHaveLength(1);
  });

  test('half-open probes back off exponentially up to the cap, without logging "offline" again', async () => {
    const { breaker, logger, clock, counted, calls } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.call(down)).rejects.toThrow();
    for (const delay of [30_000, 60_000, 100_000, 100_000]) {
      expect(breaker.retryAt - clock.now()).toBe(delay);
      clock.advance(delay);
      await expect(breaker.call(counted(down))).rejects.toBeInstanceOf(PyPIUnavailableError);
      expect(breaker.state).toBe('open');
    }
    expect(calls()).toBe(4);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('debug').every((m) => m.startsWith('PyPI still offline'))).toBe(true);
  });

  test('a successful probe closes it and logs "PyPI back online" once', async () => {
    const { breaker, logger, clock } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.call(down)).rejects.toThrow();
    clock.advance(30_000);
    await expect(breaker.call(down)).rejects.toThrow();
    clock.advance(60_000);
    await expect(breaker.call(async () => 'back')).resolves.toBe('back');
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
    await breaker.call(async () => 'again');
    expect(logger.at('info')).toEqual(['PyPI back online']);
    // The next outage starts from the base delay again.
    for (let i = 0; i < 3; i++) await expect(breaker.call(down)).rejects.toThrow();
    expect(breaker.retryAt - clock.now()).toBe(30_000);
  });

  test('while a probe is out, other calls are refused without calling', async () => {
    const { breaker, clock, counted, calls } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.call(down)).rejects.toThrow();
    clock.advance(30_000);
    let release!: (v: string) => void;
    const probe = breaker.call(counted(() => new Promise<string>((r) => (release = r))));
    expect(breaker.state).toBe('half-open');
    await expect(breaker.call(counted(async () => 'x'))).rejects.toBeInstanceOf(PyPIOfflineError);
    release('done');
    await expect(probe).resolves.toBe('done');
    expect(calls()).toBe(1);
    expect(breaker.state).toBe('closed');
  });
});
