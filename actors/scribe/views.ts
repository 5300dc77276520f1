/** Builders of what each template shows (web-templates/README.md §3), from the Oracle's rows. */
import { isDebianPackageName } from '../../protocols/packaging/dependencies.js';
import { compareParsed, parseVersion } from '../../protocols/packaging/pep440.js';
import type { ParsedVersion } from '../../protocols/packaging/pep440.js';
import type { MasterStatsWire } from '../../protocols/records.js';
import { logUrl } from './build-logs.js';
import { localMinute, pathSegment } from './format.js';
import type { FileInfo, ReleaseInfo } from './project-model.js';
import { mapYielding, sortYielding } from './yielding.js';

/** Rows shown before "Show more" on project pages. */
export const VISIBLE_ROWS = 5;

/** The static pages of the sitemap (sitemap0.xml). */
export const STATIC_SITEMAP_PAGES = ['index.html', 'packages.html', 'faq.html', 'json.html', 'stats.html'];

/**
 * apt packages every Debian and Raspberry Pi OS system has (Essential or required, or needed by apt
 * itself): never worth telling anyone to install, whatever the ABI's preinstalled list says.
 */
export const ALWAYS_INSTALLED: ReadonlySet<string> = new Set(['libc6', 'libgcc-s1', 'libgcc1', 'libstdc++6', 'zlib1g']);

// Parsed versions, shared by every page: the same versions come back each time a package is rewritten.
const parsedVersions = new Map<string, ParsedVersion>();
const PARSED_VERSIONS_MAX = 100_000;

/** The parsed form of a version, cached. */
export function parsedVersion(version: string): ParsedVersion {
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
    (row, index) => ({ row, index, v: parsedVersion(row[0]) }),
  );
  const sorted = await sortYielding(keyed, (x, y) => compareParsed(y.v, x.v) || x.index - y.index);
  return sorted.map((x) => x.row);
}

/**
 * The file whose apt dependencies the install box shows: the newest that is neither a pre-release nor
 * yanked (what a plain `pip install` picks).
 */
export function installFile(sortedFiles: readonly FileInfo[]): FileInfo | null {
  return sortedFiles.find((f) => !f.yanked && !parsedVersion(f.version).isPrerelease) ?? null;
}

/** A link of simple/<pkg>/index.html (§3.2, with PEP 503's requires-python, 592's reason, 658/714's metadata). */
export function indexLink(f: FileInfo) {
  return { filename: f.filename, hash: f.hash, yanked: f.yanked, yankedReason: f.yankedReason, requiresPython: f.requiresPython, metadataHash: f.metadataHash };
}

/** One ABI of a version row: the newest build of it with that outcome, and its log when the site has it. */
interface AbiBuild {
  abi: string;
  log: string | null;
}

function abiBuilds(release: ReleaseInfo, ok: boolean, logs: ReadonlySet<number>): AbiBuild[] {
  const newest = new Map<string, number>();
  for (const b of release.builds) if (b.ok === ok) newest.set(b.abi, Math.max(b.id, newest.get(b.abi) ?? -1));
  return [...newest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([abi, id]) => ({ abi, log: logs.has(id) ? logUrl(id) : null }));
}

/** A row of the project page's versions table (§3.3), its builds linked to their logs. */
export function versionRow(release: ReleaseInfo, logs: ReadonlySet<number>) {
  return {
    version: release.version,
    prerelease: release.prerelease,
    yanked: release.yanked,
    yankedReason: release.yankedReason,
    released: release.released.getTime() === 0 ? '' : dbDate(release.released),
    succeeded: abiBuilds(release, true, logs),
    failed: abiBuilds(release, false, logs),
    skip: release.skip,
  };
}

/** A row of the project page's files table (§3.3). */
export function fileRow(f: FileInfo) {
  return { version: f.version, abi: f.abi, filename: f.filename, size: f.size, hash: f.hash, requiresPython: f.requiresPython ?? '' };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * `YYYY-MM-DD` of a database TIMESTAMP. The database keeps UTC wall-clock times without a zone and the
 * client reads them as local times, so the local fields give back what was stored.
 */
export function dbDate(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS` of a database TIMESTAMP (UTC), as piwheels' project JSON writes `released`. */
export function dbDateTime(d: Date): string {
  return `${dbDate(d)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** ISO 8601 in UTC of a database TIMESTAMP, as PEP 700's `upload-time`: `2026-01-02T03:04:05Z`. */
export function dbIsoTime(d: Date): string {
  return `${dbDateTime(d).replace(' ', 'T')}Z`;
}

export interface ProjectInput {
  package: string;
  versionsCount: number;
  filesCount: number;
  /** apt dependencies of the install file; those every system has are left out. */
  aptDependencies: Iterable<string>;
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
    apt: [...new Set(input.aptDependencies)].filter((d) => isDebianPackageName(d) && !ALWAYS_INSTALLED.has(d)).sort(),
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
