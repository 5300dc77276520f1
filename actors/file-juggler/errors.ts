/**
 * The File Juggler's typed errors. Their messages are what an fs-queue `ERROR` carries back to the Slave
 * Driver or Mr Chase (and what the log says), so each names the file or slave it is about.
 */
import { PiwError } from '../../protocols/errors.js';

export type FileJugglerErrorCode =
  /** An fs-queue request that is not a valid EXPECT or VERIFY (behaviour 74). */
  | 'PIW_ERR_FS_REQUEST'
  /** EXPECT of a file the juggler refuses: not a plain wheel filename, a bad size or hash, too large. */
  | 'PIW_ERR_FS_FILE_REFUSED'
  /** VERIFY naming a package that cannot be a directory of `simple/`. */
  | 'PIW_ERR_FS_PACKAGE_REFUSED'
  /** VERIFY for a slave with no transfer. */
  | 'PIW_ERR_FS_NO_TRANSFER'
  /** VERIFY before the transfer has every byte. */
  | 'PIW_ERR_FS_INCOMPLETE'
  /** Creating the temp file, or moving a verified file into place, failed. */
  | 'PIW_ERR_FS_IO';

export class FileJugglerError extends PiwError {
  constructor(code: FileJugglerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'FileJugglerError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A name for a message: JSON-quoted (NUL and control characters show) and cut at 100 characters. */
export const quote = (text: string) => JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);

export const fileJugglerErrors = {
  request: (why: string) => new FileJugglerError('PIW_ERR_FS_REQUEST', `invalid fs request: ${why}`),
  fileRefused: (slaveId: number, why: string) =>
    new FileJugglerError('PIW_ERR_FS_FILE_REFUSED', `refusing to expect a file from slave ${slaveId}: ${why}`),
  packageRefused: (pkg: string) =>
    new FileJugglerError('PIW_ERR_FS_PACKAGE_REFUSED', `refusing package name ${quote(pkg)}: it is not a valid project name`),
  noTransfer: (slaveId: number) => new FileJugglerError('PIW_ERR_FS_NO_TRANSFER', `no transfer from slave ${slaveId} to verify`),
  incomplete: (slaveId: number, filename: string) =>
    new FileJugglerError('PIW_ERR_FS_INCOMPLETE', `transfer of ${quote(filename)} from slave ${slaveId} is not complete`),
  io: (what: string, cause: unknown) => new FileJugglerError('PIW_ERR_FS_IO', `${what}: ${describe(cause)}`, { cause }),
};
