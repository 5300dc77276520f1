/**
 * DbClient: the database API (schema/api.ts) over the bus, for tasks. Each method sends its verb on the
 * db queue (Seraph and the Oracles answer) and resolves with the OK result; an ERROR answer rejects with
 * an OracleError carrying the Oracle's text (0.18's DbClient raised IOError(text)). Bus failures (no
 * server, timeout) reject with the bus's own typed errors.
 *
 * `request(msg)` is the generic form (the OraclePort some tasks are written against).
 */
import { defineError } from '../../protocols/errors.js';
import type { BuildStateWire, DownloadRecordWire, HitRecordWire } from '../../protocols/records.js';
import type { OracleResult, OracleVerb } from '../../protocols/oracle.js';
import type { AddPackageOutcome, AddPackageRequest, AddVersionOutcome, AddVersionRequest } from '../../schema/add.js';
import type { PiwheelsDb, ProjectData, ProjectFileRow, ProjectPages, ProjectVersionRow, RewritePendingRow, Statistics } from '../../schema/api.js';
import type { Bus, RequestOptions } from '../runtime/bus.js';
import { queues } from '../runtime/queues.js';
import type { OracleRequest } from './oracle.js';

export const OracleError = defineError('PIW_ERR_ORACLE', (verb: string, text: string) => ({
  message: `the Oracle answered ${verb} with ERROR: ${text}`,
  verb,
  text,
}));

export interface DbClientOptions {
  /** How long to wait for each answer (default: as long as it takes, as 0.18's DbClient did). */
  timeoutMs?: number;
  /** Ends every wait when aborted (e.g. the task stopping). */
  signal?: AbortSignal;
}

export class DbClient implements PiwheelsDb {
  constructor(
    private readonly bus: Bus,
    private readonly opts: DbClientOptions = {},
  ) {}

  /** Sends one request and resolves with its OK result. */
  async request<M extends OracleRequest>(msg: M): Promise<OracleResult<M['verb']>> {
    const options: RequestOptions = {};
    if (this.opts.timeoutMs !== undefined) options.timeoutMs = this.opts.timeoutMs;
    if (this.opts.signal !== undefined) options.signal = this.opts.signal;
    const reply = await this.bus.request(queues.db, msg, options);
    if (reply.verb === 'ERROR') throw new OracleError(msg.verb, reply.data);
    return reply.data as OracleResult<M['verb']>;
  }

  private call<V extends OracleVerb>(verb: V, data?: unknown): Promise<OracleResult<V>> {
    return this.request((data === undefined ? { verb } : { verb, data }) as OracleRequest) as Promise<OracleResult<V>>;
  }

