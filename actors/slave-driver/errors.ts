/** The Slave Driver's typed errors. (The Oracle's ERROR answers are the DbClient's OracleError.) */
import { defineErrors, PiwError } from '../../protocols/errors.js';

export class SlaveDriverError extends PiwError {}

export const slaveDriverErrors = defineErrors(SlaveDriverError, {
  fileJuggler: ['PIW_ERR_FILE_JUGGLER', (verb: string, text: string) => `the File Juggler refused ${verb}: ${text}`],
});
