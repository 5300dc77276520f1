/**
 * get_build_queue(limit) over a few rows in memory, by behaviours.md A.1 and A.2 (schema.md's
 * builds_pending): per version not yet covered, only the lexically lowest outstanding build ABI is queued;
 * a wheel tagged `none` covers every ABI, a failure or an ABI-specific wheel only its own; skipped packages,
 * versions and ABIs are never queued; each ABI's list is oldest release first, at most `limit` long.
 * ABIs with nothing to build are absent, as they are from the SQL function's rows.
 */
import type { BuildQueue } from '../../../../actors/architect/index.js';

export interface MemoryBuild {
  package: string;
  version: string;
  /** The builder's ABI. */
  abi: string;
  status: boolean;
  /** ABI tags of the wheels built. */
  files: string[];
}

export class MemoryBuildQueue {
  readonly packages = new Map<string, { skip: string }>();
  readonly versions: { package: string; version: string; released: Date; skip: string }[] = [];
  readonly abis = new Map<string, { skip: string }>();
  readonly builds: MemoryBuild[] = [];

  addAbi(abi: string, skip = ''): this {
    this.abis.set(abi, { skip });
    return this;
  }

  addVersion(pkg: string, version: string, released: Date, skip = ''): this {
    if (!this.packages.has(pkg)) this.packages.set(pkg, { skip: '' });
    this.versions.push({ package: pkg, version, released, skip });
    return this;
  }

  addBuild(build: MemoryBuild): this {
    this.builds.push(build);
    return this;
  }

  queue(limit: number): BuildQueue {
    const buildAbis = [...this.abis].filter(([, a]) => a.skip === '').map(([abi]) => abi);
    const attempted = new Set<string>();
    const key = (pkg: string, ver: string, abi: string) => `${pkg}\0${ver}\0${abi}`;
    for (const b of this.builds) {
      if (b.files.length === 0) attempted.add(key(b.package, b.version, b.abi));
      for (const tag of b.files) {
        for (const abi of tag === 'none' ? buildAbis : [tag]) attempted.add(key(b.package, b.version, abi));
      }
    }
    const queued = new Map<string, { package: string; version: string; released: Date }[]>();
    for (const v of this.versions) {
      if (v.skip !== '' || this.packages.get(v.package)!.skip !== '') continue;
      const outstanding = buildAbis.filter((abi) => !attempted.has(key(v.package, v.version, abi))).sort();
      if (outstanding.length === 0) continue;
      const abi = outstanding[0]!;
      if (!queued.has(abi)) queued.set(abi, []);
      queued.get(abi)!.push(v);
    }
    const out: BuildQueue = {};
    for (const abi of [...queued.keys()].sort()) {
      const list = queued.get(abi)!.sort((a, b) => a.released.getTime() - b.released.getTime()).slice(0, limit);
      out[abi] = list.map((v) => [v.package, v.version]);
    }
    return out;
  }
}
