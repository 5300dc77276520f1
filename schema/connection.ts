/**
 * Connections: one `postgres` client for a DSN, set up the way every part of piwheels expects: session
 * time zone UTC (TIMESTAMP columns hold naive UTC, as in 0.18), TIMESTAMP values read back as UTC Dates,
 * BIGINT read as numbers (serials, sizes and counts stay far below 2^53), server NOTICEs passed to
 * `onNotice` instead of the console.
 *
 * On a server the client pools up to `max` connections. The embedded database has a single session, so
 * its client has exactly one connection whatever `max` says; queries from many callers queue on it and a
 * transaction (`sql.begin`) holds it to itself until it ends, which keeps concurrent callers correct.
 */
import postgres, { type Sql } from 'postgres';
import { dbErrors } from './errors.js';
import { describeTarget, type DatabaseTarget, type ServerTarget } from './dsn.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';

export interface Connection {
  readonly sql: Sql;
  readonly target: DatabaseTarget;
  /** The embedded server, when the target is the embedded database. */
  readonly embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Pool size on a server (default 10); the embedded database always uses one connection. */
  max?: number;
  onNotice?: (message: string) => void;
  /** Embedded only: start from this dump rather than the data directory's contents (tests). */
  loadDataDir?: Blob | File;
  /** Embedded only: serve the database to operators as this role's session (see embedded.ts). */
  operators?: { role: string; idleInTransactionMs?: number };
}

const types = {
  timestamp: {
    to: 1114,
    from: [1114],
    serialize: (d: Date | string) => (d instanceof Date ? d.toISOString() : d),
    parse: (s: string) => new Date(`${s.replace(' ', 'T')}Z`),
  },
  bigint: {
    to: 20,
    from: [20],
    serialize: (n: number | bigint) => String(n),
    parse: (s: string) => Number(s),
  },
};

/** Opens a client on `target` and checks that it answers; errors say what is wrong in words. */
export async function connect(target: DatabaseTarget, opts: ConnectOptions = {}): Promise<Connection> {
  const onnotice = (notice: postgres.Notice) => opts.onNotice?.(String(notice.message));
  if (target.kind === 'embedded') {
    const embedded = await startEmbedded({
      dataDir: target.dataDir,
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      ...(opts.operators ? { operators: opts.operators } : {}),
    });
    const sql = postgres({ path: embedded.socketPath, user: 'postgres', database: 'postgres', max: 1, types, onnotice });
    const conn = makeConnection(sql, target, embedded);
    try {
      await sql`SELECT 1`;
    } catch (err) {
      await conn.close();
      throw dbErrors.connect(describeTarget(target), err);
    }
    return conn;
  }
  const sql = postgres({
    host: target.host,
    port: target.port,
    ...(target.socketPath === undefined ? {} : { path: target.socketPath }),
    user: target.user,
    pass: target.password,
    database: target.database,
    ...sslOption(target.ssl),
    max: opts.max ?? 10,
    connect_timeout: 10,
    connection: { TimeZone: 'UTC', application_name: target.applicationName ?? 'piwheels' },
    types,
    onnotice,
  });
  const conn = makeConnection(sql, target, undefined);
  try {
    await sql`SELECT 1`;
  } catch (err) {
    await conn.close();
    if ((err as { code?: string }).code === '3D000') throw dbErrors.missing(target.database, err);
    throw dbErrors.connect(describeTarget(target), err);
  }
  return conn;
}

/** libpq's sslmode as postgres.js understands it; verify-ca checks the chain but not the host name. */
function sslOption(mode: ServerTarget['ssl']): { ssl?: 'prefer' | 'require' | 'verify-full' | object } {
  if (mode === undefined || mode === 'disable') return {};
  if (mode === 'verify-ca') return { ssl: { rejectUnauthorized: true, checkServerIdentity: () => undefined } };
  return { ssl: mode };
}

function makeConnection(sql: Sql, target: DatabaseTarget, embedded: EmbeddedServer | undefined): Connection {
  let closing: Promise<void> | undefined;
  return {
    sql,
    target,
    embedded,
    close() {
      closing ??= (async () => {
        try {
          await sql.end({ timeout: 5 });
        } finally {
          await embedded?.stop();
        }
      })();
      return closing;
    },
  };
}

