/** Writes a line a machine logged (its `log` action) to a runtime Logger. */
import type { LogLine } from '../../machines/supervisor/log-line.js';
import type { Logger } from './logger.js';

export function writeLine(log: Logger, line: LogLine): void {
  const method = line.level === 'warning' ? 'warn' : line.level;
  if (line.error === undefined) log[method](line.message);
  else log[method](line.message, line.error);
}
