import { CloudGazer } from '../../../actors/cloud-gazer/cloud-gazer.js';
import { PyPIEvents } from '../../../actors/cloud-gazer/pypi-events.js';
import type { SkipMessage, WebMessage } from '../../../actors/cloud-gazer/gazer-plan.js';
import { FakeOracle, FakeQueue } from './fake-oracle.js';
import { FakePyPI, TestClock, TestLogger, type Row } from './fake-pypi.js';

const T = 1_700_000_000; // 2023-11-14T22:13:20Z
const S = 20_000_000;
const EPOCH = new Date(0);
const utc = (ts: number) => new Date(ts * 1000);

let pypi: FakePyPI;
let clock: TestClock;
let logger: TestLogger;
let db: FakeOracle;
let web: FakeQueue<WebMessage>;
let skip: FakeQueue<SkipMessage>;

beforeEach(async () => {
  pypi = await FakePyPI.start();
  clock = new TestClock();
  logger = new TestLogger();
  db = new FakeOracle();
  db.serial = S;
  web = new FakeQueue();
  skip = new FakeQueue();
});
afterEach(() => pypi.close());

/** Rows with serials from S on, one second apart unless given, plus an ignored event 10 minutes later so the
 *  5-minute hold lets them through. */
function publish(rows: [pkg: string, version: string | null, action: string, ts?: number][]): void {
  let serial = pypi.rows.length ? pypi.rows[pypi.rows.length - 1]![4] + 1 : S;
  let ts = pypi.rows.length ? pypi.rows[pypi.rows.length - 1]![2] + 1 : T;
  const out: Row[] = [];
  for (const [pkg, version, action, at] of rows) {
    out.push([pkg, version, at ?? ts, action, serial]);
    ts = (at ?? ts) + 1;
    serial += 1;
  }
  out.push(['flush', null, ts + 600, 'remove Owner nobody', serial]);
  pypi.rows.push(...out);
}

async function startGazer(options: { devMode?: boolean; timeoutMs?: number } = {}): Promise<CloudGazer> {
  const events = PyPIEvents.connect(
    { xmlrpc: pypi.url, json: pypi.url },
    { clock, logger, http: { timeoutMs: options.timeoutMs ?? 5000 } },
  );
  const gazer = new CloudGazer({ db, web, skip, pypi: events, logger }, { devMode: options.devMode });
  await gazer.start();
  db.calls.length = 0;
  return gazer;
}

/** The task's 10 s timer. */
async function tick(gazer: CloudGazer) {
  clock.advance(10_000);
  return gazer.poll();
}

