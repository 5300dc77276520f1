/**
 * Cloud Gazer's decisions (behaviours 104–116) as plans: pure generators that yield, in order, every
 * request the gazer makes for one PyPI event. Where a decision depends on an answer (NEWPKG said "already
 * there", GETSKIP said "binary only"), the plan yields the request and the driver resumes it with the
 * Oracle's result (`plan.next(result)`), so the whole conversation is data a test can step through.
 *
 * Steps go to six places: `db` (an Oracle verb, answered), `web` (the Secretary's web queue), `skip` (the
 * Slave Driver's skip queue), `cache` (the gazer's set of known packages), `unannounced` (the packages
 * whose insertion may not have been announced yet) and `log`.
 *
 * A batch interrupted by a failure is replayed from the last stored serial, so every plan must be
 * idempotent in effect. NEWPKG is not: replayed, it answers "already there", and a package inserted by the
 * interrupted batch would never get its alias recording and BOTH. So a package is marked `unannounced`
 * before its NEWPKG and unmarked once its announcement is done; a replay finding it marked announces it
 * whatever NEWPKG says.
 */
import type {
  DataOf,
  Message,
  OracleResult,
  OracleVerb,
  oracleRequests,
  skipProtocol,
  theScribeProtocol,
} from '../../protocols/index.js';
import { canonicalizeName } from '../../protocols/packaging/wheel-filename.js';
import type { GazerEvent } from '../../protocols/pypi/changelog.js';

type OracleRequests = typeof oracleRequests;
export type OracleMessage = Message<OracleRequests>;
/** The web-queue requests Cloud Gazer makes; the Secretary answers DONE. */
export type WebMessage = Extract<Message<typeof theScribeProtocol.recv>, { verb: 'PROJECT' | 'BOTH' | 'DELVER' | 'DELPKG' }>;
/** The skip-queue requests; the Slave Driver answers OK. */
export type SkipMessage = Message<typeof skipProtocol.recv>;

export type GazerStep =
  | { readonly to: 'db'; readonly msg: OracleMessage }
  | { readonly to: 'web'; readonly msg: WebMessage }
  | { readonly to: 'skip'; readonly msg: SkipMessage }
  | { readonly to: 'cache' | 'unannounced'; readonly op: 'add' | 'discard'; readonly pkg: string }
  | { readonly to: 'log'; readonly text: string };

/** A plan: yields steps; a `db` step is resumed with that verb's result, every other step with undefined. */
export type GazerPlan<R = void> = Generator<GazerStep, R, unknown>;

export interface GazerContext {
  /** Canonical names of every package the database holds (ALLPKGS, kept up to date by `cache` steps). */
  readonly packages: ReadonlySet<string>;
  /** The skip given to newly discovered packages: "" or, with --dev-mode, "development mode". */
  readonly skipDefault: string;
  /** Packages asked for with NEWPKG by a batch that failed before announcing them (`unannounced` steps). */
  readonly unannounced: ReadonlySet<string>;
}

export const DEV_MODE_SKIP = 'development mode';
export const BINARY_ONLY = 'binary only';
export const DELETED = 'deleted';
/** The "seen" time of a canonical name that is only implied, so it never wins the display-name contest. */
export const IMPLIED_NAME_SEEN = new Date(0);

/** Asks the Oracle; the driver resumes the plan with the verb's result. */
function* ask<V extends OracleVerb>(verb: V, data: DataOf<OracleRequests, V>): GazerPlan<OracleResult<V>> {
  // The single place a resumed value is typed: the driver answers a db step with that verb's result.
  return (yield { to: 'db', msg: { verb, data } as OracleMessage }) as OracleResult<V>;
}

function* log(text: string): GazerPlan {
  yield { to: 'log', text };
}

/** Everything the gazer does for one event (behaviours 105–114, 116). */
export function* planEvent(event: GazerEvent, ctx: GazerContext): GazerPlan {
  const pkg = canonicalizeName(event.package);
  if (event.action === 'remove') {
    if (event.version === null) yield* removePackage(pkg);
    else yield* removeVersion(pkg, event.version);
    return;
  }
  if (!ctx.packages.has(pkg) || ctx.unannounced.has(pkg)) yield* newPackage(pkg, event, ctx);
  yield* recordSpelling(pkg, event.package, event.timestamp);
  if (event.version !== null) yield* versionEvent(pkg, event.version, event);
}

