/**
 * The Oracle: answers each request of the db protocol (protocols.md §4.4) from the database API, with
 * `OK <result>` (shaped as `oracleResults`) or `ERROR <text>`. It never throws: a database error, an
 * unknown verb or an undecodable frame all get an ERROR answer (behaviours 171, 172), so a client is never
 * left waiting.
 *
 * 0.18 answered an unknown or undecodable request with the text "''" (the repr of a KeyError, a QUIRK);
 * ours says what was wrong with it, e.g. "unknown message: FOO".
 */
import type { Message } from '../../protocols/protocol.js';
import { oracleProtocol, type OracleResult, type OracleVerb } from '../../protocols/the-oracle.js';
import type { PiwheelsDb } from '../../schema/api.js';

export type OracleRequest = Message<(typeof oracleProtocol)['recv']>;
export type OracleReply = Message<(typeof oracleProtocol)['send']>;

type RequestOf<V extends OracleVerb> = Extract<OracleRequest, { verb: V }>;

/** How each verb is answered: the manual's Database method it maps to. */
const answers: { [V in OracleVerb]: (db: PiwheelsDb, data: RequestOf<V>['data']) => Promise<OracleResult<V>> } = {
  ALLPKGS: (db) => db.getAllPackages(),
  ALLVERS: (db) => db.getAllPackageVersions(),
  NEWPKG: (db, [pkg, skip, description]) => db.addNewPackage(pkg, skip, description),
  NEWVER: (db, [pkg, version, released, skip]) => db.addNewPackageVersion(pkg, version, released, skip),
  NEWPKGNAME: async (db, [pkg, name, seen]) => nothing(await db.addPackageName(pkg, name, seen)),
  GETPKGNAMES: (db, pkg) => db.getPackageAliases(pkg),
  GETPROJNAME: (db, pkg) => db.getProjectDisplayName(pkg),
  SETDESC: async (db, [pkg, description]) => nothing(await db.setPackageDescription(pkg, description)),
  GETDESC: (db, pkg) => db.getPackageDescription(pkg),
  SKIPPKG: async (db, [pkg, reason]) => nothing(await db.skipPackage(pkg, reason)),
  SKIPVER: async (db, [pkg, version, reason]) => nothing(await db.skipPackageVersion(pkg, version, reason)),
  DELPKG: async (db, pkg) => nothing(await db.deletePackage(pkg)),
  DELVER: async (db, [pkg, version]) => nothing(await db.deleteVersion(pkg, version)),
  YANKVER: async (db, [pkg, version, reason]) => nothing(await db.yankVersion(pkg, version, reason ?? '')),
  UNYANKVER: async (db, [pkg, version]) => nothing(await db.unyankVersion(pkg, version)),
  LOGDOWNLOAD: async (db, record) => nothing(await db.logDownload(record)),
  LOGSEARCH: async (db, record) => nothing(await db.logSearch(record)),
  LOGPROJECT: async (db, record) => nothing(await db.logProject(record)),
  LOGJSON: async (db, record) => nothing(await db.logJson(record)),
  LOGPAGE: async (db, record) => nothing(await db.logPage(record)),
  LOGBUILD: (db, build) => db.logBuild(build),
  DELBUILD: async (db, [pkg, version]) => nothing(await db.deleteBuild(pkg, version)),
  PKGFILES: (db, pkg) => db.getPackageFiles(pkg),
  PROJVERS: (db, pkg) => db.getProjectVersions(pkg),
  PROJFILES: (db, pkg) => db.getProjectFiles(pkg),
  VERFILES: (db, [pkg, version]) => db.getVersionFiles(pkg, version),
  GETSKIP: (db, [pkg, version]) => db.getVersionSkip(pkg, version),
  PKGEXISTS: (db, pkg) => db.testPackage(pkg),
  PKGDELETED: (db, pkg) => db.packageMarkedDeleted(pkg),
  VEREXISTS: (db, [pkg, version]) => db.testPackageVersion(pkg, version),
  VERSDELETED: (db, pkg) => db.getVersionsDeleted(pkg),
  GETABIS: (db) => db.getBuildAbis(),
  GETPYPI: (db) => db.getPypiSerial(),
  SETPYPI: async (db, serial) => nothing(await db.setPypiSerial(serial)),
  GETSTATS: (db) => db.getStatistics(),
  GETSEARCH: (db) => db.getSearchIndex(),
  FILEDEPS: (db, filename) => db.getFileAptDependencies(filename),
  SAVERWP: async (db, rows) => nothing(await db.saveRewritesPending(rows)),
  LOADRWP: (db) => db.loadRewritesPending(),
  ADDPKG: (db, [pkg, display, description, skip, unskip, aliases, seen]) =>
    db.addPackage({ package: pkg, display, description, skip, unskip, aliases, seen }),
  ADDVER: (db, [pkg, display, version, skip, unskip, released, yank, unyank, aliases, seen]) =>
    db.addVersion({ package: pkg, display, version, skip, unskip, released, yank, unyank, aliases, seen }),
  PROJDATA: (db, pkg) => db.getProjectData(pkg),
  SETFILEMETA: async (db, [filename, requiresPython, hash]) => nothing(await db.setFileMetadata(filename, requiresPython, hash)),
  BUILDLOG: (db, buildId) => db.getBuildLog(buildId),
};

/** The OK result of verbs that return nothing. */
function nothing(_: void): null {
  return null;
}

export class Oracle {
  /** Requests answered so far. */
  answered = 0;

  constructor(
    readonly id: number,
    private readonly db: PiwheelsDb,
  ) {}

  /** Answers one (validated) request. */
  async answer(request: OracleRequest): Promise<OracleReply> {
    this.answered++;
    const answer = Object.hasOwn(answers, request.verb) ? answers[request.verb] : undefined;
    if (answer === undefined) return { verb: 'ERROR', data: `unknown message: ${String(request.verb)}` };
    try {
      const data = await (answer as (db: PiwheelsDb, data: unknown) => Promise<unknown>)(this.db, request.data);
      return { verb: 'OK', data };
    } catch (err) {
      return { verb: 'ERROR', data: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Answers one frame as it arrives on a socket: decoded and checked first, the reply encoded. */
  async answerFrame(frame: Uint8Array): Promise<Buffer> {
    let request: OracleRequest;
    try {
      request = oracleProtocol.decode(frame);
    } catch (err) {
      return oracleProtocol.encode({ verb: 'ERROR', data: (err as Error).message });
    }
    const reply = await this.answer(request);
    try {
      return oracleProtocol.encode(reply);
    } catch (err) {
      return oracleProtocol.encode({ verb: 'ERROR', data: `unable to send the result of ${request.verb}: ${(err as Error).message}` });
    }
  }
}
