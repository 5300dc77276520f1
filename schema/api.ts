/**
 * The database API of the manual's `Database` / `DbClient` classes: one method per operation, with the
 * result shapes the Oracle puts on the wire (`oracleResults`). `Database` (database.ts) implements it over
 * SQL; `DbClient` (actors/oracle/db-client.ts) implements it over the bus, through Seraph and the Oracles.
 * Tasks written against this interface work with either.
 */
import type { OracleResult } from '../protocols/oracle.js';
import type { BuildStateWire, DownloadRecordWire, HitRecordWire, SearchRecordWire } from '../protocols/records.js';
import type { AddPackageOutcome, AddPackageRequest, AddVersionOutcome, AddVersionRequest } from './add.js';

/** `[package, added_at, command]` of the Secretary's buffer. */
export type RewritePendingRow = OracleResult<'LOADRWP'>[number];
/** `[version, skipped, builds_succeeded, builds_failed, yanked]` */
export type ProjectVersionRow = OracleResult<'PROJVERS'>[number];
/** `[version, abi_tag, filename, filesize, filehash, yanked]` */
export type ProjectFileRow = OracleResult<'PROJFILES'>[number];
/** PROJDATA: `[releases, files]`, everything the Scribe writes about one package. */
export type ProjectData = OracleResult<'PROJDATA'>;
/** PROJPAGES: per package, `[PROJDATA, GETDESC, GETPROJNAME, GETPKGNAMES]`. */
export type ProjectPages = OracleResult<'PROJPAGES'>;
/** `[version, released, skip, yanked, yanked_reason, builds: [build_id, abi_tag, status][]]` */
export type ProjectRelease = ProjectData[0][number];
/**
 * `[version, filename, filesize, filehash, builder_abi, abi_tag, platform_tag, requires_python,
 * core_metadata_hash, built_at, apt_dependencies, pip_dependencies]`
 */
export type ProjectFile = ProjectData[1][number];
/** GETSTATS: the eight statistics plus builds in the last hour per unskipped build ABI. */
export type Statistics = OracleResult<'GETSTATS'>;

