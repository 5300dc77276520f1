/**
 * ScribeData over packages held in memory, answering each query as the SQL functions of the schema do
 * (schema/README.md §4.6, get_project_data_* of schema/sql/upgrade-0.18.2-to-0.18.3.sql). For tests, benchmarks
 * and demos that need a site without a database.
 */
import type { OracleResult } from '../../protocols/oracle.js';
import type { ScribeData } from './data.js';

export interface MemoryFile {
  filename: string;
  size: number;
  hash: string;
  /** The wheel's own ABI tag (`none`, `abi3`, `cp311`…). */
  abi: string;
  /** apt packages the wheel needs. */
  aptDeps?: string[];
  pipDeps?: string[];
  /** The platform tag (default from the file name). */
  platform?: string;
  requiresPython?: string | null;
  /** SHA-256 of its METADATA once known (SETFILEMETA). */
  metadataHash?: string | null;
}

export interface MemoryBuild {
  /** The build id (default: numbered in the order builds are put, from 1). */
  id?: number;
  /** The builder's ABI. */
  abi: string;
  ok: boolean;
  files?: MemoryFile[];
  /** Its log (BUILDLOG); none by default. */
  output?: string;
  builtAt?: Date;
}

export interface MemoryVersion {
  version: string;
  released?: Date;
  skip?: string;
  yanked?: boolean;
  yankedReason?: string;
  builds?: MemoryBuild[];
}

export interface MemoryPackage {
  name: string;
  skip?: string;
  description?: string;
  /** Spellings seen on PyPI; the newest is the display name. The canonical name is implied. */
  spellings?: { name: string; seen: Date }[];
  versions?: MemoryVersion[];
}

/** Holds packages as given; after changing a package object, `put` it again. */
export class MemoryScribeData implements ScribeData {
  private readonly packages = new Map<string, MemoryPackage>();
  /** filename → its file, for SETFILEMETA */
  private readonly fileIndex = new Map<string, MemoryFile>();
  /** build id → build, for BUILDLOG */
  private readonly buildIndex = new Map<number, MemoryBuild>();
  private nextBuildId = 1;

  /** `preinstalled`: ABI → apt packages already on the OS image, left out of the files' apt dependencies. */
  constructor(packages: Iterable<MemoryPackage> = [], private readonly preinstalled = new Map<string, Set<string>>()) {
    for (const p of packages) this.put(p);
  }

  /** Adds or replaces a package; builds without an id get the next one. */
  put(pkg: MemoryPackage): void {
    this.remove(pkg.name);
    this.packages.set(pkg.name, pkg);
    for (const b of this.builds(pkg.name)) {
      b.id ??= this.nextBuildId++;
      this.nextBuildId = Math.max(this.nextBuildId, b.id + 1);
      this.buildIndex.set(b.id, b);
    }
    for (const { f } of this.files(pkg.name)) this.fileIndex.set(f.filename, f);
  }

  /** Deletes a package, as DELPKG does in the database. */
  remove(pkg: string): void {
    for (const { f } of this.files(pkg)) this.fileIndex.delete(f.filename);
    for (const b of this.builds(pkg)) if (b.id !== undefined) this.buildIndex.delete(b.id);
    this.packages.delete(pkg);
  }

  async allPackages(): Promise<OracleResult<'ALLPKGS'>> {
    return new Set(this.packages.keys());
  }

  async projectData(pkg: string): Promise<OracleResult<'PROJDATA'>> {
    const p = this.packages.get(pkg);
    const versions = p?.versions ?? [];
    const releases = versions.map((v): OracleResult<'PROJDATA'>[0][number] => [
      v.version,
      v.released ?? new Date(0),
      v.skip || p?.skip || '',
      v.yanked ?? false,
      v.yankedReason ?? '',
      (v.builds ?? []).map((b) => [b.id!, b.abi, b.ok]),
    ]);
    const files = this.files(pkg).map(({ v, b, f }): OracleResult<'PROJDATA'>[1][number] => {
      const skip = this.preinstalled.get(f.abi) ?? new Set();
      return [
        v.version, f.filename, f.size, f.hash, b.abi, f.abi, f.platform ?? platformOf(f.filename), f.requiresPython ?? null,
        f.metadataHash ?? null, b.builtAt ?? new Date(0),
        [...new Set(f.aptDeps ?? [])].filter((d) => !skip.has(d)).sort(), [...new Set(f.pipDeps ?? [])].sort(),
      ];
    });
    return [releases, files];
  }

  async description(pkg: string): Promise<OracleResult<'GETDESC'>> {
    const p = this.packages.get(pkg);
    return p ? (p.description ?? '') : null;
  }

  async displayName(pkg: string): Promise<OracleResult<'GETPROJNAME'>> {
    const p = this.packages.get(pkg);
    if (!p) return null;
    const newest = [...(p.spellings ?? [])].sort((a, b) => b.seen.getTime() - a.seen.getTime())[0];
    return newest?.name ?? p.name;
  }

  async aliases(pkg: string): Promise<OracleResult<'GETPKGNAMES'>> {
    return (this.packages.get(pkg)?.spellings ?? []).map((s) => s.name).filter((n) => n !== pkg);
  }

  async packageFiles(pkg: string): Promise<OracleResult<'PKGFILES'>> {
    return Object.fromEntries(this.files(pkg).map(({ f }) => [f.filename, f.hash]));
  }

  async versionFiles(pkg: string, version: string): Promise<OracleResult<'VERFILES'>> {
    return new Set(this.files(pkg).filter(({ v }) => v.version === version).map(({ f }) => f.filename));
  }

  async setFileMetadata(filename: string, requiresPython: string | null, coreMetadataHash: string): Promise<void> {
    const f = this.fileIndex.get(filename);
    if (f) Object.assign(f, { requiresPython, metadataHash: coreMetadataHash });
  }

  async buildLog(buildId: number): Promise<OracleResult<'BUILDLOG'>> {
    const b = this.buildIndex.get(buildId);
    return b?.output ?? null;
  }

  private builds(pkg: string): MemoryBuild[] {
    return (this.packages.get(pkg)?.versions ?? []).flatMap((v) => v.builds ?? []);
  }

  /** Files of successful builds, with their version and build. */
  private files(pkg: string): { v: MemoryVersion; b: MemoryBuild; f: MemoryFile }[] {
    const p = this.packages.get(pkg);
    return (p?.versions ?? []).flatMap((v) => (v.builds ?? []).filter((b) => b.ok).flatMap((b) => (b.files ?? []).map((f) => ({ v, b, f }))));
  }
}

/** The platform tag of a wheel file name (its last dash-separated part). */
function platformOf(filename: string): string {
  return filename.replace(/\.whl$/, '').split('-').at(-1) ?? '';
}
