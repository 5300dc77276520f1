/**
 * openDatabase (schema/open.ts): the master's way in. The embedded default is initialised on first use,
 * runs as the master role, persists and is locked while open, with small memory settings (issue 15); any database whose version is not ours is
 * refused with the piw-initdb command that fixes it (behaviour 34, with our version); bad targets say what
 * is wrong.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded } from '../../schema/embedded.js';
import { openDatabase } from '../../schema/open.js';
import { SCHEMA_VERSION } from '../../schema/version.js';
import { createServerDatabase, pgliteTemplate, type ServerDatabase } from '../support/postgres.js';

describe('the embedded database', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'piw-open-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('is created on first open, runs as the master role, keeps its data and is locked while open', async () => {
    const dsn = `pglite:${dir}/pgdata`;
    const db = await openDatabase({ dsn });
    try {
      const [who] = await db.sql`SELECT current_user AS user, (SELECT version FROM configuration) AS version`;
      expect(who).toEqual({ user: 'piwheels', version: SCHEMA_VERSION });
      expect(await db.addNewPackage('foo')).toBe(true);
      await expect(db.sql`INSERT INTO packages (package) VALUES ('bar')`).rejects.toThrow(/permission denied/);
      await expect(openDatabase({ dsn })).rejects.toThrow(`The embedded database in ${dir}/pgdata is in use by process ${process.pid}`);
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dsn });
    try {
      expect(await again.getAllPackages()).toEqual(new Set(['foo']));
      // issue 15: PostgreSQL's 128MB of shared buffers would cost the master as much RSS from the start.
      expect(await again.sql`SELECT current_setting('shared_buffers') AS buffers`).toEqual([{ buffers: '16MB' }]);
    } finally {
      await again.close();
    }
  });

  test('a lock left by a dead process is taken over', async () => {
    const dataDir = `${dir}/stale`;
    await writeFile(`${dataDir}.lock`, '999999999\n');
    const db = await openDatabase({ dsn: `pglite:${dataDir}` });
    await db.close();
  });

  test('issue 11: a lock in this process\'s pid from an earlier start (a killed run whose pid came back) is taken over', async () => {
    const dataDir = `${dir}/namesake`;
    await writeFile(`${dataDir}.lock`, `${process.pid} ${Math.round(performance.timeOrigin) - 60_000}\n`);
    const db = await openDatabase({ dsn: `pglite:${dataDir}` });
    await db.close();
  });

  test('issue 11: the socket directories of embedded databases whose process died (kill -9) are removed at the next start', async () => {
    const dead = path.join(os.tmpdir(), 'piw-pglite-4000000-zzzzzz');
    const living = path.join(os.tmpdir(), `piw-pglite-${process.ppid}-zzzzzz`);
    for (const d of [dead, living]) {
      await mkdir(d, { recursive: true });
      await writeFile(path.join(d, '.s.PGSQL.5432'), '');
    }
    try {
      const server = await startEmbedded({ dataDir: undefined });
      await server.stop();
      await expect(stat(dead)).rejects.toThrow(/ENOENT/);
      expect((await stat(living)).isDirectory()).toBe(true);
    } finally {
      await rm(dead, { recursive: true, force: true });
      await rm(living, { recursive: true, force: true });
    }
  });

  test('an embedded database of another version is refused, naming the piw-initdb command', async () => {
    const dataDir = `${dir}/old`;
    const server = await startEmbedded({ dataDir, loadDataDir: await pgliteTemplate('0.18') });
    await server.stop();
    await expect(openDatabase({ dsn: `pglite:${dataDir}` })).rejects.toThrow(
      `Database version (0.18) does not match software version (${SCHEMA_VERSION}); run piw-initdb -d pglite:${dataDir} to upgrade it`,
    );
  });
});

describe('a server database', () => {
  const made: ServerDatabase[] = [];
  const make = async (template: 'empty' | '0.18' | 'current') => {
    const db = await createServerDatabase(template);
    made.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of made) await db.drop();
  });

  test('at our version opens as the master role', async () => {
    const db = await openDatabase({ dsn: (await make('current')).masterDsn });
    try {
      expect(await db.getPypiSerial()).toBe(0);
    } finally {
      await db.close();
    }
  });

  test('at another version, or empty, is refused with the piw-initdb command (behaviour 34)', async () => {
    const old = await make('0.18');
    await expect(openDatabase({ dsn: old.masterDsn })).rejects.toThrow(
      new RegExp(`^Database version \\(0\\.18\\) does not match software version \\(${SCHEMA_VERSION.replace(/\./g, '\\.')}\\); run piw-initdb -d postgres://piwheels@.* to upgrade it$`),
    );
    const empty = await make('empty');
    await expect(openDatabase({ dsn: empty.masterDsn })).rejects.toThrow(/^Database is not initialised; run piw-initdb -d postgres:/);
  });

  test('that does not exist, or cannot be reached, is reported in words', async () => {
    const dsn = (await make('empty')).masterDsn.replace(/\/[^/]*$/, '/no_such_db');
    await expect(openDatabase({ dsn })).rejects.toMatchObject({ code: 'PIW_ERR_DB_MISSING', message: 'Database no_such_db does not exist' });
    await expect(openDatabase({ dsn: 'postgres://u@/d?host=/nonexistent-dir' })).rejects.toMatchObject({
      code: 'PIW_ERR_DB_CONNECT',
      message: expect.stringMatching(/^Unable to connect to database d as u on \/nonexistent-dir\/\.s\.PGSQL\.5432: /),
    });
  });
});
