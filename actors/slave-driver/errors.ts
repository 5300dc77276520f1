/** The Slave Driver's typed errors. (The Oracle's ERROR answers are the DbClient's OracleError.) */
import { PiwError } from '../../protocols/errors.js';

export type SlaveDriverErrorCode = 'PIW_ERR_FILE_JUGGLER';

export class SlaveDriverError extends PiwError {
  constructor(code: SlaveDriverErrorCode, message: string) {
    super(code, message);
    this.name = 'SlaveDriverError';
  }
}

export const slaveDriverErrors = {
  fileJuggler: (verb: string, text: string) =>
    new SlaveDriverError('PIW_ERR_FILE_JUGGLER', `the File Juggler refused ${verb}: ${text}`),
};
