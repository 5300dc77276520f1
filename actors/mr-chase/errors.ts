/**
 * Mr Chase's typed errors. The session machine tells the tool a failed step's `message` in ERROR, so each
 * message is the words the tool should see: the Oracle's or the File Juggler's own text, word for word.
 */
import { defineErrors, PiwError } from '../../protocols/errors.js';

export class MrChaseError extends PiwError {}

export const mrChaseErrors = defineErrors(MrChaseError, {
  oracle: ['PIW_ERR_MR_CHASE_ORACLE', (text: string, cause: unknown) => ({ message: text, cause })],
  fileJuggler: ['PIW_ERR_MR_CHASE_FILE_JUGGLER', (text: string) => text],
  slotAborted: ['PIW_ERR_MR_CHASE_SLOT_ABORTED', (owner: string) => `import session ${owner} stopped waiting for the transfer slot`],
  slotBusy: [
    'PIW_ERR_MR_CHASE_SLOT_BUSY',
    (waitedMs: number) => `another import was still transferring its files after ${waitedMs / 1000} s; try again when it has finished`,
  ],
});
