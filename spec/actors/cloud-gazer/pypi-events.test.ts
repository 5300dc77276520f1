import { PyPIHttpError, XmlRpcFaultError, XmlRpcMalformedError } from '../../../actors/cloud-gazer/errors.js';
import { PyPIEvents } from '../../../actors/cloud-gazer/pypi-events.js';
import { FakePyPI, TestClock, TestLogger, type Row } from './fake-pypi.js';

let pypi: FakePyPI;
let clock: TestClock;
let logger: TestLogger;
beforeEach(async () => {
  pypi = await FakePyPI.start();
  clock = new TestClock();
  logger = new TestLogger();
});
afterEach(() => pypi.close());

const T = 1_700_000_000;
const S = 20_000_000; // a serial well past the 628,000 epoch
const at = (ts: string) => new Date(ts);

/** A changelog ending with an ignored event 10 minutes later, so the 5-minute hold lets the rest through. */
function changelog(rows: Row[]): Row[] {
  const last = rows[rows.length - 1]!;
  return [...rows, ['flush', null, last[2] + 600, 'remove Owner nobody', last[4] + 1]];
}

const events = (serial = S, extra: { timeoutMs?: number } = {}) =>
  PyPIEvents.connect({ xmlrpc: pypi.url, json: pypi.url }, { clock, logger, serial, http: { timeoutMs: extra.timeoutMs ?? 2000 } });

