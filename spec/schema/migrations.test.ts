/**
 * Versions and migrations (schema/migrations.ts): the upgrade path, version detection (behaviour 210),
 * upgrading a populated piwheels 0.18 database with every row kept and the result identical in structure
 * to a fresh one (behaviours 209, 211), and a failed upgrade leaving the database exactly as it was — on
 * a PostgreSQL server and on PGlite.
 */
import type { Sql } from 'postgres';
import type { Connection } from '../../schema/connection.js';
import { connect } from '../../schema/connection.js';
import { parseDsn } from '../../schema/dsn.js';
import { detectVersion, migrate, MIGRATIONS, planMigration } from '../../schema/migrations.js';
import { ORIGINAL_VERSION, SCHEMA_VERSION } from '../../schema/version.js';
import { BACKENDS, createServerDatabase, MASTER_USER, openPgliteDatabase, type Backend, type Template } from '../support/postgres.js';
import { rowsOf, structureOf, upgradedRows } from './catalog.js';
import { fillSample018 } from './fixtures/sample-0.18.js';

describe('planMigration', () => {
  test('an empty database gets the 0.18 model and every step after it, in order', () => {
    const plan = planMigration(null);
    expect(plan[0]).toMatchObject({ from: null, to: ORIGINAL_VERSION });
    expect(plan.at(-1)!.to).toBe(SCHEMA_VERSION);
    plan.slice(1).forEach((step, i) => expect(step.from).toBe(plan[i]!.to));
    expect(plan).toEqual(MIGRATIONS);
  });

  test('a piwheels 0.18 database gets the steps after 0.18, starting with 0.18.1; a current one none', () => {
    expect(planMigration('0.18')).toEqual(MIGRATIONS.slice(1));
    expect(planMigration('0.18')[0]).toMatchObject({ from: '0.18', to: '0.18.1' });
    expect(planMigration(SCHEMA_VERSION)).toEqual([]);
  });

  test('newer, older and unknown versions are refused with a clear reason (behaviour 210)', () => {
    expect(() => planMigration(`${SCHEMA_VERSION}.1`)).toThrow(`Database version ${SCHEMA_VERSION}.1 is newer than this software (${SCHEMA_VERSION})`);
    expect(() => planMigration('0.19')).toThrow(/newer than this software/);
    expect(() => planMigration('0.17')).toThrow("Database version 0.17 predates piwheels 0.18; upgrade it with piwheels 0.18's piw-initdb first");
    expect(() => planMigration('0.4')).toThrow(/predates piwheels 0.18/);
    expect(() => planMigration('banana')).toThrow(`Unable to find upgrade path from banana to ${SCHEMA_VERSION}`);
    expect(() => planMigration('')).toThrow(`Unable to find upgrade path from (no version) to ${SCHEMA_VERSION}`);
  });

  test('a gap in the chain of steps is reported', () => {
    expect(() => planMigration(null, SCHEMA_VERSION, [MIGRATIONS[0]!])).toThrow(`Unable to find upgrade path from an empty database to ${SCHEMA_VERSION}`);
  });
});

/** A fresh database of `template` on either back end, as the superuser. */
async function fresh(kind: Backend, template: Template): Promise<{ sql: Sql; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const conn: Connection = await openPgliteDatabase(template);
    return { sql: conn.sql, close: () => conn.close() };
  }
  const db = await createServerDatabase(template);
  const conn = await connect(parseDsn(db.superDsn), { max: 1 });
  return {
    sql: conn.sql,
    async close() {
      await conn.close();
      await db.drop();
    },
  };
}

const QUEUE_018 = `SELECT abi_tag, package, version FROM builds_pending ORDER BY abi_tag, position`;