describe('Cloud Gazer task body against a PyPI over HTTP', () => {
  test('104: start() loads ALLPKGS into the cache and GETPYPI as the starting serial', async () => {
    db.packages.set('foo', { skip: '', description: '' });
    db.packages.set('bar', { skip: '', description: '' });
    const gazer = await startGazer();
    expect([...gazer.packages].sort()).toEqual(['bar', 'foo']);
    expect(gazer.serial).toBe(S);
    expect(logger.at('info')).toEqual(['retrieving current state', 'querying upstream']);
    await tick(gazer);
    expect(pypi.changelogCalls.map((c) => c.serial)).toEqual([S - 2000]);
  });

  test('poll() before start() is refused', async () => {
    const events = PyPIEvents.connect({ xmlrpc: pypi.url, json: pypi.url }, { clock, logger });
    const gazer = new CloudGazer({ db, web, skip, pypi: events, logger });
    await expect(gazer.poll()).rejects.toMatchObject({ code: 'PIW_ERR_GAZER_NOT_STARTED' });
  });

  test('106, 108, 109, 115: a new package with an sdist and wheels', async () => {
    pypi.json.set('foo', { summary: 'The foo' });
    publish([
      ['foo', null, 'create'],
      ['foo', '1.0', 'add source file foo-1.0.tar.gz'],
      ['foo', '1.0', 'add py3 file foo-1.0-py3-none-any.whl'],
    ]);
    const gazer = await startGazer();
    await expect(tick(gazer)).resolves.toEqual({ events: 2, serial: S + 3 });
    expect(db.verbs()).toEqual(['NEWPKG', 'NEWPKGNAME', 'NEWPKGNAME', 'NEWPKGNAME', 'NEWVER', 'SETDESC', 'SETPYPI']);
    expect(db.packages.get('foo')).toEqual({ skip: '', description: 'The foo' });
    expect(db.version('foo', '1.0')).toEqual({ released: utc(T + 1), skip: '', yanked: false });
    expect(db.names.get('foo')).toEqual(['foo', utc(T + 1)]);
    expect(web.sent).toEqual([
      { verb: 'BOTH', data: 'foo' },
      { verb: 'BOTH', data: 'foo' },
    ]);
    expect(skip.sent).toEqual([]);
    expect(gazer.packages.has('foo')).toBe(true);
    expect(db.serial).toBe(S + 3);
    expect(logger.at('info')).toContain('added package foo');
    expect(logger.at('info')).toContain('added package foo version 1.0');
  });

  test('115: no SETPYPI when the serial did not move', async () => {
    const gazer = await startGazer();
    await expect(tick(gazer)).resolves.toEqual({ events: 0, serial: S });
    expect(db.verbs()).toEqual([]);
  });

  test('116: --dev-mode adds new packages with skip "development mode"', async () => {
    publish([['foo', null, 'create']]);
    const gazer = await startGazer({ devMode: true });
    expect(gazer.skipDefault).toBe('development mode');
    await tick(gazer);
    expect(db.packages.get('foo')?.skip).toBe('development mode');
  });

  test('109: a new version of a known package updates its description', async () => {
    pypi.json.set('foo', { summary: 'New words' });
    db.packages.set('foo', { skip: '', description: 'Old words' });
    publish([['foo', '2.0', 'add source file foo-2.0.tar.gz']]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.verbs()).toEqual(['NEWPKGNAME', 'NEWVER', 'SETDESC', 'SETPYPI']);
    expect(db.packages.get('foo')?.description).toBe('New words');
    expect(web.sent).toEqual([{ verb: 'BOTH', data: 'foo' }]);
  });

  test('106: NEWPKG answering "already there" leads to SETDESC and no BOTH for the package itself', async () => {
    pypi.json.set('foo', { summary: 'Described' });
    publish([['foo', null, 'create']]);
    const gazer = await startGazer();
    db.packages.set('foo', { skip: '', description: '' }); // appeared after ALLPKGS
    await tick(gazer);
    expect(db.verbs()).toEqual(['NEWPKG', 'SETDESC', 'NEWPKGNAME', 'SETPYPI']);
    expect(db.packages.get('foo')?.description).toBe('Described');
    expect(web.sent).toEqual([]);
  });

  test('108, 110: a binary-only version becomes buildable when its sdist arrives', async () => {
    db.packages.set('foo', { skip: '', description: '' });
    publish([
      ['foo', '1.0', 'add cp311 file foo-1.0-cp311-cp311-linux_x86_64.whl'],
      ['foo', '1.0', 'add source file foo-1.0.tar.gz'],
    ]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.verbs()).toEqual(['NEWPKGNAME', 'NEWVER', 'NEWPKGNAME', 'NEWVER', 'GETSKIP', 'SKIPVER', 'SETPYPI']);
    expect(db.calls[1]).toEqual({ verb: 'NEWVER', data: ['foo', '1.0', utc(T), 'binary only'] });
    expect(db.calls[3]).toEqual({ verb: 'NEWVER', data: ['foo', '1.0', utc(T), ''] }); // the original time
    expect(db.version('foo', '1.0')?.skip).toBe('');
    expect(web.sent).toEqual([
      { verb: 'BOTH', data: 'foo' },
      { verb: 'PROJECT', data: 'foo' },
    ]);
    expect(logger.at('info')).toContain('disabled package foo version 1.0 (binary only)');
    expect(logger.at('info')).toContain('enabled package foo version 1.0');
  });

  test('105, 107: renamed spellings are canonicalised and recorded as aliases', async () => {
    publish([
      ['Foo_Bar', null, 'create'],
      ['Foo.Bar', '1.0', 'add source file Foo.Bar-1.0.tar.gz'],
    ]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.packages.has('foo-bar')).toBe(true);
    expect(db.calls.filter((c) => c.verb === 'NEWPKGNAME').map((c) => c.data)).toEqual([
      ['foo-bar', 'foo-bar', EPOCH],
      ['foo-bar', 'Foo_Bar', utc(T)],
      ['foo-bar', 'foo-bar', EPOCH],
      ['foo-bar', 'Foo_Bar', utc(T)],
      ['foo-bar', 'foo-bar', EPOCH],
      ['foo-bar', 'Foo.Bar', utc(T + 1)],
    ]);
    expect(db.names).toEqual(
      new Map([
        ['foo-bar', ['foo-bar', EPOCH]],
        ['Foo_Bar', ['foo-bar', utc(T)]],
        ['Foo.Bar', ['foo-bar', utc(T + 1)]],
      ]),
    );
    expect(db.version('foo-bar', '1.0')).toBeDefined();
    expect(pypi.jsonCalls.map((c) => c.path)).toEqual(['/pypi/Foo_Bar/json', '/pypi/Foo.Bar/json']);
  });

  test('111: yank (with its reason from the JSON API, PEP 592) and unyank', async () => {
    db.packages.set('foo', { skip: '', description: '' });
    db.versions.set('foo\x001.0', { released: utc(T - 100), skip: '', yanked: false });
    pypi.json.set('foo/1.0', { info: { name: 'foo', version: '1.0', yanked: true, yanked_reason: 'Broken on <ARM>' } });
    publish([['foo', '1.0', 'yank release']]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.version('foo', '1.0')).toMatchObject({ yanked: true, yankedReason: 'Broken on <ARM>' });
    expect(pypi.jsonCalls.map((c) => c.path)).toEqual(['/pypi/foo/1.0/json']);
    publish([['foo', '1.0', 'unyank release']]);
    await tick(gazer);
    expect(db.version('foo', '1.0')).toMatchObject({ yanked: false, yankedReason: '' });
    expect(db.verbs()).toEqual(['NEWPKGNAME', 'YANKVER', 'SETPYPI', 'NEWPKGNAME', 'UNYANKVER', 'SETPYPI']);
    expect(web.sent).toEqual([
      { verb: 'BOTH', data: 'foo' },
      { verb: 'BOTH', data: 'foo' },
    ]);
  });

  test('112: a removed version is skipped, announced to web and skip queues, then deleted', async () => {
    db.packages.set('foo', { skip: '', description: '' });
    db.versions.set('foo\x001.0', { released: utc(T - 100), skip: '', yanked: false });
    db.versions.set('foo\x002.0', { released: utc(T - 50), skip: '', yanked: false });
    publish([['Foo', '1.0', 'remove release']]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.verbs()).toEqual(['SKIPVER', 'DELVER', 'SETPYPI']);
    expect(db.calls[0]).toEqual({ verb: 'SKIPVER', data: ['foo', '1.0', 'deleted'] });
    expect(db.version('foo', '1.0')).toBeUndefined();
    expect(db.version('foo', '2.0')).toBeDefined();
    expect(web.sent).toEqual([{ verb: 'DELVER', data: ['foo', '1.0'] }]);
    expect(skip.sent).toEqual([{ verb: 'DELVER', data: ['foo', '1.0'] }]);
    expect(gazer.packages.has('foo')).toBe(true);
  });

  test('113: a removed project is skipped, dropped from the cache, announced, then deleted', async () => {
    db.packages.set('foo', { skip: '', description: '' });
    db.versions.set('foo\x001.0', { released: utc(T - 100), skip: '', yanked: false });
    publish([['foo', null, 'remove project']]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.verbs()).toEqual(['SKIPPKG', 'DELPKG', 'SETPYPI']);
    expect(db.calls[0]).toEqual({ verb: 'SKIPPKG', data: ['foo', 'deleted'] });
    expect(db.packages.has('foo')).toBe(false);
    expect(db.versions.size).toBe(0);
    expect(gazer.packages.has('foo')).toBe(false);
    expect(web.sent).toEqual([{ verb: 'DELPKG', data: 'foo' }]);
    expect(skip.sent).toEqual([{ verb: 'DELPKG', data: 'foo' }]);
    expect(logger.at('info')).toContain('marking package foo for deletion');
  });

  test('113: a project never seen before is deleted everywhere all the same', async () => {
    publish([['ghost', null, 'remove']]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.verbs()).toEqual(['SKIPPKG', 'DELPKG', 'SETPYPI']);
    expect(web.sent).toEqual([{ verb: 'DELPKG', data: 'ghost' }]);
    expect(skip.sent).toEqual([{ verb: 'DELPKG', data: 'ghost' }]);
  });

  test('114: a package removed and created again later in the stream is inserted again', async () => {
    pypi.json.set('foo', { summary: 'Foo, again' });
    db.packages.set('foo', { skip: '', description: 'Foo' });
    publish([
      ['foo', null, 'remove project'],
      ['foo', null, 'create'],
      ['foo', '3.0', 'add source file foo-3.0.tar.gz'],
    ]);
    const gazer = await startGazer();
    await tick(gazer);
    expect(db.verbs()).toEqual(['SKIPPKG', 'DELPKG', 'NEWPKG', 'NEWPKGNAME', 'NEWPKGNAME', 'NEWPKGNAME', 'NEWVER', 'SETDESC', 'SETPYPI']);
    expect(db.packages.get('foo')).toEqual({ skip: '', description: 'Foo, again' });
    expect(db.version('foo', '3.0')?.skip).toBe('');
    expect(gazer.packages.has('foo')).toBe(true);
  });

  test('ignored actions change nothing but the serial', async () => {
    publish([
      ['foo', '1.0', 'new release'],
      ['foo', null, 'add Owner alice'],
      ['foo', null, 'remove Maintainer bob'],
    ]);
    const gazer = await startGazer();
    await expect(tick(gazer)).resolves.toEqual({ events: 0, serial: S + 3 });
    expect(db.verbs()).toEqual(['SETPYPI']);
  });

  describe('PyPI misbehaving never throws out of poll()', () => {
    test('PyPI goes down and comes back: "PyPI offline" once, quiet while open, "PyPI back online", then catch-up', async () => {
      pypi.json.set('foo', { summary: 'Foo' });
      publish([['foo', null, 'create']]);
      const gazer = await startGazer();
      await pypi.stop();
      for (let i = 0; i < 5; i++) await expect(tick(gazer)).resolves.toEqual({ events: 0, serial: S });
      expect(logger.at('warn')).toEqual([expect.stringMatching(/^PyPI offline after 3 consecutive failures \(.*ECONNREFUSED/)]);
      expect(logger.at('error')).toEqual([]);
      await pypi.resume();
      // Polls go on every 10 s; the breaker lets a probe through once its wait (30 s) is over.
      let polls = 0;
      let summary = await tick(gazer);
      while (summary.events === 0 && polls++ < 10) summary = await tick(gazer);
      expect(summary).toEqual({ events: 1, serial: S + 1 });
      expect(pypi.changelogCalls).toHaveLength(1);
      expect(logger.at('info')).toContain('PyPI back online');
      expect(db.packages.has('foo')).toBe(true);
      expect(db.serial).toBe(S + 1);
    });

    test('a slow answer times out: an empty batch, nothing logged as an error', async () => {
      publish([['foo', null, 'create']]);
      pypi.xmlrpc = { kind: 'slow', ms: 60_000 };
      const gazer = await startGazer({ timeoutMs: 150 });
      await expect(tick(gazer)).resolves.toEqual({ events: 0, serial: S });
      expect(logger.at('error')).toEqual([]);
      pypi.xmlrpc = { kind: 'ok' };
      await expect(tick(gazer)).resolves.toEqual({ events: 1, serial: S + 1 });
    });

    test('garbage XML is logged with its code; the next poll after the back-off carries on', async () => {
      publish([['foo', null, 'create']]);
      pypi.xmlrpc = { kind: 'body', body: '<?xml version="1.0"?><methodResponse><params>&bogus;</params>' };
      const gazer = await startGazer();
      await expect(tick(gazer)).resolves.toEqual({ events: 0, serial: S });
      expect(logger.at('error')).toEqual([expect.stringMatching(/^reading PyPI failed: PIW_ERR_XMLRPC_MALFORMED: /)]);
      pypi.xmlrpc = { kind: 'ok' };
      await expect(tick(gazer)).resolves.toEqual({ events: 1, serial: S + 1 });
      expect(db.packages.has('foo')).toBe(true);
    });

    test('HTTP 404 and faults are logged with their codes', async () => {
      const gazer = await startGazer();
      pypi.xmlrpc = { kind: 'status', status: 404 };
      await tick(gazer);
      pypi.xmlrpc = { kind: 'fault', code: 1, text: 'no such method' };
      await tick(gazer);
      expect(logger.at('error')).toEqual([
        expect.stringMatching(/^reading PyPI failed: PIW_ERR_PYPI_HTTP: PyPI answered HTTP 404/),
        'reading PyPI failed: PIW_ERR_XMLRPC_FAULT: XML-RPC fault 1: no such method',
      ]);
    });

    test('persistent bad answers open the breaker too, so PyPI is not hammered', async () => {
      pypi.xmlrpc = { kind: 'body', body: 'garbage' };
      const gazer = await startGazer();
      for (let i = 0; i < 5; i++) await tick(gazer); // 3 failures, then 2 polls inside the 30 s wait
      expect(pypi.changelogCalls).toHaveLength(3);
      expect(logger.at('error')).toHaveLength(3);
      expect(logger.at('warn')).toEqual([expect.stringMatching(/^PyPI offline after 3 consecutive failures/)]);
      await tick(gazer); // the probe fails: the next wait doubles
      expect(pypi.changelogCalls).toHaveLength(4);
      for (let i = 0; i < 5; i++) await tick(gazer);
      expect(pypi.changelogCalls).toHaveLength(4);
      await tick(gazer);
      expect(pypi.changelogCalls).toHaveLength(5);
      expect(logger.at('warn')).toHaveLength(1);
    });

    test('the JSON API failing only costs the descriptions', async () => {
      pypi.json.set('foo', { status: 503 });
      publish([['foo', null, 'create']]);
      const gazer = await startGazer();
      await expect(tick(gazer)).resolves.toEqual({ events: 1, serial: S + 1 });
      expect(db.calls[0]).toEqual({ verb: 'NEWPKG', data: ['foo', '', ''] });
    });
  });

  describe('a port failing mid-batch', () => {
    test('poll() rejects, and the next poll replays the batch from the stored serial: nothing is lost', async () => {
      publish([
        ['foo', null, 'create'],
        ['foo', '1.0', 'add source file foo-1.0.tar.gz'],
        ['bar', null, 'create'],
      ]);
      const gazer = await startGazer();
      db.failNext('NEWVER');
      await expect(tick(gazer)).rejects.toThrow('ERROR: NEWVER failed');
      expect(db.serial).toBe(S);
      expect(db.packages.has('bar')).toBe(false);
      await expect(tick(gazer)).resolves.toEqual({ events: 3, serial: S + 3 });
      expect(db.version('foo', '1.0')?.skip).toBe('');
      expect(db.packages.has('bar')).toBe(true);
      expect(db.serial).toBe(S + 3);
      expect(pypi.changelogCalls.map((c) => c.serial)).toEqual([S - 2000, S - 2000]);
    });

    test('106: a package inserted by a batch whose BOTH failed still gets its pages and aliases when the batch is replayed', async () => {
      publish([
        ['Foo_Bar', null, 'create'],
        ['baz', null, 'create'],
      ]);
      const gazer = await startGazer();
      web.failNext('BOTH');
      await expect(tick(gazer)).rejects.toThrow('no reply to BOTH');
      expect(db.packages.has('foo-bar')).toBe(true);
      expect(web.sent).toEqual([]);
      db.names.clear();
      await expect(tick(gazer)).resolves.toEqual({ events: 2, serial: S + 2 });
      expect(db.calls.filter((c) => c.verb === 'NEWPKG').map((c) => c.data[0])).toEqual(['foo-bar', 'foo-bar', 'baz']);
      expect(web.sent).toEqual([
        { verb: 'BOTH', data: 'foo-bar' },
        { verb: 'BOTH', data: 'baz' },
      ]);
      expect([...db.names.keys()].sort()).toEqual(['Foo_Bar', 'baz', 'foo-bar']);
      // announced once: the next batch's events of the package are ordinary again
      publish([['Foo_Bar', null, 'create']]);
      await tick(gazer);
      expect(web.sent).toHaveLength(2);
    });

    test('106: a package whose NEWPKG answer was lost (the insert made) is announced when the batch is replayed', async () => {
      publish([['foo', null, 'create']]);
      const gazer = await startGazer();
      db.loseNextAnswer('NEWPKG');
      await expect(tick(gazer)).rejects.toThrow('no reply to NEWPKG');
      expect(db.packages.has('foo')).toBe(true);
      await tick(gazer);
      expect(web.sent).toEqual([{ verb: 'BOTH', data: 'foo' }]);
    });

    test('a failed NEWPKG leaves the package out of the cache, so the replay inserts it', async () => {
      publish([['foo', null, 'create']]);
      const gazer = await startGazer();
      db.failNext('NEWPKG');
      await expect(tick(gazer)).rejects.toThrow();
      expect(gazer.packages.has('foo')).toBe(false);
      await tick(gazer);
      expect(db.packages.has('foo')).toBe(true);
      expect(gazer.packages.has('foo')).toBe(true);
    });
  });

  test('a poll started while one runs joins it instead of reading twice', async () => {
    publish([['foo', null, 'create']]);
    const gazer = await startGazer();
    clock.advance(10_000);
    const [a, b] = await Promise.all([gazer.poll(), gazer.poll()]);
    expect(a).toEqual(b);
    expect(pypi.changelogCalls).toHaveLength(1);
    expect(db.verbs().filter((v) => v === 'NEWPKG')).toHaveLength(1);
  });
});
