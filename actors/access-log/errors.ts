/** piw-logger's errors, with stable codes. */
import { defineErrors, messageOf, PiwError } from '../../protocols/errors.js';

export class LoggerError extends PiwError {}

export const loggerErrors = defineErrors(LoggerError, {
  format: ['PIW_ERR_LOG_FORMAT', (format: string, problem: string) => `bad log format ${JSON.stringify(format)}: ${problem}`],
  input: ['PIW_ERR_LOG_INPUT', (file: string, cause: unknown) => ({ message: `cannot read ${file}: ${messageOf(cause)}`, cause })],
});
