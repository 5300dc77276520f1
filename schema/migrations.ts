/**
 * Versioned migrations. The data model is the piwheels 0.18 baseline (`sql/create-0.18.sql`, released,
 * never edited) followed by our upgrade steps in order (`sql/upgrade-<from>-to-<to>.sql`); a new database
 * runs the baseline and every step, an existing one the steps after its version, so a fresh database and an
 * upgraded one are built by the same statements. `configuration.version` records where a database is.
 * To change the model, add a step here and a script beside it, and move SCHEMA_VERSION (version.ts).
 *
 * Scripts may use `{username}` (the master role) and `{dbname}` (the current database); both are replaced
 * by quoted identifiers. A migration runs in one transaction: it takes an advisory lock (so two piw-initdb
 * runs cannot interleave), checks the version again, then runs every step or nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql, TransactionSql } from 'postgres';
import { dbErrors } from './errors.js';
import { compareVersions, ORIGINAL_VERSION, SCHEMA_VERSION } from './version.js';

export interface MigrationStep {
  /** The version this step starts from; null for the baseline, which starts from an empty database. */
  from: string | null;
  to: string;
  /** A file in schema/sql/, or the SQL itself. */
  script: { file: string } | { sql: string };
  description: string;
  /** Tables the step fills in bulk: vacuumed and analysed once it has committed. */
  vacuum?: string[];
}

export const MIGRATIONS: readonly MigrationStep[] = [
  {
    from: null,
    to: ORIGINAL_VERSION,
    script: { file: 'create-0.18.sql' },
    description: 'create the piwheels 0.18 data model',
  },
  {
    from: '0.18',
    to: '0.18.1',
    script: { file: 'upgrade-0.18-to-0.18.1.sql' },
    description: 'keep the build queue and statistics up to date; refuse successful builds without files',
    vacuum: ['build_queue', 'file_package_tags', 'downloads_daily'],
  },
  {
    from: '0.18.1',
    to: '0.18.2',
    script: { file: 'upgrade-0.18.1-to-0.18.2.sql' },
    description: 'store web-log records a batch at a time',
  },
  {
    from: '0.18.2',
    to: '0.18.3',
    script: { file: 'upgrade-0.18.2-to-0.18.3.sql' },
    description: "record wheels of 2 GiB and more (files.filesize BIGINT), wheels' Requires-Python and core metadata, yank reasons; query a project's data at once",
  },
];

// Beside this module when run from source; from dist/schema/ the scripts stay in the source tree.
const SQL_DIRS = [new URL('./sql/', import.meta.url), new URL('../../schema/sql/', import.meta.url)].map((u) => fileURLToPath(u));

export function loadScript(step: MigrationStep): string {
  const { script } = step;
  if ('sql' in script) return script.sql;
  const dir = SQL_DIRS.find((d) => existsSync(d + script.file));
  if (dir === undefined) throw dbErrors.scriptMissing(script.file, SQL_DIRS);
  return readFileSync(dir + script.file, 'utf8');
}

type Queryable = Sql | TransactionSql;

/**
 * The version of the data model `sql` holds: `configuration.version`; null for an empty database. Before
 * the configuration table existed (piwheels < 0.6) the version is guessed from the tables as 0.18 did.
 */
export async function detectVersion(sql: Queryable): Promise<string | null> {
  const [found] = await sql<{ configuration: boolean; packages: boolean; files: boolean; statistics: boolean }[]>`
    SELECT
      to_regclass('public.configuration') IS NOT NULL AS configuration,
      to_regclass('public.packages') IS NOT NULL AS packages,
      to_regclass('public.files') IS NOT NULL AS files,
      to_regclass('public.statistics') IS NOT NULL AS statistics`;
  if (found!.configuration) {
    const rows = await sql<{ version: string }[]>`SELECT version FROM configuration ORDER BY id LIMIT 1`;
    return rows[0]?.version ?? '';
  }
  if (!found!.packages) return null;
  if (!found!.files) throw dbErrors.tooOldToUpgrade();
  return found!.statistics ? '0.5' : '0.4';
}

/**
 * The steps from `from` to `target`, in order; empty when the database is current. Refuses a version
 * newer than `target`, one older than piwheels 0.18, and one no chain of steps starts from.
 */
export function planMigration(
  from: string | null,
  target: string = SCHEMA_VERSION,
  steps: readonly MigrationStep[] = MIGRATIONS,
): MigrationStep[] {
  const plan: MigrationStep[] = [];
  let at = from;
  while (at !== target) {
    const step = steps.find((s) => s.from === at);
    if (step === undefined || plan.length > steps.length) {
      if (from !== null && compareVersions(from, target) > 0) throw dbErrors.tooNew(from, target);
      if (from !== null && compareVersions(from, ORIGINAL_VERSION) < 0) throw dbErrors.tooOld(from);
      throw dbErrors.noPath(from === null ? 'an empty database' : from || '(no version)', target);
    }
    plan.push(step);
    at = step.to;
  }
  return plan;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface MigrateOptions {
  /** The unprivileged master role the scripts grant to. */
  username: string;
  /** The version the caller saw (and showed the operator); the run stops if it has changed meanwhile. */
  expectFrom: string | null;
  target?: string;
  steps?: readonly MigrationStep[];
  /** Runs first in the same transaction (e.g. creating the master role on the embedded database). */
  prepare?: ((tx: TransactionSql) => Promise<unknown>) | undefined;
  /** Called before and after each step. */
  onStep?: (step: MigrationStep, phase: 'start' | 'done', elapsedMs: number) => void;
}

/**
 * Takes the database from `expectFrom` to the target version in one transaction; nothing on failure.
 * Afterwards the tables the steps filled are vacuumed and analysed (outside the transaction, as VACUUM
 * must be), so that the planner knows them and index-only scans work from the start.
 */
export async function migrate(sql: Sql, opts: MigrateOptions): Promise<MigrationStep[]> {
  const plan = await upgradeInOneTransaction(sql, opts);
  const named = [...new Set(plan.flatMap((step) => step.vacuum ?? []))];
  // A later step may have dropped one of them again.
  const tables = (await sql<{ t: string }[]>`SELECT t FROM unnest(${named}::text[]) t WHERE to_regclass(t) IS NOT NULL`).map((r) => r.t);
  if (tables.length > 0) await sql.unsafe(`VACUUM (ANALYZE) ${tables.map(quoteIdentifier).join(', ')}`);
  return plan;
}

async function upgradeInOneTransaction(sql: Sql, opts: MigrateOptions): Promise<MigrationStep[]> {
  return (await sql.begin(async (tx) => {
    // Any constant will do, as long as every piw-initdb uses the same one.
    await tx`SELECT pg_advisory_xact_lock(hashtext('piwheels piw-initdb'))`;
    const now = await detectVersion(tx);
    if (now !== opts.expectFrom) throw dbErrors.changed(opts.expectFrom, now);
    const plan = planMigration(now, opts.target, opts.steps);
    await opts.prepare?.(tx);
    const [{ db }] = (await tx<{ db: string }[]>`SELECT current_database() AS db`) as unknown as [{ db: string }];
    for (const step of plan) {
      const started = Date.now();
      opts.onStep?.(step, 'start', 0);
      const script = loadScript(step)
        .replaceAll('{username}', quoteIdentifier(opts.username))
        .replaceAll('{dbname}', quoteIdentifier(db));
      await tx.unsafe(script);
      opts.onStep?.(step, 'done', Date.now() - started);
    }
    return plan;
  })) as MigrationStep[];
}
