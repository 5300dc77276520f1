/** Why a file transfer failed, typed with stable codes (the File Juggler answers VERIFY with the message). */
import { PiwError } from '../../protocols/errors.js';

export type TransferErrorCode =
  /** The peer fell silent for longer than the silence timeout. */
  | 'PIW_ERR_TRANSFER_TIMEOUT'
  /** The received file does not have the expected size. */
  | 'PIW_ERR_TRANSFER_SIZE'
  /** The received file does not have the expected SHA-256. */
  | 'PIW_ERR_TRANSFER_HASH'
  /** Reading, writing or hashing the file failed. */
  | 'PIW_ERR_TRANSFER_IO';

export class TransferError extends PiwError {
  constructor(code: TransferErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TransferError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const transferErrors = {
  timeout: (what: string) => new TransferError('PIW_ERR_TRANSFER_TIMEOUT', `${what}: timed out`),
  size: (filename: string, expected: number, actual: number) =>
    new TransferError('PIW_ERR_TRANSFER_SIZE', `wrong size for transfer of ${filename}: expected ${expected} bytes, got ${actual}`),
  /** The client sent nothing for `offset`, inside the file: its copy is shorter than expected. */
  short: (filename: string, expected: number, offset: number) =>
    new TransferError(
      'PIW_ERR_TRANSFER_SIZE',
      `wrong size for transfer of ${filename}: expected ${expected} bytes, but the client has none at offset ${offset}`,
    ),
  hash: (filename: string) =>
    new TransferError('PIW_ERR_TRANSFER_HASH', `failed to verify transfer of ${filename}: SHA-256 mismatch`),
  io: (what: string, cause: unknown) =>
    new TransferError('PIW_ERR_TRANSFER_IO', `${what}: ${describe(cause)}`, { cause }),
};
