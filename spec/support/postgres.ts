/**
 * Test databases on both back ends.
 *
 * - `createServerDatabase(template)`: a fresh database on the run's PostgreSQL server (started by
 *   postgres-global-setup.ts), with a unique name so test files run in parallel. `template` is 'empty'
 *   (nothing in it), '0.18' (the piwheels 0.18 model) or 'current' (our schema). Templates are built once
 *   per run, by the first worker that needs them, under an advisory lock, and cloned with CREATE DATABASE.
 * - `openPgliteDatabase(template)`: the same on an embedded (in-memory) PGlite; the templates are data
 *   directory dumps cached in node_modules/.cache/piwheels-test, keyed by the schema scripts' contents.
 * - `openBackend(kind, template)`: either, as the master role plus a superuser door (`admin`), for tests
 *   that run on both back ends.
 *
 * The master role is `piwheels` (created by the global setup on the server, by the template on PGlite).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import { connect, type Connection } from '../../schema/connection.js';
import { Database } from '../../schema/database.js';
import { parseDsn } from '../../schema/dsn.js';
import { loadScript, migrate, MIGRATIONS, quoteIdentifier } from '../../schema/migrations.js';
import { ensureRole } from '../../schema/open.js';
import { ORIGINAL_VERSION, SCHEMA_VERSION } from '../../schema/version.js';

export const MASTER_USER = 'piwheels';
export const MASTER_PASSWORD = 'piwheels';

export type Template = 'empty' | '0.18' | 'current';
export type Backend = 'postgres' | 'pglite';
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

const VERSION_OF: Record<Exclude<Template, 'empty'>, string> = { '0.18': ORIGINAL_VERSION, current: SCHEMA_VERSION };

/** A superuser connection string for `database` on the test server (from PGHOST etc.). */
export function superDsn(database: string): string {
  const host = encodeURIComponent(process.env.PGHOST ?? '');
  const port = process.env.PGPORT ?? '5432';
  const user = encodeURIComponent(process.env.PGUSER ?? 'postgres');
  const pass = process.env.PGPASSWORD ? `:${encodeURIComponent(process.env.PGPASSWORD)}` : '';
  return `postgres://${user}${pass}@${host}:${port}/${encodeURIComponent(database)}`;
}

/** The master role's connection string for `database` on the test server. */
export function masterDsn(database: string): string {
  const host = encodeURIComponent(process.env.PGHOST ?? '');
  const port = process.env.PGPORT ?? '5432';
  return `postgres://${MASTER_USER}:${MASTER_PASSWORD}@${host}:${port}/${encodeURIComponent(database)}`;
}

export interface ServerDatabase {
  name: string;
  superDsn: string;
  masterDsn: string;
  drop(): Promise<void>;
}

let counter = 0;

