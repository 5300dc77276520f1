/**
 * The one reference implementation of the 0.18 build queue (schema/README.md §3, spec/behaviours.md A.1, A.2) in the
 * specs, written from the rules in plain TypeScript over the tables' rows: the maintained queue in SQL is
 * checked against it (spec/schema/build-queue.test.ts, rows read by `queueRows`).
 *
 * Per version not yet covered, only the lexically lowest outstanding build ABI is queued; a wheel tagged
 * `none` covers every ABI, a failure or an ABI-specific wheel only its own; skipped packages, versions and
 * ABIs are never queued; each ABI's list is oldest release first (ties broken by package and version, as
 * get_build_queue() breaks them), at most `limit` long; ABIs with nothing to build are absent.
 */
import type { Sql } from 'postgres';
import type { BuildQueue } from '../../schema/database.js';

/** The rows the queue is computed from, as the tables hold them. */
export interface QueueRows {
  packages: { package: string; skip: string }[];
  versions: { package: string; version: string; released: Date; skip: string }[];
  abis: { abi_tag: string; skip: string }[];
  builds: { build_id: number; package: string; version: string; abi_tag: string }[];
  files: { build_id: number; abi_tag: string }[];
}

export async function queueRows(sql: Sql): Promise<QueueRows> {
  const [packages, versions, abis, builds, files] = await Promise.all([
    sql<QueueRows['packages']>`SELECT package, skip FROM packages`,
    sql<QueueRows['versions']>`SELECT package, version, released, skip FROM versions`,
    sql<QueueRows['abis']>`SELECT abi_tag, skip FROM build_abis`,
    sql<QueueRows['builds']>`SELECT build_id, package, version, abi_tag FROM builds`,
    sql<QueueRows['files']>`SELECT build_id, abi_tag FROM files`,
  ]);
  return { packages, versions, abis, builds, files };
}

export function referenceQueue({ packages, versions, abis, builds, files }: QueueRows, limit: number): BuildQueue {
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
