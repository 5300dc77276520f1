/**
 * Why a file could not be sent, besides the transfer machine's own `TransferError`s (the master fell
 * silent: PIW_ERR_TRANSFER_TIMEOUT; reading the file failed: PIW_ERR_TRANSFER_IO).
 */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class FileSenderError extends PiwError {}

export const fileSenderErrors = defineErrors(FileSenderError, {
  aborted: ['PIW_ERR_SEND_ABORTED', (path: string, reason: unknown) => ({ message: `sending ${path} was aborted`, cause: reason })],
  file: ['PIW_ERR_SEND_FILE', (path: string, cause: unknown) => ({ message: `cannot send ${path}: ${messageOf(cause)}`, cause })],
});
