/**
 * ScribeData over packages held in memory, answering each query as the SQL functions of schema.md §4.6
 * do. For tests, benchmarks and demos that need a site without a database.
 */
import type { OracleResult } from '../../protocols/the-oracle.js';
import type { ScribeData } from './data.js';

export interface MemoryFile {
  filename: string;
  size: number;
  hash: string;
  /** The wheel's own ABI tag (`none`, `abi3`, `cp311`…). */
  abi: string;
  /** apt packages the wheel needs. */
  aptDeps?: string[];
}

export interface MemoryBuild {
  /** The builder's ABI. */
  abi: string;
  ok: boolean;
  files?: MemoryFile[];
}

export interface MemoryVersion {
  version: string;
  skip?: string;
  yanked?: boolean;
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
  /** filename → package, for FILEDEPS */
  private readonly fileOwners = new Map<string, string>();

  /** `preinstalled`: ABI → apt packages already on the OS image, hidden from FILEDEPS. */
  constructor(packages: Iterable<MemoryPackage> = [], private readonly preinstalled = new Map<string, Set<string>>()) {
    for (const p of packages) this.put(p);
  }

  /** Adds or replaces a package. */
  put(pkg: MemoryPackage): void {
    this.remove(pkg.name);
    this.packages.set(pkg.name, pkg);
    for (const { f } of this.files(pkg.name)) this.fileOwners.set(f.filename, pkg.name);
  }

  /** Deletes a package, as DELPKG does in the database. */
  remove(pkg: string): void {
    for (const { f } of this.files(pkg)) this.fileOwners.delete(f.filename);
    this.packages.delete(pkg);
  }

  async allPackages(): Promise<OracleResult<'ALLPKGS'>> {
    return new Set(this.packages.keys());
  }

  async projectVersions(pkg: string): Promise<OracleResult<'PROJVERS'>> {
    const p = this.packages.get(pkg);
    const abis = (v: MemoryVersion, ok: boolean) =>
      [...new Set((v.builds ?? []).filter((b) => b.ok === ok).map((b) => b.abi))].sort().join(', ');
    return (p?.versions ?? []).map((v) => [v.version, v.skip || p?.skip || '', abis(v, true), abis(v, false), v.yanked ?? false]);
  }

  async projectFiles(pkg: string): Promise<OracleResult<'PROJFILES'>> {
    return this.files(pkg).map(({ v, f }) => [v.version, f.abi, f.filename, f.size, f.hash, v.yanked ?? false]);
  }

  async fileDependencies(filename: string): Promise<OracleResult<'FILEDEPS'>> {
    const owner = this.fileOwners.get(filename);
    const f = owner === undefined ? undefined : this.files(owner).find(({ f }) => f.filename === filename)?.f;
    if (!f) return new Set();
    const skip = this.preinstalled.get(f.abi) ?? new Set();
    return new Set((f.aptDeps ?? []).filter((d) => !skip.has(d)));
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

  /** Files of successful builds, with their version. */
  private files(pkg: string): { v: MemoryVersion; f: MemoryFile }[] {
    const p = this.packages.get(pkg);
    return (p?.versions ?? []).flatMap((v) => (v.builds ?? []).filter((b) => b.ok).flatMap((b) => (b.files ?? []).map((f) => ({ v, f }))));
  }
}