describe.each(BACKENDS)('migrations on %s', (kind) => {
  test('versions are detected from configuration, or from the tables before it existed (behaviour 210)', async () => {
    const db = await fresh(kind, 'empty');
    try {
      expect(await detectVersion(db.sql)).toBeNull();
      await db.sql`CREATE TABLE packages (package TEXT)`;
      await expect(detectVersion(db.sql)).rejects.toThrow('Database version older than 0.4; cannot upgrade');
      await db.sql`CREATE TABLE files (filename TEXT)`;
      expect(await detectVersion(db.sql)).toBe('0.4');
      await db.sql`CREATE VIEW statistics AS SELECT 1 AS n`;
      expect(await detectVersion(db.sql)).toBe('0.5');
      await db.sql`CREATE TABLE configuration (id INTEGER, version VARCHAR(16))`;
      await db.sql`INSERT INTO configuration VALUES (1, '0.17')`;
      expect(await detectVersion(db.sql)).toBe('0.17');
    } finally {
      await db.close();
    }
  });

  test('a populated 0.18 database is upgraded with every row kept, its queue and statistics unchanged, and ends identical in structure to a fresh one (behaviours 209, 211)', async () => {
    const old = await fresh(kind, '0.18');
    const made = await fresh(kind, 'empty');
    try {
      expect(await detectVersion(old.sql)).toBe('0.18');
      await fillSample018(old.sql);
      const before = await rowsOf(old.sql);
      const queueBefore = await old.sql.unsafe(QUEUE_018);
      const [statsBefore] = await old.sql`SELECT * FROM get_statistics()`;
      expect(queueBefore.length).toBeGreaterThan(0);

      const steps: string[] = [];
      await migrate(old.sql, { username: MASTER_USER, expectFrom: '0.18', onStep: (s, phase) => steps.push(`${phase} ${s.to}`) });
      expect(steps).toEqual(MIGRATIONS.slice(1).flatMap((s) => [`start ${s.to}`, `done ${s.to}`]));
      expect(await detectVersion(old.sql)).toBe(SCHEMA_VERSION);

      const after = await rowsOf(old.sql, Object.keys(before));
      expect(after).toEqual(upgradedRows(before, SCHEMA_VERSION));
      expect((await old.sql.unsafe(QUEUE_018)).map((r) => ({ ...r }))).toEqual(queueBefore.map((r) => ({ ...r })));
      const [statsAfter] = await old.sql`SELECT * FROM get_statistics()`;
      expect({ ...statsAfter }).toEqual({ ...statsBefore });

      await migrate(made.sql, { username: MASTER_USER, expectFrom: null });
      expect(await structureOf(old.sql)).toEqual(await structureOf(made.sql));
    } finally {
      await old.close();
      await made.close();
    }
  });

  test('a failure in the middle of an upgrade leaves the database exactly as it was', async () => {
    const db = await fresh(kind, '0.18');
    try {
      await fillSample018(db.sql);
      // Something in the way of the upgrade's second table.
      await db.sql`CREATE TABLE statistics_totals (id INTEGER)`;
      const structure = await structureOf(db.sql);
      const rows = await rowsOf(db.sql);
      await expect(migrate(db.sql, { username: MASTER_USER, expectFrom: '0.18' })).rejects.toThrow(/statistics_totals.*already exists/);
      expect(await structureOf(db.sql)).toEqual(structure);
      expect(await rowsOf(db.sql)).toEqual(rows);

      // And a step that fails after the real one has run completely.
      await db.sql`DROP TABLE statistics_totals`;
      const steps = [
        ...MIGRATIONS,
        { from: SCHEMA_VERSION, to: 'broken', script: { sql: 'UPDATE packages SET skip = 1/0' }, description: 'fails' },
      ];
      const clean = { structure: await structureOf(db.sql), rows: await rowsOf(db.sql) };
      await expect(migrate(db.sql, { username: MASTER_USER, expectFrom: '0.18', target: 'broken', steps })).rejects.toThrow(/division by zero/);
      expect({ structure: await structureOf(db.sql), rows: await rowsOf(db.sql) }).toEqual(clean);
      expect(await detectVersion(db.sql)).toBe('0.18');
    } finally {
      await db.close();
    }
  });

  test('a migration stops when the version is not the one the operator was shown', async () => {
    const db = await fresh(kind, '0.18');
    try {
      await expect(migrate(db.sql, { username: MASTER_USER, expectFrom: null })).rejects.toThrow(
        'Database version changed from uninitialised to 0.18 while waiting; run again',
      );
      expect(await detectVersion(db.sql)).toBe('0.18');
    } finally {
      await db.close();
    }
  });
});
