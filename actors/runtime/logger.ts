/**
 * A small structured logger shared by the runtime and the tasks: one named logger per task
 * (`master.slave_driver`), lines of `time level name: message`, an optional error appended. Sinks are
 * pluggable so tests can read what was logged and the CLI can choose where lines go.
 *
 * The levels are named as piwheels 0.18's log output names them (DEBUG, INFO, WARNING, ERROR) and as the
 * machines' log entries do; `warn()` is the method that logs at `warning`, as console.warn would.
 */
import type { LogLevel } from '../../machines/common/log-entry.js';

export type { LogLevel };

export interface LogEntry {
  time: Date;
  level: LogLevel;
  name: string;
  message: string;
  error?: unknown;
}

export type LogSink = (entry: LogEntry) => void;

export interface Logger {
  readonly name: string;
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
  /** A logger for a part of this one: `master` → `master.slave_driver`. */
  child(name: string): Logger;
}

export const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40 };

export interface LoggerOptions {
  sink?: LogSink;
  /** The lowest level written; or a function deciding per logger name (for `--debug PATTERN`). */
  level?: LogLevel | ((name: string) => LogLevel);
}

export function formatEntry(entry: LogEntry): string {
  const line = `${entry.time.toISOString()} ${entry.level.toUpperCase()} ${entry.name}: ${entry.message}`;
  if (entry.error === undefined) return line;
  const err = entry.error;
  return `${line}\n${err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)}`;
}

export const stderrSink: LogSink = (entry) => {
  process.stderr.write(`${formatEntry(entry)}\n`);
};

export function createLogger(name: string, opts: LoggerOptions = {}): Logger {
  const sink = opts.sink ?? stderrSink;
  const levelOf = typeof opts.level === 'function' ? opts.level : () => (opts.level as LogLevel | undefined) ?? 'info';
  const min = LEVEL_ORDER[levelOf(name)];
  const write = (level: LogLevel) => (message: string, error?: unknown) => {
    if (LEVEL_ORDER[level] < min) return;
    sink(error === undefined ? { time: new Date(), level, name, message } : { time: new Date(), level, name, message, error });
  };
  return {
    name,
    debug: write('debug'),
    info: write('info'),
    warn: write('warning'),
    error: write('error'),
    child: (sub) => createLogger(`${name}.${sub}`, opts),
  };
}

/** Logs at a level named by a machine's log entry (the `log` action every machine names). */
export function logAt(log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>, level: LogLevel, message: string, error?: unknown): void {
  if (level === 'warning') log.warn(message, error);
  else log[level](message, error);
}

/** A logger that keeps its entries in memory (tests, and anything that shows recent log lines). */
export function memoryLogger(name = 'test', level: LogLevel = 'debug'): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = createLogger(name, { sink: (e) => entries.push(e), level });
  const withEntries = (l: Logger): Logger & { entries: LogEntry[] } => ({
    ...l,
    entries,
    child: (sub) => withEntries(createLogger(`${l.name}.${sub}`, { sink: (e) => entries.push(e), level })),
  });
  return withEntries(logger);
}
