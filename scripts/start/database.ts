/**
 * The demo's one step inside the database, before the master opens it (the embedded database belongs to
 * one process at a time): the build ABI of the local slave's Python goes into build_abis. Nothing is ever
 * queued for an ABI that is not there, and neither piw-initdb nor piw-master registers ABIs: on a server
 * the operator does it as the superuser (`INSERT INTO build_abis ...`, see README "Running in
 * production"). On the embedded database the session is the superuser's until it takes the master role,
 * so the same insert runs here after RESET ROLE.
 *
 * The demo's versions are not recorded here: Cloud Gazer reads them from the stand-in's changelog as it
 * would from PyPI's, and its REFRESH has the Architect queue them within seconds.
 *
 * A new embedded database is created on first use (openDatabase); one of an older schema is refused with
 * the piw-initdb command that upgrades it.
 */
import { openDatabase } from '../../schema/open.js';

export interface PreparedDatabase {
  /** The PyPI serial the master has read up to: the stand-in's changelog continues after it. */
  serial: number;
  /** Whether the ABI was new to build_abis. */
  abiAdded: boolean;
}

export async function prepareDemoDatabase(dataDir: string, abi: string): Promise<PreparedDatabase> {
  const db = await openDatabase({ dsn: `pglite:${dataDir}` });
  try {
    const serial = await db.getPypiSerial();
    // build_abis is the operator's: the master role may only read it.
    await db.sql`RESET ROLE`;
    const added = await db.sql`INSERT INTO build_abis (abi_tag) VALUES (${abi}) ON CONFLICT (abi_tag) DO NOTHING RETURNING abi_tag`;
    return { serial, abiAdded: added.length > 0 };
  } finally {
    await db.close();
  }
}
