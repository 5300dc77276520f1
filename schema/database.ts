/**
 * The database API over SQL: every operation of `PiwheelsDb` plus the Architect's build-queue query and
 * the Lumberjack's access-log batches, each one statement against the functions and tables of the schema
 * (schema/sql/). Writes go through the SECURITY DEFINER functions, so the unprivileged master role is
 * enough; reads select directly where 0.18 did (packages, versions, build_abis, configuration).
 *
 * Text that comes from outside (build logs, web-log fields) is cleaned as 0.18 cleaned it (text.ts), and
 * access-log fields are cut to their columns' widths (access-log.ts), so a hostile log line is stored
 * rather than refused.
 */
import type { Sql } from 'postgres';
import { TimeDelta } from '../protocols/cbor/index.js';
import type { BuildStateWire, DownloadRecordWire, HitRecordWire, SearchRecordWire } from '../protocols/records.js';
import { accessLogStatement, fitAccessRecord, type AccessLogBatch } from './access-log.js';
import { addPackage, addVersion, type AddPackageOutcome, type AddPackageRequest, type AddVersionOutcome, type AddVersionRequest } from './add.js';
import type { PiwheelsDb, ProjectData, ProjectFileRow, ProjectPages, ProjectVersionRow, RewritePendingRow, Statistics } from './api.js';
import type { Connection } from './connection.js';
import { sanitize } from './text.js';

/** The Architect's queue: ABI → [package, version] oldest release first. */
export type BuildQueue = Record<string, [string, string][]>;

/** 0.18's rule for PyPI summaries: longer than 200 characters → the first 199 and an ellipsis. */
export function fitDescription(description: string): string {
  const chars = [...description];
  return chars.length <= 200 ? description : chars.slice(0, 199).join('') + '\u2026';
}

export class Database implements PiwheelsDb {
  readonly sql: Sql;

  constructor(private readonly connection: Connection) {
    this.sql = connection.sql;
  }

  get target() {
    return this.connection.target;
  }

  /** The embedded database's socket for operators (psql, piw-abis), when it is served. */
  get operatorSocket(): string | undefined {
    return this.connection.embedded?.operatorSocket;
  }

