/**
 * One package as its pages show it, from PROJDATA: releases and files newest version first (Python's
 * stable sort on parsed versions, as 0.18), each release with its builds and files. Built in slices, since
 * a package may have thousands of versions.
 */
import type { ProjectData } from '../../schema/api.js';
import { parsedVersion, sortByVersion } from './views.js';

export interface FileInfo {
  version: string;
  filename: string;
  size: number;
  hash: string;
  /** The ABI of the build that made it. */
  builderAbi: string;
  /** The wheel's own ABI tag (`none`, `abi3`, `cp311`…). */
  abi: string;
  platform: string;
  requiresPython: string | null;
  /** SHA-256 of its METADATA (PEP 658); null until read from the wheel. */
  metadataHash: string | null;
  builtAt: Date;
  /** apt packages it needs, less those preinstalled for its ABI; sorted. */
  apt: string[];
  pip: string[];
  yanked: boolean;
  yankedReason: string;
}

export interface BuildInfo {
  id: number;
  abi: string;
  ok: boolean;
}

export interface ReleaseInfo {
  version: string;
  released: Date;
  prerelease: boolean;
  skip: string;
  yanked: boolean;
  yankedReason: string;
  /** Oldest first. */
  builds: BuildInfo[];
  files: FileInfo[];
}

export interface ProjectModel {
  releases: ReleaseInfo[];
  files: FileInfo[];
}

/** The model of PROJDATA without the `exclude`d version (DELVER rewrites pages before the rows go). */
export async function projectModel([releaseRows, fileRows]: ProjectData, exclude?: string): Promise<ProjectModel> {
  const releases = new Map<string, ReleaseInfo>();
  for (const [version, released, skip, yanked, yankedReason, builds] of await sortByVersion(releaseRows, exclude)) {
    releases.set(version, {
      version,
      released,
      prerelease: parsedVersion(version).isPrerelease,
      skip,
      yanked,
      yankedReason,
      builds: builds.map(([id, abi, ok]) => ({ id, abi, ok })),
      files: [],
    });
  }
  const files: FileInfo[] = [];
  for (const row of await sortByVersion(fileRows, exclude)) {
    const [version, filename, size, hash, builderAbi, abi, platform, requiresPython, metadataHash, builtAt, apt, pip] = row;
    const release = releases.get(version);
    const file: FileInfo = {
      version, filename, size, hash, builderAbi, abi, platform, requiresPython, metadataHash, builtAt, apt, pip,
      yanked: release?.yanked ?? false,
      yankedReason: release?.yankedReason ?? '',
    };
    files.push(file);
    release?.files.push(file);
  }
  return { releases: [...releases.values()], files };
}
