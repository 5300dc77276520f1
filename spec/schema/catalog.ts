/**
 * Snapshots for comparing databases: the structure (every table, column, constraint, index, view,
 * function, trigger and privilege of schema public) and the rows of every table.
 */
import type { Sql } from 'postgres';

export async function structureOf(sql: Sql): Promise<Record<string, unknown[]>> {
  const q = async (text: string) => (await sql.unsafe(text)).map((r) => ({ ...r }));
  return {
    columns: await q(`
      SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public'
      ORDER BY table_name, ordinal_position`),
    constraints: await q(`
      SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`),
    views: await q(`SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1`),
    functions: await q(`
      SELECT p.oid::regprocedure::text AS signature, pg_get_functiondef(p.oid) AS def, p.proacl::text AS acl
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1`),
    triggers: await q(`
      SELECT tgrelid::regclass::text AS rel, tgname, pg_get_triggerdef(oid) AS def, tgenabled
      FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`),
    privileges: await q(`
      SELECT relname, relkind, relacl::text AS acl FROM pg_class
      WHERE relnamespace = 'public'::regnamespace ORDER BY 1`),
    schema: await q(`SELECT nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'`),
  };
}

/** Every row of every table in schema public, in a stable order. */
export async function rowsOf(sql: Sql, tables?: string[]): Promise<Record<string, unknown>> {
  const names =
    tables ??
    (await sql<{ t: string }[]>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`).map((r) => r.t);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const [row] = await sql.unsafe(`SELECT COALESCE(json_agg(t ORDER BY t::text), '[]') AS rows FROM "${name}" t`);
    out[name] = row!.rows;
  }
  return out;
}

/**
 * The rows of a 0.18 database (`rowsOf`) as they read after an upgrade to SCHEMA_VERSION: every row kept,
 * the columns later steps added at their defaults (0.18.3: a file's core metadata and Requires-Python, a
 * version's yank reason), and the version moved on.
 */
export function upgradedRows(before: Record<string, unknown>, version: string): Record<string, unknown> {
  return {
    ...before,
    configuration: (before.configuration as object[]).map((c) => ({ ...c, version })),
    files: (before.files as object[]).map((f) => ({ ...f, requires_python: null, core_metadata_hash: null })),
    versions: (before.versions as object[]).map((v) => ({ ...v, yanked_reason: '' })),
  };
}
