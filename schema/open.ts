/**
 * `openDatabase`: how the master (and anything else that reads or writes piwheels data) gets its
 * database. No DSN means the embedded database in its default directory (dsn.ts); a `postgres://` DSN a
 * server, where the DSN's user should be the unprivileged master role. The version check refuses any
 * schema version but SCHEMA_VERSION, saying which piw-initdb command fixes it.
 *
 * The embedded database is the master's own: a brand-new (empty) one is initialised on first open, and
 * the session then runs as the master role, so the grants model is exercised exactly as on a server.
 * Upgrading an existing embedded database is piw-initdb's job, as on a server.
 */
import { connect, type ConnectOptions } from './connection.js';
import { Database } from './database.js';
import { formatDsn, parseDsn, EMBEDDED_DSN } from './dsn.js';
import { dbErrors } from './errors.js';
import { detectVersion, migrate, quoteIdentifier } from './migrations.js';
import { SCHEMA_VERSION } from './version.js';

export interface OpenOptions extends ConnectOptions {
  /** The database; undefined (or empty) for the embedded default. */
  dsn?: string | undefined;
  /** The master role the embedded session runs as (default `piwheels`). */
  user?: string;
  /** Embedded only: create the schema when the database is empty (default true). */
  initialise?: boolean;
  /** Embedded only: serve it to psql and piw-abis on `<data dir>/.s.PGSQL.5432` (the master does). */
  serveOperators?: boolean;
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const target = parseDsn(opts.dsn || EMBEDDED_DSN);
  const conn = await connect(target, { ...opts, ...(opts.serveOperators ? { operators: { role: opts.user ?? 'piwheels' } } : {}) });
  try {
    if (target.kind === 'embedded') {
      const user = opts.user ?? 'piwheels';
      if ((opts.initialise ?? true) && (await detectVersion(conn.sql)) === null) {
        await ensureRole(conn.sql, user);
        await migrate(conn.sql, { username: user, expectFrom: null });
      }
      // The one shared session: everything from here on runs as the master role.
      await conn.sql.unsafe(`SET ROLE ${quoteIdentifier(user)}`);
    }
    const version = await detectVersion(conn.sql);
    if (version !== SCHEMA_VERSION) throw dbErrors.version(version, SCHEMA_VERSION, `piw-initdb -d ${formatDsn(target)}`);
    return new Database(conn);
  } catch (err) {
    await conn.close();
    throw err;
  }
}

/** Creates a login-less, unprivileged role if it does not exist (the embedded database only). */
export async function ensureRole(sql: import('postgres').Sql, user: string): Promise<void> {
  const rows = await sql`SELECT 1 FROM pg_roles WHERE rolname = ${user}`;
  if (rows.length === 0) await sql.unsafe(`CREATE ROLE ${quoteIdentifier(user)} NOSUPERUSER NOCREATEDB NOCREATEROLE`);
}
