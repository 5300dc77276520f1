/**
 * The fault suite's world: a temp dir, a database of our schema on either back end with build ABIs
 * registered as an operator would, and piw-master as a real process on it (scripts/faults/master.ts).
 *
 * On PostgreSQL the test's superuser connection works at any time; the embedded database belongs to one
 * process at a time, so on PGlite `admin` runs only while the master is stopped (or killed).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';
import { MasterProcess } from '../../../scripts/faults/master.js';
import { connect, type Connection } from '../../../schema/connection.js';
import { parseDsn } from '../../../schema/dsn.js';
import { openDatabase } from '../../../schema/open.js';
import { createServerDatabase, type Backend, type ServerDatabase } from '../../support/postgres.js';

export interface FaultWorld {
  readonly backend: Backend;
  readonly dir: string;
  readonly master: MasterProcess;
  /** Runs `fn` as the database's superuser (on PGlite: only while the master is not running). */
  admin<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function faultWorld(
  backend: Backend,
  opts: { abis?: string[]; args?: string[]; server?: { masterDsn: string; superDsn: string } } = {},
): Promise<FaultWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'piw-faults-'));
  const abis = opts.abis ?? ['cp311'];
  let server: ServerDatabase | undefined;
  let conn: Connection | undefined;
  let dsn: string;
  let admin: FaultWorld['admin'];
  if (backend === 'postgres') {
    server = opts.server === undefined ? await createServerDatabase('current') : undefined;
    const dsns = opts.server ?? server!;
    dsn = dsns.masterDsn;
    conn = await connect(parseDsn(dsns.superDsn), { max: 2 });
    const sql = conn.sql;
    admin = (fn) => fn(sql);
  } else {
    dsn = `pglite:${path.join(dir, 'pgdata')}`;
    admin = async (fn) => {
      const db = await openDatabase({ dsn });
      try {
        // build_abis and the checks belong to the superuser: step out of the master role.
        await db.sql`RESET ROLE`;
        return await fn(db.sql);
      } finally {
        await db.close();
      }
    };
  }
  await admin(async (sql) => {
    for (const abi of abis) await sql`INSERT INTO build_abis (abi_tag) VALUES (${abi}) ON CONFLICT DO NOTHING`;
  });
  const master = await MasterProcess.create({ dir, dsn, ...(opts.args === undefined ? {} : { args: opts.args }) });
  return {
    backend,
    dir,
    master,
    admin,
    async close() {
      await master.kill();
      await conn?.close();
      await server?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
