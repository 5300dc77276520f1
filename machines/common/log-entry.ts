/** A log line a machine asks its owner to write (the `log` action every machine names). */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export interface LogEntry {
  level: LogLevel;
  message: string;
  /** The line is about the peer's misbehaviour (a protocol error): its owner may count and summarise those. */
  fault?: boolean;
}
