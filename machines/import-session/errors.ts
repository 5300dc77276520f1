/** How a piw-import / piw-remove / piw-rebuild conversation can fail, typed with stable codes. */
import { PiwError } from '../../protocols/errors.js';

export type ImportToolErrorCode =
  /** The master answered ERROR; the message is its text, word for word. */
  | 'PIW_ERR_MASTER_REFUSED'
  /** The master answered something the conversation does not allow. */
  | 'PIW_ERR_UNEXPECTED_RESPONSE'
  /** Sending a file the master asked for failed. */
  | 'PIW_ERR_TRANSFER_FAILED';

export class ImportToolError extends PiwError {
  constructor(code: ImportToolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ImportToolError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const importToolErrors = {
  refused: (text: string) => new ImportToolError('PIW_ERR_MASTER_REFUSED', text),
  // 0.18's words (behaviour 201), then what was wrong
  unexpected: (what: string) => new ImportToolError('PIW_ERR_UNEXPECTED_RESPONSE', `Unexpected response from master: ${what}`),
  transfer: (filename: string, cause: unknown) =>
    new ImportToolError('PIW_ERR_TRANSFER_FAILED', `transfer of ${filename} failed: ${describe(cause)}`, { cause }),
};
