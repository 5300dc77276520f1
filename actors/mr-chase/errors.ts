/**
 * Mr Chase's typed errors. The session machine tells the tool a failed step's `message` in ERROR, so each
 * message is the words the tool should see: the Oracle's or the File Juggler's own text, word for word.
 */
import { PiwError } from '../../protocols/errors.js';

export type MrChaseErrorCode =
  /** The Oracle answered ERROR; the message is its text. */
  | 'PIW_ERR_MR_CHASE_ORACLE'
  /** The File Juggler refused an EXPECT; the message is its text. */
  | 'PIW_ERR_MR_CHASE_FILE_JUGGLER'
  /** A session stopped waiting for the transfer slot (it ended, or Mr Chase stopped). */
  | 'PIW_ERR_MR_CHASE_SLOT_ABORTED'
  /** A session waited its longest for the transfer slot; its tool is told to try again. */
  | 'PIW_ERR_MR_CHASE_SLOT_BUSY';

export class MrChaseError extends PiwError {
  constructor(code: MrChaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MrChaseError';
  }
}

export const mrChaseErrors = {
  oracle: (text: string, cause: unknown) => new MrChaseError('PIW_ERR_MR_CHASE_ORACLE', text, { cause }),
  fileJuggler: (text: string) => new MrChaseError('PIW_ERR_MR_CHASE_FILE_JUGGLER', text),
  slotAborted: (owner: string) =>
    new MrChaseError('PIW_ERR_MR_CHASE_SLOT_ABORTED', `import session ${owner} stopped waiting for the transfer slot`),
  slotBusy: (waitedMs: number) =>
    new MrChaseError(
      'PIW_ERR_MR_CHASE_SLOT_BUSY',
      `another import was still transferring its files after ${waitedMs / 1000} s; try again when it has finished`,
    ),
};
