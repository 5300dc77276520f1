/**
 * get_build_queue(limit) over a few rows in memory, answered by the specs' one reference queue
 * (spec/support/reference-queue.ts, behaviours.md A.1 and A.2).
 */
import type { BuildQueue } from '../../../../actors/architect/index.js';
import { referenceQueue } from '../../../support/reference-queue.js';

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
    return referenceQueue(
      {
        packages: [...this.packages].map(([pkg, { skip }]) => ({ package: pkg, skip })),
        versions: this.versions,
        abis: [...this.abis].map(([abi, { skip }]) => ({ abi_tag: abi, skip })),
        builds: this.builds.map((b, i) => ({ build_id: i, package: b.package, version: b.version, abi_tag: b.abi })),
        files: this.builds.flatMap((b, i) => b.files.map((tag) => ({ build_id: i, abi_tag: tag }))),
      },
      limit,
    );
  }
}
