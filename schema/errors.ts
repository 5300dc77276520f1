/**
 * Typed errors of the database layer: connecting, the version check and upgrades. Each has a stable code
 * and a message an operator can act on.
 */
import { PiwError } from '../protocols/errors.js';

export type DatabaseErrorCode =
  | 'PIW_ERR_DB_DSN'
  | 'PIW_ERR_DB_CONNECT'
  | 'PIW_ERR_DB_MISSING'
  | 'PIW_ERR_DB_LOCKED'
  | 'PIW_ERR_DB_VERSION'
  | 'PIW_ERR_DB_TOO_OLD'
  | 'PIW_ERR_DB_TOO_NEW'
  | 'PIW_ERR_DB_NO_UPGRADE_PATH'
  | 'PIW_ERR_DB_CHANGED'
  | 'PIW_ERR_DB_USER';

export class DatabaseError extends PiwError {
  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'DatabaseError';
  }
}

export const dbErrors = {
  badDsn: (dsn: string, why: string) => new DatabaseError('PIW_ERR_DB_DSN', `Invalid DSN ${dsn}: ${why}`),
  connect: (target: string, cause: unknown) =>
    new DatabaseError('PIW_ERR_DB_CONNECT', `Unable to connect to ${target}: ${describe(cause)}`, { cause }),
  missing: (name: string, cause?: unknown) =>
    new DatabaseError('PIW_ERR_DB_MISSING', `Database ${name} does not exist`, { cause }),
  locked: (dir: string, pid: number) =>
    new DatabaseError('PIW_ERR_DB_LOCKED', `The embedded database in ${dir} is in use by process ${pid}`),
  version: (found: string | null, wanted: string, initdb: string) =>
    new DatabaseError(
      'PIW_ERR_DB_VERSION',
      found === null
        ? `Database is not initialised; run ${initdb} to create the piwheels ${wanted} schema`
        : `Database version (${found}) does not match software version (${wanted}); run ${initdb} to upgrade it`,
    ),
  tooOld: (found: string) =>
    new DatabaseError(
      'PIW_ERR_DB_TOO_OLD',
      `Database version ${found} predates piwheels 0.18; upgrade it with piwheels 0.18's piw-initdb first`,
    ),
  tooNew: (found: string, wanted: string) =>
    new DatabaseError(
      'PIW_ERR_DB_TOO_NEW',
      `Database version ${found} is newer than this software (${wanted}); downgrades are not supported`,
    ),
  noPath: (from: string, to: string) =>
    new DatabaseError('PIW_ERR_DB_NO_UPGRADE_PATH', `Unable to find upgrade path from ${from} to ${to}`),
  changed: (before: string | null, now: string | null) =>
    new DatabaseError(
      'PIW_ERR_DB_CHANGED',
      `Database version changed from ${before ?? 'uninitialised'} to ${now ?? 'uninitialised'} while waiting; run again`,
    ),
  user: (message: string) => new DatabaseError('PIW_ERR_DB_USER', message),
};

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
