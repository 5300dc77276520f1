/** Machines log through a `log` action with `{ level, message }`; this writes such an entry to a Logger. */
import type { Logger } from '../runtime/logger.js';

export interface MachineLogEntry {
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
}

export function logEntry(log: Logger, entry: MachineLogEntry): void {
  if (entry.level === 'warning') log.warn(entry.message);
  else log[entry.level](entry.message);
}
