/**
 * The Oracle task on the bus, on a PostgreSQL server and on PGlite: every verb of the db protocol through
 * DbClient → bus → Seraph → Oracle → database and back, each result checked against its wire shape
 * (oracleResults); errors as ERROR answers that DbClient raises (behaviour 172); unknown verbs and
 * undecodable frames still answered (behaviour 171); the task as an xstate actor that ignores PAUSE.
 */
import * as v from 'valibot';
import { createActor, waitFor } from 'xstate';
import { encodeCbor, TimeDelta } from '../../../protocols/cbor/index.js';
import type { DownloadRecordWire } from '../../../protocols/records.js';
import { oracleProtocol, oracleRequests, oracleResults, type OracleVerb } from '../../../protocols/oracle.js';
import { createBus, type Bus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { DbClient, OracleError } from '../../../actors/oracle/db-client.js';
import { Oracle, type OracleRequest } from '../../../actors/oracle/oracle.js';
import { oracleTask, serveDatabase } from '../../../actors/oracle/task.js';
import { BACKENDS, openBackend, type TestBackend } from '../../support/postgres.js';
import { build, minutesAgo, wheel } from '../../schema/builders.js';

describe.each(BACKENDS)('the Oracle on %s', (kind) => {
  let b: TestBackend;
  let bus: Bus;
  let served: ReturnType<typeof serveDatabase>;
  let client: DbClient;

  beforeAll(async () => {
    b = await openBackend(kind);
  });
  afterAll(async () => {
    await b?.close();
  });
  beforeEach(async () => {
    await b.reset();
    bus = createBus();
    served = serveDatabase({ bus, db: b.db });
    client = new DbClient(bus);
  });
  afterEach(async () => {
    await served.stop();
    bus.close();
  });

  test('answers every verb with OK and a result of the protocol shape', async () => {
    await b.admin((sql) => sql`INSERT INTO build_abis VALUES ('cp34m', ''), ('cp35m', ''), ('cp27mu', 'retired')`);
    const seen = new Set<OracleVerb>();
    const ask = async <V extends OracleVerb>(msg: Extract<OracleRequest, { verb: V }>): Promise<v.InferOutput<(typeof oracleResults)[V]>> => {
      const result = await client.request(msg);
      seen.add(msg.verb);
      return v.parse(oracleResults[msg.verb], result) as v.InferOutput<(typeof oracleResults)[V]>;
    };
    const at = new Date('2021-05-05T05:05:05Z');
    const file = wheel('foo', '1.0', 'cp34m', { deps: { apt: ['libc6', 'libfoo'] } });

    expect(await ask({ verb: 'NEWPKG', data: ['foo', '', 'Foo things'] })).toBe(true);
    expect(await ask({ verb: 'NEWPKG', data: ['foo', '', 'Foo things'] })).toBe(false);
    expect(await ask({ verb: 'NEWVER', data: ['foo', '1.0', at, ''] })).toBe(true);
    expect(await ask({ verb: 'NEWVER', data: ['foo', '1.0', at, ''] })).toBe(false);
    expect(await ask({ verb: 'NEWVER', data: ['foo', '2.0', minutesAgo(5), 'binary only'] })).toBe(true);
    expect(await ask({ verb: 'NEWPKGNAME', data: ['foo', 'Foo', at] })).toBeNull();
    expect(await ask({ verb: 'GETPKGNAMES', data: 'foo' })).toEqual(['Foo']);
    expect(await ask({ verb: 'GETPROJNAME', data: 'foo' })).toBe('Foo');
    expect(await ask({ verb: 'SETDESC', data: ['foo', 'Better words'] })).toBeNull();
    expect(await ask({ verb: 'GETDESC', data: 'foo' })).toBe('Better words');
    expect(await ask({ verb: 'ALLPKGS' })).toEqual(new Set(['foo']));
    expect(await ask({ verb: 'ALLVERS' })).toEqual(new Set([['foo', '1.0'], ['foo', '2.0']]));
    expect(await ask({ verb: 'PKGEXISTS', data: 'foo' })).toBe(true);
    expect(await ask({ verb: 'VEREXISTS', data: ['foo', '3.0'] })).toBe(false);
    expect(await ask({ verb: 'GETSKIP', data: ['foo', '2.0'] })).toBe('binary only');
    expect(await ask({ verb: 'GETABIS' })).toEqual(new Set(['cp34m', 'cp35m', 'cp27mu']));

    const id = await ask({ verb: 'LOGBUILD', data: build('foo', '1.0', 'cp34m', [file]) });
    expect(Number.isInteger(id)).toBe(true);
    expect(await ask({ verb: 'PKGFILES', data: 'foo' })).toEqual({ [file[0]]: file[2] });
    expect(await ask({ verb: 'VERFILES', data: ['foo', '1.0'] })).toEqual(new Set([file[0]]));
    expect(await ask({ verb: 'PROJVERS', data: 'foo' })).toEqual(
      expect.arrayContaining([
        ['1.0', '', 'cp34m', '', false],
        ['2.0', 'binary only', '', '', false],
      ]),
    );
    expect(await ask({ verb: 'PROJFILES', data: 'foo' })).toEqual([['1.0', 'cp34m', file[0], 1000, file[2], false]]);
    expect(await ask({ verb: 'FILEDEPS', data: file[0] })).toEqual(new Set(['libc6', 'libfoo']));
    expect(await ask({ verb: 'YANKVER', data: ['foo', '1.0'] })).toBeNull();
    expect((await ask({ verb: 'PROJFILES', data: 'foo' }))[0]![5]).toBe(true);
    expect(await ask({ verb: 'UNYANKVER', data: ['foo', '1.0'] })).toBeNull();

    // beyond 0.18: yank reasons, core metadata, everything about a package at once, build logs
    expect(await ask({ verb: 'YANKVER', data: ['foo', '1.0', 'broken\x00 on <arm>'] })).toBeNull();
    expect(await ask({ verb: 'SETFILEMETA', data: [file[0], '>=3.7, <4', 'cd'.repeat(32)] })).toBeNull();
    const [releases, files] = await ask({ verb: 'PROJDATA', data: 'foo' });
    expect(releases.map((r) => [r[0], r[2], r[3], r[4], r[5].map(([, abi, ok]) => [abi, ok])]).sort()).toEqual([
      ['1.0', '', true, 'broken\ufffd on <arm>', [['cp34m', true]]], // a NUL replaced, as build logs' are
      ['2.0', 'binary only', false, '', []],
    ]);
    expect(releases.find((r) => r[0] === '1.0')![1]).toBeInstanceOf(Date);
    expect(files).toEqual([['1.0', file[0], 1000, file[2], 'cp34m', 'cp34m', 'linux_armv7l', '>=3.7, <4', 'cd'.repeat(32), expect.any(Date), ['libc6', 'libfoo'], []]]);
    expect(await ask({ verb: 'BUILDLOG', data: id })).toEqual(expect.any(String));
    expect(await ask({ verb: 'BUILDLOG', data: id + 1000 })).toBeNull();
    // many packages and logs at once: what the single queries give, each package once, unknown ones empty
    const pages = await ask({ verb: 'PROJPAGES', data: ['foo', 'nope', 'foo'] });
    expect(Object.keys(pages).sort()).toEqual(['foo', 'nope']);
    expect(pages.foo![0]).toEqual(await ask({ verb: 'PROJDATA', data: 'foo' }));
    expect(pages.foo!.slice(1)).toEqual([await ask({ verb: 'GETDESC', data: 'foo' }), await ask({ verb: 'GETPROJNAME', data: 'foo' }), await ask({ verb: 'GETPKGNAMES', data: 'foo' })]);
    expect(pages.nope).toEqual([[[], []], null, null, []]);
    expect(await ask({ verb: 'BUILDLOGS', data: [id, id + 1000] })).toEqual({ [id]: await ask({ verb: 'BUILDLOG', data: id }) });
    expect(await ask({ verb: 'UNYANKVER', data: ['foo', '1.0'] })).toBeNull();
    expect((await ask({ verb: 'PROJDATA', data: 'foo' }))[0].find((r) => r[0] === '1.0')!.slice(3, 5)).toEqual([false, '']);

    const record = (first: string): DownloadRecordWire => [first, '10.0.0.1', minutesAgo(1), 'armv7l', null, null, null, null, null, null, 'pip', null, null];
    expect(await ask({ verb: 'LOGDOWNLOAD', data: record(file[0]) })).toBeNull();
    expect(await ask({ verb: 'LOGSEARCH', data: record('foo') })).toBeNull();
    expect(await ask({ verb: 'LOGPROJECT', data: ['foo', '10.0.0.1', at, 'Mozilla'] })).toBeNull();
    expect(await ask({ verb: 'LOGJSON', data: ['foo', '10.0.0.1', at, 'pip'] })).toBeNull();
    expect(await ask({ verb: 'LOGPAGE', data: ['index.html', '::1', at, 'curl'] })).toBeNull();
    expect(await ask({ verb: 'GETSEARCH' })).toEqual({ foo: [1, 1] });

    const stats = await ask({ verb: 'GETSTATS' });
    expect(stats.builds_time).toBeInstanceOf(TimeDelta);
    expect(stats).toMatchObject({ files_count: 1, packages_built: 1, new_last_hour: 1, downloads_all: 1, builds_last_hour: { cp34m: 1, cp35m: 0 } });

    expect(await ask({ verb: 'SETPYPI', data: 1234 })).toBeNull();
    expect(await ask({ verb: 'GETPYPI' })).toBe(1234);
    expect(await ask({ verb: 'SAVERWP', data: [['foo', at, 'BOTH']] })).toBeNull();
    expect(await ask({ verb: 'LOADRWP' })).toEqual([['foo', at, 'BOTH']]);

    expect(await ask({ verb: 'SKIPVER', data: ['foo', '2.0', 'deleted'] })).toBeNull();
    expect(await ask({ verb: 'VERSDELETED', data: 'foo' })).toEqual(new Set(['2.0']));
    expect(await ask({ verb: 'DELBUILD', data: ['foo', '1.0'] })).toBeNull();
    expect(await ask({ verb: 'PKGFILES', data: 'foo' })).toEqual({});
    expect(await ask({ verb: 'DELVER', data: ['foo', '2.0'] })).toBeNull();
    expect(await ask({ verb: 'SKIPPKG', data: ['foo', 'deleted'] })).toBeNull();
    expect(await ask({ verb: 'PKGDELETED', data: 'foo' })).toBe(true);
    expect(await ask({ verb: 'DELPKG', data: 'foo' })).toBeNull();
    expect(await ask({ verb: 'PKGEXISTS', data: 'foo' })).toBe(false);

    // piw-add: each a transaction; the name given last is the display name; refusals change nothing
    expect(await ask({ verb: 'ADDPKG', data: ['bar', 'Bar', 'Bar things', '', false, ['BAR'], at] })).toBe('NEWPKG');
    expect(await ask({ verb: 'GETPROJNAME', data: 'bar' })).toBe('Bar');
    expect(await ask({ verb: 'GETPKGNAMES', data: 'bar' })).toEqual(['BAR', 'Bar']);
    expect(await ask({ verb: 'ADDPKG', data: ['bar', 'bar', '', 'licence', false, [], at] })).toBe('SKIPPKG');
    expect(await ask({ verb: 'GETPROJNAME', data: 'bar' })).toBe('Bar');
    expect(await ask({ verb: 'ADDVER', data: ['bar', 'bar', '1.0', '', false, at, true, false, [], at] })).toBe('NEWVER');
    expect(await ask({ verb: 'PROJVERS', data: 'bar' })).toEqual([['1.0', '', '', '', true]]);
    expect(await ask({ verb: 'ADDVER', data: ['bar', 'bar', '1.0', '', false, at, false, true, [], at] })).toBe('UPDVER');
    expect(await ask({ verb: 'ADDVER', data: ['bar', 'bar', '1.0', 'broken', false, at, false, false, [], at] })).toBe('SKIPVER');
    expect(await ask({ verb: 'PROJVERS', data: 'bar' })).toEqual([['1.0', '', '', '', false]]);
    expect(await ask({ verb: 'ADDVER', data: ['nope', 'nope', '1.0', '', false, at, false, false, [], at] })).toBe('NOPKG');
    // a name too long for its column fails the last step: the package added before it is undone too
    await expect(client.request({ verb: 'ADDPKG', data: ['baz', 'baz', '', '', false, ['b'.repeat(300)], at] })).rejects.toThrow(/too long/);
    expect(await ask({ verb: 'PKGEXISTS', data: 'baz' })).toBe(false);

    expect([...seen].sort()).toEqual(Object.keys(oracleRequests).sort());
  });

  test('DbClient methods are the manual Database methods over the bus', async () => {
    expect(await client.addNewPackage('bar')).toBe(true);
    expect(await client.addNewPackageVersion('bar', '0.1')).toBe(true);
    const [row] = await b.admin((sql) => sql`SELECT released FROM versions WHERE package = 'bar'`);
    expect((row!.released as Date).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(await client.getAllPackages()).toEqual(new Set(['bar']));
    expect(await client.logBuild(build('bar', '0.1', 'cp34m', [], { seconds: 3 }))).toEqual(expect.any(Number));
  });

  test('a database error is an ERROR answer, which DbClient raises with its text (behaviour 172)', async () => {
    const error = await client.addNewPackageVersion('nope', '1.0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OracleError);
    expect(error).toMatchObject({ code: 'PIW_ERR_ORACLE', verb: 'NEWVER', text: expect.stringMatching(/foreign key/) });
    await client.setPypiSerial(10);
    await expect(client.setPypiSerial(9)).rejects.toThrow('the Oracle answered SETPYPI with ERROR: pypi_serial number cannot go backwards');
    // A missing privilege is a database error like any other.
    await b.admin((sql) => sql`REVOKE EXECUTE ON FUNCTION get_pypi_serial() FROM piwheels`);
    try {
      expect(await bus.request(queues.db, { verb: 'GETPYPI' })).toEqual({
        verb: 'ERROR',
        data: expect.stringMatching(/permission denied for function get_pypi_serial/),
      });
    } finally {
      await b.admin((sql) => sql`GRANT EXECUTE ON FUNCTION get_pypi_serial() TO piwheels`);
    }
    // The Oracles carry on.
    expect(await client.getPypiSerial()).toBe(10);
  });

  test('an unknown verb or an undecodable frame is still answered with ERROR (behaviour 171)', async () => {
    const oracle = new Oracle(99, b.db);
    const decode = (frame: Buffer) => oracleProtocol.mirror().decode(frame);
    expect(decode(await oracle.answerFrame(Buffer.from([0xff, 0x00, 0x13])))).toEqual({ verb: 'ERROR', data: 'unable to deserialize data' });
    expect(decode(await oracle.answerFrame(encodeCbor('FOO')))).toEqual({ verb: 'ERROR', data: 'unknown message: FOO' });
    expect(decode(await oracle.answerFrame(encodeCbor(['NEWPKG', 'just a string'])))).toEqual({
      verb: 'ERROR',
      data: expect.stringMatching(/^invalid data for NEWPKG/),
    });
    expect(decode(await oracle.answerFrame(encodeCbor(['PKGEXISTS', 'nothing'])))).toEqual({ verb: 'OK', data: false });
    expect(await oracle.answer({ verb: 'NOSUCHVERB' } as unknown as OracleRequest)).toEqual({ verb: 'ERROR', data: 'unknown message: NOSUCHVERB' });
  });

  test('requests from many tasks at once are all answered, each with its own result', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.addNewPackage(`pkg${i}`)));
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => client.testPackage(`pkg${i}`)));
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => i < 20));
  });
});