  /** Why the embedded database could not be served to operators, when it was to be. */
  get operatorsUnserved(): string | undefined {
    return this.connection.embedded?.operatorsUnserved;
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /**
   * Runs `work` in one transaction, given a Database whose every method is part of it: all of its
   * changes are kept, or (when `work` throws) none. On the embedded database the transaction holds the
   * one session until it ends, so nothing else interleaves.
   */
  async transaction<T>(work: (db: Database) => Promise<T>): Promise<T> {
    return (await this.sql.begin((tx) => work(new Database({ ...this.connection, sql: tx as unknown as Sql })))) as T;
  }

  async getAllPackages(): Promise<Set<string>> {
    const rows = await this.sql<{ package: string }[]>`SELECT package FROM packages`;
    return new Set(rows.map((r) => r.package));
  }

  async getAllPackageVersions(): Promise<Set<[string, string]>> {
    const rows = await this.sql<{ package: string; version: string }[]>`SELECT package, version FROM versions`;
    return new Set(rows.map((r): [string, string] => [r.package, r.version]));
  }

  async addNewPackage(pkg: string, skip = '', description = ''): Promise<boolean> {
    const [row] = await this.sql<{ ok: boolean }[]>`
      SELECT add_new_package(${pkg}, ${skip}, ${fitDescription(description)}) AS ok`;
    return row!.ok;
  }

  async addNewPackageVersion(pkg: string, version: string, released: Date | null = null, skip = ''): Promise<boolean> {
    const [row] = await this.sql<{ ok: boolean }[]>`
      SELECT add_new_package_version(${pkg}, ${version}, ${released}::timestamp, ${skip}) AS ok`;
    return row!.ok;
  }

  async addPackageName(pkg: string, name: string, seen: Date): Promise<void> {
    await this.sql`SELECT add_package_name(${pkg}, ${name}, ${seen}::timestamp)`;
  }

  async getPackageAliases(pkg: string): Promise<string[]> {
    const rows = await this.sql<{ name: string }[]>`SELECT name FROM get_package_aliases(${pkg}) ORDER BY name`;
    return rows.map((r) => r.name);
  }

  async getProjectDisplayName(pkg: string): Promise<string | null> {
    const [row] = await this.sql<{ name: string | null }[]>`SELECT get_project_display_name(${pkg}) AS name`;
    return row!.name;
  }

  async setPackageDescription(pkg: string, description: string): Promise<void> {
    await this.sql`SELECT set_package_description(${pkg}, ${fitDescription(description)})`;
  }

  async getPackageDescription(pkg: string): Promise<string | null> {
    const [row] = await this.sql<{ description: string | null }[]>`
      SELECT get_package_description(${pkg}) AS description`;
    return row!.description;
  }

  async skipPackage(pkg: string, reason: string): Promise<void> {
    await this.sql`SELECT skip_package(${pkg}, ${reason})`;
  }

  async skipPackageVersion(pkg: string, version: string, reason: string): Promise<void> {
    await this.sql`SELECT skip_package_version(${pkg}, ${version}, ${reason})`;
  }

  async deletePackage(pkg: string): Promise<void> {
    await this.sql`SELECT delete_package(${pkg})`;
  }

  async deleteVersion(pkg: string, version: string): Promise<void> {
    await this.sql`SELECT delete_version(${pkg}, ${version})`;
  }

  async yankVersion(pkg: string, version: string, reason = ''): Promise<void> {
    await this.sql`SELECT yank_version(${pkg}, ${version}, ${sanitize(reason)})`;
  }

  async unyankVersion(pkg: string, version: string): Promise<void> {
    await this.sql`SELECT unyank_version(${pkg}, ${version})`;
  }

  async testPackage(pkg: string): Promise<boolean> {
    const [row] = await this.sql<{ ok: boolean }[]>`SELECT test_package(${pkg}) AS ok`;
    return row!.ok;
  }

  async packageMarkedDeleted(pkg: string): Promise<boolean> {
    const [row] = await this.sql<{ ok: boolean }[]>`SELECT package_marked_deleted(${pkg}) AS ok`;
    return row!.ok;
  }

  async testPackageVersion(pkg: string, version: string): Promise<boolean> {
    const [row] = await this.sql<{ ok: boolean }[]>`SELECT test_package_version(${pkg}, ${version}) AS ok`;
    return row!.ok;
  }

  async getVersionsDeleted(pkg: string): Promise<Set<string>> {
    const rows = await this.sql<{ version: string }[]>`SELECT version FROM get_versions_deleted(${pkg})`;
    return new Set(rows.map((r) => r.version));
  }

  async logDownload(download: DownloadRecordWire): Promise<void> {
    const [filename, host, at, arch, distroName, distroVersion, osName, osVersion, pyName, pyVersion, installerName, installerVersion, setuptoolsVersion] =
      fitAccessRecord('LOGDOWNLOAD', download).record;
    await this.sql`
      SELECT log_download(
        ${filename}, ${host}::inet, ${at}::timestamp, ${arch}, ${distroName}, ${distroVersion}, ${osName}, ${osVersion},
        ${pyName}, ${pyVersion}, ${installerName}, ${installerVersion}, ${setuptoolsVersion})`;
  }

  async logSearch(search: SearchRecordWire): Promise<void> {
    const [pkg, host, at, arch, distroName, distroVersion, osName, osVersion, pyName, pyVersion, installerName, installerVersion, setuptoolsVersion] =
      fitAccessRecord('LOGSEARCH', search).record;
    await this.sql`
      SELECT log_search(
        ${pkg}, ${host}::inet, ${at}::timestamp, ${arch}, ${distroName}, ${distroVersion}, ${osName}, ${osVersion},
        ${pyName}, ${pyVersion}, ${installerName}, ${installerVersion}, ${setuptoolsVersion})`;
  }

  async logProject(hit: HitRecordWire): Promise<void> {
    const [pkg, host, at, userAgent] = fitAccessRecord('LOGPROJECT', hit).record;
    await this.sql`SELECT log_project(${pkg}, ${host}::inet, ${at}::timestamp, ${userAgent})`;
  }

  async logJson(hit: HitRecordWire): Promise<void> {
    const [pkg, host, at, userAgent] = fitAccessRecord('LOGJSON', hit).record;
    await this.sql`SELECT log_json(${pkg}, ${host}::inet, ${at}::timestamp, ${userAgent})`;
  }

  async logPage(hit: HitRecordWire): Promise<void> {
    const [page, host, at, userAgent] = fitAccessRecord('LOGPAGE', hit).record;
    await this.sql`SELECT log_page(${page}, ${host}::inet, ${at}::timestamp, ${userAgent})`;
  }

  /**
   * Writes every record of `batch` in one statement, so in one transaction: all of them or none. The
   * records are written as given: fit them first (`fitAccessRecord`), or a value too long for its column
   * makes PostgreSQL refuse the whole batch (`isDataRejection` tells such a refusal apart).
   */
  async logAccessBatch(batch: AccessLogBatch): Promise<void> {
    const statement = accessLogStatement(batch);
    if (statement !== undefined) await this.sql.unsafe(statement.text, statement.params);
  }

  async logBuild(build: BuildStateWire): Promise<number> {
    const [builtBy, pkg, version, abi, status, duration, output, files] = build;
    const log = sanitize(output);
    if (!status) {
      const [row] = await this.sql<{ id: number }[]>`
        SELECT log_build_failure(${pkg}, ${version}, ${builtBy}, ${duration.toString()}::interval, ${abi}, ${log}) AS id`;
      return row!.id;
    }
    // Files and dependencies travel as JSON and become the functions' composite arrays by column name.
    const fileRows = files.map(([filename, filesize, filehash, packageTag, packageVersionTag, pyVersionTag, abiTag, platformTag]) => ({
      filename,
      filesize,
      filehash,
      package_tag: packageTag,
      package_version_tag: packageVersionTag,
      py_version_tag: pyVersionTag,
      abi_tag: abiTag,
      platform_tag: platformTag,
    }));
    const depRows = files.flatMap(([filename, , , , , , , , deps]) =>
      Object.entries(deps).flatMap(([tool, names]) => [...new Set(names)].map((dependency) => ({ filename, tool, dependency }))),
    );
    const [row] = await this.sql<{ id: number }[]>`
      SELECT log_build_success(
        ${pkg}, ${version}, ${builtBy}, ${duration.toString()}::interval, ${abi}, ${log},
        ARRAY(SELECT f FROM jsonb_populate_recordset(NULL::files, ${this.sql.json(fileRows)}::jsonb) AS f),
        ARRAY(SELECT d FROM jsonb_populate_recordset(NULL::dependencies, ${this.sql.json(depRows)}::jsonb) AS d)
      ) AS id`;
    return row!.id;
  }

  async deleteBuild(pkg: string, version: string): Promise<void> {
    await this.sql`SELECT delete_build(${pkg}, ${version})`;
  }

  async getPackageFiles(pkg: string): Promise<Record<string, string>> {
    const rows = await this.sql<{ filename: string; filehash: string }[]>`
      SELECT filename, filehash FROM get_package_files(${pkg})`;
    return Object.fromEntries(rows.map((r) => [r.filename, r.filehash]));
  }

  async getProjectVersions(pkg: string): Promise<ProjectVersionRow[]> {
    const rows = await this.sql<{ version: string; skipped: string; succeeded: string; failed: string; yanked: boolean }[]>`
      SELECT version, skipped, builds_succeeded AS succeeded, builds_failed AS failed, yanked
      FROM get_project_versions(${pkg})`;
    return rows.map((r): ProjectVersionRow => [r.version, r.skipped, r.succeeded, r.failed, r.yanked]);
  }

  async getProjectFiles(pkg: string): Promise<ProjectFileRow[]> {
    const rows = await this.sql<{ version: string; abi_tag: string; filename: string; filesize: number; filehash: string; yanked: boolean }[]>`
      SELECT version, abi_tag, filename, filesize, filehash, yanked FROM get_project_files(${pkg})`;
    return rows.map((r): ProjectFileRow => [r.version, r.abi_tag, r.filename, r.filesize, r.filehash, r.yanked]);
  }

  async getProjectData(pkg: string): Promise<ProjectData> {
    return (await this.getProjectPages([pkg]))[pkg]![0];
  }

  /**
   * Everything the Scribe writes about each package, three statements for any number of packages: the
   * same functions as one package's queries (get_project_data_releases / _files, the description, display
   * name and aliases), called for each package of the list in the server.
   */
  async getProjectPages(packages: string[]): Promise<ProjectPages> {
    const pkgs = [...new Set(packages)];
    const [releases, files, names] = await Promise.all([
      this.sql<{ pkg: string; version: string; released: Date; skipped: string; yanked: boolean; yanked_reason: string; builds: [number, string, boolean][] }[]>`
        SELECT p.pkg, r.version, r.released, r.skipped, r.yanked, r.yanked_reason, r.builds
        FROM unnest(${pkgs}::text[]) AS p(pkg) CROSS JOIN LATERAL get_project_data_releases(p.pkg) AS r`,
      this.sql<
        {
          pkg: string;
          version: string;
          filename: string;
          filesize: number;
          filehash: string;
          builder_abi: string;
          abi_tag: string;
          platform_tag: string;
          requires_python: string | null;
          core_metadata_hash: string | null;
          built_at: Date;
          apt_dependencies: string[];
          pip_dependencies: string[];
        }[]
      >`
        SELECT p.pkg, f.version, f.filename, f.filesize, f.filehash, f.builder_abi, f.abi_tag, f.platform_tag,
               f.requires_python, f.core_metadata_hash, f.built_at, f.apt_dependencies, f.pip_dependencies
        FROM unnest(${pkgs}::text[]) AS p(pkg) CROSS JOIN LATERAL get_project_data_files(p.pkg) AS f`,
      this.sql<{ pkg: string; description: string | null; name: string | null; aliases: string[] }[]>`
        SELECT p.pkg, get_package_description(p.pkg) AS description, get_project_display_name(p.pkg) AS name,
               ARRAY(SELECT a.name FROM get_package_aliases(p.pkg) AS a ORDER BY a.name) AS aliases
        FROM unnest(${pkgs}::text[]) AS p(pkg)`,
    ]);
    const pages: ProjectPages = {};
    for (const n of names) pages[n.pkg] = [[[], []], n.description, n.name, n.aliases];
    for (const r of releases) pages[r.pkg]![0][0].push([r.version, r.released, r.skipped, r.yanked, r.yanked_reason, r.builds]);
    for (const f of files) {
      pages[f.pkg]![0][1].push([
        f.version, f.filename, f.filesize, f.filehash, f.builder_abi, f.abi_tag, f.platform_tag, f.requires_python,
        f.core_metadata_hash, f.built_at, f.apt_dependencies, f.pip_dependencies,
      ]);
    }
    return pages;
  }

  async setFileMetadata(filename: string, requiresPython: string | null, coreMetadataHash: string): Promise<void> {
    await this.sql`SELECT set_file_metadata(${filename}, ${requiresPython}, ${coreMetadataHash})`;
  }

  async getBuildLog(buildId: number): Promise<string | null> {
    return (await this.getBuildLogs([buildId]))[buildId] ?? null;
  }

  async getBuildLogs(buildIds: number[]): Promise<Record<string, string>> {
    const rows = await this.sql<{ build_id: number; output: string }[]>`SELECT build_id, output FROM output WHERE build_id = ANY(${buildIds}::integer[])`;
    return Object.fromEntries(rows.map((r) => [r.build_id, r.output]));
  }

  async getVersionFiles(pkg: string, version: string): Promise<Set<string>> {
    const rows = await this.sql<{ filename: string }[]>`SELECT filename FROM get_version_files(${pkg}, ${version})`;
    return new Set(rows.map((r) => r.filename));
  }

  async getVersionSkip(pkg: string, version: string): Promise<string | null> {
    const rows = await this.sql<{ skip: string }[]>`
      SELECT skip FROM versions WHERE package = ${pkg} AND version = ${version}`;
    return rows[0]?.skip ?? null;
  }

  async getBuildAbis(): Promise<Set<string>> {
    const rows = await this.sql<{ abi_tag: string }[]>`SELECT abi_tag FROM build_abis`;
    return new Set(rows.map((r) => r.abi_tag));
  }

  async getPypiSerial(): Promise<number> {
    const [row] = await this.sql<{ serial: number }[]>`SELECT get_pypi_serial() AS serial`;
    return row!.serial;
  }

  async setPypiSerial(serial: number): Promise<void> {
    await this.sql`SELECT set_pypi_serial(${serial})`;
  }

  async getStatistics(): Promise<Statistics> {
    const [[stats], perAbi] = await Promise.all([
      this.sql<
        {
          builds_time_us: number;
          builds_size: number;
          packages_built: number;
          files_count: number;
          new_last_hour: number;
          downloads_all: number;
          downloads_last_month: number;
          downloads_last_hour: number;
        }[]
      >`
        SELECT
          (EXTRACT(EPOCH FROM builds_time) * 1000000)::BIGINT AS builds_time_us,
          builds_size, packages_built, files_count, new_last_hour,
          downloads_all::BIGINT, downloads_last_month::BIGINT, downloads_last_hour::BIGINT
        FROM get_statistics()`,
      this.sql<{ abi_tag: string; builds: number }[]>`SELECT abi_tag, builds FROM get_builds_last_hour()`,
    ]);
    const { builds_time_us, ...counts } = stats!;
    return {
      builds_time: new TimeDelta(0, 0, builds_time_us),
      ...counts,
      builds_last_hour: Object.fromEntries(perAbi.map((r) => [r.abi_tag, r.builds])),
    };
  }

  async getSearchIndex(): Promise<Record<string, [number, number]>> {
    const rows = await this.sql<{ package: string; recent: number; total: number }[]>`
      SELECT package, downloads_recent AS recent, downloads_all AS total FROM get_search_index()`;
    return Object.fromEntries(rows.map((r) => [r.package, [r.recent, r.total]]));
  }

  async getFileAptDependencies(filename: string): Promise<Set<string>> {
    const rows = await this.sql<{ dependency: string }[]>`
      SELECT dependency FROM get_file_apt_dependencies(${filename})`;
    return new Set(rows.map((r) => r.dependency));
  }

  async saveRewritesPending(rows: RewritePendingRow[]): Promise<void> {
    const json = this.sql.json(rows.map(([pkg, addedAt, command]) => ({ package: pkg, added_at: addedAt.toISOString(), command })));
    await this.sql`
      SELECT save_rewrites_pending(
        ARRAY(SELECT r FROM jsonb_populate_recordset(NULL::rewrites_pending, ${json}::jsonb) AS r))`;
  }

  async loadRewritesPending(): Promise<RewritePendingRow[]> {
    const rows = await this.sql<{ package: string; added_at: Date; command: 'PROJECT' | 'BOTH' }[]>`
      SELECT package, added_at, command FROM load_rewrites_pending()`;
    return rows.map((r): RewritePendingRow => [r.package, r.added_at, r.command]);
  }

  addPackage(req: AddPackageRequest): Promise<AddPackageOutcome> {
    return addPackage(this, req);
  }

  addVersion(req: AddVersionRequest): Promise<AddVersionOutcome> {
    return addVersion(this, req);
  }

  /**
   * The Architect's query: for every unskipped build ABI, up to `limit` versions to build, oldest release
   * first. `signal` cancels the query on the server (behaviour 130).
   */
  async getBuildQueue(limit = 1000, opts: { signal?: AbortSignal } = {}): Promise<BuildQueue> {
    const query = this.sql<{ abi_tag: string; queue: [string, string][] }[]>`
      SELECT abi_tag, queue FROM get_build_queue_json(${limit})`;
    const cancel = () => void query.cancel();
    opts.signal?.addEventListener('abort', cancel, { once: true });
    try {
      opts.signal?.throwIfAborted();
      return Object.fromEntries((await query).map((r) => [r.abi_tag, r.queue]));
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
    }
  }
}
