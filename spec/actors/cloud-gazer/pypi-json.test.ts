import { PyPIDescriptions, truncateDescription } from '../../../actors/cloud-gazer/pypi-json.js';
import { FakePyPI, TestClock, TestLogger } from './fake-pypi.js';

let pypi: FakePyPI;
let clock: TestClock;
let logger: TestLogger;
beforeEach(async () => {
  pypi = await FakePyPI.start();
  clock = new TestClock();
  logger = new TestLogger();
});
afterEach(() => pypi.close());

const descriptions = (extra: { cacheSize?: number; timeoutMs?: number } = {}) =>
  new PyPIDescriptions({ url: pypi.url, clock, logger, ...extra });

describe('project descriptions from the JSON API (behaviour 121)', () => {
  test('GETs <pypi-json>/<pkg>/json with our User-Agent and returns info.summary', async () => {
    pypi.json.set('foo', { summary: 'A foo for your bar' });
    await expect(descriptions().description('foo')).resolves.toBe('A foo for your bar');
    expect(pypi.jsonCalls).toEqual([expect.objectContaining({ path: '/pypi/foo/json', userAgent: 'piwheels/0.18' })]);
  });

  test('a trailing slash on --pypi-json is harmless', async () => {
    pypi.json.set('foo', { summary: 'x' });
    await new PyPIDescriptions({ url: `${pypi.url}/`, clock, logger }).description('foo');
    expect(pypi.jsonCalls[0]!.path).toBe('/pypi/foo/json');
  });

  test('a null summary is ""', async () => {
    pypi.json.set('foo', { summary: null });
    await expect(descriptions().description('foo')).resolves.toBe('');
  });

  test('longer than 200 characters → the first 199 and "…"; 200 exactly is kept', async () => {
    const long = 'x'.repeat(250);
    pypi.json.set('long', { summary: long });
    pypi.json.set('edge', { summary: 'y'.repeat(200) });
    const source = descriptions();
    await expect(source.description('long')).resolves.toBe(`${'x'.repeat(199)}…`);
    await expect(source.description('edge')).resolves.toBe('y'.repeat(200));
  });

  test('length is counted in characters, as Python counts', () => {
    const emoji = '🐍'.repeat(201);
    expect(truncateDescription(emoji)).toBe(`${'🐍'.repeat(199)}…`);
    expect(truncateDescription('🐍'.repeat(200))).toBe('🐍'.repeat(200));
  });

  test('404 (a package deleted since) → null, quietly', async () => {
    await expect(descriptions().description('gone')).resolves.toBeNull();
    expect(logger.at('error')).toEqual([]);
  });

  test.each([500, 502, 503, 408, 429])('HTTP %i → null, not remembered', async (status) => {
    pypi.json.set('foo', { status });
    const source = descriptions();
    await expect(source.description('foo')).resolves.toBeNull();
    pypi.json.set('foo', { summary: 'recovered' });
    await expect(source.description('foo')).resolves.toBe('recovered');
    expect(logger.at('error')).toEqual([]);
  });

  test('JSON lacking info.summary → null with an error logged', async () => {
    pypi.json.set('foo', { info: { name: 'foo' } });
    await expect(descriptions().description('foo')).resolves.toBeNull();
    expect(logger.at('error')).toEqual(['info.summary missing when getting description for foo']);
  });

  test.each([
    ['not JSON', { body: '<html>oops</html>' }, 'malformed JSON when getting description for foo'],
    ['no info at all', { body: '{"releases": {}}' }, 'info.summary missing when getting description for foo'],
    ['a numeric summary', { summary: 42 }, 'info.summary is not a string when getting description for foo'],
    ['HTTP 403', { status: 403 }, 'HTTP 403 when getting description for foo'],
  ])('%s → null with an error logged', async (_what, answer, message) => {
    pypi.json.set('foo', answer);
    await expect(descriptions().description('foo')).resolves.toBeNull();
    expect(logger.at('error')).toEqual([message]);
  });

  test('unreachable → null', async () => {
    const source = descriptions();
    await pypi.stop();
    await expect(source.description('foo')).resolves.toBeNull();
    expect(logger.at('error')).toEqual([]);
  });

  test('answers are kept in an LRU cache', async () => {
    pypi.json.set('a', { summary: 'A' });
    pypi.json.set('b', { summary: 'B' });
    pypi.json.set('c', { summary: 'C' });
    const source = descriptions({ cacheSize: 2 });
    await source.description('a');
    await source.description('b');
    await source.description('a'); // cached; a is now the most recent
    expect(pypi.jsonCalls).toHaveLength(2);
    await source.description('c'); // evicts b
    await source.description('a');
    expect(pypi.jsonCalls).toHaveLength(3);
    await source.description('b');
    expect(pypi.jsonCalls.map((c) => c.path)).toEqual(['/pypi/a/json', '/pypi/b/json', '/pypi/c/json', '/pypi/b/json']);
  });

  test('the cache holds 100 packages by default', async () => {
    const source = descriptions();
    for (let i = 0; i <= 100; i++) pypi.json.set(`p${i}`, { summary: `P${i}` });
    for (let i = 0; i < 100; i++) await source.description(`p${i}`);
    await source.description('p0'); // cached, and now the most recent
    expect(pypi.jsonCalls).toHaveLength(100);
    await source.description('p100'); // evicts p1
    await source.description('p0');
    expect(pypi.jsonCalls).toHaveLength(101);
    await source.description('p1');
    expect(pypi.jsonCalls).toHaveLength(102);
  });

  test('a 404 is remembered like any answer', async () => {
    const source = descriptions();
    await source.description('gone');
    await source.description('gone');
    expect(pypi.jsonCalls).toHaveLength(1);
  });

  test('the JSON API going down opens its own breaker: logged once, no requests, back online later', async () => {
    const source = descriptions();
    await pypi.stop();
    for (const pkg of ['a', 'b', 'c']) await expect(source.description(pkg)).resolves.toBeNull();
    expect(logger.at('warn')).toEqual([expect.stringMatching(/^PyPI JSON API offline after 3 consecutive failures/)]);
    await pypi.resume();
    pypi.json.set('d', { summary: 'D' });
    await expect(source.description('d')).resolves.toBeNull(); // still open: no request made
    expect(pypi.jsonCalls).toHaveLength(0);
    clock.advance(source.breaker.retryAt - clock.now());
    await expect(source.description('d')).resolves.toBe('D');
    expect(logger.at('info')).toEqual(['PyPI JSON API back online']);
  });
});