  getAllPackages(): Promise<Set<string>> {
    return this.call('ALLPKGS');
  }
  getAllPackageVersions(): Promise<Set<[string, string]>> {
    return this.call('ALLVERS');
  }
  addNewPackage(pkg: string, skip = '', description = ''): Promise<boolean> {
    return this.call('NEWPKG', [pkg, skip, description]);
  }
  addNewPackageVersion(pkg: string, version: string, released: Date | null = null, skip = ''): Promise<boolean> {
    // The 0.18 wire has no "unknown" release time: the database's own default stands in for it.
    return this.call('NEWVER', [pkg, version, released ?? new Date(0), skip]);
  }
  async addPackageName(pkg: string, name: string, seen: Date): Promise<void> {
    await this.call('NEWPKGNAME', [pkg, name, seen]);
  }
  getPackageAliases(pkg: string): Promise<string[]> {
    return this.call('GETPKGNAMES', pkg);
  }
  getProjectDisplayName(pkg: string): Promise<string | null> {
    return this.call('GETPROJNAME', pkg);
  }
  async setPackageDescription(pkg: string, description: string): Promise<void> {
    await this.call('SETDESC', [pkg, description]);
  }
  getPackageDescription(pkg: string): Promise<string | null> {
    return this.call('GETDESC', pkg);
  }
  async skipPackage(pkg: string, reason: string): Promise<void> {
    await this.call('SKIPPKG', [pkg, reason]);
  }
  async skipPackageVersion(pkg: string, version: string, reason: string): Promise<void> {
    await this.call('SKIPVER', [pkg, version, reason]);
  }
  async deletePackage(pkg: string): Promise<void> {
    await this.call('DELPKG', pkg);
  }
  async deleteVersion(pkg: string, version: string): Promise<void> {
    await this.call('DELVER', [pkg, version]);
  }
  async yankVersion(pkg: string, version: string, reason?: string): Promise<void> {
    await this.call('YANKVER', reason === undefined ? [pkg, version] : [pkg, version, reason]);
  }
  async unyankVersion(pkg: string, version: string): Promise<void> {
    await this.call('UNYANKVER', [pkg, version]);
  }
  testPackage(pkg: string): Promise<boolean> {
    return this.call('PKGEXISTS', pkg);
  }
  packageMarkedDeleted(pkg: string): Promise<boolean> {
    return this.call('PKGDELETED', pkg);
  }
  testPackageVersion(pkg: string, version: string): Promise<boolean> {
    return this.call('VEREXISTS', [pkg, version]);
  }
  getVersionsDeleted(pkg: string): Promise<Set<string>> {
    return this.call('VERSDELETED', pkg);
  }
  async logDownload(download: DownloadRecordWire): Promise<void> {
    await this.call('LOGDOWNLOAD', download);
  }
  async logSearch(search: DownloadRecordWire): Promise<void> {
    await this.call('LOGSEARCH', search);
  }
  async logProject(hit: HitRecordWire): Promise<void> {
    await this.call('LOGPROJECT', hit);
  }
  async logJson(hit: HitRecordWire): Promise<void> {
    await this.call('LOGJSON', hit);
  }
  async logPage(hit: HitRecordWire): Promise<void> {
    await this.call('LOGPAGE', hit);
  }
  logBuild(build: BuildStateWire): Promise<number> {
    return this.call('LOGBUILD', build);
  }
  async deleteBuild(pkg: string, version: string): Promise<void> {
    await this.call('DELBUILD', [pkg, version]);
  }
  getPackageFiles(pkg: string): Promise<Record<string, string>> {
    return this.call('PKGFILES', pkg);
  }
  getProjectVersions(pkg: string): Promise<ProjectVersionRow[]> {
    return this.call('PROJVERS', pkg);
  }
  getProjectFiles(pkg: string): Promise<ProjectFileRow[]> {
    return this.call('PROJFILES', pkg);
  }
  getVersionFiles(pkg: string, version: string): Promise<Set<string>> {
    return this.call('VERFILES', [pkg, version]);
  }
  getVersionSkip(pkg: string, version: string): Promise<string | null> {
    return this.call('GETSKIP', [pkg, version]);
  }
  getBuildAbis(): Promise<Set<string>> {
    return this.call('GETABIS');
  }
  getPypiSerial(): Promise<number> {
    return this.call('GETPYPI');
  }
  async setPypiSerial(serial: number): Promise<void> {
    await this.call('SETPYPI', serial);
  }
  getStatistics(): Promise<Statistics> {
    return this.call('GETSTATS');
  }
  getSearchIndex(): Promise<Record<string, [number, number]>> {
    return this.call('GETSEARCH');
  }
  getFileAptDependencies(filename: string): Promise<Set<string>> {
    return this.call('FILEDEPS', filename);
  }
  async saveRewritesPending(rows: RewritePendingRow[]): Promise<void> {
    await this.call('SAVERWP', rows);
  }
  loadRewritesPending(): Promise<RewritePendingRow[]> {
    return this.call('LOADRWP');
  }
  addPackage(req: AddPackageRequest): Promise<AddPackageOutcome> {
    return this.call('ADDPKG', [req.package, req.display, req.description, req.skip, req.unskip, [...req.aliases], req.seen]);
  }
  addVersion(req: AddVersionRequest): Promise<AddVersionOutcome> {
    return this.call('ADDVER', [
      req.package, req.display, req.version, req.skip, req.unskip, req.released, req.yank, req.unyank, [...req.aliases], req.seen,
    ]);
  }
  getProjectData(pkg: string): Promise<ProjectData> {
    return this.call('PROJDATA', pkg);
  }
  async setFileMetadata(filename: string, requiresPython: string | null, coreMetadataHash: string): Promise<void> {
    await this.call('SETFILEMETA', [filename, requiresPython, coreMetadataHash]);
  }
  getBuildLog(buildId: number): Promise<string | null> {
    return this.call('BUILDLOG', buildId);
  }
  getProjectPages(pkgs: string[]): Promise<ProjectPages> {
    return this.call('PROJPAGES', pkgs);
  }
  getBuildLogs(buildIds: number[]): Promise<Record<string, string>> {
    return this.call('BUILDLOGS', buildIds);
  }
}
