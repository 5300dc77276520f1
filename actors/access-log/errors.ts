/** piw-logger's errors, with stable codes. */
import { PiwError } from '../../protocols/errors.js';

export type LoggerErrorCode =
  /** `--format` names a directive piw-logger does not understand, or the format cannot be parsed. */
  | 'PIW_ERR_LOG_FORMAT'
  /** An input file cannot be opened or read. */
  | 'PIW_ERR_LOG_INPUT';

export class LoggerError extends PiwError {
  constructor(code: LoggerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'LoggerError';
  }
}

export const loggerErrors = {
  format: (format: string, problem: string) => new LoggerError('PIW_ERR_LOG_FORMAT', `bad log format ${JSON.stringify(format)}: ${problem}`),
  input: (file: string, cause: unknown) =>
    new LoggerError('PIW_ERR_LOG_INPUT', `cannot read ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }),
};
