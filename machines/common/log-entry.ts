/** A log line a machine asks its owner to write (the `log` action every machine names). */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export interface LogEntry {
  level: LogLevel;
  message: string;
}
