/** Pure builders of what each template shows (web-output.md §3), from the Oracle's rows. */
import { isPrerelease, sortByVersionDesc } from '../../machines/pep440.js';
import type { MasterStatsWire } from '../../protocols/records.js';
import type { ProjectFileRow, ProjectVersionRow } from './data.js';
import { localMinute, pathSegment } from './format.js';

/** Rows shown before "Show more" on project pages. */
export const VISIBLE_ROWS = 5;

/** The static pages of the sitemap (sitemap0.xml). */
export const STATIC_SITEMAP_PAGES = ['index.html', 'packages.html', 'faq.html', 'stats.html'];

/** Files newest version first (stable), without `exclude`d version (DELVER rewrites before the rows go). */
export function sortFiles(files: readonly ProjectFileRow[], exclude?: string): ProjectFileRow[] {
  return sortByVersionDesc(
    files.filter(([version]) => version !== exclude),
    ([version]) => version,
  );
}

/** The file whose apt dependencies the install box shows: the newest one that is not a pre-release. */
export function installFile(sortedFiles: readonly ProjectFileRow[]): string | null {
  return sortedFiles.find(([version]) => !isPrerelease(version))?.[2] ?? null;
}

export interface PackageIndexView {
  package: string;
  files: { filename: string; hash: string; yanked: boolean }[];
}

/** simple/<pkg>/index.html (§3.2). */
export function packageIndexView(pkg: string, sortedFiles: readonly ProjectFileRow[]): PackageIndexView {
  return {
    package: pkg,
    files: sortedFiles.map(([, , filename, , hash, yanked]) => ({ filename, hash, yanked })),
  };
}

export interface ProjectInput {
  package: string;
  versions: readonly ProjectVersionRow[];
  sortedFiles: readonly ProjectFileRow[];
  aptDependencies: ReadonlySet<string>;
  description: string | null;
  displayName: string | null;
  now: Date;
  exclude?: string;
}

/** project/<pkg>/index.html (§3.3). */
export function projectView(input: ProjectInput) {
  const name = input.displayName || input.package;
  const versions = sortByVersionDesc(
    input.versions.filter(([version]) => version !== input.exclude),
    ([version]) => version,
  );
  return {
    page: 'project',
    package: input.package,
    name,
    description: input.description ?? '',
    pypiUrl: `https://pypi.org/project/${pathSegment(name)}`,
    versionsCount: versions.length,
    filesCount: input.sortedFiles.length,
    apt: [...input.aptDependencies].sort(),
    visibleRows: VISIBLE_ROWS,
    versions: versions.map(([version, skip, succeeded, failed, yanked]) => ({
      version,
      prerelease: isPrerelease(version),
      yanked,
      succeeded,
      failed,
      skip,
    })),
    files: input.sortedFiles.map(([version, abi, filename, size, hash]) => ({ version, abi, filename, size, hash })),
    updated: localMinute(input.now),
  };
}

/** index.html (§3.4): the four figures the home page shows. */
export function homeView(stats: MasterStatsWire, now: Date) {
  return {
    page: 'home',
    stats: {
      packagesBuilt: stats[1],
      filesCount: stats[7],
      downloadsLastMonth: stats[9],
      downloadsAll: stats[10],
    },
    updated: localMinute(now),
  };
}

/** The package list cut into sitemaps of `size` URLs (§3.6): sitemap1.xml holds the first chunk. */
export function sitemapChunks(packages: readonly string[], size: number): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < packages.length; i += size) chunks.push(packages.slice(i, i + size));
  return chunks;
}
