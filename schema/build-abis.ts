/**
 * The build ABIs, administered: the ones the farm builds for, the ones it no longer does (a skip reason:
 * their wheels stay, nothing new is queued), and what each has (builds made, versions queued). `build_abis`
 * belongs to the superuser (schema/README.md): these run in an administrator's transaction (admin-session.ts).
 * Changing it refreshes the build queue by itself (the 0.18.1 triggers); the Architect sees it at its
 * next query.
 */
import type { Sql, TransactionSql } from 'postgres';
import { defineError } from '../protocols/errors.js';

export interface BuildAbiRow {
  abi: string;
  /** '' while built for. */
  skip: string;
  builds: number;
  queued: number;
}

export const BuildAbiError = defineError('PIW_ERR_BUILD_ABI', (message: string) => message);

const ABI = /^[A-Za-z0-9][A-Za-z0-9._]{0,99}$/;

/** An ABI tag as slaves report it (`cp311`, `cp39m`, `pp73`); `none` is no builder's. */
export function checkAbi(abi: string): string {
  if (!ABI.test(abi)) throw new BuildAbiError(`invalid ABI tag ${JSON.stringify(abi)}: expected letters, digits, '.' and '_' (e.g. cp311)`);
  if (abi === 'none' || abi === 'noabi') throw new BuildAbiError(`"${abi}" is not the ABI of a builder`);
  return abi;
}

type AnySql = Sql | TransactionSql;

export async function listBuildAbis(sql: AnySql): Promise<BuildAbiRow[]> {
  return sql<BuildAbiRow[]>`
    SELECT a.abi_tag AS abi, a.skip,
      (SELECT COUNT(*) FROM builds b WHERE b.abi_tag = a.abi_tag)::INTEGER AS builds,
      (SELECT COUNT(*) FROM build_queue q WHERE q.abi_tag = a.abi_tag)::INTEGER AS queued
    FROM build_abis a ORDER BY a.abi_tag`;
}

/** Builds for `abi` from now on: added, or a retired one restored. */
export async function addBuildAbi(sql: AnySql, abi: string): Promise<'added' | 'restored' | 'unchanged'> {
  checkAbi(abi);
  const [row] = await sql<{ skip: string }[]>`SELECT skip FROM build_abis WHERE abi_tag = ${abi} FOR UPDATE`;
  if (row === undefined) {
    await sql`INSERT INTO build_abis (abi_tag) VALUES (${abi})`;
    return 'added';
  }
  if (row.skip === '') return 'unchanged';
  await sql`UPDATE build_abis SET skip = '' WHERE abi_tag = ${abi}`;
  return 'restored';
}

/** No more builds for `abi`; its wheels stay. */
export async function retireBuildAbi(sql: AnySql, abi: string, reason: string): Promise<'retired' | 'unchanged'> {
  checkAbi(abi);
  if (reason === '' || reason.length > 100) throw new BuildAbiError('a skip reason of 1 to 100 characters is needed');
  const [row] = await sql<{ skip: string }[]>`SELECT skip FROM build_abis WHERE abi_tag = ${abi} FOR UPDATE`;
  if (row === undefined) throw new BuildAbiError(`unknown build ABI ${abi}`);
  if (row.skip === reason) return 'unchanged';
  await sql`UPDATE build_abis SET skip = ${reason} WHERE abi_tag = ${abi}`;
  return 'retired';
}
