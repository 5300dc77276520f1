/**
 * The Oracle: answers each request of the db protocol (protocols/README.md §4.4) from the database API, with
 * `OK <result>` (shaped as `oracleResults`) or `ERROR <text>`. It never throws: a database error, an
 * unknown verb or an undecodable frame all get an ERROR answer (behaviours 171, 172), so a client is never
 * left waiting.
 *
 * 0.18 answered an unknown or undecodable request with the text "''" (the repr of a KeyError, a QUIRK);
 * ours says what was wrong with it, e.g. "unknown message: FOO". While the database cannot be reached
 * (a restart), a request is tried again for up to a minute before it is answered ERROR: the chart in
 * machines/oracle decides when to try again and what to answer; this class runs the queries. In the master
 * that chart is the child `oracle:<n>` under the database task's host (one actor per Oracle, not per request).
 */
import type { AnyActorRef } from 'xstate';
import { DEFAULT_RETRY_FOR_MS, oracleMachine } from '../../machines/oracle/index.js';
import type { Message } from '../../protocols/protocol.js';
import { oracleProtocol, type OracleResult, type OracleVerb } from '../../protocols/oracle.js';
import type { PiwheelsDb } from '../../schema/api.js';
import { isTransientDbError } from '../../schema/transient.js';
import { logAt } from '../runtime/logger.js';
import type { Logger } from '../runtime/logger.js';
import { startChild, type TaskChildren } from '../runtime/task-machine.js';

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
  PROJPAGES: (db, pkgs) => db.getProjectPages(pkgs),
  BUILDLOGS: (db, buildIds) => db.getBuildLogs(buildIds),
};

/** The OK result of verbs that return nothing. */
function nothing(_: void): null {
  return null;
}

export { DEFAULT_RETRY_FOR_MS };

export interface OracleOptions {
  /** How long to keep trying a request while the database is unreachable (default 60 s; 0: never). */
  retryForMs?: number;
  /** Where retries are reported (one line when they start, one when the database answers again). */
  log?: Logger;
  /** Aborting ends a retry at once with ERROR (the task stopping). */
  signal?: AbortSignal;
  /** The task this Oracle serves in: its chart runs there as the child `oracle:<id>` (else on its own). */
  task?: TaskChildren;
}

export class Oracle {
  /** Requests answered so far. */
  answered = 0;
  /** Attempts made again after the database was unreachable. */
  retries = 0;
  readonly #opts: OracleOptions;

  constructor(
    readonly id: number,
    private readonly db: PiwheelsDb,
    opts: OracleOptions = {},
  ) {
    this.#opts = opts;
    this.#actor = this.#start();
    if (opts.signal?.aborted) this.#actor.send({ type: 'STOP' });
    else opts.signal?.addEventListener('abort', () => this.#actor.send({ type: 'STOP' }), { once: true });
  }

  /**
   * Answers one (validated) request. A request that fails because the database cannot be reached is made
   * again, waiting longer each time, until it succeeds or `retryForMs` has passed: a PostgreSQL restart
   * must not cost a build its record. (A write that committed just before the connection broke is made
   * twice; every write is one transaction, and LOGBUILD's second record supersedes the first.)
   */
  answer(request: OracleRequest): Promise<OracleReply> {
    this.answered++;
    if (!Object.hasOwn(answers, request.verb)) return Promise.resolve({ verb: 'ERROR', data: `unknown message: ${String(request.verb)}` });
    return new Promise((resolve) => {
      this.#waiting.push({ request, resolve });
      if (this.#waiting.length === 1) this.#actor.send({ type: 'REQUEST', request, at: Date.now() });
    });
  }

  /** Requests being answered (the first) or waiting their turn: the chart answers one at a time. */
  readonly #waiting: { request: OracleRequest; resolve: (reply: OracleReply) => void }[] = [];

  /** This Oracle's chart (machines/oracle), with its query, replies and log. */
  readonly #actor: AnyActorRef;

  #start(): AnyActorRef {
    return startChild(
      this.#opts.task,
      oracleMachine.provide({
        actions: {
          query: ({ self, context }, { request }) => {
            if (context.failures > 0) this.retries++;
            this.#query(self, request as OracleRequest);
          },
          reply: (_, answer) => {
            this.#waiting.shift()?.resolve(answer as OracleReply);
            const next = this.#waiting[0];
            // handled after this reply's step, when the chart is idle again
            if (next !== undefined) this.#actor.send({ type: 'REQUEST', request: next.request, at: Date.now() });
          },
          log: (_, line) => {
            if (this.#opts.log !== undefined) logAt(this.#opts.log, line.level, line.message, line.error);
          },
        },
      }),
      { id: `oracle:${this.id}`, input: { oracle: this.id, ...(this.#opts.retryForMs === undefined ? {} : { retryForMs: this.#opts.retryForMs }) } },
    ).actor;
  }

  /** Runs the request's query and tells its chart how it went. */
  #query(self: AnyActorRef, request: OracleRequest): void {
    const answer = answers[request.verb] as (db: PiwheelsDb, data: unknown) => Promise<unknown>;
    // a query that throws at once fails like one that rejects
    new Promise((resolve) => resolve(answer(this.db, request.data))).then(
      (data) => self.send({ type: 'ANSWERED', data, at: Date.now() }),
      (err: unknown) =>
        self.send({ type: 'FAILED', message: err instanceof Error ? err.message : String(err), unreachable: isTransientDbError(err), at: Date.now() }),
    );
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
