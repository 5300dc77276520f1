/**
 * Why a file could not be sent, besides the transfer machine's own `TransferError`s (the master fell
 * silent: PIW_ERR_TRANSFER_TIMEOUT; reading the file failed: PIW_ERR_TRANSFER_IO).
 */
import { PiwError } from '../../protocols/errors.js';

export type FileSenderErrorCode =
  /** The caller's AbortSignal fired. */
  | 'PIW_ERR_SEND_ABORTED'
  /** The file to send cannot be opened or is not a regular file. */
  | 'PIW_ERR_SEND_FILE';

export class FileSenderError extends PiwError {
  constructor(code: FileSenderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'FileSenderError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const fileSenderErrors = {
  aborted: (path: string, reason: unknown) =>
    new FileSenderError('PIW_ERR_SEND_ABORTED', `sending ${path} was aborted`, { cause: reason }),
  file: (path: string, cause: unknown) => new FileSenderError('PIW_ERR_SEND_FILE', `cannot send ${path}: ${describe(cause)}`, { cause }),
};
