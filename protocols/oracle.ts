/**
 * `the_oracle`: DbClient ⇄ Seraph ⇄ Oracle (protocols/README.md §4.4). Every request is answered `OK <result>` or
 * `ERROR <text>`; `oracleResults` gives the shape of each verb's result for the typed DbClient.
 */
import * as v from 'valibot';
import { defineProtocol, NoData } from './protocol.js';
import { anything, bool, datetime, int, list, literal, mapOf, nullable, oneOf, setOf, str, timedelta, tuple } from './fields.js';
import { buildState, downloadRecord, hitRecord, searchRecord } from './records.js';

const pkgVer = () => tuple([str(), str()]);
const rewrite = () => tuple([str(), datetime(), oneOf([literal('PROJECT'), literal('BOTH')])]);

export const oracleRequests = {
  ALLPKGS: NoData,
  ALLVERS: NoData,
  NEWPKG: tuple([str(), str(), str()]), // package, skip, description
  NEWVER: tuple([str(), str(), datetime(), str()]), // package, version, released, skip
  NEWPKGNAME: tuple([str(), str(), datetime()]), // package, alias, seen
  GETPKGNAMES: str(),
  GETPROJNAME: str(),
  SETDESC: tuple([str(), str()]),
  GETDESC: str(),
  SKIPPKG: tuple([str(), str()]),
  SKIPVER: tuple([str(), str(), str()]),
  DELPKG: str(),
  DELVER: pkgVer(),
  // package, version[, reason]: 0.18 sent no reason
  YANKVER: oneOf([pkgVer(), tuple([str(), str(), str()])]),
  UNYANKVER: pkgVer(),
  LOGDOWNLOAD: downloadRecord,
  LOGSEARCH: searchRecord,
  LOGPROJECT: hitRecord,
  LOGJSON: hitRecord,
  LOGPAGE: hitRecord,
  LOGBUILD: buildState,
  DELBUILD: pkgVer(),
  PKGFILES: str(),
  PROJVERS: str(),
  PROJFILES: str(),
  VERFILES: pkgVer(),
  GETSKIP: pkgVer(),
  PKGEXISTS: str(),
  PKGDELETED: str(),
  VEREXISTS: pkgVer(),
  VERSDELETED: str(),
  GETABIS: NoData,
  GETPYPI: NoData,
  SETPYPI: int(),
  GETSTATS: NoData,
  GETSEARCH: NoData,
  FILEDEPS: str(),
  SAVERWP: list(rewrite()),
  LOADRWP: NoData,
  // piw-add, each one transaction: package, display name, description, skip, unskip, aliases, seen
  ADDPKG: tuple([str(), str(), str(), str(), bool(), list(str()), datetime()]),
  // package, display name, version, skip, unskip, released, yank, unyank, aliases, seen
  ADDVER: tuple([str(), str(), str(), str(), bool(), datetime(), bool(), bool(), list(str()), datetime()]),
  // Beyond 0.18 (piwheels 0.20's project data, PEP 658 metadata, build logs on the site):
  PROJDATA: str(),
  SETFILEMETA: tuple([str(), nullable(str()), str()]), // filename, requires_python, core metadata sha256
  BUILDLOG: int(), // build_id
  // Many packages' pages, many builds' logs, in one request each (the Scribe's rebuild of the site):
  PROJPAGES: list(str()),
  BUILDLOGS: list(int()), // build_ids
} as const;

const none = () => v.null();

/** PROJDATA: `[releases, files]` of one package (see ProjectData in schema/api.ts). */
const projectData = () =>
  tuple([
    // version, released, skip, yanked, yanked_reason, builds [build_id, abi_tag, status]
    list(tuple([str(), datetime(), str(), bool(), str(), list(tuple([int(), str(), bool()]))])),
    // version, filename, filesize, filehash, builder_abi, abi_tag, platform_tag, requires_python,
    // core_metadata_hash, built_at, apt_dependencies, pip_dependencies
    list(tuple([str(), str(), int(), str(), str(), str(), str(), nullable(str()), nullable(str()), datetime(), list(str()), list(str())])),
  ]);

/** GETSTATS: the statistics map (schema/README.md §4.5) plus builds_last_hour. */
const statistics = () =>
  v.object({
    builds_time: timedelta(),
    builds_size: int(),
    packages_built: int(),
    files_count: int(),
    new_last_hour: int(),
    downloads_all: int(),
    downloads_last_month: int(),
    downloads_last_hour: int(),
    builds_last_hour: mapOf(int()),
  });

/** What `OK` carries for each verb. */
export const oracleResults = {
  ALLPKGS: setOf(str()),
  ALLVERS: setOf(pkgVer()),
  NEWPKG: bool(), // false: already existed
  NEWVER: bool(),
  NEWPKGNAME: none(),
  GETPKGNAMES: list(str()),
  GETPROJNAME: nullable(str()),
  SETDESC: none(),
  GETDESC: nullable(str()),
  SKIPPKG: none(),
  SKIPVER: none(),
  DELPKG: none(),
  DELVER: none(),
  YANKVER: none(),
  UNYANKVER: none(),
  LOGDOWNLOAD: none(),
  LOGSEARCH: none(),
  LOGPROJECT: none(),
  LOGJSON: none(),
  LOGPAGE: none(),
  LOGBUILD: int(), // new build_id
  DELBUILD: none(),
  PKGFILES: mapOf(str()), // filename → filehash
  // version, skipped, builds_succeeded, builds_failed, yanked
  PROJVERS: list(tuple([str(), str(), str(), str(), bool()])),
  // version, abi_tag, filename, filesize, filehash, yanked
  PROJFILES: list(tuple([str(), str(), str(), int(), str(), bool()])),
  VERFILES: setOf(str()),
  GETSKIP: nullable(str()),
  PKGEXISTS: bool(),
  PKGDELETED: bool(),
  VEREXISTS: bool(),
  VERSDELETED: setOf(str()),
  GETABIS: setOf(str()),
  GETPYPI: int(),
  SETPYPI: none(),
  GETSTATS: statistics(),
  GETSEARCH: mapOf(tuple([int(), int()])), // pkg → [downloads_30_days, downloads_all]
  FILEDEPS: setOf(str()),
  SAVERWP: none(),
  LOADRWP: list(rewrite()),
  ADDPKG: oneOf([literal('NEWPKG'), literal('UPDPKG'), literal('SKIPPKG')]),
  ADDVER: oneOf([literal('NEWVER'), literal('UPDVER'), literal('NOPKG'), literal('SKIPVER')]),
  PROJDATA: projectData(),
  SETFILEMETA: none(),
  BUILDLOG: nullable(str()), // null: no such build
  // package → [PROJDATA, GETDESC, GETPROJNAME, GETPKGNAMES] of it
  PROJPAGES: mapOf(tuple([projectData(), nullable(str()), nullable(str()), list(str())])),
  BUILDLOGS: mapOf(str()), // build_id → its log; builds without one left out
} as const;

export const oracleProtocol = defineProtocol('the_oracle', {
  recv: oracleRequests,
  send: {
    OK: anything(),
    ERROR: str(),
  },
});

/** The DbClient's view. */
export const dbClientProtocol = oracleProtocol.mirror();

export type OracleVerb = keyof typeof oracleRequests & string;
/** The result type of an Oracle verb. */
export type OracleResult<V extends OracleVerb> = v.InferInput<(typeof oracleResults)[V]>;
