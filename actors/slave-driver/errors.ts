/** The Slave Driver's typed errors: what another task answered when it refused a request. */
import { PiwError } from '../../protocols/errors.js';

export type SlaveDriverErrorCode = 'PIW_ERR_ORACLE' | 'PIW_ERR_ORACLE_REPLY' | 'PIW_ERR_FILE_JUGGLER';

export class SlaveDriverError extends PiwError {
  constructor(code: SlaveDriverErrorCode, message: string) {
    super(code, message);
    this.name = 'SlaveDriverError';
  }
}

export const slaveDriverErrors = {
  oracle: (verb: string, text: string) => new SlaveDriverError('PIW_ERR_ORACLE', `the Oracle refused ${verb}: ${text}`),
  oracleReply: (verb: string, issue: string) =>
    new SlaveDriverError('PIW_ERR_ORACLE_REPLY', `the Oracle's answer to ${verb} has the wrong shape: ${issue}`),
  fileJuggler: (verb: string, text: string) =>
    new SlaveDriverError('PIW_ERR_FILE_JUGGLER', `the File Juggler refused ${verb}: ${text}`),
};
