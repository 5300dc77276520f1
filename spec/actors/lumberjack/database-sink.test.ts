/**
 * The Lumberjack's database sink as the unprivileged master role, on a real PostgreSQL server and on the
 * embedded PGlite: each kind goes to its table through its batch function, text survives every character
 * an array literal must escape, refused data is told apart from a lost database.
 */
import { DatabaseLogSink } from '../../../actors/lumberjack/database-sink.js';
import { RejectedBatchError, type LogRecord } from '../../../actors/lumberjack/log-sink.js';
import { connect } from '../../../schema/connection.js';
import { Database } from '../../../schema/database.js';
import { parseDsn } from '../../../schema/dsn.js';
import { BACKENDS, createServerDatabase, openBackend, type TestBackend } from '../../support/postgres.js';

const WHEN = new Date(Date.UTC(2020, 8, 15, 12, 0, 0, 123));
const NASTY = 'a "quoted", {braced} \\back\\slashed\' NULL ünïcødé 😀';

const RECORDS: LogRecord[] = [
  { verb: 'LOGDOWNLOAD', data: ['foo-1.0-py3-none-any.whl', '192.0.2.1', WHEN, 'armv7l', 'Raspbian GNU/Linux', '10', 'Linux', '5.4', 'CPython', '3.7.3', 'pip', '20.0.2', '44.0.0'] },
  { verb: 'LOGDOWNLOAD', data: ['bar-2.0-cp37-cp37m-linux_armv7l.whl', '2001:db8::1', WHEN, null, null, null, null, null, 'CPython', null, null, null, null] },
  { verb: 'LOGSEARCH', data: ['foo', '192.0.2.2', WHEN, null, null, null, null, null, 'CPython', null, null, null, null] },
  { verb: 'LOGPROJECT', data: ['foo', '192.0.2.3', WHEN, NASTY] },
  { verb: 'LOGJSON', data: ['foo', '192.0.2.4', WHEN, 'wget'] },
  { verb: 'LOGPAGE', data: ['home', '192.0.2.5', WHEN, ''] },
  { verb: 'LOGPAGE', data: ['NULL', '::1', WHEN, 'NULL'] },
];

describe.each(BACKENDS)('DatabaseLogSink on %s', (kind) => {
  let b: TestBackend;

  beforeAll(async () => {
    b = await openBackend(kind);
  });
  afterAll(async () => {
    await b?.close();
  });
  beforeEach(async () => {
    await b.reset();
  });

  it('writes a mixed batch, each kind to its table, as the master role', async () => {
    await new DatabaseLogSink(b.db).writeBatch(RECORDS);
    const rows = await b.admin(async (sql) => ({
      downloads: await sql`SELECT filename, host(accessed_by) AS host, accessed_at, arch, distro_name, distro_version, os_name,
        os_version, py_name, py_version, installer_name, installer_version, setuptools_version FROM downloads ORDER BY filename`,
      searches: await sql`SELECT package, host(accessed_by) AS host, py_name, arch FROM searches`,
      projects: await sql`SELECT package, host(accessed_by) AS host, user_agent, bot FROM project_page_hits`,
      jsons: await sql`SELECT package, user_agent FROM project_json_downloads`,
      pages: await sql`SELECT page, host(accessed_by) AS host, accessed_at, user_agent FROM web_page_hits ORDER BY page`,
    }));
    expect(rows.downloads.map((r) => Object.values(r))).toEqual([
      ['bar-2.0-cp37-cp37m-linux_armv7l.whl', '2001:db8::1', WHEN, null, null, null, null, null, 'CPython', null, null, null, null],
      ['foo-1.0-py3-none-any.whl', '192.0.2.1', WHEN, 'armv7l', 'Raspbian GNU/Linux', '10', 'Linux', '5.4', 'CPython', '3.7.3', 'pip', '20.0.2', '44.0.0'],
    ]);
    expect(rows.searches.map((r) => Object.values(r))).toEqual([['foo', '192.0.2.2', 'CPython', null]]);
    expect(rows.projects.map((r) => Object.values(r))).toEqual([['foo', '192.0.2.3', NASTY, false]]);
    expect(rows.jsons.map((r) => Object.values(r))).toEqual([['foo', 'wget']]);
    expect(rows.pages.map((r) => Object.values(r))).toEqual([
      ['NULL', '::1', WHEN, 'NULL'],
      ['home', '192.0.2.5', WHEN, ''],
    ]);
  });

  it('keeps the statistics of downloads up to date (the statement-level triggers see the batch)', async () => {
    const many = Array.from({ length: 500 }, (_, i): LogRecord => ({ verb: 'LOGDOWNLOAD', data: [`f${i}.whl`, '192.0.2.1', new Date(), ...Array(10).fill(null)] as never }));
    await new DatabaseLogSink(b.db).writeBatch(many);
    const stats = await b.db.getStatistics();
    expect(stats).toMatchObject({ downloads_last_hour: 500, downloads_all: 500 });
  });

  it('refuses a batch holding a value its column cannot take, writing none of it', async () => {
    const tooLong: LogRecord = { verb: 'LOGPAGE', data: ['x'.repeat(31), '192.0.2.1', WHEN, 'ua'] };
    const attempt = new DatabaseLogSink(b.db).writeBatch([RECORDS[0]!, tooLong]);
    await expect(attempt).rejects.toBeInstanceOf(RejectedBatchError);
    await expect(attempt).rejects.toThrow(/too long/);
    expect(await b.admin(async (sql) => Number((await sql`SELECT COUNT(*) AS n FROM downloads`)[0]!.n))).toBe(0);
  });
});

describe('DatabaseLogSink and a lost database', () => {
  it('reports a closed connection as a plain (retryable) error', async () => {
    const database = await createServerDatabase('current');
    const conn = await connect(parseDsn(database.masterDsn), { max: 1 });
    try {
      await conn.close();
      const attempt = new DatabaseLogSink(new Database(conn)).writeBatch(RECORDS);
      await expect(attempt).rejects.toThrow();
      await expect(attempt).rejects.not.toBeInstanceOf(RejectedBatchError);
    } finally {
      await database.drop();
    }
  });
});
