/** Builders of what each template shows (web-output.md §3), from the Oracle's rows. */
import { isDebianPackageName } from '../../machines/dependencies.js';
import { compareParsed, parseVersion } from '../../machines/pep440.js';
import type { ParsedVersion } from '../../machines/pep440.js';
import type { MasterStatsWire } from '../../protocols/records.js';
import type { ProjectFileRow, ProjectVersionRow } from './data.js';
import { localMinute, pathSegment } from './format.js';
import { mapYielding, sortYielding } from './yielding.js';

/** Rows shown before "Show more" on project pages. */
export const VISIBLE_ROWS = 5;

/** The static pages of the sitemap (sitemap0.xml). */
export const STATIC_SITEMAP_PAGES = ['index.html', 'packages.html', 'faq.html', 'stats.html'];

// Parsed versions, shared by every page: the same versions come back each time a package is rewritten.
const parsedVersions = new Map<string, ParsedVersion>();
const PARSED_VERSIONS_MAX = 100_000;

function parsed(version: string): ParsedVersion {
  let v = parsedVersions.get(version);
  if (!v) {
    if (parsedVersions.size >= PARSED_VERSIONS_MAX) parsedVersions.clear();
    parsedVersions.set(version, (v = parseVersion(version)));
  }
  return v;
}

/**
 * Rows newest version first, equal versions in their given order (Python's stable
 * `sorted(key=parse_version, reverse=True)`), without the `exclude`d version (DELVER rewrites pages
 * before the database rows go). Works in slices: a package may have thousands of versions.
 */
export async function sortByVersion<R extends readonly [string, ...unknown[]]>(rows: readonly R[], exclude?: string): Promise<R[]> {
  const keyed = await mapYielding(
    rows.filter(([version]) => version !== exclude),
    (row, index) => ({ row, index, v: parsed(row[0]) }),
  );
  const sorted = await sortYielding(keyed, (x, y) => compareParsed(y.v, x.v) || x.index - y.index);
  return sorted.map((x) => x.row);
}

/** The file whose apt dependencies the install box shows: the newest one that is not a pre-release. */
export function installFile(sortedFiles: readonly ProjectFileRow[]): string | null {
  return sortedFiles.find(([version]) => !parsed(version).isPrerelease)?.[2] ?? null;
}

/** A link of simple/<pkg>/index.html (§3.2). */
export function indexLink([, , filename, , hash, yanked]: ProjectFileRow) {
  return { filename, hash, yanked };
}

/** A row of the project page's versions table (§3.3). */
export function versionRow([version, skip, succeeded, failed, yanked]: ProjectVersionRow) {
  return { version, prerelease: parsed(version).isPrerelease, yanked, succeeded, failed, skip };
}

/** A row of the project page's files table (§3.3). */
export function fileRow([version, abi, filename, size, hash]: ProjectFileRow) {
  return { version, abi, filename, size, hash };
}

export interface ProjectInput {
  package: string;
  versionsCount: number;
  filesCount: number;
  aptDependencies: ReadonlySet<string>;
  description: string | null;
  displayName: string | null;
  now: Date;
}

/** project/<pkg>/index.html (§3.3), apart from the table rows (rendered in slices). */
export function projectView(input: ProjectInput) {
  const name = input.displayName || input.package;
  return {
    page: 'project',
    package: input.package,
    name,
    description: input.description ?? '',
    pypiUrl: `https://pypi.org/project/${pathSegment(name)}`,
    versionsCount: input.versionsCount,
    filesCount: input.filesCount,
    // Recorded by 0.18 unchecked: only Debian package names may reach a line people paste into a shell.
    apt: [...input.aptDependencies].filter(isDebianPackageName).sort(),
    visibleRows: VISIBLE_ROWS,
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
