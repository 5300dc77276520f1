/** How a piw-import / piw-remove / piw-rebuild conversation can fail, typed with stable codes. */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class ImportToolError extends PiwError {}

export const importToolErrors = defineErrors(ImportToolError, {
  /** The master answered ERROR; the message is its text, word for word. */
  refused: ['PIW_ERR_MASTER_ERROR', (text: string) => text],
  // 0.18's words (behaviour 201), then what was wrong
  unexpected: ['PIW_ERR_UNEXPECTED_RESPONSE', (what: string) => `Unexpected response from master: ${what}`],
  transfer: ['PIW_ERR_TRANSFER_FAILED', (filename: string, cause: unknown) => ({ message: `transfer of ${filename} failed: ${messageOf(cause)}`, cause })],
});