describe('the task actor', () => {
  test('serves the db queue once started, ignores PAUSE (behaviour 19) and stops on QUIT', async () => {
    const backend = await openBackend('postgres');
    const bus = createBus();
    const log = memoryLogger('master.seraph');
    try {
      const actor = createActor(oracleTask, { input: { bus, db: backend.db, oracles: 2, log } }).start();
      await waitFor(actor, () => bus.isServed(queues.db));
      const client = new DbClient(bus);
      expect(await client.getPypiSerial()).toBe(0);
      actor.send({ type: 'PAUSE' });
      expect(await client.testPackage('anything')).toBe(false);
      expect(log.entries.map((e) => e.message)).toEqual(expect.arrayContaining(['serving the database with 2 Oracles', 'ignoring PAUSE (this task never pauses)']));
      actor.send({ type: 'QUIT' });
      await waitFor(actor, (s) => s.status === 'done');
      expect(bus.isServed(queues.db)).toBe(false);
      await expect(client.getPypiSerial()).rejects.toMatchObject({ code: 'PIW_ERR_BUS_NO_SERVER' });
    } finally {
      bus.close();
      await backend.close();
    }
  });
});

describe('issue 11: requests are tried again while the database is unreachable', () => {
  test('on PostgreSQL: LOGBUILD cut off by the server (its backend terminated) is made again and recorded once the server answers', async () => {
    const b = await openBackend('postgres');
    const bus = createBus();
    const log = memoryLogger('master.the_oracle');
    const served = serveDatabase({ bus, db: b.db, log });
    const client = new DbClient(bus);
    try {
      await b.admin(async (sql) => {
        await sql`INSERT INTO build_abis (abi_tag) VALUES ('cp34m')`;
      });
      await client.addNewPackage('foo');
      await client.addNewPackageVersion('foo', '1.0', new Date('2020-01-01T00:00:00Z'));
      const [pending] = await b.admin((sql) =>
        sql.begin(async (tx) => {
          // Hold LOGBUILD up, cut its connection off as a restart would, then let the next attempt through.
          await tx`LOCK TABLE builds IN ACCESS EXCLUSIVE MODE`;
          const pending = client.logBuild(build('foo', '1.0', 'cp34m', [wheel('foo', '1.0', 'cp34m')]));
          for (;;) {
            const [{ n }] = (await tx`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE usename = 'piwheels' AND wait_event_type = 'Lock'`) as unknown as [{ n: number }];
            if (n > 0) break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          await tx`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'piwheels' AND wait_event_type = 'Lock'`;
          return [pending] as const; // not awaited here: the next attempt waits for this transaction's lock
        }),
      );
      const logged = await pending;
      expect(Number.isInteger(logged)).toBe(true);
      expect(served.oracles.reduce((n, o) => n + o.retries, 0)).toBeGreaterThan(0);
      expect(log.entries.map((e) => e.message)).toEqual([
        expect.stringMatching(/^oracle \d: the database is unreachable \(.+\); trying LOGBUILD again for up to 60 s$/),
        expect.stringMatching(/^oracle \d: the database answered LOGBUILD after 1 failed attempts in \d+\.\d s$/),
      ]);
      expect(await client.getVersionFiles('foo', '1.0')).toEqual(new Set([wheel('foo', '1.0', 'cp34m')[0]]));
    } finally {
      await served.stop();
      await b.close();
    }
  });

  test('an error that is not about reaching the database is answered at once; an outage longer than retryForMs is answered ERROR', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('connect ECONNREFUSED /run/postgresql/.s.PGSQL.5432'), { code: 'ECONNREFUSED' });
    const db = {
      getPypiSerial: async () => {
        calls++;
        throw refused;
      },
      testPackage: async () => {
        calls++;
        throw Object.assign(new Error('permission denied for function test_package'), { code: '42501' });
      },
    };
    const oracle = new Oracle(1, db as never, { retryForMs: 500 });
    expect(await oracle.answer({ verb: 'PKGEXISTS', data: 'foo' })).toEqual({ verb: 'ERROR', data: 'permission denied for function test_package' });
    expect(calls).toBe(1);
    calls = 0;
    const reply = await oracle.answer({ verb: 'GETPYPI' });
    expect(reply).toEqual({ verb: 'ERROR', data: expect.stringMatching(/^connect ECONNREFUSED .* \(after \d+ attempts\)$/) });
    expect(calls).toBeGreaterThan(2);
  });

  test('stopping the task ends a retry at once', async () => {
    const bus = createBus();
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const served = serveDatabase({ bus, db: { getPypiSerial: async () => Promise.reject(refused) } as never, retryForMs: 600_000 });
    const client = new DbClient(bus);
    const pending = client.getPypiSerial();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await served.stop();
    await expect(pending).rejects.toThrow(/ECONNREFUSED/);
  });
});
