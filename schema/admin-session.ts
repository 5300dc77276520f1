/**
 * An administrator's way into the database, for changes the master's role may not make (`build_abis`
 * belongs to the superuser), whether or not the master runs:
 *
 * - a PostgreSQL server: the DSN as given (run as the superuser, as piw-initdb is);
 * - the embedded database with its master running: through the master's operator socket
 *   (`<data dir>/.s.PGSQL.5432`, operator-socket.ts); the session is the master's, so each change runs in
 *   one transaction under `SET LOCAL ROLE postgres`, which ends with it;
 * - the embedded database with no master: opened here, locked while in use, as its superuser.
 *
 * The schema version is checked as the master checks it.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { connect, type Connection } from './connection.js';
import { describeTarget, EMBEDDED_DSN, formatDsn, parseDsn } from './dsn.js';
import { lockOwner } from './embedded.js';
import { dbErrors } from './errors.js';
import { detectVersion } from './migrations.js';
import { OPERATOR_SOCKET_NAME } from './operator-socket.js';
import { SCHEMA_VERSION } from './version.js';
import { defineError } from '../protocols/errors.js';

export interface AdminSession {
  /** Where the changes go, for messages. */
  readonly where: string;
  /** Runs `work` in one transaction with the superuser's rights. */
  run<T>(work: (sql: TransactionSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const AdminSessionError = defineError('PIW_ERR_ADMIN_SESSION', (message: string) => message);

export async function openAdminSession(dsn: string | undefined): Promise<AdminSession> {
  const target = parseDsn(dsn || EMBEDDED_DSN);
  if (target.kind === 'embedded' && target.dataDir === undefined) {
    throw new AdminSessionError('an in-memory database has nothing to administer: give the data directory (pglite:/path)');
  }
  if (target.kind === 'embedded') {
    const owner = await lockOwner(target.dataDir!);
    if (owner !== undefined) {
      const socket = join(target.dataDir!, OPERATOR_SOCKET_NAME);
      if (!(await access(socket).then(() => true, () => false))) {
        throw new AdminSessionError(`${describeTarget(target)} is in use by process ${owner}, which does not serve operators (${socket}); stop it first`);
      }
      const sql = postgres({ path: socket, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
      return checked(sql, `${describeTarget(target)} (through the running master, process ${owner})`, target, async () => void (await sql.end({ timeout: 5 })), true);
    }
  }
  const conn: Connection = await connect(target, { max: 1 });
  return checked(conn.sql, describeTarget(target), target, () => conn.close(), false);
}

async function checked(
  sql: Sql,
  where: string,
  target: ReturnType<typeof parseDsn>,
  close: () => Promise<void>,
  sharedSession: boolean,
): Promise<AdminSession> {
  try {
    const version = await detectVersion(sql);
    if (version !== SCHEMA_VERSION) throw dbErrors.version(version, SCHEMA_VERSION, `piw-initdb -d ${formatDsn(target)}`);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    where,
    run: <T>(work: (tx: TransactionSql) => Promise<T>) =>
      sql.begin(async (tx) => {
        // The master's session runs as its role: step out of it for this transaction only.
        if (sharedSession) await tx`SET LOCAL ROLE postgres`;
        return work(tx);
      }) as Promise<T>,
    close,
  };
}
