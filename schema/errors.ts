/**
 * Typed errors of the database layer: connecting, the version check and upgrades. Each has a stable code
 * and a message an operator can act on.
 */
import { defineErrors, messageOf, PiwError } from '../protocols/errors.js';

export class DatabaseError extends PiwError {}

export const dbErrors = defineErrors(DatabaseError, {
  badDsn: ['PIW_ERR_DB_DSN', (dsn: string, why: string) => `Invalid DSN ${dsn}: ${why}`],
  connect: ['PIW_ERR_DB_CONNECT', (target: string, cause: unknown) => ({ message: `Unable to connect to ${target}: ${messageOf(cause)}`, cause })],
  missing: ['PIW_ERR_DB_MISSING', (name: string, cause?: unknown) => ({ message: `Database ${name} does not exist`, cause })],
  locked: ['PIW_ERR_DB_LOCKED', (dir: string, pid: number) => `The embedded database in ${dir} is in use by process ${pid}`],
  version: [
    'PIW_ERR_DB_VERSION',
    (found: string | null, wanted: string, initdb: string) =>
      found === null
        ? `Database is not initialised; run ${initdb} to create the piwheels ${wanted} schema`
        : `Database version (${found}) does not match software version (${wanted}); run ${initdb} to upgrade it`,
  ],
  tooOld: [
    'PIW_ERR_DB_TOO_OLD',
    (found: string) => `Database version ${found} predates piwheels 0.18; upgrade it with piwheels 0.18's piw-initdb first`,
  ],
  /** A 0.18 database whose upgrade history lacks the files table (older than 0.4). */
  tooOldToUpgrade: ['PIW_ERR_DB_TOO_OLD', () => 'Database version older than 0.4; cannot upgrade'],
  tooNew: [
    'PIW_ERR_DB_TOO_NEW',
    (found: string, wanted: string) => `Database version ${found} is newer than this software (${wanted}); downgrades are not supported`,
  ],
  noPath: ['PIW_ERR_DB_NO_UPGRADE_PATH', (from: string, to: string) => `Unable to find upgrade path from ${from} to ${to}`],
  changed: [
    'PIW_ERR_DB_CHANGED',
    (before: string | null, now: string | null) =>
      `Database version changed from ${before ?? 'uninitialised'} to ${now ?? 'uninitialised'} while waiting; run again`,
  ],
  user: ['PIW_ERR_DB_USER', (message: string) => message],
  socketPath: [
    'PIW_ERR_DB_SOCKET_PATH',
    (path: string, max: number) => `the socket path is ${Buffer.byteLength(path)} bytes long, more than a Unix socket's ${max}`,
  ],
  scriptMissing: ['PIW_ERR_DB_SCRIPT_MISSING', (file: string, dirs: string[]) => `schema script ${file} not found in ${dirs.join(' or ')}`],
});
