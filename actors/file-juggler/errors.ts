/**
 * The File Juggler's typed errors. Their messages are what an fs-queue `ERROR` carries back to the Slave
 * Driver or Mr Chase (and what the log says), so each names the file or slave it is about.
 */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class FileJugglerError extends PiwError {}

/** A name for a message: JSON-quoted (NUL and control characters show) and cut at 100 characters. */
export const quote = (text: string) => JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);

export const fileJugglerErrors = defineErrors(FileJugglerError, {
  request: ['PIW_ERR_FS_REQUEST', (why: string) => `invalid fs request: ${why}`],
  fileRefused: ['PIW_ERR_FS_FILE_REFUSED', (slaveId: number, why: string) => `refusing to expect a file from slave ${slaveId}: ${why}`],
  packageRefused: ['PIW_ERR_FS_PACKAGE_REFUSED', (pkg: string) => `refusing package name ${quote(pkg)}: it is not a valid project name`],
  noTransfer: ['PIW_ERR_FS_NO_TRANSFER', (slaveId: number) => `no transfer from slave ${slaveId} to verify`],
  incomplete: [
    'PIW_ERR_FS_INCOMPLETE',
    (slaveId: number, filename: string) => `transfer of ${quote(filename)} from slave ${slaveId} is not complete`,
  ],
  io: ['PIW_ERR_FS_IO', (what: string, cause: unknown) => ({ message: `${what}: ${messageOf(cause)}`, cause })],
  hashing: ['PIW_ERR_FS_HASH', (why: string) => `hashing failed: ${why}`],
});
