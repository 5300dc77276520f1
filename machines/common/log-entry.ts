/** A log line a machine asks its owner to write (the `log` action every machine names). */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export interface LogEntry {
  level: LogLevel;
  message: string;
  /** The line is about the peer's misbehaviour (a protocol error): its owner may count and summarise those. */
  fault?: boolean;
  /** The error the line is about, for the owner's logger to append. */
  error?: unknown;
}

/** An error as the text a log line quotes: its message, or what it is when not an Error. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