function uniqueName(): string {
  return `piw_t_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
}

async function withPostgres<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  const conn = await connect(parseDsn(superDsn(process.env.PGDATABASE || 'postgres')), { max: 1 });
  try {
    return await fn(conn.sql);
  } finally {
    await conn.close();
  }
}

const templateName = (t: Exclude<Template, 'empty'>) => `piw_tpl_${t === 'current' ? SCHEMA_VERSION : t}_${scriptsHash().slice(0, 8)}`.replace(/\./g, '_');

let cachedHash: string | undefined;
/** Changes whenever a schema script does, so stale templates are never used. */
function scriptsHash(): string {
  cachedHash ??= createHash('sha256')
    .update(MIGRATIONS.map((step) => loadScript(step)).join('\0'))
    .digest('hex');
  return cachedHash;
}

async function ensureServerTemplate(t: Exclude<Template, 'empty'>): Promise<string> {
  const name = templateName(t);
  await withPostgres(async (sql) => {
    await sql`SELECT pg_advisory_lock(hashtext('piwheels test templates'))`;
    try {
      const [exists] = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
      if (exists) return;
      const building = `${name}_building`;
      await sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdentifier(building)}`);
      await sql.unsafe(`CREATE DATABASE ${quoteIdentifier(building)}`);
      const tpl = await connect(parseDsn(superDsn(building)), { max: 1 });
      try {
        await migrate(tpl.sql, { username: MASTER_USER, expectFrom: null, target: VERSION_OF[t] });
      } finally {
        await tpl.close();
      }
      await sql.unsafe(`ALTER DATABASE ${quoteIdentifier(building)} RENAME TO ${quoteIdentifier(name)}`);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext('piwheels test templates'))`;
    }
  });
  return name;
}

/** A new database on the test server; dropped by `drop()`. */
export async function createServerDatabase(template: Template = 'current'): Promise<ServerDatabase> {
  const source = template === 'empty' ? 'template1' : await ensureServerTemplate(template);
  const name = uniqueName();
  await withPostgres(async (sql) => {
    await sql.unsafe(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(source)}`);
    if (template !== 'empty') {
      // Database privileges are not copied from a template: grant them as piw-initdb did.
      await sql.unsafe(`REVOKE ALL ON DATABASE ${quoteIdentifier(name)} FROM PUBLIC`);
      await sql.unsafe(`GRANT CONNECT, TEMP ON DATABASE ${quoteIdentifier(name)} TO ${quoteIdentifier(MASTER_USER)}`);
    }
  });
  return {
    name,
    superDsn: superDsn(name),
    masterDsn: masterDsn(name),
    drop: () => withPostgres(async (sql) => void (await sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`))),
  };
}

// PGlite templates -------------------------------------------------------------------------------------

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/piwheels-test/', import.meta.url));

async function pgliteVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8'));
  return String(pkg.version);
}

/** Runs `build` once across all workers (a lock file), unless `file` already exists. */
async function once(file: string, build: () => Promise<Buffer>): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  for (;;) {
    try {
      return await readFile(file);
    } catch {
      // Not built yet.
    }
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
      try {
        const data = await build();
        await writeFile(`${file}.tmp`, data);
        await rename(`${file}.tmp`, file);
        return data;
      } finally {
        await rm(lock, { force: true });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Someone else is building it; a lock older than five minutes was left by a dead run.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 300_000) await rm(lock, { force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function pgliteTemplate(template: Template): Promise<Blob> {
  const key = createHash('sha256').update(`${await pgliteVersion()}\0${template}\0${scriptsHash()}`).digest('hex').slice(0, 16);
  const data = await once(path.join(CACHE_DIR, `pglite-${template}-${key}.tar`), async () => {
    if (template === 'empty') {
      const pg = new PGlite();
      try {
        await pg.waitReady;
        await pg.exec(`CREATE ROLE ${quoteIdentifier(MASTER_USER)} NOSUPERUSER`);
        return Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
      } finally {
        await pg.close();
      }
    }
    const conn = await connect({ kind: 'embedded', dataDir: undefined }, { loadDataDir: await pgliteTemplate('empty') });
    try {
      await ensureRole(conn.sql, MASTER_USER);
      await migrate(conn.sql, { username: MASTER_USER, expectFrom: null, target: VERSION_OF[template] });
      return Buffer.from(await (await conn.embedded!.pg.dumpDataDir('none')).arrayBuffer());
    } finally {
      await conn.close();
    }
  });
  return new Blob([new Uint8Array(data)]);
}

/** An in-memory embedded database made from `template`, connected as the superuser `postgres`. */
export async function openPgliteDatabase(template: Template = 'current'): Promise<Connection> {
  return connect({ kind: 'embedded', dataDir: undefined }, { loadDataDir: await pgliteTemplate(template) });
}

/** A dump of `template` for tests that start PGlite themselves (e.g. in a data directory). */
export { pgliteTemplate };

// Both back ends -----------------------------------------------------------------------------------------

export interface TestBackend {
  kind: Backend;
  /** The database API as the master role. */
  db: Database;
  /** Runs `fn` as the superuser (outside the grants model), e.g. to add build ABIs. */
  admin<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Empties every table (configuration back to its initial row). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const DATA_TABLES = [
  'packages', 'package_names', 'versions', 'build_abis', 'builds', 'output', 'files', 'dependencies', 'downloads',
  'searches', 'project_page_hits', 'project_json_downloads', 'web_page_hits', 'rewrites_pending', 'preinstalled_apt_packages',
];

async function resetData(sql: Sql): Promise<void> {
  await sql.unsafe(`TRUNCATE ${DATA_TABLES.join(', ')} RESTART IDENTITY CASCADE; UPDATE configuration SET pypi_serial = 0`);
}

export async function openBackend(kind: Backend, template: Exclude<Template, 'empty'> = 'current'): Promise<TestBackend> {
  if (kind === 'pglite') {
    const conn = await openPgliteDatabase(template);
    const asMaster = () => conn.sql.unsafe(`SET ROLE ${quoteIdentifier(MASTER_USER)}`);
    await asMaster();
    // One shared session: step out of the master role, do the work, step back in.
    const admin = async <T>(fn: (sql: Sql) => Promise<T>) => {
      await conn.sql`RESET ROLE`;
      try {
        return await fn(conn.sql);
      } finally {
        await asMaster();
      }
    };
    return { kind, db: new Database(conn), admin, reset: () => admin(resetData), close: () => conn.close() };
  }
  const database = await createServerDatabase(template);
  const master = await connect(parseDsn(database.masterDsn), { max: 4 });
  const superuser = await connect(parseDsn(database.superDsn), { max: 2 });
  return {
    kind,
    db: new Database(master),
    admin: (fn) => fn(superuser.sql),
    reset: () => resetData(superuser.sql),
    async close() {
      await master.close();
      await superuser.close();
      await database.drop();
    },
  };
}