/** Behaviour 115: after a batch, store the serial reached if it moved on; returns the serial now stored. */
export function* planSerial(stored: number, reached: number): GazerPlan<number> {
  if (reached <= stored) return stored;
  yield* ask('SETPYPI', reached);
  return reached;
}

/**
 * Behaviours 106 and 116. A replay of an interrupted batch announces a package that batch may have
 * inserted (see the top of this file), even though NEWPKG now answers "already there".
 */
function* newPackage(pkg: string, event: GazerEvent, ctx: GazerContext): GazerPlan {
  const replayed = ctx.unannounced.has(pkg);
  if (!replayed) yield { to: 'unannounced', op: 'add', pkg };
  const inserted = (yield* ask('NEWPKG', [pkg, ctx.skipDefault, event.description ?? ''])) || replayed;
  // Cached only once the database has answered: a failed NEWPKG is retried when the batch is replayed.
  yield { to: 'cache', op: 'add', pkg };
  if (inserted) {
    yield* log(`added package ${pkg}`);
    yield* recordSpelling(pkg, event.package, event.timestamp);
    yield { to: 'web', msg: { verb: 'BOTH', data: pkg } };
  } else if (event.description !== null) {
    yield* ask('SETDESC', [pkg, event.description]);
  }
  yield { to: 'unannounced', op: 'discard', pkg };
}

/** Behaviour 107: remember how PyPI spelled the name (the most recent spelling is the display name). */
function* recordSpelling(pkg: string, spelling: string, seen: Date): GazerPlan {
  if (spelling !== pkg) {
    yield* ask('NEWPKGNAME', [pkg, pkg, IMPLIED_NAME_SEEN]);
    yield* ask('NEWPKGNAME', [pkg, spelling, seen]);
  } else {
    yield* ask('NEWPKGNAME', [pkg, pkg, seen]);
  }
}

/** Behaviours 108–111. */
function* versionEvent(pkg: string, version: string, event: GazerEvent): GazerPlan {
  let rewrite: 'BOTH' | 'PROJECT' = 'BOTH';
  if (event.action === 'yank') {
    yield* ask('YANKVER', [pkg, version, event.yankReason ?? '']);
    yield* log(`yanked package ${pkg} version ${version}`);
  } else if (event.action === 'unyank') {
    yield* ask('UNYANKVER', [pkg, version]);
    yield* log(`unyanked package ${pkg} version ${version}`);
  } else {
    const source = event.action === 'source';
    if (yield* ask('NEWVER', [pkg, version, event.timestamp, source ? '' : BINARY_ONLY])) {
      yield* log(`added package ${pkg} version ${version}`);
      if (!source) yield* log(`disabled package ${pkg} version ${version} (${BINARY_ONLY})`);
      if (event.description !== null) yield* ask('SETDESC', [pkg, event.description]);
    } else if (source && (yield* ask('GETSKIP', [pkg, version])) === BINARY_ONLY) {
      yield* ask('SKIPVER', [pkg, version, '']);
      yield* log(`enabled package ${pkg} version ${version}`);
      rewrite = 'PROJECT';
    }
  }
  yield { to: 'web', msg: { verb: rewrite, data: pkg } };
}

/** Behaviour 112. */
function* removeVersion(pkg: string, version: string): GazerPlan {
  yield* log(`marking package ${pkg} version ${version} for deletion`);
  yield* ask('SKIPVER', [pkg, version, DELETED]);
  yield { to: 'web', msg: { verb: 'DELVER', data: [pkg, version] } };
  yield { to: 'skip', msg: { verb: 'DELVER', data: [pkg, version] } };
  yield* ask('DELVER', [pkg, version]);
}

/** Behaviour 113: even a package never seen before is deleted everywhere. */
function* removePackage(pkg: string): GazerPlan {
  yield* log(`marking package ${pkg} for deletion`);
  yield* ask('SKIPPKG', [pkg, DELETED]);
  yield { to: 'cache', op: 'discard', pkg };
  yield { to: 'unannounced', op: 'discard', pkg };
  yield { to: 'web', msg: { verb: 'DELPKG', data: pkg } };
  yield { to: 'skip', msg: { verb: 'DELPKG', data: pkg } };
  yield* ask('DELPKG', pkg);
}
