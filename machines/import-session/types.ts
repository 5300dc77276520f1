/**
 * The import session's interface (master side of `mr_chase`, protocols/README.md §4.3, behaviours 85–103): what
 * Mr Chase passes in, the events it forwards, the actions and actors it provides, and the output it gets
 * back when the session ends. The machine is in `machine.ts`; `services.ts` wires plain functions in.
 */
import type { BuildStateWire, FileStateWire, Message, OracleResult } from '../../protocols/index.js';
import type { mrChaseProtocol, skipProtocol, statsProtocol, theSecretaryProtocol } from '../../protocols/index.js';
import type { LogEntry, SessionBuild, TransferFile } from '../slave-session/types.js';
import type { AddPackageOutcome, AddPackageRequest, AddVersionOutcome, AddVersionRequest } from '../../schema/add.js';

/** A request from piw-import / piw-remove / piw-rebuild, as the protocol's `decode` returns it. */
export type ImportRequest = Message<typeof mrChaseProtocol.recv>;
/** A reply to the tool, ready for the protocol's `encode`. */
export type ImportReply = Message<typeof mrChaseProtocol.send>;

export type RemoveData = Extract<ImportRequest, { verb: 'REMOVE' }>['data'];
export type RebuildData = Extract<ImportRequest, { verb: 'REBUILD' }>['data'];
/** A piw-add request, as received. */
export type AddRequest = Extract<ImportRequest, { verb: 'ADDPKG' | 'ADDVER' }>;

/** A web-queue request (to the Secretary): pages to rewrite (REBUILD: at once, for piw-rebuild) or delete. */
export type WebRequest = Extract<Message<typeof theSecretaryProtocol.recv>, { verb: 'PROJECT' | 'BOTH' | 'DELPKG' | 'DELVER' | 'REBUILD' }>;
/** A skip-queue request (to the Slave Driver): forget queued builds of a deleted package or version. */
export type SkipRequest = Message<typeof skipProtocol.recv>;
/** A stats-queue push (to Big Brother): `HOME` rewrites the home page and search index. */
export type StatsPush = Extract<Message<typeof statsProtocol.recv>, { verb: 'HOME' }>;

export type { BuildStateWire, FileStateWire, LogEntry, SessionBuild, TransferFile };

// ---------------------------------------------------------------------------------------------- input

export interface ImportSessionInput {
  /** Who the session talks to (e.g. the ROUTER identity in hex): handed back to the services. */
  client: string;
  /**
   * How many times one file may fail VERIFY before the import is refused. 0.18 re-sent forever (and, with
   * its missing re-EXPECT, could never succeed); default 3.
   */
  maxSendAttempts?: number;
}

// --------------------------------------------------------------------------------------------- events

/**
 * A protocol message as a machine event named by its verb; a verb without data needs no `data`, a verb
 * whose data is optional (`maybeData`) may have it.
 */
export type VerbEvent<M> = M extends { verb: infer V }
  ? M extends { data: infer D }
    ? { type: V; data: D }
    : M extends { data?: infer D }
      ? [D] extends [undefined]
        ? { type: V; data?: undefined }
        : { type: V; data?: D }
      : { type: V }
  : never;

/** A request from the tool, forwarded by Mr Chase after decoding and validation. */
export type ImportSessionEvent = VerbEvent<ImportRequest>;

// -------------------------------------------------------------------------------------------- context

export interface ImportSessionContext {
  client: string;
  maxSendAttempts: number;
  /** IMPORT: the build as received, then (after the checks) with slave id 0 and its files prepared. */
  request: BuildStateWire | null;
  build: SessionBuild | null;
  abi: string;
  /** Index in `build.files` of the file being expected / sent / verified. */
  fileIndex: number;
  /** Failed VERIFYs of the current file. */
  sendAttempts: number;
  /** REMOVE / REBUILD data. */
  remove: RemoveData | null;
  rebuild: RebuildData | null;
  /** ADDPKG / ADDVER as received. */
  add: AddRequest | null;
  /** What the add did (NEWPKG, UPDPKG, NEWVER, UPDVER), the DONE reply's data. */
  action: string;
  /** The versions whose builds REMOVE deletes, or the packages whose pages REBUILD requests, in order. */
  pending: string[];
  cursor: number;
  /** How the session ended, once it has. */
  outcome: ImportSessionOutput | null;
}