export interface PiwheelsDb {
  /** ALLPKGS: every package, skipped or not. */
  getAllPackages(): Promise<Set<string>>;
  /** ALLVERS: every (package, version). */
  getAllPackageVersions(): Promise<Set<[string, string]>>;
  /** NEWPKG: false when the package already existed. */
  addNewPackage(pkg: string, skip?: string, description?: string): Promise<boolean>;
  /** NEWVER: false when the version already existed; no release time is stored as 1970-01-01. */
  addNewPackageVersion(pkg: string, version: string, released?: Date | null, skip?: string): Promise<boolean>;
  /** NEWPKGNAME: records a spelling of the package (or when it was last seen). */
  addPackageName(pkg: string, name: string, seen: Date): Promise<void>;
  /** GETPKGNAMES: every other spelling of the package. */
  getPackageAliases(pkg: string): Promise<string[]>;
  /** GETPROJNAME: the spelling seen last. */
  getProjectDisplayName(pkg: string): Promise<string | null>;
  /** SETDESC */
  setPackageDescription(pkg: string, description: string): Promise<void>;
  /** GETDESC: null for an unknown package. */
  getPackageDescription(pkg: string): Promise<string | null>;
  /** SKIPPKG: a non-empty reason stops all builds of the package; '' allows them again. */
  skipPackage(pkg: string, reason: string): Promise<void>;
  /** SKIPVER */
  skipPackageVersion(pkg: string, version: string, reason: string): Promise<void>;
  /** DELPKG: the package and everything of it. */
  deletePackage(pkg: string): Promise<void>;
  /** DELVER: the version and its builds, files and dependencies. */
  deleteVersion(pkg: string, version: string): Promise<void>;
  /** YANKVER: `reason` is PEP 592's (PyPI's `yanked_reason`), '' for none. */
  yankVersion(pkg: string, version: string, reason?: string): Promise<void>;
  /** UNYANKVER: the reason goes too. */
  unyankVersion(pkg: string, version: string): Promise<void>;
  /** PKGEXISTS */
  testPackage(pkg: string): Promise<boolean>;
  /** PKGDELETED */
  packageMarkedDeleted(pkg: string): Promise<boolean>;
  /** VEREXISTS */
  testPackageVersion(pkg: string, version: string): Promise<boolean>;
  /** VERSDELETED */
  getVersionsDeleted(pkg: string): Promise<Set<string>>;
  /** LOGDOWNLOAD */
  logDownload(download: DownloadRecordWire): Promise<void>;
  /** LOGSEARCH */
  logSearch(search: SearchRecordWire): Promise<void>;
  /** LOGPROJECT */
  logProject(hit: HitRecordWire): Promise<void>;
  /** LOGJSON */
  logJson(hit: HitRecordWire): Promise<void>;
  /** LOGPAGE */
  logPage(hit: HitRecordWire): Promise<void>;
  /** LOGBUILD: the new build's id. */
  logBuild(build: BuildStateWire): Promise<number>;
  /** DELBUILD: every build of the version (the version stays). */
  deleteBuild(pkg: string, version: string): Promise<void>;
  /** PKGFILES: filename → SHA-256 of the files of the package's successful builds. */
  getPackageFiles(pkg: string): Promise<Record<string, string>>;
  /** PROJVERS */
  getProjectVersions(pkg: string): Promise<ProjectVersionRow[]>;
  /** PROJFILES */
  getProjectFiles(pkg: string): Promise<ProjectFileRow[]>;
  /** VERFILES: filenames of the version's successful builds. */
  getVersionFiles(pkg: string, version: string): Promise<Set<string>>;
  /** GETSKIP: the version's skip reason; null for an unknown version. */
  getVersionSkip(pkg: string, version: string): Promise<string | null>;
  /** GETABIS: every build ABI, skipped ones included. */
  getBuildAbis(): Promise<Set<string>>;
  /** GETPYPI */
  getPypiSerial(): Promise<number>;
  /** SETPYPI: refuses to go backwards. */
  setPypiSerial(serial: number): Promise<void>;
  /** GETSTATS */
  getStatistics(): Promise<Statistics>;
  /** GETSEARCH: package → [downloads in the last 30 days, all downloads]. */
  getSearchIndex(): Promise<Record<string, [number, number]>>;
  /** FILEDEPS: the file's apt dependencies minus those preinstalled for its ABI. */
  getFileAptDependencies(filename: string): Promise<Set<string>>;
  /** SAVERWP: replaces the stored buffer. */
  saveRewritesPending(rows: RewritePendingRow[]): Promise<void>;
  /** LOADRWP: oldest first. */
  loadRewritesPending(): Promise<RewritePendingRow[]>;
  /** ADDPKG (piw-add): the package added or corrected in one transaction, or refused unchanged. */
  addPackage(req: AddPackageRequest): Promise<AddPackageOutcome>;
  /** ADDVER (piw-add): the version added or corrected in one transaction, or refused unchanged. */
  addVersion(req: AddVersionRequest): Promise<AddVersionOutcome>;
  /** PROJDATA: every version (with its builds) and every file of successful builds, unsorted. */
  getProjectData(pkg: string): Promise<ProjectData>;
  /** SETFILEMETA: the file's Requires-Python (null: none) and the SHA-256 of its METADATA. */
  setFileMetadata(filename: string, requiresPython: string | null, coreMetadataHash: string): Promise<void>;
  /** BUILDLOG: the build's output; null for an unknown build. */
  getBuildLog(buildId: number): Promise<string | null>;
  /** PROJPAGES: what PROJDATA, GETDESC, GETPROJNAME and GETPKGNAMES give for each package, in one round trip. */
  getProjectPages(pkgs: string[]): Promise<ProjectPages>;
  /** BUILDLOGS: build_id → output of each build that has one, in one round trip. */
  getBuildLogs(buildIds: number[]): Promise<Record<string, string>>;
}
