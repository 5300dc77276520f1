/** Why a file transfer failed, typed with stable codes (the File Juggler answers VERIFY with the message). */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class TransferError extends PiwError {}

export const transferErrors = defineErrors(TransferError, {
  timeout: ['PIW_ERR_TRANSFER_TIMEOUT', (what: string) => `${what}: timed out`],
  size: [
    'PIW_ERR_TRANSFER_SIZE',
    (filename: string, expected: number, actual: number) => `wrong size for transfer of ${filename}: expected ${expected} bytes, got ${actual}`,
  ],
  /** The client sent nothing for `offset`, inside the file: its copy is shorter than expected. */
  short: [
    'PIW_ERR_TRANSFER_SIZE',
    (filename: string, expected: number, offset: number) =>
      `wrong size for transfer of ${filename}: expected ${expected} bytes, but the client has none at offset ${offset}`,
  ],
  hash: ['PIW_ERR_TRANSFER_HASH', (filename: string) => `failed to verify transfer of ${filename}: SHA-256 mismatch`],
  io: ['PIW_ERR_TRANSFER_IO', (what: string, cause: unknown) => ({ message: `${what}: ${messageOf(cause)}`, cause })],
});
