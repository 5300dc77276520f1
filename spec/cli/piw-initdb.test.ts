/**
 * piw-initdb (manual chapter 6; behaviours 208–211) against the run's PostgreSQL server and the embedded
 * database: initialising, upgrading a populated 0.18 database, a second run doing nothing, a failed
 * upgrade leaving everything as it was, the prompt, wrong roles and bad DSNs with clear errors and a
 * non-zero exit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect, type Connection } from '../../schema/connection.js';
import { parseDsn } from '../../schema/dsn.js';
import { startEmbedded } from '../../schema/embedded.js';
import { detectVersion } from '../../schema/migrations.js';
import { SCHEMA_VERSION } from '../../schema/version.js';
import { InitdbCommand } from '../../cli/initdb/command.js';
import { createServerDatabase, masterDsn, pgliteTemplate, type ServerDatabase } from '../support/postgres.js';
import { rowsOf, structureOf, upgradedRows } from '../schema/catalog.js';
import { fillSample018 } from '../schema/fixtures/sample-0.18.js';
import { run, spawnTty } from './common/harness.js';

const made: ServerDatabase[] = [];
async function database(template: 'empty' | '0.18' | 'current') {
  const db = await createServerDatabase(template);
  made.push(db);
  return db;
}
afterAll(async () => {
  for (const db of made) await db.drop();
});

async function withSql<T>(dsn: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await connect(parseDsn(dsn), { max: 1 });
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

const versionOf = (dsn: string) => withSql(dsn, (c) => detectVersion(c.sql));

describe('on a PostgreSQL server', () => {
  test('initialises an empty database, then says it is current and exits 0 (behaviour 209)', async () => {
    const db = await database('empty');
    const first = await run(InitdbCommand, ['-d', db.superDsn, '-y']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('WARNING initdb: Database appears to be uninitialized');
    expect(first.stdout).toMatch(/create the piwheels 0\.18 data model \(0\.18\) \.\.\. done in \d+\.\d s\n/);
    expect(first.stdout).toMatch(/upgrade 0\.18 to 0\.18\.1: .* \.\.\. done in \d+\.\d s\n/);
    expect(first.stdout).toContain(`Database is now at version ${SCHEMA_VERSION}`);
    expect(await versionOf(db.superDsn)).toBe(SCHEMA_VERSION);
    const second = await run(InitdbCommand, ['-d', db.superDsn, '-y']);
    expect(second).toMatchObject({ code: 0, stdout: '' });
    expect(second.stderr).toContain('Database is the current version');
    // The master role can use what was made.
    await withSql(db.masterDsn, async (c) => expect(await c.sql`SELECT add_new_package('foo') AS ok`).toEqual([{ ok: true }]));
  });

  test('upgrades a populated piwheels 0.18 database keeping every row (behaviour 209)', async () => {
    const db = await database('0.18');
    const before = await withSql(db.superDsn, async (c) => {
      await fillSample018(c.sql);
      return rowsOf(c.sql);
    });
    const r = await run(InitdbCommand, ['-d', db.superDsn, '-y']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Detected database version 0.18');
    expect(r.stderr).toContain(`Upgrading database to version ${SCHEMA_VERSION}`);
    const after = await withSql(db.superDsn, (c) => rowsOf(c.sql, Object.keys(before)));
    expect(after).toEqual(upgradedRows(before, SCHEMA_VERSION));
  });

  test('a failed upgrade reports the step and leaves the database unchanged', async () => {
    const db = await database('0.18');
    const snapshot = await withSql(db.superDsn, async (c) => {
      await fillSample018(c.sql);
      await c.sql`CREATE TABLE build_queue (whatever INTEGER)`;
      return { structure: await structureOf(c.sql), rows: await rowsOf(c.sql) };
    });
    const r = await run(InitdbCommand, ['-d', db.superDsn, '-y']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/upgrade 0\.18 to 0\.18\.1: .* \.\.\. failed\n/);
    expect(r.stderr).toMatch(/ERROR initdb: relation "build_queue" already exists while trying to upgrade 0\.18 to 0\.18\.1: .*; the database was left unchanged/);
    expect(await withSql(db.superDsn, async (c) => ({ structure: await structureOf(c.sql), rows: await rowsOf(c.sql) }))).toEqual(snapshot);
  });

  test('asks before changing anything; "no" changes nothing and exits 2', async () => {
    const db = await database('0.18');
    const no = await run(InitdbCommand, ['-d', db.superDsn], 'n\n');
    expect(no.code).toBe(2);
    expect(no.stdout).toContain(`Do you wish to proceed with the upgrade to ${SCHEMA_VERSION}? [Y/n] `);
    expect(no.stdout).toContain('upgrade 0.18 to 0.18.1: keep the build queue');
    expect(await versionOf(db.superDsn)).toBe('0.18');
    const yes = await run(InitdbCommand, ['-d', db.superDsn], 'y\n');
    expect(yes.code).toBe(0);
    expect(await versionOf(db.superDsn)).toBe(SCHEMA_VERSION);
  });

  test('refuses a connection that is not a superuser, a missing master role and a superuser one (behaviour 208)', async () => {
    const db = await database('empty');
    const asMaster = await run(InitdbCommand, ['-d', db.masterDsn, '-y']);
    expect(asMaster.code).toBe(1);
    expect(asMaster.stderr).toContain('ERROR initdb: User piwheels is not a cluster superuser');
    const missing = await run(InitdbCommand, ['-d', db.superDsn, '-u', 'no_such_role', '-y']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("User no_such_role doesn't exist as a cluster user");
    const superuser = process.env.PGUSER ?? 'postgres';
    const asSuper = await run(InitdbCommand, ['-d', db.superDsn, '-u', superuser, '-y']);
    expect(asSuper.code).toBe(1);
    expect(asSuper.stderr).toContain(`User ${superuser} is a cluster superuser; this is not recommended`);
    expect(await versionOf(db.superDsn)).toBeNull();
  });

  test('refuses databases it cannot upgrade: newer, older than 0.18, unknown (behaviour 210)', async () => {
    const db = await database('current');
    for (const [version, message] of [
      ['0.19', `Database version 0.19 is newer than this software (${SCHEMA_VERSION}); downgrades are not supported`],
      ['0.17', "Database version 0.17 predates piwheels 0.18; upgrade it with piwheels 0.18's piw-initdb first"],
      ['0.18-custom', `Unable to find upgrade path from 0.18-custom to ${SCHEMA_VERSION}`],
    ] as const) {
      await withSql(db.superDsn, (c) => c.sql`UPDATE configuration SET version = ${version}`);
      const r = await run(InitdbCommand, ['-d', db.superDsn, '-y']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`ERROR initdb: ${message}`);
    }
  });

  test('bad DSNs, missing databases and unreachable servers are clear errors with a non-zero exit', async () => {
    const bad = await run(InitdbCommand, ['-d', 'mysql://localhost/piwheels']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid DSN mysql://localhost/piwheels');
    const missing = await run(InitdbCommand, ['-d', masterDsn('no_such_database').replace('piwheels:piwheels@', `${process.env.PGUSER ?? 'postgres'}@`)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ERROR initdb: Database no_such_database does not exist');
    const unreachable = await run(InitdbCommand, ['-d', 'postgres://postgres@/piwheels?host=/nonexistent']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/ERROR initdb: Unable to connect to database piwheels as postgres on \/nonexistent\/\.s\.PGSQL\.5432: /);
  });

  test('takes its settings from the environment and from the [initdb] section of -c FILE', async () => {
    const db = await database('empty');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'piw-initdb-'));
    try {
      const conf = path.join(dir, 'piwheels.conf');
      await writeFile(conf, `[master]\ndsn = postgres://nobody@/elsewhere\n[initdb]\ndsn = ${db.superDsn}\nuser = piwheels\nyes = true\n`);
      const r = await run(InitdbCommand, ['-c', conf, '-q']);
      expect(r).toMatchObject({ code: 0, stdout: '' });
      expect(await versionOf(db.superDsn)).toBe(SCHEMA_VERSION);
      // The environment beats the file: this user does not exist.
      process.env.PIW_INITDB_USER = 'from_environment';
      try {
        const e = await run(InitdbCommand, ['-c', conf]);
        expect(e.code).toBe(1);
        expect(e.stderr).toContain("User from_environment doesn't exist as a cluster user");
      } finally {
        delete process.env.PIW_INITDB_USER;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('on the embedded database', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'piw-initdb-embedded-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('initialises a new one, creating the master role, and then finds it current', async () => {
    const dsn = `pglite:${dir}/new`;
    const first = await run(InitdbCommand, ['-d', dsn, '-y', '-u', 'farm']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('create the master role farm');
    const second = await run(InitdbCommand, ['-d', dsn, '-y', '-u', 'farm']);
    expect(second).toMatchObject({ code: 0, stdout: '' });
    expect(second.stderr).toContain('Database is the current version');
  });

  test('upgrades a 0.18 one', async () => {
    const dataDir = `${dir}/old`;
    const server = await startEmbedded({ dataDir, loadDataDir: await pgliteTemplate('0.18') });
    await server.stop();
    const r = await run(InitdbCommand, ['-d', `pglite:${dataDir}`, '-y']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Detected database version 0.18');
    expect(r.stdout).not.toContain('create the master role');
  });
});

describe('as a program on a terminal', () => {
  test('the prompt is answered on the terminal: yes initialises, exit status 0', async () => {
    const db = await database('empty');
    const tty = spawnTty('cli/piw-initdb.ts', ['-d', db.superDsn]);
    await tty.waitFor(/Do you wish to initialize the database\? \[Y\/n\] /);
    tty.answer('yes');
    const { code, output } = await tty.exited;
    expect(output).toContain(`Database is now at version ${SCHEMA_VERSION}`);
    expect(code).toBe(0);
    expect(await versionOf(db.superDsn)).toBe(SCHEMA_VERSION);
  });

  test('no leaves the database alone, exit status 2', async () => {
    const db = await database('empty');
    const tty = spawnTty('cli/piw-initdb.ts', ['-d', db.superDsn]);
    await tty.waitFor(/\[Y\/n\] /);
    tty.answer('no');
    const { code, output } = await tty.exited;
    expect(output).toContain('Nothing was changed');
    expect(code).toBe(2);
    expect(await versionOf(db.superDsn)).toBeNull();
  });
});
