/**
 * A straightforward reference implementation of the 0.18 build queue (schema.md §3, behaviours.md A.1,
 * A.2), written from the rules in plain TypeScript over the tables' rows, to check the maintained queue
 * against. Ties in release time are broken by package and version, as get_build_queue() breaks them.
 */
import type { Sql } from 'postgres';
import type { BuildQueue } from '../../schema/database.js';

export async function referenceQueue(sql: Sql, limit: number): Promise<BuildQueue> {
  const [packages, versions, abis, builds, files] = await Promise.all([
    sql<{ package: string; skip: string }[]>`SELECT package, skip FROM packages`,
    sql<{ package: string; version: string; released: Date; skip: string }[]>`SELECT package, version, released, skip FROM versions`,
    sql<{ abi_tag: string; skip: string }[]>`SELECT abi_tag, skip FROM build_abis`,
    sql<{ build_id: number; package: string; version: string; abi_tag: string }[]>`SELECT build_id, package, version, abi_tag FROM builds`,
    sql<{ build_id: number; abi_tag: string }[]>`SELECT build_id, abi_tag FROM files`,
  ]);
  const packageSkip = new Map(packages.map((p) => [p.package, p.skip]));
  const targetAbis = abis.filter((a) => a.skip === '').map((a) => a.abi_tag).sort();
  const filesOf = new Map<number, string[]>();
  for (const f of files) filesOf.set(f.build_id, [...(filesOf.get(f.build_id) ?? []), f.abi_tag]);
  // What each version's builds attempted; 'none' stands for every ABI.
  const attempted = new Map<string, Set<string>>();
  for (const b of builds) {
    const key = `${b.package}\0${b.version}`;
    const set = attempted.get(key) ?? new Set<string>();
    const fileAbis = filesOf.get(b.build_id) ?? [];
    if (fileAbis.length === 0) set.add(b.abi_tag);
    for (const abi of fileAbis) set.add(abi);
    attempted.set(key, set);
  }
  const queued = new Map<string, { package: string; version: string; released: number }[]>();
  for (const v of versions) {
    if (v.skip !== '' || packageSkip.get(v.package) !== '') continue;
    const done = attempted.get(`${v.package}\0${v.version}`) ?? new Set<string>();
    if (done.has('none')) continue;
    const abi = targetAbis.find((a) => !done.has(a));
    if (abi === undefined) continue;
    queued.set(abi, [...(queued.get(abi) ?? []), { package: v.package, version: v.version, released: v.released.getTime() }]);
  }
  const result: BuildQueue = {};
  for (const abi of [...queued.keys()].sort()) {
    const entries = queued
      .get(abi)!
      .sort((x, y) => x.released - y.released || cmp(x.package, y.package) || cmp(x.version, y.version))
      .slice(0, limit);
    result[abi] = entries.map((e): [string, string] => [e.package, e.version]);
  }
  return result;
}

/** Byte-wise comparison, as the test databases' C collation orders text. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
