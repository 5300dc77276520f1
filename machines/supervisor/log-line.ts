/**
 * A log line a task machine (supervisor, task wrapper, Big Brother, Oracle, Scribe scheduler) asks its owner
 * to write through its `log` action: the slave-session's LogEntry, with the error the line is about (its
 * stack goes to the log too).
 */
import type { LogEntry } from '../common/log-entry.js';

export interface LogLine extends LogEntry {
  error?: unknown;
}

/** An error as a log line shows it: its message. */
export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
