/**
 * What the File Juggler checks before a name from the wire touches the file system: the file state of an
 * EXPECT (a plain PEP 427 wheel filename, a size within the limit, a hash that could ever match) and the
 * package of a VERIFY (a project name, so one plain directory under `simple/`).
 */
import type { FileStateWire } from '../../protocols/records.js';
import { isProjectName, parseWheelFilename } from '../../protocols/packaging/wheel-filename.js';
import { isPlainName } from '../support/fs-guard.js';
import { fileJugglerErrors, quote } from './errors.js';

/**
 * The default limit on one file: 2 GiB. The largest wheels piwheels builds (tensorflow, torch, ...) are a
 * few hundred MB; anything much bigger is a mistake or an attack on the output disk. `--max-file-size`
 * changes it.
 */
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 ** 3;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Throws `PIW_ERR_FS_FILE_REFUSED` saying what is wrong with the file `slaveId` is about to send. */
export function checkExpectedFile(slaveId: number, file: FileStateWire, maxFileSize: number): void {
  const [filename, filesize, filehash] = file;
  try {
    parseWheelFilename(filename);
  } catch (err) {
    throw fileJugglerErrors.fileRefused(slaveId, (err as Error).message);
  }
  if (!Number.isSafeInteger(filesize) || filesize < 0) {
    throw fileJugglerErrors.fileRefused(slaveId, `invalid size for ${quote(filename)}: ${filesize}`);
  }
  if (filesize > maxFileSize) {
    throw fileJugglerErrors.fileRefused(slaveId, `${quote(filename)} is ${filesize} bytes, over the limit of ${maxFileSize} bytes`);
  }
  // Anything else could never verify: refuse it now rather than after the whole transfer.
  if (!SHA256_HEX.test(filehash)) {
    throw fileJugglerErrors.fileRefused(slaveId, `invalid hash for ${quote(filename)}: expected 64 lowercase hex digits of SHA-256`);
  }
}

/** Throws `PIW_ERR_FS_PACKAGE_REFUSED` unless `pkg` can name a directory of `simple/`. */
export function checkPackage(pkg: string): void {
  if (!isPlainName(pkg) || !isProjectName(pkg)) throw fileJugglerErrors.packageRefused(pkg);
}