describe('PyPIEvents over HTTP (behaviours 117–127)', () => {
  test('reads from 2000 serials back and yields events with descriptions for create and file events only', async () => {
    pypi.json.set('Foo', { summary: 'The foo' });
    pypi.rows = changelog([
      ['Foo', '1.0', T, 'create', S],
      ['Foo', '1.0', T + 1, 'add py3 file Foo-1.0-py3-none-any.whl', S + 1],
      ['Foo', '1.0', T + 2, 'add cp311 file Foo-1.0-cp311-cp311-linux_x86_64.whl', S + 2],
      ['Foo', '1.0', T + 3, 'add source file Foo-1.0.tar.gz', S + 3],
      ['Foo', '0.9', T + 4, 'yank release', S + 4],
      ['Foo', '0.9', T + 5, 'unyank release', S + 5],
      ['Foo', '0.8', T + 6, 'remove release', S + 6],
      ['Foo', '1.0', T + 7, 'new release', S + 7],
    ]);
    const source = events();
    const got = await source.read();
    expect(pypi.changelogCalls.map((c) => c.serial)).toEqual([S - 2000]);
    expect(got).toEqual([
      { package: 'Foo', version: null, timestamp: at('2023-11-14T22:13:20Z'), action: 'create', description: 'The foo' },
      { package: 'Foo', version: '1.0', timestamp: at('2023-11-14T22:13:21Z'), action: 'create', description: 'The foo' },
      { package: 'Foo', version: '1.0', timestamp: at('2023-11-14T22:13:21Z'), action: 'source', description: 'The foo' },
      // the release's JSON is not there (404): no reason known
      { package: 'Foo', version: '0.9', timestamp: at('2023-11-14T22:13:24Z'), action: 'yank', description: null, yankReason: null },
      { package: 'Foo', version: '0.9', timestamp: at('2023-11-14T22:13:25Z'), action: 'unyank', description: null },
      { package: 'Foo', version: '0.8', timestamp: at('2023-11-14T22:13:26Z'), action: 'remove', description: null },
    ]);
    expect(source.serial).toBe(S + 8);
    // the LRU cache answers the other descriptions; the yank asks for its release
    expect(pypi.jsonCalls.map((c) => c.path)).toEqual(['/pypi/Foo/json', '/pypi/Foo/0.9/json']);
  });

  test('the next read continues from the last serial read', async () => {
    pypi.rows = changelog([['foo', '1.0', T, 'add source file foo-1.0.tar.gz', S]]);
    const source = events();
    expect(await source.read()).toHaveLength(1);
    pypi.rows.push(['foo', '1.1', T + 1000, 'add source file foo-1.1.tar.gz', S + 2], ['bar', null, T + 2000, 'create', S + 3]);
    const next = await source.read();
    expect(pypi.changelogCalls.map((c) => c.serial)).toEqual([S - 2000, S + 1]);
    expect(next.map((e) => [e.package, e.version])).toEqual([['foo', '1.1']]);
    expect(source.serial).toBe(S + 3);
  });

  test('123: after a read that yields nothing, PyPI is not read again for 10 s', async () => {
    const source = events();
    expect(await source.read()).toEqual([]);
    expect(source.backingOff).toBe(true);
    clock.advance(9_999);
    expect(await source.read()).toEqual([]);
    expect(pypi.changelogCalls).toHaveLength(1);
    clock.advance(1);
    pypi.rows = changelog([['foo', null, T, 'create', S]]);
    expect(await source.read()).toHaveLength(1);
    expect(pypi.changelogCalls).toHaveLength(2);
  });

  test('123: events still held by the 5-minute buffer count as an empty read', async () => {
    pypi.rows = [['foo', null, T, 'create', S]];
    const source = events();
    expect(await source.read()).toEqual([]);
    clock.advance(5_000);
    await source.read();
    expect(pypi.changelogCalls).toHaveLength(1);
  });

  describe('127: failures', () => {
    test.each([
      ['connection refused', async () => pypi.stop()],
      ['a dropped connection', async () => void (pypi.xmlrpc = { kind: 'hangup' })],
      ['HTTP 503', async () => void (pypi.xmlrpc = { kind: 'status', status: 503 })],
      ['a slow answer', async () => void (pypi.xmlrpc = { kind: 'slow', ms: 30_000 })],
      ['the too-many-requests fault', async () => void (pypi.xmlrpc = { kind: 'fault', code: -32500, text: 'slow down' })],
    ])('%s → an empty batch, then 10 s of quiet', async (_what, breakIt) => {
      const source = events(S, { timeoutMs: 100 });
      await breakIt();
      await expect(source.read()).resolves.toEqual([]);
      expect(source.backingOff).toBe(true);
      expect(source.breaker.failures).toBe(1);
    });

    test.each([
      ['HTTP 404', { kind: 'status', status: 404 } as const, PyPIHttpError],
      ['a fault', { kind: 'fault', code: 1, text: 'bad' } as const, XmlRpcFaultError],
      ['garbage XML', { kind: 'body', body: '<<<garbage' } as const, XmlRpcMalformedError],
    ])('%s propagates as its typed error, then 10 s of quiet', async (_what, mode, type) => {
      pypi.xmlrpc = mode;
      const source = events();
      await expect(source.read()).rejects.toBeInstanceOf(type);
      expect(source.backingOff).toBe(true);
      await expect(source.read()).resolves.toEqual([]);
      expect(pypi.changelogCalls).toHaveLength(1);
    });

    test('a failed read loses nothing: the same serial is asked for again', async () => {
      pypi.rows = changelog([['foo', null, T, 'create', S]]);
      pypi.xmlrpc = { kind: 'status', status: 502 };
      const source = events();
      expect(await source.read()).toEqual([]);
      pypi.xmlrpc = { kind: 'ok' };
      clock.advance(10_000);
      expect(await source.read()).toHaveLength(1);
      expect(pypi.changelogCalls.map((c) => c.serial)).toEqual([S - 2000, S - 2000]);
    });

    test('PyPI down: "PyPI offline" once after 3 failures, no requests while open, "PyPI back online" after', async () => {
      pypi.rows = changelog([['foo', null, T, 'create', S]]);
      const source = events();
      await pypi.stop();
      for (let i = 0; i < 3; i++) {
        expect(await source.read()).toEqual([]);
        clock.advance(10_000);
      }
      expect(logger.at('warn')).toEqual([expect.stringMatching(/^PyPI offline after 3 consecutive failures/)]);
      await pypi.resume();
      expect(await source.read()).toEqual([]); // breaker open: PyPI is not asked
      expect(pypi.changelogCalls).toHaveLength(0);
      clock.advance(source.breaker.retryAt - clock.now());
      expect(await source.read()).toHaveLength(1);
      expect(logger.at('info')).toEqual(['PyPI back online']);
      expect(logger.at('warn')).toHaveLength(1);
    });
  });

  test('rewind() restarts from a serial and forgets the de-dup cache, so a batch can be replayed', async () => {
    pypi.rows = changelog([['foo', '1.0', T, 'add source file foo-1.0.tar.gz', S]]);
    const source = events();
    expect(await source.read()).toHaveLength(1);
    source.rewind(S);
    const again = await source.read();
    expect(again.map((e) => [e.package, e.version, e.action])).toEqual([['foo', '1.0', 'source']]);
    expect(pypi.changelogCalls.map((c) => c.serial)).toEqual([S - 2000, S - 2000]);
  });
});
