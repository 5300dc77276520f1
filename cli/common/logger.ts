/**
 * The commands' logger: the runtime's Logger (actors/runtime/logger.ts) writing timestamped lines to
 * stderr and, with `-l FILE`, appending them to FILE. On the console warnings and errors show by default,
 * `-q` leaves errors only, `-v` adds information; the file gets information and up whatever the console
 * shows, as piwheels 0.18's did. Lines are written synchronously, so nothing is lost when the command exits.
 *
 * Debug lines are made only by loggers whose `level` says so (piw-master's `--debug PATTERN`); `console`
 * then lowers the console's threshold so they show, on the console and in the file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createLogger, formatEntry, LEVEL_ORDER as ORDER, type LogEntry, type Logger, type LogLevel } from '../../actors/runtime/logger.js';
import { ConfigError } from './errors.js';

export interface CliLoggerOptions {
  quiet?: boolean;
  verbose?: boolean;
  logFile?: string | undefined;
  /** Where console lines go (default stderr). */
  write?: (line: string) => void;
  /** The lowest level each logger makes, by name (default: information). */
  level?: LogLevel | ((name: string) => LogLevel);
  /** The console's threshold, when the command decides it rather than -q / -v. */
  console?: LogLevel;
}

export interface CliLogger {
  log: Logger;
  /** The level the console shows. */
  consoleLevel: LogLevel;
  close(): void;
}

export function createCliLogger(name: string, opts: CliLoggerOptions = {}): CliLogger {
  const consoleLevel: LogLevel = opts.console ?? (opts.quiet ? 'error' : opts.verbose ? 'info' : 'warning');
  const fileLevel = ORDER[consoleLevel] < ORDER.info ? ORDER[consoleLevel] : ORDER.info;
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  let fd: number | undefined;
  if (opts.logFile) {
    try {
      fd = openSync(opts.logFile, 'a', 0o644);
    } catch (err) {
      throw new ConfigError(`cannot open log file ${opts.logFile}: ${(err as Error).message}`);
    }
  }
  const sink = (entry: LogEntry) => {
    const line = `${formatEntry(entry)}\n`;
    if (ORDER[entry.level] >= ORDER[consoleLevel]) write(line);
    if (fd !== undefined && ORDER[entry.level] >= fileLevel) writeSync(fd, line);
  };
  return {
    log: createLogger(name, { sink, level: opts.level ?? 'info' }),
    consoleLevel,
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