describe('yank reasons from the JSON API (PEP 592)', () => {
  test("GETs <pypi-json>/<pkg>/<version>/json and returns info.yanked_reason; none given is ''", async () => {
    pypi.json.set('foo/1.0', { info: { name: 'foo', yanked: true, yanked_reason: 'Wrong wheel tags' } });
    pypi.json.set('foo/1.1', { info: { name: 'foo', yanked: true, yanked_reason: null } });
    pypi.json.set('foo/1.2', { info: { name: 'foo', yanked: true } });
    const source = descriptions();
    await expect(source.yankReason('foo', '1.0')).resolves.toBe('Wrong wheel tags');
    await expect(source.yankReason('foo', '1.1')).resolves.toBe('');
    await expect(source.yankReason('foo', '1.2')).resolves.toBe('');
    expect(pypi.jsonCalls.map((c) => c.path)).toEqual(['/pypi/foo/1.0/json', '/pypi/foo/1.1/json', '/pypi/foo/1.2/json']);
  });

  test('no answer is null: 404 and PyPI trouble quietly, a bad reason or bad JSON logged', async () => {
    pypi.json.set('foo/2.0', { status: 503 });
    pypi.json.set('foo/3.0', { info: { yanked_reason: 42 } });
    pypi.json.set('foo/4.0', { body: 'not json' });
    const source = descriptions();
    await expect(source.yankReason('foo', '1.0')).resolves.toBeNull();
    await expect(source.yankReason('foo', '2.0')).resolves.toBeNull();
    expect(logger.at('error')).toEqual([]);
    await expect(source.yankReason('foo', '3.0')).resolves.toBeNull();
    await expect(source.yankReason('foo', '4.0')).resolves.toBeNull();
    expect(logger.at('error')).toHaveLength(2);
  });
});