// -------------------------------------------------------------------------------------------- actions

/**
 * Side effects Mr Chase provides with `machine.provide({ actions })`; each receives its params as the
 * second argument.
 */
export interface ImportSessionActions {
  /** Send this reply to the tool (exactly one per request). */
  reply: ImportReply;
  /** Push this message to Big Brother's stats queue (REBUILD HOME / SEARCH, behaviour 101). */
  pushStats: StatsPush;
  /** Tell the Architect the database may have new work (after piw-add). */
  refreshBuilds: void;
  /** Log a line in Mr Chase's log. */
  log: LogEntry;
}

// --------------------------------------------------------------------------------------------- actors

/**
 * The invoked actors (promise actors Mr Chase provides). A rejection's `message` is what the tool is told
 * in ERROR: for `logBuild` it must be the Oracle's own text (behaviour 92).
 */
export interface ImportSessionActors {
  /** GETABIS: every build ABI. */
  getAbis: { input: void; output: ReadonlySet<string> };
  /** VEREXISTS [package, version]. */
  versionExists: { input: { package: string; version: string }; output: boolean };
  /** PKGEXISTS package. */
  packageExists: { input: { package: string }; output: boolean };
  /** LOGBUILD build (slave id 0, armv6l twins included); resolves with the build id. */
  logBuild: { input: BuildStateWire; output: number };
  /** EXPECT [0, file] to the File Juggler; rejects on its ERROR. */
  expectFile: { input: { slaveId: number; file: FileStateWire }; output: void };
  /** VERIFY [0, package]: true on OK, false on ERROR (wrong size or hash). Reject only when it could not be asked. */
  verifyFile: { input: { slaveId: number; package: string }; output: boolean };
  /** A web-queue request; resolves on the Secretary's DONE. */
  requestPages: { input: WebRequest; output: void };
  /** A skip-queue request; resolves on the Slave Driver's OK. */
  skipDeleted: { input: SkipRequest; output: void };
  /** SKIPPKG [package, reason]. */
  skipPackage: { input: { package: string; reason: string }; output: void };
  /** SKIPVER [package, version, reason]. */
  skipVersion: { input: { package: string; version: string; reason: string }; output: void };
  /** DELPKG package (the database row, and with it every version, build and file). */
  deletePackage: { input: { package: string }; output: void };
  /** DELVER [package, version]. */
  deleteVersion: { input: { package: string; version: string }; output: void };
  /** DELBUILD [package, version]: the version's builds and files, the version itself kept. */
  deleteBuild: { input: { package: string; version: string }; output: void };
  /** PROJVERS package. */
  projectVersions: { input: { package: string }; output: OracleResult<'PROJVERS'> };
  /** ALLPKGS. */
  allPackages: { input: void; output: ReadonlySet<string> };
  /** ADDPKG to the Oracle: one transaction; resolves with NEWPKG, UPDPKG or the refusal SKIPPKG. */
  addPackage: { input: Omit<AddPackageRequest, 'seen'>; output: AddPackageOutcome };
  /** ADDVER to the Oracle: one transaction; resolves with NEWVER, UPDVER or the refusal NOPKG / SKIPVER. */
  addVersion: { input: Omit<AddVersionRequest, 'seen'>; output: AddVersionOutcome };
}

// --------------------------------------------------------------------------------------------- output

export type ImportSessionOutput =
  /** DONE was sent. */
  | { outcome: 'done' }
  /** ERROR was sent with this text. */
  | { outcome: 'error'; message: string }
  /** The tool stopped talking mid-import (no SENT within the client timeout); nothing was sent. */
  | { outcome: 'abandoned' };
