/**
 * piw-add's changes (piwheels 0.19's ADDPKG / ADDVER) as one transaction each, through the 0.18 functions
 * the Oracle's other verbs use (add_new_package, add_new_package_version, skip_package, set_package_description,
 * skip_package_version, yank_version, unyank_version, add_package_name): the whole change, or on any
 * refusal or failure none of it. A refusal (the package unknown, a skip asked of a known package or
 * version: piw-remove's job, since it also deletes builds) is an outcome, decided before anything is written.
 *
 * The names recorded: the canonical name, the aliases, and the name as given last (the most recently
 * seen name is the one the site displays).
 */
import type { Database } from './database.js';

export interface AddPackageRequest {
  /** Canonical (PEP 503) name. */
  package: string;
  /** The name as given: the display name. */
  display: string;
  /** '' to leave it: a new package gets '' then (Cloud Gazer or a later piw-add fills it). */
  description: string;
  /** A skip reason for a new package ('' = none). */
  skip: string;
  unskip: boolean;
  aliases: readonly string[];
  seen: Date;
}

export interface AddVersionRequest {
  package: string;
  display: string;
  version: string;
  skip: string;
  unskip: boolean;
  /** A new version's release time. */
  released: Date;
  yank: boolean;
  unyank: boolean;
  aliases: readonly string[];
  seen: Date;
}

export type AddPackageOutcome = 'NEWPKG' | 'UPDPKG' | 'SKIPPKG';
export type AddVersionOutcome = 'NEWVER' | 'UPDVER' | 'NOPKG' | 'SKIPVER';

/** Thrown inside a transaction to end it unchanged with this outcome. */
class Refused<O> {
  constructor(readonly outcome: O) {}
}

/** Runs `work` in a transaction; a `Refused` rolls it back and becomes the outcome. */
async function refusable<O>(db: Database, work: (tx: Database) => Promise<O>): Promise<O> {
  try {
    return await db.transaction(work);
  } catch (err) {
    if (err instanceof Refused) return err.outcome as O;
    throw err;
  }
}

/** Every name to record, the display name last, each seen a microsecond after the one before. */
async function recordNames(db: Database, pkg: string, display: string, aliases: readonly string[], seen: Date): Promise<void> {
  const names = [...new Set([pkg, ...aliases].filter((n) => n !== display)), display];
  for (const [i, name] of names.entries()) {
    await db.addPackageName(pkg, name, new Date(seen.getTime() - (names.length - 1 - i)));
  }
}

export function addPackage(db: Database, req: AddPackageRequest): Promise<AddPackageOutcome> {
  return refusable<AddPackageOutcome>(db, async (tx) => {
    const created = await tx.addNewPackage(req.package, req.skip, req.description);
    if (!created) {
      if (req.skip !== '') throw new Refused('SKIPPKG');
      if (req.unskip) await tx.skipPackage(req.package, '');
      if (req.description !== '') await tx.setPackageDescription(req.package, req.description);
    }
    await recordNames(tx, req.package, req.display, req.aliases, req.seen);
    return created ? 'NEWPKG' : 'UPDPKG';
  });
}

export function addVersion(db: Database, req: AddVersionRequest): Promise<AddVersionOutcome> {
  return refusable<AddVersionOutcome>(db, async (tx) => {
    if (!(await tx.testPackage(req.package))) throw new Refused('NOPKG');
    const created = await tx.addNewPackageVersion(req.package, req.version, req.released, req.skip);
    if (!created) {
      if (req.skip !== '') throw new Refused('SKIPVER');
      if (req.unskip) await tx.skipPackageVersion(req.package, req.version, '');
      if (req.unyank) await tx.unyankVersion(req.package, req.version);
    }
    if (req.yank) await tx.yankVersion(req.package, req.version);
    await recordNames(tx, req.package, req.display, req.aliases, req.seen);
    return created ? 'NEWVER' : 'UPDVER';
  });
}
